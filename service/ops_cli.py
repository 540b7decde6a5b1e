"""CLI commands for running an archive: delete, trash, reprocess, change feed.

Registered on the main ``sohoa`` app by :func:`register` (kept apart from cli.py so the
commands of each area stay in their own module)."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.table import Table

from schemas import ErrorKind, SohoaError
from service.cli_base import err, handled, open_db, out, state


def register(app: typer.Typer) -> None:
    """Add ``delete``, ``reprocess``, ``changes`` and the ``trash`` group to the app."""
    from service import feed, lifecycle
    from service.pipeline import Pipeline

    trash_app = typer.Typer(help="Deleted originals, kept SOHOA_TRASH_DAYS days.",
                            no_args_is_help=True)  # fmt: skip
    app.add_typer(trash_app, name="trash")

    @app.command("delete")
    @handled
    def delete_cmd(
        ids: Annotated[list[int], typer.Argument(help="Document ids.")],
        who: Annotated[
            str, typer.Option("--by", help="Who deletes (kept in the trash note).")
        ] = "cli",
    ) -> None:
        """Delete documents: rows, citations, index entries, derived files; originals to trash."""
        db = open_db()
        for doc_id in ids:
            note = lifecycle.delete(state.settings, db, doc_id, who)
            out.print(f"deleted {doc_id} ({note['filename']}); original kept in the trash")

    @app.command("reprocess")
    @handled
    def reprocess_cmd(
        ids: Annotated[list[int] | None, typer.Argument(help="Document ids.")] = None,
        every: Annotated[bool, typer.Option("--all", help="Every document.")] = False,
        doc_type: Annotated[str | None, typer.Option("--type", help="Documents of a type.")] = None,
        outdated: Annotated[
            bool, typer.Option("--outdated", help="Documents made by older stage versions.")
        ] = False,
    ) -> None:
        """Run stored originals through the current pipeline again (OCR reused unless the OCR
        stage changed; corrections kept)."""
        db = open_db()
        chosen = lifecycle.select_ids(db, ids, every, doc_type, outdated)
        err.print(f"{len(chosen)} document(s) to reprocess")
        pipe = Pipeline(state.settings)
        try:
            summary = lifecycle.reprocess(state.settings, db, pipe, chosen)
        finally:
            pipe.close()
        for doc_id, why in summary.failed.items():
            err.print(f"[red]{doc_id}:[/red] {why}")
        out.print(f"reprocessed: {len(summary.updated)}  failed: {len(summary.failed)}")
        if summary.failed:
            raise typer.Exit(10)

    @app.command("changes")
    @handled
    def changes_cmd(
        since: Annotated[int, typer.Option(help="Cursor: the last event already seen.")] = 0,
        limit: Annotated[int, typer.Option(help="At most this many events (0: all).")] = 0,
    ) -> None:
        """Print the change feed after a cursor as NDJSON (one event per line, oldest first)."""
        db = open_db()
        with db.session() as s:
            events = feed.changes(s, since, limit)[0] if limit > 0 else feed.iter_changes(s, since)
            for event in events:
                sys.stdout.write(json.dumps(event, ensure_ascii=False) + "\n")

    @app.command("place")
    @handled
    def place_cmd(name: str) -> None:
        """A place name across the 2025 reorganisation: what it is now, what it was."""
        from normalize import places

        def show(title: str, units: list) -> None:
            out.print(f"[bold]{title}[/bold]")
            for u in units:
                where = ", ".join(x for x in (u.district, u.province) if x and x != u.short)
                era = "now" if u.current else "before 7/2025"
                out.print(f"  {u.name}" + (f" ({where})" if where else "") + f" · {era}")

        units = places.find(name)
        if not units:
            raise SohoaError(ErrorKind.BAD_INPUT, f"no administrative unit named {name!r}")
        show("named", units)
        show("now part of", places.to_current(name))
        show("formed from", places.to_former(name))

    @trash_app.command("list")
    @handled
    def trash_list_cmd() -> None:
        """Trashed originals with who deleted them and when."""
        table = Table()
        for col in ("sha256", "file", "deleted", "by"):
            table.add_column(col, overflow="fold")
        for e in lifecycle.trash_list(state.settings):
            table.add_row(e.sha256[:12], e.filename, e.deleted_at.isoformat(), e.deleted_by)
        out.print(table)

    @trash_app.command("restore")
    @handled
    def trash_restore_cmd(
        sha: Annotated[str, typer.Argument(help="The sha256 (or its start) of the original.")],
    ) -> None:
        """Undo a deletion: re-ingest the original and re-apply its human corrections."""
        pipe = Pipeline(state.settings)
        try:
            doc_id = lifecycle.trash_restore(state.settings, open_db(), pipe, sha)
        finally:
            pipe.close()
        out.print(f"restored as document {doc_id}")

    @trash_app.command("purge")
    @handled
    def trash_purge_cmd(
        days: Annotated[
            float | None,
            typer.Option(help="Keep deletions younger than this (default SOHOA_TRASH_DAYS)."),
        ] = None,
    ) -> None:
        """Remove trashed originals kept longer than the retention time."""
        gone = lifecycle.trash_purge(state.settings, days)
        out.print(f"purged {len(gone)} original(s)")
