"""The `sohoa` command. Results go to stdout (JSON where asked); progress and logs to stderr.

Exit codes (README): 0 ok, 1 bad arguments, 2 bad input file, 3 missing dependency,
5 file access, 8 encrypted, 9 limits exceeded, 10 batch finished with failures, 15 bug.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

import ingest
from normalize import repair
from normalize.keys import parse_query
from schemas import Document, ErrorKind, ExitCode, Record, SohoaError
from schemas.files import use_artefact_cache
from service import (
    archive,
    archive_cli,
    auth,
    backup,
    batches,
    exports,
    logs,
    ops_cli,
    rescans,
    watch,
    worker,
)
from service.batches import queue
from service.batches.queue import BatchState, ItemOutcome, ItemState
from service.cli_base import err, handled, open_db, out, require, state
from service.config import Settings
from service.pipeline import Pipeline, record_json
from service.storage import repo
from service.storage.blobs import BlobStore
from service.storage.db import Database

app = typer.Typer(
    help="sohoa: Vietnamese administrative archives to searchable text and records.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
token_app = typer.Typer(help="Manage API tokens.", no_args_is_help=True)
app.add_typer(token_app, name="token")
batch_app = typer.Typer(help="Batches: what became of each file, retry failures.",
                        no_args_is_help=True)  # fmt: skip
app.add_typer(batch_app, name="batch")


@app.callback()
def main_options(
    data: Annotated[
        Path | None,
        typer.Option("--data", envvar="SOHOA_DATA", help="Data directory (default ./sohoa-data)."),
    ] = None,
    verbose: Annotated[
        int,
        typer.Option(
            "--verbose",
            "-v",
            count=True,
            help="Log to stderr: -v what happens to each document, -vv each page's detail.",
        ),
    ] = 0,
) -> None:
    logs.configure(logs.level_for(verbose))
    try:
        state.settings = Settings.from_env(data)
    except ValueError as e:  # a SOHOA_* variable that does not parse
        err.print(f"[red]sohoa: bad setting:[/red] {e}")
        raise typer.Exit(int(ExitCode.BAD_ARGS)) from None
    use_artefact_cache(state.settings.artefact_cache)


def _load(file: Path) -> Document:
    pipe = Pipeline(state.settings)
    try:
        return pipe.load_document(require(file))
    finally:
        pipe.close()


@app.command()
@handled
def text(file: Path) -> None:
    """Print the document's text (pages separated by a form feed)."""
    sys.stdout.write(_load(file).text + "\n")


@app.command("extract")
@handled
def extract_cmd(file: Path) -> None:
    """Print the document's record as JSON."""
    pipe = Pipeline(state.settings)
    try:
        outcome = pipe.process(require(file))
    finally:
        pipe.close()
    _, record = outcome.result()
    sys.stdout.write(record_json(record) + "\n")


@app.command("repair")
@handled
def repair_cmd(file: Annotated[str, typer.Argument(help="A text file, or - for stdin.")]) -> None:
    """Print a repaired version of text damaged by English OCR, one line out per line in."""
    if file == "-":
        raw = sys.stdin.buffer.read().decode("utf-8", errors="replace")
    else:
        pages = ingest.inspect(require(Path(file)), state.settings.limits).pages
        raw = "\f".join(p.text for p in pages)
    model = repair.load_model(
        state.settings.models_dir if state.settings.models_dir.exists() else None
    )
    sys.stdout.write(model.repair(raw).text + ("" if raw.endswith("\n") else "\n"))


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    )


class _Bars:
    """Files and pages bars with ETA; pages' total grows as files are opened."""

    def __init__(self, bar: Progress, files: int) -> None:
        self.bar = bar
        self.files = bar.add_task("files", total=files)
        self.pages = bar.add_task("pages", total=None)
        self.seen: dict[str, int] = {}

    def page(self, path: str, done: int, total: int) -> None:
        if path not in self.seen:
            t = self.bar.tasks[self.pages].total or 0
            self.bar.update(self.pages, total=t + total)
        self.bar.advance(self.pages, done - self.seen.get(path, 0))
        self.seen[path] = done

    def items(self, items: list) -> None:
        """From a snapshot of the batch (Celery mode: other processes do the work)."""
        self.bar.update(self.files, completed=sum(batches.is_finished([i]) for i in items))
        self.bar.update(
            self.pages,
            total=sum(i.pages_total for i in items) or None,
            completed=sum(i.pages_done for i in items),
        )


