"""Precision / recall / F1 of extraction per field against hand-annotated gold.

    python bench/extract/run.py                       # seeds + real scans
    python bench/extract/run.py --baseline REV        # + the extractor of commit REV, same run
    python bench/extract/run.py --texts /tmp/extract-dev/txt   # scans from pre-OCRed pages

Seeds are read as text files; scans go through ``service.pipeline.load_document``
(the real OCR path) when it exists, else through ``--texts DIR`` holding
``<pdf stem>-<page>.txt`` files. Speed: a 10-page text, timed against a plain
regex tokenisation of the same text in the same process (the machine is shared).

The real scans are split by ``split.json``: files held back from design are scored as
an aggregate only (``-v`` never lists their misses). ``--baseline REV`` runs the
extractor of another commit (``git archive`` into a temp dir, a subprocess) on the very
same Documents, so both figures come from one run. *Silent errors* are header values
that are wrong while ``needs_review`` is false: what an archivist would trust wrongly.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from extract import build_record  # noqa: E402
from schemas import (  # noqa: E402
    DocHeader,
    Document,
    Page,
    PageRoute,
    Record,
    Source,
    SourceKind,
)

HEADER = [f for f in DocHeader.model_fields if f not in ("recipients", "detail")]
SHARED = Path(__file__).resolve().parents[2].parent / "shared"  # beside the repo
SEEDS = SHARED / "seeds"
SCANS = SHARED / "real-scans"
GOLD = Path(__file__).parent / "gold"
SPLIT = json.loads((Path(__file__).parent / "split.json").read_text())
HELD_OUT = set(SPLIT["held_out"])


def norm(v: object) -> str | None:
    if v is None:
        return None
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", str(v))).strip()


def text_doc(texts: list[str], name: str, route: PageRoute) -> Document:
    pages = [Page(number=i + 1, text=t, route=route) for i, t in enumerate(texts)]
    src = Source(file=name, sha256="0" * 64, pages=len(pages), kind=SourceKind.TEXT)
    return Document(source=src, pages=pages)


def load_scan(
    pdf: Path, texts_dir: Path | None, data_dir: Path, docs_dir: Path | None = None
) -> Document | None:
    if docs_dir is not None:
        for dumped in (
            docs_dir / f"{pdf.stem}.json",
            *docs_dir.glob(f"*/{glob_escape(pdf.stem)}.json"),
        ):
            if dumped.exists():
                return Document.model_validate_json(dumped.read_text())
        return None
    try:
        from service.pipeline import load_document  # type: ignore[import-not-found]
    except ImportError:
        load_document = None
    if load_document is not None and texts_dir is None:
        return load_document(pdf, data_dir)
    if texts_dir is None:
        return None
    files = sorted(
        texts_dir.glob(f"{glob_escape(pdf.stem)}-*.txt"),
        key=lambda p: int(p.stem.rsplit("-", 1)[1]),
    )
    if not files:
        return None
    return text_doc([f.read_text() for f in files], pdf.name, PageRoute.OCR)


def glob_escape(s: str) -> str:
    return re.sub(r"([\[\]*?])", r"[\1]", s)


class Score:
    def __init__(self) -> None:
        self.tp = self.fp = self.fn = 0

    def add(self, gold: set, pred: set) -> None:
        self.tp += len(gold & pred)
        self.fp += len(pred - gold)
        self.fn += len(gold - pred)

    def prf(self) -> tuple[float, float, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f


def key_norm(key: str) -> str | None:
    """A citation key for scoring: a law's name compares without letter case, since print
    capitalises "Chính quyền" or not and the record gives the catalogue's spelling."""
    k = norm(key)
    return k.lower() if k and k.startswith(("Luật ", "Bộ luật ")) else k


