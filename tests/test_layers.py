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
