"""The `sohoa` command. Results go to stdout (JSON where asked); progress and logs to stderr.

Exit codes (README): 0 ok, 1 bad arguments, 2 bad input file, 3 missing dependency,
5 file access, 8 encrypted, 9 limits exceeded, 10 batch finished with failures, 15 bug.
"""

from __future__ import annotations

import json
import logging
import sys
from functools import wraps
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

import ingest
import ocr
from normalize import repair
from normalize.keys import parse_query
from schemas import Document, ErrorKind, ExitCode, Record, SohoaError
from service import auth, backup, exports, jobs
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
err = Console(stderr=True, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)


class State:
    settings: Settings


state = State()


def handled(fn):
    """Expected failures print one clear line on stderr and exit with their typed code."""

    @wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except SohoaError as e:
            err.print(f"[red]sohoa: {e.kind.value}:[/red] {e.message}")
            raise typer.Exit(int(e.exit_code)) from None
        except FileNotFoundError as e:
            err.print(f"[red]sohoa: file access:[/red] {e.filename}: no such file")
            raise typer.Exit(int(ExitCode.FILE_ACCESS)) from None
        except PermissionError as e:
            err.print(f"[red]sohoa: file access:[/red] {e.filename}: permission denied")
            raise typer.Exit(int(ExitCode.FILE_ACCESS)) from None
        except (typer.Exit, KeyboardInterrupt):
            raise
        except Exception as e:  # a bug: one line for the user, the traceback with -v
            logging.getLogger("sohoa").debug("internal error", exc_info=True)
            err.print(f"[red]sohoa: internal error:[/red] {type(e).__name__}: {e} (run with -v)")
            raise typer.Exit(int(ExitCode.INTERNAL)) from None

    return wrapper


@app.callback()
def main_options(
    data: Annotated[
        Path | None,
        typer.Option("--data", envvar="SOHOA_DATA", help="Data directory (default ./sohoa-data)."),
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log to stderr.")] = False,
) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        stream=sys.stderr,
        format="%(levelname)s %(name)s: %(message)s",
    )
    state.settings = Settings.from_env(data)


def _open_db() -> Database:
    state.settings.data_dir.mkdir(parents=True, exist_ok=True)
    return Database(state.settings.database_url)


def _require(file: Path) -> Path:
    if not file.exists():
        raise FileNotFoundError(2, "no such file", str(file))
    return file


def _load(file: Path) -> Document:
    pipe = Pipeline(state.settings)
    try:
        return pipe.load_document(_require(file))
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
        outcome = pipe.process(_require(file))
    finally:
        pipe.close()
    if outcome.error:
        raise outcome.error
    sys.stdout.write(record_json(outcome.record) + "\n")


@app.command("repair")
@handled
def repair_cmd(file: Annotated[str, typer.Argument(help="A text file, or - for stdin.")]) -> None:
    """Print a repaired version of text damaged by English OCR, one line out per line in."""
    if file == "-":
        raw = sys.stdin.buffer.read().decode("utf-8", errors="replace")
    else:
        pages = ingest.inspect(_require(Path(file)), state.settings.limits).pages
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


@app.command("ingest")
@handled
def ingest_cmd(paths: Annotated[list[Path], typer.Argument(help="Files or folders.")]) -> None:
    """Store documents and their records; prints a summary of done / known / failed."""
    files = jobs.iter_files(paths)
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise FileNotFoundError(2, "no such file", str(missing[0]))
    db = _open_db()
    blobs = BlobStore(state.settings.blobs_dir)
    batch_id = jobs.create_batch(db, blobs, files, source=" ".join(map(str, paths)))
    pipe = Pipeline(state.settings)
    try:
        with _progress() as bar:
            task = bar.add_task("files", total=len(files))
            jobs.run_queued(db, pipe, blobs, batch_id, on_item=lambda item, st: bar.advance(task))
    finally:
        pipe.close()
    items = jobs.batch_items(db, batch_id)
    _print_batch(batch_id, items)
    if any(i.state == "failed" for i in items):
        raise typer.Exit(int(ExitCode.PARTIAL))


