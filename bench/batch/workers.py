"""Ingest throughput on PostgreSQL: the embedded `sohoa ingest` against a broker and two
`sohoa worker` processes on the same host, the same PDFs, in one run.

    .venv/bin/python -m bench.batch.workers                 # Redis, one round of each
    .venv/bin/python -m bench.batch.workers --rounds 2      # embedded, workers, workers, embedded
    .venv/bin/python -m bench.batch.workers --broker amqp://guest:guest@127.0.0.1:5672//

Inputs: the real scans under ../shared/real-scans that bench/extract/split.json does not
hold out (never opened here: held-out names are skipped by name), or ``--folder``. Every
run gets a fresh PostgreSQL database, data dir and empty OCR cache, so each does the same
OCR work; the workers run with the project's default concurrency (no --concurrency, no
SOHOA_WORKERS). The embedded run is the baseline: the figure is the ratio of pages/s,
since the machine is shared and absolute speeds drift.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text

from tests.jobs_support import ROOT, sohoa_cmd

REAL_SCANS = ROOT.parent / "shared" / "real-scans"
SPLIT = ROOT / "bench" / "extract" / "split.json"
PG = "postgresql+psycopg://postgres@127.0.0.1:5432"
START_TIMEOUT_S = 120


def inputs(folder: Path | None, dest: Path) -> list[Path]:
    """Copy the PDFs to ingest into ``dest`` (real scans minus the held-out ones)."""
    held = set(json.loads(SPLIT.read_text(encoding="utf-8"))["held_out"])
    src = folder or REAL_SCANS
    files = sorted(p for p in src.glob("*.pdf") if p.name not in held)
    if not files:
        sys.exit(f"no PDF under {src}")
    dest.mkdir(parents=True)
    return [Path(shutil.copy2(p, dest / p.name)) for p in files]


@contextmanager
def database() -> Iterator[str]:
    """A fresh PostgreSQL database, dropped afterwards."""
    name = f"sohoa_bench_ingest_{uuid.uuid4().hex[:8]}"
    admin = create_engine(f"{PG}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{PG}/{name}"
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _env(data: Path, db_url: str, broker: str = "") -> dict[str, str]:
    env = {**os.environ, "SOHOA_DATA": str(data), "SOHOA_DATABASE_URL": db_url,
           "SOHOA_CACHE_DIR": str(data / "cache"), "OMP_THREAD_LIMIT": "1"}  # fmt: skip
    env.pop("SOHOA_WORKERS", None)  # the project's defaults, as a user would run it
    env.pop("SOHOA_BROKER_URL", None)
    if broker:
        env["SOHOA_BROKER_URL"] = broker
        env["SOHOA_QUEUE"] = f"sohoa-bench-{uuid.uuid4().hex[:8]}"
    return env


def _stored(db_url: str) -> tuple[int, int, int]:
    """(documents, pages, failed items) in the run's database."""
    engine = create_engine(db_url)
    try:
        with engine.connect() as c:
            docs, pages = c.execute(
                text("SELECT count(*), coalesce(sum(pages), 0) FROM documents")
            ).one()
            failed = c.scalar(text("SELECT count(*) FROM batch_items WHERE state = 'failed'"))
    finally:
        engine.dispose()
    return docs, pages, failed or 0


def _ingest(folder: Path, env: dict[str, str], label: str) -> float:
    t0 = time.perf_counter()
    res = subprocess.run(sohoa_cmd("ingest", str(folder)), env=env, capture_output=True, cwd=ROOT)
    secs = time.perf_counter() - t0
    if res.returncode not in (0, 10):  # 10: finished, some files failed (counted)
        sys.exit(f"{label}: ingest exit {res.returncode}: {res.stderr.decode()[-2000:]}")
    return secs


def embedded(folder: Path, root: Path) -> dict:
    with database() as url:
        secs = _ingest(folder, _env(root / f"emb-{uuid.uuid4().hex[:6]}", url), "embedded")
        return _figures("embedded", secs, url, [])


def _start_worker(env: dict[str, str], log: Path) -> subprocess.Popen:
    with open(log, "ab") as out:
        return subprocess.Popen(sohoa_cmd("worker"), env=env, cwd=ROOT, stdout=out,
                                stderr=out, start_new_session=True)  # fmt: skip