def _run_batch(db: Database, blobs: BlobStore, item_ids: list[int], files: int) -> None:
    """Work items to the end: here, or on Celery workers if configured (then wait for them).

    Raises worker.NoWorker when a broker is configured and no live worker consumes the queue.
    """
    with _progress() as bar:
        bars = _Bars(bar, files)
        settings = state.settings
        if settings.broker_url:
            batches.requeue_orphans(db, None, settings.lease_s)
            todo = set(batches.open_item_ids(db))
            n = worker.dispatch(settings, db, [i for i in item_ids if i in todo])
            err.print(f"sent {n} item(s) to {settings.broker_url.split('@')[-1]}")
            worker.wait(db, item_ids, bars.items, settings=settings)
            return
        pipe = Pipeline(settings)
        try:
            done = lambda item, st: bar.advance(bars.files)  # noqa: E731
            for batch_id in sorted({i.batch_id for i in queue.items(db, item_ids)}):
                batches.run_queued(db, pipe, blobs, batch_id, bars.page, done, wait_retries=True)
        finally:
            pipe.close()


def _run_or_report(db: Database, blobs: BlobStore, item_ids: list[int], files: int) -> None:
    """Run items; with no live worker say so at once (the items stay queued)."""
    try:
        _run_batch(db, blobs, item_ids, files)
    except worker.NoWorker as e:
        err.print(
            f"[red]{e}[/red]: the files wait in the queue; start `sohoa worker` "
            "(same SOHOA_BROKER_URL, database and data dir), then `sohoa resume` waits for them"
        )
    except TimeoutError as e:
        err.print(f"[red]{e}[/red]")


@app.command("ingest")
@handled
def ingest_cmd(
    paths: Annotated[list[Path], typer.Argument(help="Files, folders or .zip archives.")],
) -> None:
    """Store documents and their records as one batch; prints what became of each file.

    Interrupted (even kill -9)? Run `sohoa resume`: nothing is lost or stored twice.
    Exit 0: all stored; 10: some failed; 11: some not finished (no live worker ...).
    """
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise FileNotFoundError(2, "no such file", str(missing[0]))
    files = batches.iter_files(paths)
    db = open_db()
    blobs = BlobStore(state.settings.blobs_dir)
    batch_id = batches.create_batch(
        db, blobs, files, " ".join(map(str, paths)),
        max_file_bytes=state.settings.limits.max_file_bytes,
        caps=batches.ZipCaps.of(state.settings), lease_s=state.settings.lease_s,
    )  # fmt: skip
    err.print(f"batch {batch_id}: {len(files)} file(s)")
    items = batches.batch_items(db, batch_id)
    _run_or_report(db, blobs, [i.id for i in items], len(items))
    _finish_batch(db, batch_id)


def _finish_batch(db: Database, batch_id: int) -> None:
    """Print the batch table; exit 11 if some are unfinished, 10 if some failed (a lone
    file: its own exit code)."""
    rows = batches.report(db, batch_id)
    _print_batch(db, batch_id, rows)
    failed = [r for r in rows if r.state == ItemState.FAILED]
    if not all(r.finished for r in rows):
        raise typer.Exit(int(ExitCode.UNFINISHED))
    if len(rows) == 1 and failed:
        raise typer.Exit(failed[0].exit_code)
    if failed:
        raise typer.Exit(int(ExitCode.PARTIAL))


def _print_batch(
    db: Database, batch_id: int, rows: list[batches.ReportRow], shown: list | None = None
) -> None:
    """The table of ``shown`` rows (default all) and the counts of all ``rows``."""
    table = Table(title=f"batch {batch_id}", show_lines=False)
    for col in ("file", "state", "number", "tries", "detail"):
        table.add_column(col, overflow="fold")
    for r in rows if shown is None else shown:
        detail = f"{r.error_kind}: {r.error} (exit {r.exit_code})" if r.error_kind else ""
        table.add_row(r.file, r.label, r.number, str(r.attempts), detail)
    out.print(table)
    out.print(_counts_line(rows))
    if note := batches.interrupted_note(db, batch_id):
        err.print(note)


def _counts_line(rows: list[batches.ReportRow]) -> str:
    kinds = (ItemOutcome.STORED, ItemOutcome.KNOWN, ItemState.FAILED)
    count = {k: sum(r.state == k for r in rows) for k in kinds}
    rest = sum(not r.finished for r in rows)
    return (
        f"done: {count[ItemOutcome.STORED]}  already known: {count[ItemOutcome.KNOWN]}  "
        f"failed: {count[ItemState.FAILED]}" + (f"  not finished: {rest}" if rest else "")
    )


