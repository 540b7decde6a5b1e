"""Query speed at archive scale: "documents citing X" and full-text search, SQLite and PostgreSQL.

Generates N synthetic records (Vietnamese-like text built from the seed documents' own
word sequences, Zipf-popular citations over a QĐ/NQ/TT/KH key space, 0-15 citations per
document), bulk-inserts them through the real migrations, then times the service's own
query function (``repo.search``, the code path of the API and the UI) and prints p50/p95.

The baseline, timed in the same process against the same database, is a primary-key fetch
of one document through the same session machinery: the ratio column shows what a query
costs over the floor, which is steadier than milliseconds on a shared machine.

    .venv/bin/python bench/query/bench.py            # 10k and 100k documents
    .venv/bin/python bench/query/bench.py --quick    # 10k only
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import multiprocessing
import os
import random
import re
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache, partial
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, insert, select, text

from normalize.fold import fold
from normalize.keys import parse_query
from schemas import Citation
from service.storage import repo
from service.storage.db import Database
from service.storage.models import CitationRow, DocumentRow

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT.parent / "shared" / "seeds"
CLEAN_SEEDS = ("001_", "003_", "004_")  # 000 and 002 are OCR-damaged: not a text model
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
TARGETS_MS = {"citing": 20.0, "fulltext": 100.0}  # issue 22; "number" has none of its own
KINDS = ("citing", "fulltext", "number")

# Key space: what Vietnamese administrative documents cite most.
KEY_FORMS = [
    ("QĐ", ["TTg", "UBND", "BGDĐT", "BNV", "HKH", "KHVN"], 3000),
    ("NQ", ["CP", "HĐND", "QH"], 600),
    ("NQ", ["TW", "TU"], 300),  # party form: 29-NQ/TW
    ("TT", ["BGDĐT", "BTC", "BNV", "BLĐTBXH"], 400),
    ("KH", ["UBND", "HKH", "TU"], 1500),
]
DOC_TYPES = {"QĐ": "Quyết định", "NQ": "Nghị quyết", "TT": "Thông tư", "KH": "Kế hoạch"}
OWN_TYPES = [("BC", "Báo cáo"), ("KH", "Kế hoạch"), ("QĐ", "Quyết định"), ("TB", "Thông báo")]
PLACES = ["tỉnh Sơn La", "huyện Mai Sơn", "huyện Mộc Châu", "thành phố Sơn La",
          "huyện Yên Châu", "huyện Thuận Châu", "huyện Phù Yên", "huyện Bắc Yên"]  # fmt: skip
BODIES = ("Hội Khuyến học", "Ủy ban nhân dân", "Sở Giáo dục và Đào tạo")
ISSUERS = [f"{body} {p}" for body in BODIES for p in PLACES]


# --- synthetic archive --------------------------------------------------------------------------


def _key(type_code: str, number: int, issuer: str, year: int | None) -> str:
    if issuer in ("TW", "TU"):
        return f"{number}-{type_code}/{issuer}"
    return f"{number}/{year}/{type_code}-{issuer}" if year else f"{number}/{type_code}-{issuer}"


def key_space(rng: random.Random) -> list[str]:
    """Distinct canonical keys, shuffled so popularity does not follow the number."""
    out: set[str] = set()
    for type_code, issuers, n in KEY_FORMS:
        keys: set[str] = set()
        while len(keys) < n:
            issuer = rng.choice(issuers)
            year = rng.choice([None, None, None, rng.randint(2005, 2024)])
            if type_code == "TT":
                year = rng.randint(2005, 2024)  # circulars carry their year
            keys.add(_key(type_code, rng.randint(1, 2500), issuer, year))
        out |= keys
    shuffled = sorted(out)
    rng.shuffle(shuffled)
    return shuffled


class Zipf:
    """Sample indexes 0..n-1 with P(i) ~ 1/(i+1)^s: a few keys are cited everywhere."""

    def __init__(self, n: int, s: float, rng: random.Random) -> None:
        weights = [1.0 / (i + 1) ** s for i in range(n)]
        total = sum(weights)
        self.cum, acc = [], 0.0
        for w in weights:
            acc += w / total
            self.cum.append(acc)
        self.rng = rng

    def sample(self, k: int, rng: random.Random | None = None) -> list[int]:
        from bisect import bisect_left

        r = (rng or self.rng).random
        return [min(bisect_left(self.cum, r()), len(self.cum) - 1) for _ in range(k)]


def seed_words() -> list[str]:
    """The word sequence of the clean seed documents (case kept, punctuation attached)."""
    files = [p for p in sorted(SEEDS.glob("*.txt")) if p.name.startswith(CLEAN_SEEDS)]
    if not files:
        sys.exit(f"no seed documents under {SEEDS}")
    return [w for p in files for w in p.read_text(encoding="utf-8").split()]


def sentence_pool(words: list[str], rng: random.Random, n: int = 6000) -> list[str]:
    """Sentences from a first-order Markov chain over the seeds' words: real vocabulary,
    real word frequencies, new combinations."""
    follow: dict[str, list[str]] = defaultdict(list)
    for a, b in itertools.pairwise(words):
        follow[a].append(b)
    starts = [w for w in words if w[:1].isupper()]
    pool = []
    for _ in range(n):
        w, out = rng.choice(starts), []
        for _ in range(rng.randint(8, 30)):
            out.append(w)
            nxt = follow.get(w)
            w = rng.choice(nxt) if nxt else rng.choice(starts)
        pool.append(" ".join(out).rstrip(",;:") + ".")
    return pool


@dataclass
class Archive:
    keys: list[str]
    zipf: Zipf
    pool: list[str]
    pool_folded: list[str]
    rng: random.Random


def make_archive(seed: int = 7) -> Archive:
    rng = random.Random(seed)
    keys = key_space(rng)
    pool = sentence_pool(seed_words(), rng)
    return Archive(keys, Zipf(len(keys), 1.07, rng), pool, [fold(s) for s in pool], rng)


@cache
def _cite_phrase(key: str) -> tuple[str, str]:
    """How a citation is written in the text, and its fold."""
    phrase = f"Căn cứ {DOC_TYPES.get(parse_query(key).type_code or '', 'Văn bản')} số {key};"
    return phrase, fold(phrase)


@cache
def _citation(key: str, partial: bool) -> dict:
    return repo.citation_columns(Citation(key=key, partial=partial, text=key))


def documents(a: Archive, first: int, last: int, seed: str) -> Iterator[tuple[dict, list[dict]]]:
    """(document row, citation rows) for ids first..last: 0-15 Zipf-drawn citations, one in
    ten partial. Each chunk has its own seed, so chunks can be made in parallel and are the
    same whichever process makes them."""
    rng, now = random.Random(seed), datetime.now(UTC)
    for i in range(first, last + 1):
        cited = sorted({a.keys[j] for j in a.zipf.sample(rng.randint(0, 15), rng)})
        partial = {k for k in cited if rng.random() < 0.1}
        # a fifth of the archive is itself a cited document: links in the citation graph
        if rng.random() < 0.2:
            number = a.keys[a.zipf.sample(1, rng)[0]]
            own_type = DOC_TYPES.get(parse_query(number).type_code or "")
        else:
            code, own_type = rng.choice(OWN_TYPES)
            number = f"{rng.randint(1, 400)}/{code}-HKH"
        idx = [rng.randrange(len(a.pool)) for _ in range(rng.randint(15, 50))]
        body = [a.pool[j] for j in idx]
        folded = [a.pool_folded[j] for j in idx]
        for k in cited:
            at = rng.randrange(len(body) + 1)
            phrase, folded_phrase = _cite_phrase(k)
            body.insert(at, phrase)
            folded.insert(at, folded_phrase)
        txt, fld = " ".join(body), " ".join(folded)
        year = rng.randint(2010, 2025)
        date = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        doc = {
            "id": i,
            "sha256": hashlib.sha256(f"{i}".encode()).hexdigest(),
            "filename": f"doc{i:06d}.pdf",
            "mime": "application/pdf",
            "size": len(txt) * 3,
            "pages": 1 + len(txt) // 2500,
            "kind": "scanned",
            "number": number,
            "doc_key": number,
            "doc_type": own_type or "Công văn",
            "doc_date": date,
            "issuer": rng.choice(ISSUERS),
            "title": body[0][:120],
            "has_figures": rng.random() < 0.6,
            "text": txt,
            "folded": fld,
            "record": {
                "doc": {"number": number, "date": date},
                "citations": [{"key": k} for k in cited],
            },
            "pipeline_version": "bench",
            "created_at": now,
            "updated_at": now,
        }
        cits = [{"document_id": i, "doc_date": date, **_citation(k, k in partial)} for k in cited]
        yield doc, cits


def _copy_rows(cur: Any, table: str, rows: list[dict]) -> None:
    """PostgreSQL COPY: the bulk path (executemany is several times slower)."""
    cols = list(rows[0])
    with cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as cp:
        for r in rows:
            cp.write_row([json.dumps(v) if isinstance(v, dict | list) else v for v in r.values()])


BULK_TABLES = ("documents", "citations")
CHUNK = 10_000  # documents per chunk (one seed, one COPY transaction on PostgreSQL)
_loader: dict[str, Any] = {}  # per loading process: its archive model and connection


def _chunks(n: int) -> list[tuple[int, int]]:
    return [(f, min(f + CHUNK - 1, n)) for f in range(1, n + 1, CHUNK)]


def _chunk_rows(a: Archive, n: int, first: int, last: int) -> tuple[list, list, Counter]:
    docs: list[dict] = []
    cits: list[dict] = []
    for doc, c in documents(a, first, last, f"{n}-{first}"):
        docs.append(doc)
        cits.extend(c)
    return docs, cits, Counter(c["key"] for c in cits)


def _init_loader(dsn: str) -> None:
    import psycopg

    _loader["archive"] = make_archive()
    _loader["conn"] = psycopg.connect(dsn)


def _load_chunk(job: tuple[int, int, int]) -> Counter:
    """Make one chunk and COPY it in its own transaction (runs in a loading process)."""
    n, first, last = job
    docs, cits, popularity = _chunk_rows(_loader["archive"], n, first, last)
    conn = _loader["conn"]
    with conn.cursor() as cur:
        _copy_rows(cur, "documents", docs)
        if cits:
            _copy_rows(cur, "citations", cits)
    conn.commit()
    return popularity


def _drop_secondary_indexes(raw: Any) -> list[str]:
    """Drop the bulk tables' indexes that back no constraint and return their definitions:
    building a GIN or btree index once over a million rows is many times faster than
    maintaining it row by row during COPY (what pg_restore does too). The definitions are
    the migrations' own, read back from the catalog, so the rebuilt schema is the same."""
    with raw.driver_connection.cursor() as cur:
        cur.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
            [list(BULK_TABLES)],
        )
        found = cur.fetchall()
        for name, _ in found:
            cur.execute(f'DROP INDEX "{name}"')
    raw.commit()
    return [d for _, d in found]


