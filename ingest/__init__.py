"""Ingest: identify a file by content and route each page to its text source.

Public API: :class:`Intake`, :func:`inspect`, :func:`sha256_file`.
"""

from ingest.intake import Intake, inspect, sha256_file

__all__ = ["Intake", "inspect", "sha256_file"]