@batch_app.command("show")
@handled
def batch_show(
    batch_id: int,
    as_csv: Annotated[bool, typer.Option("--csv", help="CSV on stdout (UTF-8 with BOM).")] = False,
    failed: Annotated[bool, typer.Option("--failed", help="Only the failed files.")] = False,
) -> None:
    """What became of each file of a batch: table, or CSV with error kind and exit code."""
    db = open_db()
    rows = batches.report(db, batch_id)
    if not rows:
        err.print(f"no batch {batch_id}")
        raise typer.Exit(int(ExitCode.BAD_ARGS))
    if as_csv:
        sys.stdout.writelines(batches.report_csv(rows, failed_only=failed))
        return
    shown = [r for r in rows if r.state == ItemState.FAILED] if failed else None
    _print_batch(db, batch_id, rows, shown)


@batch_app.command("list")
@handled
def batch_list(limit: int = 20) -> None:
    """Recent batches with their counts per state (a stopped runner's items count as queued)."""
    table = Table()
    for col in ("id", "created", *ItemState, "source"):
        table.add_column(col, overflow="fold")
    for b in batches.list_batches(open_db(), limit, state.settings.lease_s):
        received = b["state"] == BatchState.RECEIVED
        source = b["source"] + ("" if received else f" ({b['state']})")
        table.add_row(
            str(b["id"]), b["created_at"].strftime("%Y-%m-%d %H:%M"),
            *(str(b.get(k, 0)) for k in ItemState), source,
        )  # fmt: skip
    out.print(table)


@batch_app.command("retry")
@handled
def batch_retry(batch_id: int) -> None:
    """Queue a batch's failed files again and process them (after fixing a limit, say)."""
    db = open_db()
    n = batches.retry_failed(db, batch_id)
    err.print(f"batch {batch_id}: {n} failed file(s) queued again")
    _run_or_report(db, BlobStore(state.settings.blobs_dir), batches.open_item_ids(db, batch_id), n)
    _finish_batch(db, batch_id)


@app.command()
@handled
def resume() -> None:
    """Finish every interrupted batch: close batches a crash left receiving, take back files
    a stopped process held, process the rest, and report each batch.

    Exit 0: all finished; 10: some of them failed; 11: some still not finished.
    """
    db = open_db()
    blobs = BlobStore(state.settings.blobs_dir)
    batches.recover_receiving(db, state.settings.lease_s)
    batches.sweep(db, blobs, state.settings.sweep_grace_s)
    batches.requeue_orphans(db, None, state.settings.lease_s)
    open_ids = batches.open_item_ids(db)
    err.print(f"{len(open_ids)} file(s) to finish")
    if open_ids:
        _run_or_report(db, blobs, open_ids, len(open_ids))
    rows = batches.rows_of(db, queue.items(db, open_ids))
    for batch_id in sorted({i.batch_id for i in queue.items(db, open_ids)}):
        out.print(f"batch {batch_id}: " + _counts_line(batches.report(db, batch_id)))
        if note := batches.interrupted_note(db, batch_id):
            err.print(note)
    for r in rows:
        if not r.finished:
            err.print(f"not finished: {r.file} ({r.label})")
    if not all(r.finished for r in rows):
        raise typer.Exit(int(ExitCode.UNFINISHED))
    if any(r.state == ItemState.FAILED for r in rows):
        raise typer.Exit(int(ExitCode.PARTIAL))


@app.command("worker")
@handled
def worker_cmd(
    concurrency: Annotated[
        int,
        typer.Option(
            help="OCR processes (default SOHOA_WORKERS, else the cores no other worker here holds)."
        ),
    ] = 0,
    name: Annotated[
        str, typer.Option(help="Celery node name, unique per broker (default sohoa-PID@host).")
    ] = "",
) -> None:
    """Run a Celery worker (needs SOHOA_BROKER_URL, a shared database and data directory).

    Exit 0 when stopped (SIGTERM, Ctrl-C); 12 when it stops on a fatal error. A worker is a
    service: its log is its output, so sohoa's INFO lines (the OCR processes it took, what it
    stored) show without -v, beside Celery's own.
    """
    logs.configure(min(logs.current_level(), logs.level_for(1)))
    if not state.settings.broker_url:
        raise SohoaError(
            ErrorKind.BAD_INPUT,
            "set SOHOA_BROKER_URL (redis://127.0.0.1:6379/0 or amqp://guest:guest@127.0.0.1:5672//)",
        )
    db = open_db()
    batches.recover_receiving(db, state.settings.lease_s)
    if not concurrency and state.settings.workers:  # SOHOA_WORKERS set for this machine
        concurrency = state.settings.workers
    code = worker.run_celery_worker(state.settings, concurrency, name=name)
    if code:
        err.print(f"[red]the worker stopped on a fatal error (celery exit {code})[/red]")
        raise typer.Exit(int(ExitCode.WORKER_FAILED))