def _create_indexes(raw: Any, definitions: list[str]) -> None:
    with raw.driver_connection.cursor() as cur:
        cur.execute("SET maintenance_work_mem = '1GB'")
        for d in definitions:
            cur.execute(d)
    raw.commit()


def bulk_insert(db: Database, a: Archive, n: int, jobs: int) -> tuple[float, Counter]:
    """Insert n documents; returns (seconds, popularity). PostgreSQL: ``jobs`` processes
    each make chunks and COPY them, the secondary indexes built afterwards. SQLite: one
    writer, executemany in one transaction per chunk (the FTS triggers index each row)."""
    t0, popularity = time.perf_counter(), Counter[str]()
    if is_sqlite(db):
        for first, last in _chunks(n):
            docs, cits, pop = _chunk_rows(a, n, first, last)
            with db.engine.begin() as conn:
                conn.execute(insert(DocumentRow), docs)
                if cits:
                    conn.execute(insert(CitationRow), cits)
            popularity.update(pop)
        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE"))
            conn.execute(text("INSERT INTO documents_fts(documents_fts) VALUES ('optimize')"))
    else:
        raw = db.engine.raw_connection()
        try:
            definitions = _drop_secondary_indexes(raw)
            dsn = db.engine.url.set(drivername="postgresql").render_as_string(False)
            ctx = multiprocessing.get_context("fork")
            work = [(n, f, last) for f, last in _chunks(n)]
            with ctx.Pool(jobs, _init_loader, (dsn,)) as pool:
                for done, pop in enumerate(pool.imap_unordered(_load_chunk, work), 1):
                    popularity.update(pop)
                    if done * CHUNK % 100_000 == 0:
                        log(f"  {done * CHUNK} documents in {time.perf_counter() - t0:.0f} s")
            t1 = time.perf_counter()
            _create_indexes(raw, definitions)
            log(f"  {len(definitions)} indexes built in {time.perf_counter() - t1:.0f} s")
        finally:
            raw.close()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))  # what autovacuum does on a live archive
            conn.execute(text("SELECT setval('documents_id_seq', :n)"), {"n": n})
    with db.session() as s:
        repo.register_keys(s, [_citation(k, False) for k in popularity])
    return time.perf_counter() - t0, popularity