def evaluate(pairs: list[tuple[dict, object]], verbose: bool) -> dict[str, Score]:
    scores: dict[str, Score] = {}
    silent = scores.setdefault("silent header errors", Score())
    for gold, rec in pairs:
        name = gold.get("file", "?")
        for f in HEADER:
            g, p = norm(gold["doc"].get(f)), norm(getattr(rec.doc, f))
            s = scores.setdefault(f"doc.{f}", Score())
            s.add({(f, g)} if g else set(), {(f, p)} if p else set())
            detail = rec.doc.detail.get(f)
            flagged = bool(detail and getattr(detail, "needs_review", False))
            if g or p:  # tp: fields scored; fp: wrong values nobody is asked to check
                silent.tp += 1
                silent.fp += bool(p and p != g and not flagged)
                review = scores.setdefault("header values flagged", Score())
                review.tp += flagged  # tp: flagged; fp: flagged and right (review load)
                review.fp += flagged and p == g
            if verbose and g != p:
                mark = " (needs_review)" if flagged else " SILENT" if p else ""
                print(f"  [{name}] {f}: gold={g!r} got={p!r}{mark}")
        g, p = norm(gold["doc"].get("date")), norm(rec.doc.date)
        scores.setdefault("doc.date, to the month", Score()).add(
            {g[:7]} if g else set(), {p[:7]} if p else set()
        )
        gk = {key_norm(c["key"]) for c in gold.get("citations", [])}
        pk = {key_norm(c.key) for c in rec.citations}
        scores.setdefault("citations", Score()).add(gk, pk)
        wrong = [c for c in rec.citations if key_norm(c.key) not in gk]
        cs = scores.setdefault("silent citation errors", Score())
        cs.tp += len(rec.citations)
        cs.fp += sum(not getattr(c, "needs_review", False) for c in wrong)
        cf = scores.setdefault("citations flagged", Score())  # tp: flagged; fp: right ones
        cf.tp += sum(bool(getattr(c, "needs_review", False)) for c in rec.citations)
        cf.fp += sum(
            bool(getattr(c, "needs_review", False)) and key_norm(c.key) in gk for c in rec.citations
        )
        gd = {(key_norm(c["key"]), c.get("date")) for c in gold.get("citations", [])}
        pd = {(key_norm(c.key), c.date) for c in rec.citations if key_norm(c.key) in gk}
        scores.setdefault("citations+date", Score()).add(gd, pd)
        if verbose and gk != pk:
            flagged = sorted(key_norm(c.key) for c in wrong if getattr(c, "needs_review", False))
            print(
                f"  [{name}] citations missing={sorted(gk - pk)} extra={sorted(pk - gk)}"
                f" (extra flagged: {flagged})"
            )
        if "dates" in gold and gold.get("dates_listed_only"):
            gd = set(gold["dates"])
            scores.setdefault("dates (recall of listed)", Score()).add(gd, set(rec.dates) & gd)
        elif "dates" in gold:
            scores.setdefault("dates", Score()).add(set(gold["dates"]), set(rec.dates))
            if verbose and set(gold["dates"]) != set(rec.dates):
                print(
                    f"  [{name}] dates missing={sorted(set(gold['dates']) - set(rec.dates))} "
                    f"extra={sorted(set(rec.dates) - set(gold['dates']))}"
                )
        if "amounts" in gold:
            ga, pa = set(gold["amounts"]), {a.vnd for a in rec.amounts}
            scores.setdefault("amounts", Score()).add(ga, pa)
            if verbose and ga != pa:
                print(f"  [{name}] amounts missing={sorted(ga - pa)} extra={sorted(pa - ga)}")
        if "counts" in gold:
            gc = {(c["value"], c["unit"]) for c in gold["counts"]}
            pc = {(c.value, c.unit) for c in rec.counts}
            scores.setdefault("counts(recall of listed)", Score()).add(gc, pc & gc)
    return scores


def report(title: str, scores: dict[str, Score]) -> None:
    print(f"\n{title}")
    print(f"  {'field':28} {'P':>6} {'R':>6} {'F1':>6}  (tp/fp/fn)")
    for k, s in scores.items():
        if k.startswith(("silent", "header values", "citations flagged")):
            continue
        p, r, f = s.prf()
        print(f"  {k:28} {p:6.3f} {r:6.3f} {f:6.3f}  ({s.tp}/{s.fp}/{s.fn})")
    for k in ("silent header errors", "silent citation errors"):
        s = scores.get(k)
        if s is not None and s.tp:
            print(f"  {k:28} {s.fp / s.tp:6.1%} of {s.tp} values ({s.fp} wrong, not flagged)")
    for k in ("header values flagged", "citations flagged"):
        flagged = scores.get(k)
        if flagged is not None and flagged.tp:
            print(f"  {k:28} {flagged.tp:6d} ({flagged.fp} of them right)")
    for label, names in (
        ("header (all fields)", None),
        ("header (5: no.,date,type,", ("number", "date", "doc_type", "issuer", "title")),
    ):
        hdr = Score()
        for k, s in scores.items():
            name = k.removeprefix("doc.")
            if k.startswith("doc.") and "," not in k and (names is None or name in names):
                hdr.tp, hdr.fp, hdr.fn = hdr.tp + s.tp, hdr.fp + s.fp, hdr.fn + s.fn
        p, r, f = hdr.prf()
        label = label if names is None else "header (5 fields of #15)"
        print(f"  {label:28} {p:6.3f} {r:6.3f} {f:6.3f}  ({hdr.tp}/{hdr.fp}/{hdr.fn})")


