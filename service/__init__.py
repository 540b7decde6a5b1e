"""The service layer: the only place that wires the stages to storage, jobs, CLI, API and UI."""

PIPELINE_VERSION = "0.2.0"  # repair decoder, tone fixing of OCR pages, handwritten digits
