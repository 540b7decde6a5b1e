"""Whole-document figures of the diacritic repair: what a user of ``sohoa repair FILE`` gets.

- seeds 000 and 002 (real English-OCR damage) against their hand restoration
  (``bench/repair/gold/seed000.txt``, ``seed002.txt``: every line restored by reading the damaged
  text, line for line), repaired by the CLI with an empty archive and after the archive has
  learned the clean seeds 001, 003 and 004;
- a held-back set of real administrative text (``heldout_pairs.jsonl``: the text layers of
  the born-digital real scans 05.signed_… and vht507.signed_…, rendered and read with
  ``tesseract -l eng`` by ``bench.repair.pairs --input … --seed 11|12|13``; never read by us
  and not used to write the template phrases), repaired as one document, empty archive and
  adapted;
- clean text unchanged (the clean seeds and the held-back clean text);
- speed on the two whole seeds (one core, CPU time, a fresh model each run, best of
  SPEED_RUNS) against the plain baseline of ``bench.repair.run`` in the same run, and the
  model load time (median of 3 fresh processes).

    python -m bench.repair.docs [--heldout PAIRS.jsonl] [--inprocess] [--baseline REV]

``--inprocess`` repairs with the library instead of the CLI (same model, faster for trying
settings); the committed figures are from the CLI. ``--baseline REV`` measures the code of
commit REV as well (``git archive`` into a temporary tree, run in a subprocess with the
same held-back pairs and the same shared seeds), first, and prints both side by side: REV
must have ``doc_rows`` and ``speed`` here (any commit since the docs bench, ``a641543``).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from bench.repair.run import (
    SEEDS,
    SHARED,
    SPEED_RUNS,
    Baseline,
    accuracy,
    load_time,
    seed_text,
    syllables,
    unchanged_rate,
)
from normalize.repair import _load, learn_clean_text
from normalize.repair.syllables import TOKEN

GOLD = Path(__file__).with_name("gold")
DAMAGED = ("000", "002")
CLEAN = ("001", "003", "004")


def gold_pairs(prefix: str, hyp: str) -> list[tuple[str, str]]:
    """(gold line, repaired line) of a whole seed: the repair keeps the lines."""
    gold = (GOLD / f"seed{prefix}.txt").read_text(encoding="utf-8").split("\n")
    out = hyp.split("\n")
    return list(zip(gold, out + [""] * (len(gold) - len(out)), strict=False))


def cli_repair(path: Path, data: Path) -> str:
    """``sohoa --data DATA repair FILE``, as a user runs it."""
    cmd = [sys.executable, "-m", "service", "--data", str(data), "repair", str(path)]
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout


def learn(data: Path) -> None:
    for p in CLEAN:
        learn_clean_text(data / "models", seed_text(p))


def doc_rows(inprocess: bool, heldout: list[dict]) -> tuple[list[dict], dict]:
    """Accuracy per set and archive state, and clean text unchanged per archive state."""
    rows: dict[str, dict] = {}
    unchanged = {}
    with tempfile.TemporaryDirectory() as empty, tempfile.TemporaryDirectory() as full:
        learn(Path(full))
        for label, data in (("empty", Path(empty)), ("adapted", Path(full))):
            model = _load(data / "models" if label == "adapted" else None)
            for p in DAMAGED:
                path = next(SEEDS.glob(f"{p}_*.txt"))
                hyp = (
                    model.repair(path.read_text(encoding="utf-8")).text
                    if inprocess
                    else cli_repair(path, data)
                )
                rows.setdefault(f"seed {p}", {"pairs": {}})["pairs"][label] = gold_pairs(p, hyp)
            if heldout:
                dmg = "\n".join(r["damaged"] for r in heldout)
                out = model.repair(dmg).text.split("\n")
                rows.setdefault("held-back", {"pairs": {}})["pairs"][label] = [
                    (r["clean"], o) for r, o in zip(heldout, out, strict=True)
                ]
            clean = [seed_text(p) for p in CLEAN] + [r["clean"] for r in heldout]
            unchanged[label] = unchanged_rate(model, clean)
    table = []
    for name, r in rows.items():
        n = sum(len(syllables(c)) for c, _ in r["pairs"]["empty"])
        table.append(
            {"set": name, "syllables": n, **{k: accuracy(v) for k, v in r["pairs"].items()}}
        )
    for p in DAMAGED:  # the damage as given, for scale
        rows[f"seed {p}"]["pairs"]["input"] = gold_pairs(p, seed_text(p))
    if heldout:
        rows["held-back"]["pairs"]["input"] = [(r["clean"], r["damaged"]) for r in heldout]
    for t in table:
        t["input"] = accuracy(rows[t["set"]]["pairs"]["input"])
    all_pairs = {
        k: [x for n, r in rows.items() if n.startswith("seed") for x in r["pairs"][k]]
        for k in ("input", "empty", "adapted")
    }
    table.append(
        {
            "set": "seeds 000+002",
            "syllables": sum(t["syllables"] for t in table if t["set"].startswith("seed")),
            **{k: accuracy(v) for k, v in all_pairs.items()},
        }
    )
    return table, unchanged


def speed() -> tuple[float, float, int]:
    """Syllables/s on seeds 000+002 of a fresh model (cold caches) and of the plain baseline,
    best of SPEED_RUNS each (other jobs on the shared cores only slow a run down)."""
    text = "\n".join(seed_text(p) for p in DAMAGED)
    n = len(TOKEN.findall(text))

    def best(make) -> float:
        runs = []
        for _ in range(SPEED_RUNS):
            model = make()
            t = time.process_time()
            model.repair(text)
            runs.append(n / max(time.process_time() - t, 1e-9))
        return max(runs)

    return best(lambda: _load(None)), best(Baseline), n


def measure(inprocess: bool, heldout: Path) -> dict:
    """Every figure of this tree: the rows, clean text unchanged, speed and model load."""
    held = [json.loads(x) for x in heldout.read_text(encoding="utf-8").splitlines()]
    table, unchanged = doc_rows(inprocess, held)
    cold, base, n = speed()
    return {"table": table, "unchanged": unchanged, "speed": [cold, base, n], "load": load_time()}


# Run in the baseline's tree: its own doc_rows, speed and load_time, printed as JSON.
_BASELINE_CODE = """import json, sys
from pathlib import Path
from bench.repair.docs import doc_rows, speed
from bench.repair.run import load_time
held = [json.loads(x) for x in Path(sys.argv[1]).read_text(encoding="utf-8").splitlines()]
table, unchanged = doc_rows(sys.argv[2] == "1", held)
cold, base, n = speed()
print(json.dumps({"table": table, "unchanged": unchanged, "speed": [cold, base, n],
                  "load": load_time()}))
