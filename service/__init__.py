"""The service layer: the only place that wires the stages to storage, jobs, CLI, API and UI."""

PIPELINE_VERSION = "0.3.5"  # OCR ocr-6 (speckled pages median-filtered), repair vi-repair-2026.12-3
# (character channel), extract-0.6.1
