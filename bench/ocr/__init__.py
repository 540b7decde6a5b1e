"""OCR benchmark: accuracy (CER/WER), throughput and memory of sohoa vs raw Tesseract."""