def _hit_json(hit: repo.Hit, scans: list | None = None) -> dict:
    d = hit.document
    return {
        "id": d.id,
        "file": d.filename,
        "number": d.number,
        "doc_type": d.doc_type,
        "date": d.doc_date,
        "issuer": d.issuer,
        "title": d.title,
        "snippet": hit.snippet or None,
        "citations": [{"key": c.key, "partial": c.partial, "text": c.text} for c in hit.citations],
        "rescans": [{"id": r.id, "file": r.filename} for r in scans or []],
    }


@app.command()
@handled
def search(
    cites: Annotated[
        str | None, typer.Option(help='Documents citing a key, e.g. "QĐ 677".')
    ] = None,
    q: Annotated[str | None, typer.Option("--q", help="Words, with or without diacritics.")] = None,
    doc_type: Annotated[str | None, typer.Option("--type")] = None,
    issuer: Annotated[str | None, typer.Option()] = None,
    date_from: Annotated[str | None, typer.Option("--from")] = None,
    date_to: Annotated[str | None, typer.Option("--to")] = None,
    place: Annotated[
        str | None, typer.Option(help="A province/district/commune, former names included.")
    ] = None,
    limit: int = 50,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """List stored documents citing a key and/or matching words."""
    if not (cites or q or place):  # bad arguments (1), not a bad input file (2)
        err.print("give --cites KEY, --q TEXT and/or --place")
        raise typer.Exit(int(ExitCode.BAD_ARGS))
    db = open_db()
    filters = repo.Filters(doc_type, issuer, date_from, date_to, place=place)
    with db.session() as s:
        found = repo.search(s, q, parse_query(cites) if cites else None, filters, limit)
        hits, keys = found.hits, [c.key for c in found.candidates]
        scans = rescans.members(s, [h.document.id for h in hits])
        result = [_hit_json(h, scans.get(h.document.id)) for h in hits]
    if as_json:
        sys.stdout.write(
            json.dumps({"keys": keys, "results": result}, ensure_ascii=False, indent=2) + "\n"
        )
        return
    if cites and len(keys) > 1:
        err.print(f"matches several keys: {', '.join(keys)}")
    table = Table()
    for col in ("id", "number", "date", "type", "file", "matched"):
        table.add_column(col, overflow="fold")
    for r in result:
        matched = (
            ", ".join(c["key"] + (" (partial)" if c["partial"] else "") for c in r["citations"])
            or (r["snippet"] or "")[:80]
        )
        table.add_row(
            str(r["id"]),
            r["number"] or "",
            r["date"] or "",
            r["doc_type"] or "",
            Path(r["file"]).name,
            matched,
        )
    out.print(table)
    out.print(f"{len(result)} document(s)")


@app.command("ocr")
@handled
def ocr_cmd(
    file: Path,
    output: Annotated[Path, typer.Option("-o", "--output", help="Searchable PDF to write.")],
) -> None:
    """Write a searchable PDF/A-1b (TCVN 14159-1:2024): the page images with an invisible
    text layer, described in XMP by the document's record (trích yếu, số, ngày, cơ quan)."""
    pipe = Pipeline(state.settings)
    try:
        outcome = pipe.process(require(file))
    finally:
        pipe.close()
    document, record = outcome.result()
    if document.source.kind.value == "text":
        raise SohoaError(ErrorKind.BAD_INPUT, f"{file.name}: a text file has no page images")
    head = record.doc.model_dump(mode="json")
    archive.write_pdf(file, document.source.mime, document.pages, head, output)
    err.print(f"wrote {output} (PDF/A-1b, validated)")


@app.command("export")
@handled
def export_cmd(
    what: Annotated[
        str, typer.Argument(help="documents | citations | figures | archive")
    ] = "documents",
    fmt: Annotated[str, typer.Option("--format", help="csv | ndjson")] = "ndjson",
    doc: Annotated[int | None, typer.Option("--doc", help="archive: one document.")] = None,
    batch: Annotated[int | None, typer.Option("--batch", help="archive: one batch.")] = None,
) -> None:
    """Export the archive's records as CSV (UTF-8 with BOM) or NDJSON on stdout; ``archive``
    prints the Thông tư 05/2025/TT-BNV data as JSON (schema: service/archive.schema.json)."""
    if what == "archive":
        data = archive_cli.export_archive(doc, batch)
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=1) + "\n")
        return
    if what not in exports.KINDS or fmt not in ("csv", "ndjson"):
        raise SohoaError(
            ErrorKind.BAD_INPUT, "export documents|citations|figures --format csv|ndjson"
        )
    db = open_db()
    lines = exports.csv_lines(db, what) if fmt == "csv" else exports.ndjson(db, what)
    for line in lines:
        sys.stdout.write(line)


