"""Settings: every SOHOA_* variable is read in service/config.py and documented in the README."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from service.config import Settings

ROOT = Path(__file__).resolve().parent.parent
CODE_DIRS = ("schemas", "ingest", "ocr", "normalize", "extract", "service")


def _variables(text: str) -> set[str]:
    return set(re.findall(r"\bSOHOA_[A-Z_]+[A-Z]\b", text))


def test_every_variable_is_read_by_settings_and_in_the_readme() -> None:
    config = (ROOT / "service" / "config.py").read_text(encoding="utf-8")
    table = "\n".join(
        line
        for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("| `SOHOA_")
    )
    read = _variables(config)
    assert {"SOHOA_CACHE", "SOHOA_QUEUE", "SOHOA_TRASH_DAYS", "SOHOA_DATA"} <= read
    assert read <= _variables(table), f"not in the README's table: {read - _variables(table)}"
    for folder in CODE_DIRS:
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            if path.name != "config.py" and re.search(r"(?:environ|getenv)[^\n]*SOHOA_", text):
                pytest.fail(f"{path.relative_to(ROOT)} reads a SOHOA_ variable past Settings")


def test_from_env_reads_the_variables(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SOHOA_CACHE", str(tmp_path / "artefacts"))
    monkeypatch.setenv("SOHOA_QUEUE", "q-test")
    monkeypatch.setenv("SOHOA_TRASH_DAYS", "0.5")
    monkeypatch.setenv("SOHOA_RESEND_S", "7.5")
    settings = Settings.from_env(tmp_path)
    assert settings.artefact_cache == tmp_path / "artefacts"
    assert (settings.queue, settings.trash_days, settings.resend_s) == ("q-test", 0.5, 7.5)
    monkeypatch.delenv("SOHOA_CACHE")
    monkeypatch.delenv("SOHOA_QUEUE")
    monkeypatch.delenv("SOHOA_TRASH_DAYS")
    monkeypatch.delenv("SOHOA_RESEND_S")
    default = Settings.from_env(tmp_path)
    assert default.artefact_cache == Path.home() / ".cache" / "sohoa"
    assert (default.queue, default.trash_days, default.resend_s) == ("sohoa", 30.0, 120.0)


def test_a_bad_number_names_its_variable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SOHOA_TRASH_DAYS", "a month")
    with pytest.raises(ValueError, match="SOHOA_TRASH_DAYS='a month' is not a number"):
        Settings.from_env(tmp_path)