def is_sqlite(db: Database) -> bool:
    return db.engine.dialect.name == "sqlite"


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# --- queries ------------------------------------------------------------------------------------


def citing_queries(a: Archive, popularity: Counter, k: int) -> list[str]:
    """What people ask: popular keys more often (drawn like the citations), in the forms
    they type them: the full key, "qd 677 ttg", or an ambiguous "QĐ 677"."""
    rng = random.Random(11)
    out = []
    for j in a.zipf.sample(k):
        key = a.keys[j]
        q = parse_query(key)
        form = rng.random()
        if form < 0.5 or not q.number:
            out.append(key)
        elif form < 0.8:
            out.append(f"{fold(q.type_code or '')} {q.number} {fold(q.issuer_code or '')}")
        else:
            out.append(f"{q.type_code} {q.number}")
    return out


def fulltext_queries(a: Archive, k: int) -> list[str]:
    """One to three diacritic-free words taken from the generated text (so they match)."""
    rng = random.Random(13)
    out = []
    for _ in range(k):
        words = re.findall(r"[a-z]{2,}", rng.choice(a.pool_folded))
        if not words:
            continue
        start = rng.randrange(len(words))
        out.append(" ".join(words[start : start + rng.choice([1, 2, 2, 3])]))
    return out


def timed(fn: Callable[[], object], runs: list[float]) -> None:
    t0 = time.perf_counter()
    fn()
    runs.append((time.perf_counter() - t0) * 1000)