def speed(texts: list[str]) -> None:
    # an A4 page of these documents holds about 2,500 characters
    joined = "\n".join(texts)
    pages = [joined[i * 2500 : (i + 1) * 2500] for i in range(10)]
    doc = text_doc(pages, "speed", PageRoute.TEXT_FILE)
    build_record(doc)  # warm caches (gazetteer, regexes)
    whole = "\n".join(pages)

    def timed(fn, n: int = 15, clock=time.process_time) -> float:
        # CPU time of this process by default: the machine is shared, wall time swings with load
        runs = []
        for _ in range(n):
            t = clock()
            fn()
            runs.append(clock() - t)
        return statistics.median(runs)

    base = timed(lambda: re.findall(r"\w+", whole))
    ours = timed(lambda: build_record(doc))
    wall = timed(lambda: build_record(doc), clock=time.perf_counter)
    chars = len(whole)
    print(
        f"\nspeed (CPU time): 10-page text ({chars} chars): build_record {ours * 1000:.1f} ms "
        f"(target < 100 ms); baseline regex tokenise {base * 1000:.2f} ms; "
        f"ratio {ours / base:.0f}x; wall time {wall * 1000:.1f} ms "
        f"at load average {os.getloadavg()[0]:.1f}"
    )


def samples(args: argparse.Namespace, facts: dict) -> None:
    """The project's generated samples: clean text, English-OCR text, scans through the OCR."""
    folder = args.samples / "documents"
    for variant, suffix in (
        ("text", ".txt"),
        ("English-OCR text", "-eng-ocr.txt"),
        ("scan PDF", "-scan.pdf"),
    ):
        pairs = []
        for name, fact in facts.items():
            path = folder / f"{name}{suffix}"
            if not path.exists():
                continue
            gold = {**fact, "file": path.name, "dates_listed_only": True}
            if suffix == ".txt":
                doc = text_doc(path.read_text().split("\f"), path.name, PageRoute.TEXT_FILE)
            else:
                doc = load_scan(path, None, args.data, args.docs)
            if doc is not None:
                pairs.append((gold, build_record(doc)))
        if pairs:
            report(
                f"project samples, {variant} ({len(pairs)} documents, samples/facts.json)",
                evaluate(pairs, args.verbose),
            )


