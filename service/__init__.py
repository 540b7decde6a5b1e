"""The service layer: the only place that wires the stages to storage, jobs, CLI, API and UI."""

PIPELINE_VERSION = "0.3.8"  # OCR ocr-9 (a seal-faded second reading, specks removed) + digits-4,
# repair vi-repair-2026.12-4 (archive weight per text), extract-0.7.0 (numbering, issuer
# evidence); pages stored one row a page (0020)