def pct(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


def load_repo(tree: Path) -> Any:
    """Another tree's ``service.storage.repo`` (``--baseline``), as a module of its own
    beside this one's: its queries timed against the same database in the same run, query
    by query, under the same load. It imports this tree's models, so both must agree on
    the tables (a baseline from before a new column or index of this tree's migrations
    still runs: it just does not use them)."""
    import importlib.util

    path = tree / "service" / "storage" / "repo.py"
    spec = importlib.util.spec_from_file_location("baseline_repo", path)
    if spec is None or spec.loader is None:
        sys.exit(f"no repo module at {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def measure(
    db: Database, a: Archive, popularity: Counter, n_queries: int, base: Any = None
) -> dict[str, list]:
    """Times of each kind; with ``base`` (another tree's repo module) each query is also
    run by it, the two in alternating order, its times under "<kind> (b)"."""
    cq = citing_queries(a, popularity, n_queries)
    fq = fulltext_queries(a, n_queries)
    rng = random.Random(17)
    impls = [("", repo)] + ([(" (b)", base)] if base is not None else [])
    names = [k + tag for k in KINDS for tag, _ in impls]
    results: dict[str, list] = {k: [] for k in ("baseline", *names, "sizes", "load")}
    results["load"].append(os.getloadavg()[0])

    def run(kind: str, impl: Any, q: str) -> None:
        with db.session() as s:
            if kind == "citing":
                r = impl.search(s, cites=parse_query(q), limit=20)
            else:  # fulltext, or number: the key typed in the search box (bearer, then citing)
                r = impl.search(s, q, limit=20)
            results["sizes"].append((kind, r.total))

    def timed_all(kind: str, q: str, i: int) -> None:
        for tag, impl in impls if i % 2 == 0 else impls[::-1]:
            timed(partial(run, kind, impl, q), results[kind + tag])

    def run_baseline() -> None:
        with db.session() as s:
            doc = s.get(DocumentRow, rng.randint(1, 1000))
            assert doc is not None and doc.text  # fetch the row

    for _, impl in impls:
        for q in cq[:10]:  # warm caches and plans
            run("citing", impl, q)
        for q in fq[:10]:
            run("fulltext", impl, q)
    results["sizes"].clear()
    for i in range(n_queries):
        timed(run_baseline, results["baseline"])
        timed_all("citing", cq[i], i)
        timed_all("fulltext", fq[i % len(fq)], i)
    for i, q in enumerate(cq):  # apart (it once loaded every bearer, evicting the others' pages)
        timed_all("number", q, i)
    results["load"].append(os.getloadavg()[0])
    return results


# --- backends -----------------------------------------------------------------------------------


def with_sqlite(tmp: Path, n: int) -> tuple[Database, Callable[[], None]]:
    db = Database(f"sqlite:///{tmp / f'bench-{n}.db'}")
    return db, db.close


def with_postgres(n: int, name: str | None) -> tuple[Database, Callable[[], None]]:
    """A fresh database dropped afterwards, or the named one, created if missing and kept
    (``--pg-db``: fill a million documents once, measure again after a change)."""
    keep = name is not None
    name = name or f"sohoa_bench_{n}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        if not c.scalar(text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": name}):
            c.execute(text(f'CREATE DATABASE "{name}"'))
    t0 = time.perf_counter()
    db = Database(PG_ADMIN.rsplit("/", 1)[0] + f"/{name}")  # runs the migrations
    log(f"{name}: migrations to head in {time.perf_counter() - t0:.1f} s")

    def drop() -> None:
        db.close()
        if not keep:
            with admin.connect() as c:
                c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return db, drop


