"""The layering rule, checked on the source: schemas <- ingest, ocr, normalize <- extract
<- service (which alone wires stages together)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

ALLOWED = {
    "schemas": set(),
    "ingest": {"schemas"},
    "ocr": {"schemas"},
    "normalize": {"schemas"},
    "extract": {"schemas", "normalize"},
    "service": {"schemas", "ingest", "ocr", "normalize", "extract"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_layer_imports_only_downwards(layer: str) -> None:
    others = set(ALLOWED) | {"samples", "bench", "tests"}
    bad = {
        f"{path.relative_to(ROOT)} imports {name}"
        for path in (ROOT / layer).rglob("*.py")
        for name in _imports(path) & (others - ALLOWED[layer] - {layer})
    }
    assert not bad, sorted(bad)


# service/storage/ is the bottom of service/: tables, queries, the database and the blob store.
# It imports nothing else of service/ (what derives from a stored row: rescan links, review
# items, the change feed, is written from above, by service.outcome and service.review).
# Leaf modules it may still import, by full name: none. service.safetext checks text at the
# edges (API, UI, CSV) and service.config reads the environment; storage takes their results
# as arguments (a database URL, a pipeline version, a cleaned value).
STORAGE_MAY_IMPORT: frozenset[str] = frozenset()


def _qualified_imports(source: str, package: str) -> set[str]:
    """Every name a module of ``package`` imports, in full (relative imports resolved;
    ``from service import feed`` counts as ``service.feed``), nested imports included."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join([*parts[: len(parts) - node.level + 1], *([base] if base else [])])
            names.update(f"{base}.{a.name}" for a in node.names)
    return names


def _package(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).parent.parts)


def _outside_storage(name: str) -> bool:
    inside = name == "service.storage" or name.startswith("service.storage.")
    return (name == "service" or name.startswith("service.")) and not inside


def test_storage_is_the_bottom_of_service() -> None:
    files = sorted((ROOT / "service" / "storage").rglob("*.py"))
    assert any(p.parent.name == "versions" for p in files)  # the migrations are checked too
    bad = sorted(
        f"{path.relative_to(ROOT)} imports {name}"
        for path in files
        for name in _qualified_imports(path.read_text(), _package(path))
        if _outside_storage(name) and name not in STORAGE_MAY_IMPORT
    )
    assert not bad, bad


def test_the_storage_guard_sees_every_form_of_import() -> None:
    """The guard's reader on the forms an upward import can take: absolute, ``from service
    import x``, relative, and inside a function (as a migration's data step would)."""
    source = (
        "import service.feed\n"
        "from service import review, storage\n"
        "from .. import places\n"
        "from ..readmodel import read\n"
        "from . import db\n"
        "from .models import Base\n"
        "def f() -> None:\n"
        "    from service.rescans import link\n"
    )
    found = _qualified_imports(source, "service.storage")
    assert {n for n in found if _outside_storage(n)} == {
        "service.feed",
        "service.review",
        "service.places",
        "service.readmodel.read",
        "service.rescans.link",
    }
    assert {"service.storage", "service.storage.db", "service.storage.models.Base"} <= found