def _wait_consumers(env: dict[str, str], n: int, procs: list[subprocess.Popen], log: Path) -> None:
    """Until ``n`` workers consume the queue (asked over the broker, as `ingest` does)."""
    probe = (
        "from service import worker; from service.config import Settings; from pathlib import "
        "Path; import os; print(len(worker.consumers(Settings.from_env(Path(os.environ"
        "['SOHOA_DATA'])))))"
    )
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in procs):
            sys.exit(f"a worker exited at start:\n{log.read_text(errors='replace')[-3000:]}")
        res = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True,
                             cwd=ROOT, text=True)  # fmt: skip
        if res.returncode == 0 and int(res.stdout.strip() or 0) >= n:
            return
        time.sleep(1)
    sys.exit(f"{n} workers did not come up within {START_TIMEOUT_S} s")


def _stop(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGTERM)
    for p in procs:
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()


def with_workers(folder: Path, root: Path, broker: str, n: int) -> dict:
    """``n`` `sohoa worker` processes on this host, started and consuming before the clock
    starts; the timed part is `sohoa ingest` handing the files over and waiting for them."""
    data = root / f"wk-{uuid.uuid4().hex[:6]}"
    data.mkdir()
    log = data / "workers.log"
    with database() as url:
        env = _env(data, url, broker)
        procs = [_start_worker(env, log) for _ in range(n)]
        try:
            _wait_consumers(env, n, procs, log)
            ocr = [_cores_held(p.pid) for p in procs]
            secs = _ingest(folder, env, "workers")
        finally:
            _stop(procs)
        return _figures(f"{n} workers", secs, url, ocr)


def _cores_held(pid: int) -> int:
    """The OCR processes a worker sized itself to: the core lock files it holds open
    (service.worker.claim_cores; at least one when every core is held elsewhere)."""
    fds = Path(f"/proc/{pid}/fd")
    held = sum(1 for fd in fds.iterdir() if "sohoa-cores-" in os.path.realpath(fd))
    return max(held, 1)


def _figures(label: str, secs: float, url: str, ocr: list[int]) -> dict:
    docs, pages, failed = _stored(url)
    return {"run": label, "documents": docs, "pages": pages, "failed": failed,
            "seconds": round(secs, 1), "pages_per_s": round(pages / secs, 3),
            "ocr_processes": ocr}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--broker", default="redis://127.0.0.1:6379/0")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=1, help="pairs, order alternating")
    ap.add_argument("--folder", type=Path, default=None, help="default: the real scans")
    args = ap.parse_args()
    runs: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="sohoa-bench-workers-") as tmp:
        root = Path(tmp)
        files = inputs(args.folder, root / "in")
        print(f"{len(files)} PDFs, {sum(f.stat().st_size for f in files) // 1024} KB",
              file=sys.stderr, flush=True)  # fmt: skip
        for r in range(args.rounds):
            order = ["embedded", "workers"] if r % 2 == 0 else ["workers", "embedded"]
            for kind in order:
                if kind == "embedded":
                    runs.append(embedded(root / "in", root))
                else:
                    runs.append(with_workers(root / "in", root, args.broker, args.workers))
                print(json.dumps(runs[-1]), file=sys.stderr, flush=True)
    report(runs)


def report(runs: list[dict]) -> None:
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"machine: {os.cpu_count()} cores, load average {load} (1/5/15 min) at the end")
    print(f"{'run':>10} {'docs':>5} {'pages':>5} {'failed':>6} {'s':>7} {'pages/s':>8}  OCR procs")
    for r in runs:
        print(f"{r['run']:>10} {r['documents']:>5} {r['pages']:>5} {r['failed']:>6} "
              f"{r['seconds']:>7} {r['pages_per_s']:>8}  {r['ocr_processes'] or ''}")  # fmt: skip
    emb = [r["pages_per_s"] for r in runs if r["run"] == "embedded"]
    wk = [r["pages_per_s"] for r in runs if r["run"] != "embedded"]
    ratio = (sum(wk) / len(wk)) / (sum(emb) / len(emb))
    print(f"workers / embedded: {ratio:.2f}x pages/s (mean of {len(wk)} and {len(emb)} runs)")
    print(json.dumps({"runs": runs, "ratio": round(ratio, 3)}))


if __name__ == "__main__":
    main()