def fill(db: Database, a: Archive, n: int, jobs: int) -> tuple[float, Counter]:
    """Insert n documents, or read back the popularity of a kept database holding them."""
    with db.session() as s:
        have = s.scalar(select(func.count(DocumentRow.id))) or 0
        if have == n:
            log(f"reusing the {n} documents already stored")
            rows = s.execute(select(CitationRow.key, func.count()).group_by(CitationRow.key))
            return 0.0, Counter({k: c for k, c in rows})
    if have:
        sys.exit(f"the database holds {have} documents, not {n}: drop it or pick another name")
    return bulk_insert(db, a, n, jobs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="10k documents only")
    ap.add_argument("--sizes", type=int, nargs="*", default=None, help="default: 10000 100000")
    ap.add_argument("--backends", default="sqlite,postgresql")
    ap.add_argument("--queries", type=int, default=200, help="queries of each kind")
    ap.add_argument("--pg-db", default=None, help="keep PostgreSQL databases: NAME_<size>")
    ap.add_argument("--jobs", type=int, default=2, help="PostgreSQL loading processes")
    ap.add_argument(
        "--baseline",
        type=Path,
        default=None,
        help="another tree (e.g. /work/main): its repo.search timed too, query by query",
    )
    args = ap.parse_args()
    base = load_repo(args.baseline) if args.baseline else None
    sizes = args.sizes or ([10_000] if args.quick else [10_000, 100_000])
    a = make_archive()
    rows = []
    with tempfile.TemporaryDirectory(prefix="sohoa-bench-") as tmp:
        for n in sizes:
            for backend in args.backends.split(","):
                if backend == "sqlite":
                    db, close = with_sqlite(Path(tmp), n)
                else:
                    db, close = with_postgres(n, args.pg_db and f"{args.pg_db}_{n}")
                try:
                    secs, popularity = fill(db, a, n, args.jobs)
                    log(f"{backend:10} {n:>7} docs, {sum(popularity.values())} citations "
                        f"inserted in {secs:.1f} s")  # fmt: skip
                    a.rng.seed(n + 1)  # the same queries whether the rows were just made or kept
                    rows.append((backend, n, secs, measure(db, a, popularity, args.queries, base)))
                finally:
                    close()
    report(rows)


def report(rows: list) -> None:
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"machine: {os.cpu_count()} cores, load average {load} (1/5/15 min) at the end")
    print("load: 1-min load average when each size's queries began and ended; (b): --baseline")
    head = (f"{'backend':10} {'docs':>7} {'insert s':>8}  {'query':12} {'p50 ms':>7} {'p95 ms':>7}"
            f" {'p95/base':>8} {'target':>7}  {'median hits':>11}  {'load':>9}")  # fmt: skip
    print(head)
    print("-" * len(head))
    for backend, n, secs, r in rows:
        base = pct(r["baseline"], 50)
        load = "-".join(f"{x:.1f}" for x in r["load"])
        pk95 = pct(r["baseline"], 95)
        print(f"{backend:10} {n:>7} {secs:>8.1f}  {'pk fetch':12} {base:>7.2f} {pk95:>7.2f} "
              f"{'1.0':>8} {'':>7}  {'':>11}  {load:>9}")  # fmt: skip
        for name in (k for k in r if k.split(" ")[0] in KINDS):
            kind = name.split(" ")[0]
            p50, p95 = pct(r[name], 50), pct(r[name], 95)
            hits = statistics.median(t for k, t in r["sizes"] if k == kind)
            target = TARGETS_MS.get(kind)
            ok = "-" if target is None else f"{'ok' if p95 <= target else 'MISSED'} {target:.0f}"
            print(f"{'':10} {'':>7} {'':>8}  {name:12} {p50:>7.2f} {p95:>7.2f} {p95 / base:>8.1f} "
                  f"{ok:>7}  {hits:>11.0f}")  # fmt: skip


if __name__ == "__main__":
    main()
