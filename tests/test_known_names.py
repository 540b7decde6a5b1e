"""Signer names a person checked (corrections, confirmations) teach the name check
(extract.header.names): trusted as spelt, and a reading with other marks is flagged."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from extract.header import names
from extract.header.names import NAME_UNUSUAL, learn_known_name, load_known_names, name_doubts


@pytest.fixture(autouse=True)
def _forget() -> Iterator[None]:
    yield
    names.set_known_names([])
    names._loaded = None


def test_a_rare_name_is_flagged_until_a_person_confirms_it(tmp_path: Path) -> None:
    rare = "Lò Văn Pủa"  # "pủa" is no common name syllable
    assert name_doubts(rare) == [NAME_UNUSUAL]
    learn_known_name(tmp_path, rare)
    assert name_doubts(rare) == []
    # the same name with other marks is an OCR slip of the known one
    assert name_doubts("Lò Văn Púa") == [NAME_UNUSUAL]


def test_common_names_need_no_learning_and_one_word_is_not_learned(tmp_path: Path) -> None:
    assert name_doubts("Nguyễn Thị Hiền") == []
    learn_known_name(tmp_path, "Hiền")
    assert not (tmp_path / names.KNOWN_NAMES_FILE).exists()


def test_another_process_sees_a_learned_name(tmp_path: Path) -> None:
    """The file is the channel: a process that loads it after another learned sees it."""
    (tmp_path / names.KNOWN_NAMES_FILE).write_text("Hà  Văn   Sửu\n", encoding="utf-8")
    load_known_names(tmp_path)
    assert name_doubts("Hà Văn Sửu") == []
    learn_known_name(tmp_path, "Hà Văn Sửu")  # already known: written once
    assert (tmp_path / names.KNOWN_NAMES_FILE).read_text(encoding="utf-8").count("Sửu") == 1
