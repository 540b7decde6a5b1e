"""Place names across the 2025 reorganisation: old and new units both ways, and the place
filter of search finding documents under a unit's former names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from normalize import places
from tests.conftest import SAMPLES
from tests.ops_support import ok


def _provinces(current: bool) -> list[places.Unit]:
    idx = places._index()
    return [u for u in idx.units.values() if u.level == "province" and u.current is current]


def test_the_package_knows_both_systems() -> None:
    assert len(_provinces(True)) == 34 and len(_provinces(False)) == 63


def test_every_former_province_resolves_to_one_current_province_and_back() -> None:
    for old in _provinces(False):
        [new] = places.to_current(old.name)
        assert new.current and new.level == "province"
        assert old.key in {u.key for u in places.to_former(new.name)}
        assert places.mentions(f"Ủy ban nhân dân {old.name}", new.short)


def test_merged_province_and_abolished_district() -> None:
    assert [u.short for u in places.to_current("tỉnh Kon Tum")] == ["Quảng Ngãi"]
    assert {u.short for u in places.to_former("Quảng Ngãi")} == {"Quảng Ngãi", "Kon Tum"}
    communes = places.to_current("huyện Mai Sơn")  # districts were abolished in 2025
    assert communes and {(u.level, u.province, u.current) for u in communes} == {
        ("ward", "Sơn La", True)
    }
    # and back: the commune's former communes lie in the former district
    former = places.to_former(communes[0].name)
    assert former and all(u.district == "Mai Sơn" for u in former if u.province == "Sơn La")


def test_names_compare_without_diacritics_and_unknown_names_match_themselves() -> None:
    assert places.mentions("UBND TINH KON TUM", "quang ngai")
    assert not places.mentions("UBND tỉnh Sơn La", "Quảng Ngãi")
    assert places.to_current("Atlantis") == [] and places.mentions("Atlantis city", "Atlantis")


def _doc(text: str, issuer: tuple[str, str], place: str, number: str) -> str:
    text = text.replace("UBND TỈNH SƠN LA\nHỘI KHUYẾN HỌC TỈNH", "\n".join(issuer))
    text = text.replace("Sơn La, ngày", f"{place}, ngày").replace("12/BC-HKH", number)
    return text.replace("Hội Khuyến học tỉnh Sơn La", issuer[1].title())


@pytest.fixture
def archive(data_dir: Path, tmp_path: Path) -> Path:
    base = (SAMPLES / "bc-12-quy-i-2025.txt").read_text(encoding="utf-8")
    docs = {
        "kon-tum.txt": _doc(base, ("UBND TỈNH KON TUM", "SỞ VĂN HÓA"), "Kon Tum", "15/BC-SVH"),
        "mai-son.txt": _doc(base, ("UBND HUYỆN MAI SƠN", "PHÒNG VĂN HÓA"), "Mai Sơn", "7/BC-PVH"),
        "son-la.txt": base,
    }
    folder = tmp_path / "docs"
    folder.mkdir()
    for name, text in docs.items():
        (folder / name).write_text(text, encoding="utf-8")
    ok("ingest", str(folder))
    return folder


def _place(name: str) -> set[str]:
    found = json.loads(ok("search", "--place", name, "--json"))["results"]
    return {Path(r["file"]).name for r in found}


def test_place_filter_finds_documents_under_former_names(archive: Path) -> None:
    assert _place("Quảng Ngãi") == {"kon-tum.txt"}  # Kon Tum was merged into it
    assert _place("Kon Tum") == {"kon-tum.txt"}
    assert _place("Sơn La") == {"mai-son.txt", "son-la.txt"}  # a former district of it
    assert _place("huyen Mai Son") == {"mai-son.txt"}
    assert _place("Hà Giang") == set()


def test_place_filter_and_resolve_over_the_api(archive: Path, data_dir: Path) -> None:
    import httpx

    from service import auth
    from service.config import Settings
    from service.storage.db import Database
    from tests.test_service_api import Server

    settings = Settings.from_env(data_dir)
    db = Database(settings.database_url)
    token = auth.create_token(db, "reader@test", "reader")
    db.close()
    with Server(settings) as srv:
        client = httpx.Client(base_url=srv.url, headers={"Authorization": f"Bearer {token}"})
        found = client.get("/api/v1/documents", params={"place": "Quảng Ngãi"}).json()
        assert [Path(r["file"]).name for r in found["results"]] == ["kon-tum.txt"]
        assert found["total"] == 1
        both = client.get("/api/v1/documents", params={"place": "Sơn La", "q": "khuyen hoc"})
        assert {Path(r["file"]).name for r in both.json()["results"]} == {
            "mai-son.txt", "son-la.txt",
        }  # fmt: skip
        res = client.get("/api/v1/places/resolve", params={"name": "Kon Tum"}).json()
        assert [u["name"] for u in res["current"]] == ["Tỉnh Quảng Ngãi"]
        assert {u["name"] for u in res["former"]} == {"Tỉnh Kon Tum", "Tỉnh Quảng Ngãi"}
