"""``python -m bench.ocr``: see bench/ocr/README.md."""

from bench.ocr.run import main

main()