def _print_batch(batch_id: int, items: list) -> None:
    counts = {"stored": 0, "known": 0, "failed": 0}
    table = Table(title=f"batch {batch_id}", show_lines=False)
    for col in ("file", "state", "number", "detail"):
        table.add_column(col, overflow="fold")
    db = _open_db()
    with db.session() as s:
        for i in items:
            key = "failed" if i.state == "failed" else (i.outcome or "stored")
            counts[key] = counts.get(key, 0) + 1
            number = ""
            if i.document_id:
                doc = s.get(repo.DocumentRow, i.document_id)
                number = doc.number or "" if doc else ""
            detail = f"{i.error_kind}: {i.error}" if i.state == "failed" else ""
            table.add_row(Path(i.filename).name, key, number, detail)
    out.print(table)
    out.print(
        f"done: {counts['stored']}  already known: {counts['known']}  failed: {counts['failed']}"
    )


def _hit_json(hit: repo.Hit) -> dict:
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
    limit: int = 50,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """List stored documents citing a key and/or matching words."""
    if not (cites or q):
        raise SohoaError(ErrorKind.BAD_INPUT, "give --cites KEY and/or --q TEXT")
    db = _open_db()
    filters = repo.Filters(doc_type, issuer, date_from, date_to)
    with db.session() as s:
        if cites:
            kq = parse_query(cites)
            hits = repo.citing(s, kq, filters, limit)
            keys = repo.cited_keys(s, kq)
            if q:
                text_ids = {h.document.id for h in repo.fulltext(s, q, filters, 10_000)}
                hits = [h for h in hits if h.document.id in text_ids]
        else:
            keys, hits = [], repo.fulltext(s, q, filters, limit)
        result = [_hit_json(h) for h in hits]
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
    """Write a searchable PDF: the original page images with an invisible text layer."""
    doc = _load(file)
    ocr.write_searchable_pdf(str(file), doc.source.mime, doc.pages, output)
    err.print(f"wrote {output}")


@app.command("export")
@handled
def export_cmd(
    what: Annotated[str, typer.Argument(help="documents | citations | figures")] = "documents",
    fmt: Annotated[str, typer.Option("--format", help="csv | ndjson")] = "ndjson",
) -> None:
    """Export the archive's records as CSV (UTF-8 with BOM) or NDJSON on stdout."""
    if what not in exports.KINDS or fmt not in ("csv", "ndjson"):
        raise SohoaError(
            ErrorKind.BAD_INPUT, "export documents|citations|figures --format csv|ndjson"
        )
    db = _open_db()
    lines = exports.csv_lines(db, what) if fmt == "csv" else exports.ndjson(db, what)
    for line in lines:
        sys.stdout.write(line)


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
        sys.stdout.write(auth.create_token(_open_db(), name, role) + "\n")
    except ValueError as e:
        raise SohoaError(ErrorKind.BAD_INPUT, str(e)) from None


@token_app.command("list")
def token_list() -> None:
    """List tokens (never their values)."""
    table = Table()
    for col in ("id", "name", "role", "created", "revoked"):
        table.add_column(col)
    for t in auth.list_tokens(_open_db()):
        table.add_row(
            str(t.id),
            t.name,
            t.role,
            t.created_at.isoformat(timespec="seconds"),
            "yes" if t.revoked else "",
        )
    out.print(table)


@token_app.command("revoke")
def token_revoke(token_id: int) -> None:
    """Revoke a token by id."""
    if not auth.revoke(_open_db(), token_id):
        err.print(f"no token {token_id}")
        raise typer.Exit(int(ExitCode.BAD_ARGS))


@app.command()
@handled
def serve(host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the API and the web UI."""
    import uvicorn

    from service.api.app import create_app

    db = _open_db()
    token = auth.ensure_admin_token(db, state.settings.data_dir)
    if token:
        err.print(
            f"[bold]admin token (first start, also in {state.settings.data_dir}/admin-token):"
            f"[/bold] {token}"
        )
    err.print(f"serving on http://{host}:{port}  (Ctrl-C to stop)")
    uvicorn.run(create_app(state.settings), host=host, port=port, log_level="warning")


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