def baseline_records(rev: str, docs: list[Document]) -> list[Record]:
    """Records of the same Documents by the extractor of commit ``rev``, in a subprocess
    importing that commit's code (``git archive``), so both figures come from one run."""
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", rev], check=True, capture_output=True
        ).stdout
        with tarfile.open(fileobj=__import__("io").BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        inp = Path(tmp) / "docs.ndjson"
        inp.write_text("".join(d.model_dump_json() + "\n" for d in docs))
        code = (
            "import sys\nfrom extract import build_record\nfrom schemas import Document\n"
            "for line in open(sys.argv[1]):\n"
            "    print(build_record(Document.model_validate_json(line)).model_dump_json())\n"
        )
        out = subprocess.run(
            [sys.executable, "-c", code, str(inp)],
            check=True,
            capture_output=True,
            text=True,
            cwd=tmp,
            env={**os.environ, "PYTHONPATH": tmp},
        ).stdout
    return [Record.model_validate_json(line) for line in out.splitlines()]


def old_readings(doc: Document, data: Path, version: str | None) -> Document:
    """The Document with the handwriting readings an earlier OCR stage cached (``version``,
    e.g. ``ocr-7+digits-3``: the baseline commit's digit reader, Tesseract's words being
    the same), so ``--baseline`` scores that commit's reader and extractor together."""
    if version is None:
        return doc
    folder = data / "cache" / "ocr" / doc.source.sha256 / version
    pages = []
    for page in doc.pages:
        cached = folder / f"{page.number:04d}.json"
        if cached.exists():
            old = Page.model_validate_json(cached.read_text()).hand_digits
            page = page.model_copy(update={"hand_digits": old})
        pages.append(page)
    return doc.model_copy(update={"pages": pages})


def with_archive(golds: list[dict], held: list[bool], i: int, doc: Document) -> Record:
    """The record of scan ``i`` read with an archive holding the other design scans' gold
    numbers and dates (never a held-out file's) as its issuers' numbering
    (``extract.header.numbering``): what the prior does where an archive already holds the
    neighbours of a document's series."""
    from extract.header import numbering

    rows = []
    for j, gold in enumerate(golds):
        doc_gold = gold["doc"]
        number, date = doc_gold.get("number") or "", doc_gold.get("date") or ""
        name = numbering.series(number, doc_gold.get("issuer"))
        if j != i and not held[j] and name and len(date) >= 10:
            rows.append((name, date, int(number.split("/")[0])))
    numbering.set_archive_numbers(rows)
    try:
        return build_record(doc)
    finally:
        numbering.set_archive_numbers([])


def scans(golds: list[dict], docs: list[Document], args: argparse.Namespace) -> None:
    """The real scans, design and held-out files apart, with the same-run baselines."""
    held = [g["file"] in HELD_OUT for g in golds]
    records = [
        with_archive(golds, held, i, d) if args.archive_prior else build_record(d)
        for i, d in enumerate(docs)
    ]
    # baseline: the same pages without the OCR stage's handwriting readings
    bare = [
        build_record(
            d.model_copy(
                update={"pages": [p.model_copy(update={"hand_digits": []}) for p in d.pages]}
            )
        )
        for d in docs
    ]
    base_docs = [old_readings(d, args.data, args.baseline_ocr) for d in docs]
    base = baseline_records(args.baseline, base_docs) if args.baseline else None
    for part, is_held in (("design", False), ("held out from design", True)):
        idx = [i for i, h in enumerate(held) if h == is_held]
        if not idx:
            continue
        n = f"real scans, {part} ({len(idx)} documents)"
        if base is not None:
            report(
                f"{n}, baseline: extractor of {args.baseline}",
                evaluate([(golds[i], base[i]) for i in idx], False),
            )
        if not is_held:
            report(
                f"{n}, baseline: no handwritten-digit readings",
                evaluate([(golds[i], bare[i]) for i in idx], False),
            )
        report(n, evaluate([(golds[i], records[i]) for i in idx], args.verbose and not is_held))
    if base is not None:
        report(
            f"real scans, all ({len(docs)}), baseline {args.baseline}",
            evaluate(list(zip(golds, base, strict=True)), False),
        )
    report(
        f"real scans, all ({len(docs)})", evaluate(list(zip(golds, records, strict=True)), False)
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--texts", type=Path, help="pre-OCRed scan pages <stem>-<n>.txt")
    ap.add_argument(
        "--docs",
        type=Path,
        help="Documents dumped as JSON (<file stem>.json), "
        "e.g. from service.pipeline.load_document, for scans and seeds",
    )
    ap.add_argument("--data", type=Path, default=Path("/tmp/sohoa-bench-data"))
    ap.add_argument(
        "--raw-seeds",
        action="store_true",
        help="do not run the seeds through the pipeline's repair",
    )
    ap.add_argument(
        "--samples",
        type=Path,
        default=ROOT / "samples",
        help="the project's generated samples with their facts.json",
    )
    ap.add_argument(
        "--baseline",
        metavar="REV",
        help="also score the extractor of this git commit on the same Documents",
    )
    ap.add_argument(
        "--archive-prior",
        action="store_true",
        help="read each scan with the other design scans' gold numbers as the archive's",
    )
    ap.add_argument(
        "--baseline-ocr",
        metavar="VERSION",
        help="give the baseline the handwriting readings of this cached OCR version of "
        "--data (e.g. ocr-7+digits-3)",
    )
    ap.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="list every miss (never those of the held-out scans)",
    )
    args = ap.parse_args()

    seed_pairs, piped_pairs = [], []
    seed_texts = []
    for g in sorted(GOLD.glob("*.json")):
        gold = json.loads(g.read_text())
        text = (SEEDS / gold["file"]).read_text()
        seed_texts.append(text)
        seed_pairs.append((gold, build_record(text_doc([text], gold["file"], PageRoute.TEXT_FILE))))
        piped = load_scan(SEEDS / gold["file"], None, args.data, args.docs)
        if piped is not None and not args.raw_seeds:
            piped_pairs.append((gold, build_record(piped)))
    clean = [(g, r) for g, r in seed_pairs if not g.get("damaged")]
    damaged = [(g, r) for g, r in seed_pairs if g.get("damaged")]
    report("seeds, clean text", evaluate(clean, args.verbose))
    report("seeds, English-OCR damaged text, as is", evaluate(damaged, args.verbose))
    piped_damaged = [(g, r) for g, r in piped_pairs if g.get("damaged")]
    if piped_damaged:
        report(
            "seeds, English-OCR damaged text, through the pipeline (ingest + repair)",
            evaluate(piped_damaged, args.verbose),
        )

    docs, golds = [], []
    for g in sorted((SCANS / "gold").glob("*.json")):
        gold = json.loads(g.read_text())
        doc = load_scan(SCANS / gold["file"], args.texts, args.data, args.docs)
        if doc is not None:
            docs.append(doc)
            golds.append(gold)
    facts = args.samples / "facts.json"
    if facts.exists():
        samples(args, json.loads(facts.read_text()))
    if not docs:
        print("\nreal scans: no OCR path (service.pipeline) and no --texts DIR; skipped")
    else:
        scans(golds, docs, args)
    speed(seed_texts)


if __name__ == "__main__":
    main()
