"""Settings from the environment (and CLI flags), one object passed around explicitly.

Every ``SOHOA_*`` variable is read here and nowhere else (the README lists them all).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from schemas import Limits


def _int_env(name: str, default: int) -> int:
    value = os.environ.get(name)
    try:
        return int(value) if value else default
    except ValueError:
        raise ValueError(f"{name}={value!r} is not a whole number") from None


def _float_env(name: str, default: float) -> float:
    value = os.environ.get(name)
    try:
        return float(value) if value else default
    except ValueError:
        raise ValueError(f"{name}={value!r} is not a number") from None


def default_artefact_cache() -> Path:
    return Path.home() / ".cache" / "sohoa"


@dataclass
class Settings:
    """Where the archive lives and how it runs.

    ``data_dir`` holds the SQLite database (unless ``database_url`` points elsewhere),
    the content-addressed originals, derived artefacts and the OCR cache.
    """

    data_dir: Path
    database_url: str = ""
    workers: int = 0
    limits: Limits = field(default_factory=Limits)
    broker_url: str = ""
    cache_root: Path | None = None  # OCR cache; default <data>/cache (tests share one)
    retry_backoff_s: float = 30.0  # first retry of a transient failure; doubles each time
    worker_memory_mb: int = 0  # address-space cap per OCR worker process (0: none)
    max_request_bytes: int = 1024**3  # one HTTP request body, refused at the server edge
    max_batch_bytes: int = 2 * 1024**3  # what the zips of one upload may expand to, in all
    zip_max_ratio: int = 200  # a zip member expanding more than this is refused (zip bomb)
    session_hours: float = 8.0  # a UI login lasts this long (the API token stays valid)
    page_cache_mb: int = 512  # rendered page images kept; the oldest are evicted past it
    trash_days: float = 30.0  # deleted originals kept this long (0: until the next purge)
    queue: str = "sohoa"  # the Celery queue of batch items (tests use their own)
    # built artefacts that depend on package versions only (the repair model's compiled
    # tables, the handwritten-digit classifier): shared by every archive of the user
    artefact_cache: Path = field(default_factory=default_artefact_cache)
    timezone: str = "Asia/Ho_Chi_Minh"  # how the UI shows times (stored in UTC)
    lease_s: float = 60.0  # a runner silent this long has stopped: its items are taken back
    resend_s: float = 120.0  # a queued item not taken this long, nor any other: sent again
    sweep_grace_s: float = 3600.0  # crash leftovers (temp files, stray originals) older go

    def __post_init__(self) -> None:
        self.data_dir = Path(self.data_dir).resolve()
        if not self.database_url:
            self.database_url = f"sqlite:///{self.data_dir / 'sohoa.db'}"
        if self.workers <= 0:
            self.workers = max(1, os.cpu_count() or 1)

    @property
    def blobs_dir(self) -> Path:
        return self.data_dir / "originals"

    @property
    def derived_dir(self) -> Path:
        return self.data_dir / "derived"

    @property
    def cache_dir(self) -> Path:
        return Path(self.cache_root) if self.cache_root else self.data_dir / "cache"

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"

    @classmethod
    def from_env(cls, data_dir: str | Path | None = None) -> Settings:
        """Build settings from SOHOA_* variables; an explicit data dir wins over the env."""
        limits = Limits(
            max_file_bytes=_int_env("SOHOA_MAX_FILE_BYTES", Limits().max_file_bytes),
            max_pages=_int_env("SOHOA_MAX_PAGES", Limits().max_pages),
            max_page_pixels=_int_env("SOHOA_MAX_PAGE_PIXELS", Limits().max_page_pixels),
            ocr_timeout_s=_float_env("SOHOA_OCR_TIMEOUT_S", Limits().ocr_timeout_s),
        )
        return cls(
            data_dir=Path(data_dir or os.environ.get("SOHOA_DATA") or "sohoa-data"),
            database_url=os.environ.get("SOHOA_DATABASE_URL", ""),
            workers=_int_env("SOHOA_WORKERS", 0),
            limits=limits,
            broker_url=os.environ.get("SOHOA_BROKER_URL", ""),
            retry_backoff_s=_float_env("SOHOA_RETRY_BACKOFF_S", 30.0),
            worker_memory_mb=_int_env("SOHOA_WORKER_MEMORY_MB", 0),
            max_request_bytes=_int_env("SOHOA_MAX_REQUEST_BYTES", cls.max_request_bytes),
            max_batch_bytes=_int_env("SOHOA_MAX_BATCH_BYTES", cls.max_batch_bytes),
            zip_max_ratio=_int_env("SOHOA_ZIP_MAX_RATIO", cls.zip_max_ratio),
            session_hours=_float_env("SOHOA_SESSION_HOURS", cls.session_hours),
            page_cache_mb=_int_env("SOHOA_PAGE_CACHE_MB", cls.page_cache_mb),
            timezone=os.environ.get("SOHOA_TIMEZONE") or cls.timezone,
            lease_s=_float_env("SOHOA_LEASE_S", cls.lease_s),
            resend_s=_float_env("SOHOA_RESEND_S", cls.resend_s),
            sweep_grace_s=_float_env("SOHOA_SWEEP_GRACE_S", cls.sweep_grace_s),
            cache_root=Path(os.environ["SOHOA_CACHE_DIR"])
            if os.environ.get("SOHOA_CACHE_DIR")
            else None,
            trash_days=_float_env("SOHOA_TRASH_DAYS", cls.trash_days),
            queue=os.environ.get("SOHOA_QUEUE") or cls.queue,
            artefact_cache=Path(os.environ.get("SOHOA_CACHE") or default_artefact_cache()),
        )
