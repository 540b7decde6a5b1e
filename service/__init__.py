"""The service layer: the only place that wires the stages to storage, jobs, CLI, API and UI."""

PIPELINE_VERSION = "0.3.1"  # digits-3: the handwritten-digit reader on HOG, split at ink valleys