"""


def measure_baseline(rev: str, inprocess: bool, heldout: Path) -> dict:
    """The figures of commit ``rev``: its code (``git archive``) in a temporary tree beside a
    link to the shared seeds (its bench finds them beside the repository), in a subprocess
    whose imports, CLI runs and load-time processes are all that tree's."""
    root = Path(__file__).resolve().parents[2]
    data = subprocess.run(
        ["git", "-C", str(root), "archive", rev], check=True, capture_output=True
    ).stdout
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "tree"
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            tar.extractall(tree, filter="data")
        (Path(tmp) / SHARED.name).symlink_to(SHARED)
        out = subprocess.run(
            [sys.executable, "-c", _BASELINE_CODE, str(heldout.resolve()), str(int(inprocess))],
            check=True,
            capture_output=True,
            text=True,
            cwd=tree,
            env={**os.environ, "PYTHONPATH": str(tree)},
        ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "--heldout",
        type=Path,
        default=Path(__file__).with_name("heldout_pairs.jsonl"),
        help="pairs of held-back real administrative text",
    )
    ap.add_argument("--inprocess", action="store_true", help="library instead of the CLI")
    ap.add_argument("--baseline", metavar="REV", help="also measure commit REV, same run")
    a = ap.parse_args()
    runs = []
    if a.baseline:
        runs.append((a.baseline, measure_baseline(a.baseline, a.inprocess, a.heldout)))
    runs.append(("this tree", measure(a.inprocess, a.heldout)))
    cols = [(name, k) for name, _ in runs for k in ("empty", "adapted")]
    head = " | ".join(f"{name}: {'empty archive' if k == 'empty' else 'after 001/003/004'}"
                      for name, k in cols)  # fmt: skip
    print(f"| set | syllables | as given | {head} |")
    print("|---|---|---|" + "---|" * len(cols))
    for i, t in enumerate(runs[-1][1]["table"]):
        figs = " | ".join(f"{r['table'][i][k]:.6f}" for _, r in runs for k in ("empty", "adapted"))
        print(f"| {t['set']} | {t['syllables']} | {t['input']:.3f} | {figs} |")
    for name, r in runs:
        unchanged, (cold, base, n), load = r["unchanged"], r["speed"], r["load"]
        print(
            f"{name}: clean text unchanged "
            + ", ".join(f"{k} {v:.4f}" for k, v in unchanged.items())
            + f"; speed (1 core, seeds 000+002, {n} tokens, best of {SPEED_RUNS}): {cold:,.0f}"
            f" syllables/s fresh model, plain baseline {base:,.0f} (ratio {cold / base:.3f});"
            f" model load {load:.2f} s (median of 3 fresh processes)"
        )


if __name__ == "__main__":
    main()
