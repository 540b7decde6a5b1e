"""The service layer: the only place that wires the stages to storage, jobs, CLI, API and UI."""

PIPELINE_VERSION = "0.3.2"  # repair vi-repair-2026.12-1: admin phrasing, document consistency