@app.command("watch")
@handled
def watch_cmd(
    folder: Path,
    once: Annotated[bool, typer.Option(help="Stop when the folder is empty.")] = False,
    settle: Annotated[float, typer.Option(help="Seconds a file must stay unchanged.")] = 5.0,
    interval: Annotated[float, typer.Option(help="Seconds between scans.")] = 2.0,
) -> None:
    """Ingest files dropped into a folder; move them to .done/ or .failed/ afterwards."""
    require(folder)
    pipe = Pipeline(state.settings)
    err.print(f"watching {folder} (Ctrl-C to stop)")
    try:
        total = watch.watch(
            open_db(), pipe, BlobStore(state.settings.blobs_dir), folder, interval, settle, once
        )
    finally:
        pipe.close()
    out.print(f"done: {total.done}  already known: {total.known}  failed: {total.failed}")


@app.command("backup")
@handled
def backup_cmd(dest: Path) -> None:
    """Back up the whole archive (database, originals, models, OCR cache) into a new folder."""
    manifest = backup.backup(state.settings, dest)
    out.print(
        f"backed up {manifest['counts']['documents']} documents, "
        f"{len(manifest['files'])} files to {dest}"
    )


@app.command("restore")
@handled
def restore_cmd(src: Path) -> None:
    """Restore a backup into an empty data dir (checks every file against the manifest)."""
    manifest = backup.restore(src, state.settings)
    out.print(
        f"restored {manifest['counts']['documents']} documents into {state.settings.data_dir}"
    )


@app.command()
def schema() -> None:
    """Print the JSON Schema of the record."""
    sys.stdout.write(json.dumps(Record.model_json_schema(), ensure_ascii=False, indent=2) + "\n")


@token_app.command("create")
@handled
def token_create(name: str, role: Annotated[str, typer.Option()] = "reader") -> None:
    """Create a token (reader | archivist | admin) and print it once."""
    try:
        sys.stdout.write(auth.create_token(open_db(), name, role) + "\n")
    except ValueError as e:
        raise SohoaError(ErrorKind.BAD_INPUT, str(e)) from None


@token_app.command("list")
def token_list() -> None:
    """List tokens (never their values)."""
    table = Table()
    for col in ("id", "name", "role", "created", "last used", "revoked"):
        table.add_column(col)
    for t in auth.list_tokens(open_db()):
        table.add_row(
            str(t.id),
            t.name,
            t.role,
            t.created_at.isoformat(timespec="seconds"),
            t.last_used.isoformat(timespec="minutes") if t.last_used else "",
            "yes" if t.revoked else "",
        )
    out.print(table)


@token_app.command("revoke")
def token_revoke(token_id: int) -> None:
    """Revoke a token by id (never the last admin token)."""
    try:
        found = auth.revoke(open_db(), token_id)
    except auth.LastAdminError as e:
        err.print(str(e))
        raise typer.Exit(int(ExitCode.BAD_ARGS)) from None
    if not found:
        err.print(f"no token {token_id}")
        raise typer.Exit(int(ExitCode.BAD_ARGS))


@app.command()
@handled
def serve(host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the API and the web UI."""
    import uvicorn

    from service.api.app import create_app

    db = open_db()
    token = auth.ensure_admin_token(db, state.settings.data_dir)
    if token:
        err.print(
            f"[bold]admin token (first start, also in {state.settings.data_dir}/admin-token):"
            f"[/bold] {token}"
        )
    err.print(f"serving on http://{host}:{port}  (Ctrl-C to stop)")
    uvicorn.run(create_app(state.settings), host=host, port=port, log_level="warning")


ops_cli.register(app)
archive_cli.register(app)


def _usage_error(exc: BaseException | None) -> bool:
    """Whether the parser refused the command line (unknown option or command, a missing
    or malformed value): Click's usage errors carry exit code 2 and can show themselves;
    typer.Exit, which commands raise with their own codes, cannot."""
    return getattr(exc, "exit_code", None) == 2 and hasattr(exc, "show")


def main() -> None:
    """Run the CLI; the parser's usage errors exit 1 (bad arguments), as documented, not
    Click's 2, which here means a bad input file."""
    try:
        app()
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
    except SystemExit as done:  # raised inside the handler of what ended the run
        if done.code == 2 and _usage_error(done.__context__):
            sys.exit(int(ExitCode.BAD_ARGS))
        raise
