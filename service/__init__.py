"""The service layer: the only place that wires the stages to storage, jobs, CLI, API and UI."""

PIPELINE_VERSION = "0.3.0"  # repair snapshot vi-repair-2026.11-2 (place names, new-style tones)
