"""PDF signature dictionaries: on the real signed scans, on a PDF signed here, and the
PDF date parser (property test)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pikepdf
import pytest
from hypothesis import given
from hypothesis import strategies as st

import ingest
from ingest import pdfsig
from schemas import ErrorKind, Limits, SohoaError
from tests.conftest import REAL_SCANS, SAMPLES

REAL = sorted(REAL_SCANS.glob("*.pdf"))


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name[:12])
def test_real_scans_signatures_agree_with_their_stamp(path: Path) -> None:
    sigs = pdfsig.read_signatures(path)
    stamp = ingest.inspect(path, Limits()).metadata.get("stamp_times", "")
    if not stamp:  # an archival scan of a 1999 paper dossier: no stamp, no signature
        assert sigs == []
        return
    assert sigs, "the stamped scans are signed"
    for s in sigs:
        assert s.source == "pdf_signature"
        assert s.signer and s.organisation  # from /Name or the signing certificate
        when = datetime.fromisoformat(s.signed_at)
        assert when.tzinfo is not None and 2010 <= when.year <= 2026
    # the visible stamp's signing times are those of the signature dictionaries
    stamp_times = {t for t in stamp.split(",") if t}
    assert stamp_times, "the stamp layer names its signing time"
    assert stamp_times <= {s.signed_at[:19] for s in sigs}


def _signed_copy(src: Path, dest: Path, **values: str) -> None:
    """Add a signature field (nested under a parent field, as some signers write it)."""
    with pikepdf.open(src) as pdf:
        v = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Sig,
                Filter=pikepdf.Name("/Adobe.PPKLite"),
                Contents=pikepdf.String(b"\x00" * 16),
                **{k: pikepdf.String(x) for k, x in values.items()},
            )
        )
        sig = pdf.make_indirect(
            pikepdf.Dictionary(FT=pikepdf.Name.Sig, T=pikepdf.String("s1"), V=v)
        )
        parent = pdf.make_indirect(pikepdf.Dictionary(T=pikepdf.String("group"), Kids=[sig]))
        pdf.Root.AcroForm = pikepdf.Dictionary(Fields=[parent], SigFlags=3)
        pdf.save(dest)


def test_a_signed_pdf_gets_its_signature_in_the_record(tmp_path: Path, data_dir: Path) -> None:
    dest = tmp_path / "signed.pdf"
    _signed_copy(
        SAMPLES / "kh-31-cong-dan-hoc-tap-2025.pdf",
        dest,
        Name="Nguyễn Văn Ký",
        M="D:20250124142343+07'00'",
        Reason="Phê duyệt",
        Location="Sơn La",
        ContactInfo="ky@example.vn",
    )
    [s] = pdfsig.read_signatures(dest)
    assert (s.signer, s.email, s.reason, s.location) == (
        "Nguyễn Văn Ký", "ky@example.vn", "Phê duyệt", "Sơn La",
    )  # fmt: skip
    assert s.signed_at == "2025-01-24T14:23:43+07:00"

    out = subprocess.run([sys.executable, "-m", "service", "extract", str(dest)],
                         capture_output=True, text=True, timeout=600)  # fmt: skip
    assert out.returncode == 0, out.stderr
    record = json.loads(out.stdout)
    [sig] = [x for x in record["signatures"] if x["source"] == "pdf_signature"]
    assert sig["signer"] == "Nguyễn Văn Ký" and sig["signed_at"].startswith("2025-01-24T14:23")


def test_unsigned_and_bad_pdfs(tmp_path: Path) -> None:
    assert pdfsig.read_signatures(SAMPLES / "qd-08-hoc-bong-to-hieu.pdf") == []
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4 not really")
    with pytest.raises(SohoaError) as e:
        pdfsig.read_signatures(bad)
    assert e.value.kind == ErrorKind.BAD_INPUT


@given(
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2090, 1, 1)),
    st.integers(-12 * 60, 14 * 60).map(lambda m: m - m % 15),
)
def test_pdf_date_round_trip(when: datetime, offset_min: int) -> None:
    when = when.replace(microsecond=0, tzinfo=timezone(timedelta(minutes=offset_min)))
    sign = "-" if offset_min < 0 else "+"
    hh, mm = divmod(abs(offset_min), 60)
    raw = when.strftime("D:%Y%m%d%H%M%S") + f"{sign}{hh:02d}'{mm:02d}'"
    assert pdfsig.pdf_date(raw) == when.isoformat()


@given(st.text(max_size=40))
def test_pdf_date_never_raises(text: str) -> None:
    value = pdfsig.pdf_date(text)
    assert value is None or datetime.fromisoformat(value)
