"""The service layer: the only place that wires the stages to storage, jobs, CLI, API and UI."""

PIPELINE_VERSION = "0.3.16"  # OCR ocr-10 (a seal-faded second reading, specks removed, a
# transparent ground read as paper) + digits-4 + heading-1 (the heading block read again at
# 400 dpi) + lines-1 (name lines and unsure key lines read again alone),
# repair vi-repair-2026.12-7 (archive weight per text, capitals, 'gì', rare damaged forms
# read by their consonant frame, a lone '&' as ở; its doubtful words kept), extract-0.8.0
# (numbering, issuer evidence, restored words checked, digits read as letters in keys,
# heading bodies by their kind word);
# pages stored one row a page (0020)
