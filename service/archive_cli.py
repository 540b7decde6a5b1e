"""CLI for archive output: ``sohoa export archive`` and the ``sohoa hoso`` group.

Registered on the main app by :func:`register`, as ops_cli is. Results on stdout (JSON),
messages on stderr; a package whose checksums fail exits 2 (bad input).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import select

from schemas import ErrorKind, SohoaError
from service.cli_base import err, handled, open_db, require, state


def export_archive(doc_id: int | None, batch: int | None) -> dict:
    """The Thông tư 05/2025/TT-BNV export of one document, one batch or every document."""
    from service import archive
    from service.storage.blobs import BlobStore
    from service.storage.models import BatchItemRow, DocumentRow

    db = open_db()
    blobs = BlobStore(state.settings.blobs_dir)
    with db.session() as s:
        stmt = select(DocumentRow).order_by(DocumentRow.id)
        if doc_id is not None:
            stmt = stmt.where(DocumentRow.id == doc_id)
        if batch is not None:
            ids = select(BatchItemRow.document_id).where(BatchItemRow.batch_id == batch)
            stmt = stmt.where(DocumentRow.id.in_(ids))
        docs = list(s.scalars(stmt))
        if (doc_id is not None or batch is not None) and not docs:
            raise SohoaError(ErrorKind.BAD_INPUT, "no such document or batch")
        return archive.export([archive.document_data(d, blobs.path(d.sha256)) for d in docs])


def register(app: typer.Typer) -> None:
    """Add the ``hoso`` group to the app."""
    from service import hoso
    from service.storage.blobs import BlobStore
    from service.storage.models import HoSoRow

    hoso_app = typer.Typer(help="Hồ sơ: documents grouped into an archival file, and its "
                           "transfer package.", no_args_is_help=True)  # fmt: skip
    app.add_typer(hoso_app, name="hoso")

    def _blobs() -> BlobStore:
        return BlobStore(state.settings.blobs_dir)

    def _print(data: dict) -> None:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=1) + "\n")

    @hoso_app.command("set")
    @handled
    def set_cmd(
        code: Annotated[str, typer.Argument(help="Mã hồ sơ (created if new).")],
        title: Annotated[str | None, typer.Option("--title", help="Tiêu đề hồ sơ.")] = None,
        retention: Annotated[
            str | None, typer.Option("--retention", help="Thời hạn bảo quản, e.g. 'Vĩnh viễn'.")
        ] = None,
        sheets: Annotated[int | None, typer.Option("--sheets", help="Số lượng tờ.")] = None,
        docs: Annotated[
            list[int] | None, typer.Option("--doc", help="Document id, in order; repeat.")
        ] = None,
        field: Annotated[
            list[str] | None, typer.Option("--field", help="Other field: name=value; repeat.")
        ] = None,
    ) -> None:
        """Create or change a hồ sơ; prints its archival data."""
        extra = dict(f.split("=", 1) for f in field or [] if "=" in f)
        if field and len(extra) != len(field):
            raise SohoaError(ErrorKind.BAD_INPUT, "--field takes name=value")
        db = open_db()
        with db.session() as s:
            row = s.scalar(select(HoSoRow).where(HoSoRow.code == code.strip()))
            changes = hoso.HoSoIn(
                code=code if row is None else None,
                title=title,
                retention=retention,
                sheets=sheets,
                data=extra or None,
                documents=docs,
            )
            row = hoso.save(s, changes, row)
            _print(hoso.data_of(row, _blobs()))

    @hoso_app.command("show")
    @handled
    def show_cmd(code: str) -> None:
        """Print a hồ sơ's archival data and its documents'."""
        db = open_db()
        with db.session() as s:
            row = s.scalar(select(HoSoRow).where(HoSoRow.code == code))
            if row is None:
                raise SohoaError(ErrorKind.BAD_INPUT, f"no hồ sơ {code}")
            _print(hoso.data_of(row, _blobs()))

    @hoso_app.command("package")
    @handled
    def package_cmd(
        code: str,
        output: Annotated[Path, typer.Option("-o", "--output", help="The zip to write.")],
    ) -> None:
        """Write the hồ sơ's transfer package (BagIt zip, PDF/A files, sha256 manifest)."""
        db = open_db()
        with db.session() as s:
            row = s.scalar(select(HoSoRow).where(HoSoRow.code == code))
            if row is None:
                raise SohoaError(ErrorKind.BAD_INPUT, f"no hồ sơ {code}")
            hoso.write_package(s, row, _blobs(), output)
        err.print(f"wrote {output}")

    @hoso_app.command("verify")
    @handled
    def verify_cmd(package: Path) -> None:
        """Check every checksum of a package; exit 2 if any fails."""
        problems = hoso.verify_package(require(package))
        for p in problems:
            err.print(p)
        if problems:
            raise SohoaError(ErrorKind.BAD_INPUT, f"{len(problems)} problem(s) in {package}")
        err.print(f"{package}: every checksum verified")

    @hoso_app.command("import")
    @handled
    def import_cmd(package: Path) -> None:
        """Verify a package, then add its documents and its hồ sơ to this archive."""
        db = open_db()
        new_id = hoso.import_package(db, _blobs(), require(package))
        with db.session() as s:
            row = s.get(HoSoRow, new_id)
            if row is None:
                raise SohoaError(ErrorKind.INTERNAL, f"imported hồ sơ {new_id} not found")
            _print(hoso.data_of(row))
