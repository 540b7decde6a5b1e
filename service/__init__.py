"""The service layer: the only place that wires the stages to storage, jobs, CLI, API and UI."""

PIPELINE_VERSION = "0.3.6"  # OCR ocr-7 (skew measured on ink pixels), repair vi-repair-2026.12-3
# (character channel), extract-0.6.1
