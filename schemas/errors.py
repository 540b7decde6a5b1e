"""Typed failures and the CLI exit codes they map to (documented in the README)."""

from __future__ import annotations

from enum import IntEnum, StrEnum


class ExitCode(IntEnum):
    """Process exit codes, in the spirit of OCRmyPDF's."""

    OK = 0
    BAD_ARGS = 1
    INPUT_FILE = 2  # not a document we can read: corrupt, wrong type, empty
    MISSING_DEPENDENCY = 3  # tesseract, a language pack, poppler ...
    FILE_ACCESS = 5  # cannot read the input or write the output
    ENCRYPTED = 8  # password-protected PDF
    LIMITS = 9  # over a configured size/page/pixel/time limit
    PARTIAL = 10  # a batch finished with some files failed
    UNFINISHED = 11  # some files are not finished yet (no live worker, interrupted wait)
    WORKER_FAILED = 12  # `sohoa worker` stopped on a fatal error (broker, node name ...)
    INTERNAL = 15  # a bug: please report


class ErrorKind(StrEnum):
    """Why a file failed; stored with the failure record."""

    BAD_INPUT = "bad_input"
    MISSING_DEPENDENCY = "missing_dependency"
    FILE_ACCESS = "file_access"
    ENCRYPTED = "encrypted"
    LIMITS = "limits"
    TIMEOUT = "timeout"
    INTERNAL = "internal"


_EXIT = {
    ErrorKind.BAD_INPUT: ExitCode.INPUT_FILE,
    ErrorKind.MISSING_DEPENDENCY: ExitCode.MISSING_DEPENDENCY,
    ErrorKind.FILE_ACCESS: ExitCode.FILE_ACCESS,
    ErrorKind.ENCRYPTED: ExitCode.ENCRYPTED,
    ErrorKind.LIMITS: ExitCode.LIMITS,
    ErrorKind.TIMEOUT: ExitCode.LIMITS,
    ErrorKind.INTERNAL: ExitCode.INTERNAL,
}

# Transient failures are worth retrying; the rest will fail the same way again.
_RETRYABLE = {ErrorKind.TIMEOUT, ErrorKind.INTERNAL}


class SohoaError(Exception):
    """An expected failure with a short message for the user, never a traceback."""

    def __init__(self, kind: ErrorKind, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message

    @property
    def exit_code(self) -> ExitCode:
        return _EXIT[self.kind]

    @property
    def retryable(self) -> bool:
        return self.kind in _RETRYABLE
