"""The service layer: the only place that wires the stages to storage, jobs, CLI, API and UI."""

PIPELINE_VERSION = "0.3.8"  # OCR ocr-8 (a poor page's grey second reading) + digits-4,
# repair vi-repair-2026.12-6 (gì/gi/gị read as syllables; archive weight per text, capitals;
# its doubtful words kept), extract-0.7.1 (numbering, issuer evidence, restored words
# checked); pages stored one row a page (0020)
