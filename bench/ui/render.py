"""Wall-clock cost of marking a page's text (``service.ui.marks``) as the marks grow.

    PYTHONPATH=. .venv/bin/python bench/ui/render.py
    PYTHONPATH=. .venv/bin/python bench/ui/render.py --sizes 8000,32000,128000

The smallest size is the baseline, run in the same process: each size prints its best of
five seconds and the ratio of its time to the baseline's against the ratio of its marks
(linear: the two ratios about equal; checking every mark per cut: the square). The unit
test counts comparisons instead (``tests/test_security.py``), which load cannot move.
"""

from __future__ import annotations

import argparse
import time

from schemas import Span
from service.ui.marks import Ref, page_segments, render_segments

LINE = "Hội Khuyến học có 1.250 hội viên.\n"


def marked_page(n: int) -> tuple[str, list[Ref], list[dict[str, object]]]:
    """A page of ``n`` lines, each with a count mark and every third with a repair."""
    k = len(LINE)
    spans = [Span(page=1, start=i * k + 18, end=i * k + 32) for i in range(n)]
    refs = [Ref("cnt.0", "Số lượng", "1250", spans), Ref("doc.title", "Trích yếu", "", spans[:5])]
    repairs: list[dict[str, object]] = [
        {"start": i * k + 4, "end": i * k + 14, "original": "Khuyen hoc"} for i in range(0, n, 3)
    ]
    return LINE * n, refs, repairs


def best_seconds(n: int, rounds: int = 5) -> float:
    """Best of ``rounds`` renders: the one least disturbed by the machine's other work."""
    text, refs, repairs = marked_page(n)
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        render_segments(page_segments(text, 1, refs, repairs))
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="8000,32000,128000", help="marks, smallest first")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    base = best_seconds(sizes[0])
    print("marks\tseconds\ttime ratio\tmarks ratio")
    for n in sizes:
        s = base if n == sizes[0] else best_seconds(n)
        print(f"{n}\t{s:.3f}\t{s / base:.2f}\t{n / sizes[0]:.0f}")


if __name__ == "__main__":
    main()
