"""The PDF's digital-signature dictionaries: who signed the file and when.

Reads ``/AcroForm /Fields`` of type ``/Sig`` (widgets nested under ``/Kids`` included) and
their value dictionaries: ``/M`` (signing time), ``/Name``, ``/Reason``, ``/Location``,
``/ContactInfo``. Vietnamese government signers (Ban Cơ yếu Chính phủ certificates)
usually leave ``/Name`` empty; the signer is then the subject of the signing certificate
embedded in ``/Contents`` (CN = person or office, O = organisation, e-mail). The
signature is not verified: this is metadata of the document, not a validity check.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from schemas import ErrorKind, Signature, SohoaError

if TYPE_CHECKING:
    from cryptography.x509 import ObjectIdentifier
    from pikepdf import Object

_PDF_DATE = re.compile(
    r"D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:([Zz+\-])(?:(\d{2})'?(\d{2})?'?)?)?"
)


def pdf_date(value: str) -> str | None:
    """A PDF date string (``D:20250107100957+07'00'``) as ISO 8601; None if malformed."""
    m = _PDF_DATE.match(value.strip())
    if not m:
        return None
    y, mo, d, hh, mi, ss, sign, oh, om = m.groups()
    try:
        tz = None
        if sign in ("Z", "z"):
            tz = UTC
        elif sign:
            delta = timedelta(hours=int(oh or 0), minutes=int(om or 0))
            tz = timezone(delta if sign == "+" else -delta)
        when = datetime(
            int(y), int(mo or 1), int(d or 1), int(hh or 0), int(mi or 0), int(ss or 0), tzinfo=tz
        )
    except ValueError:
        return None
    return when.isoformat()


def _text(obj: object) -> str | None:
    if obj is None:
        return None
    value = " ".join(str(obj).split())
    return value or None


def _der(raw: bytes) -> bytes:
    """/Contents is zero-padded to its reserved size: cut at the DER length."""
    if len(raw) < 2 or raw[0] != 0x30:
        return raw
    if raw[1] < 0x80:
        return raw[: 2 + raw[1]]
    n = raw[1] & 0x7F
    return raw[: 2 + n + int.from_bytes(raw[2 : 2 + n], "big")]


def _certificate_subject(contents: bytes) -> dict[str, str]:
    """CN, O and e-mail of the signing (leaf) certificate in a PKCS#7/CAdES blob."""
    try:
        from cryptography.hazmat.primitives.serialization import pkcs7
        from cryptography.x509.oid import NameOID
    except ImportError:  # pragma: no cover - cryptography comes with pdfminer.six
        return {}
    try:
        certs = pkcs7.load_der_pkcs7_certificates(_der(contents))
    except ValueError:
        return {}
    issuers = {c.issuer.rfc4514_string() for c in certs}
    leaves = [c for c in certs if c.subject.rfc4514_string() not in issuers] or certs
    if not leaves:
        return {}
    name = leaves[0].subject

    def first(oid: ObjectIdentifier) -> str | None:
        attrs = name.get_attributes_for_oid(oid)
        return _text(attrs[0].value) if attrs else None

    out = {
        "cn": first(NameOID.COMMON_NAME),
        "o": first(NameOID.ORGANIZATION_NAME),
        "email": first(NameOID.EMAIL_ADDRESS),
    }
    return {k: v for k, v in out.items() if v}


def _sig_values(fields: Object | None, depth: int = 0) -> Iterator[Object]:
    """The value dictionaries of signature fields, walking ``/Kids`` (bounded against cycles)."""
    for f in fields or []:
        if depth < 8 and f.get("/Kids") is not None:
            yield from _sig_values(f.get("/Kids"), depth + 1)
        if f.get("/FT") == "/Sig" and (value := f.get("/V")) is not None:
            yield value


def _signature(v: Object) -> Signature:
    contents = v.get("/Contents")
    subject = _certificate_subject(bytes(contents)) if contents is not None else {}
    when = pdf_date(str(v.get("/M"))) if v.get("/M") is not None else None
    return Signature(
        signer=_text(v.get("/Name")) or subject.get("cn"),
        organisation=subject.get("o"),
        email=_text(v.get("/ContactInfo")) or subject.get("email"),
        signed_at=when,
        times=[when] if when else [],
        reason=_text(v.get("/Reason")),
        location=_text(v.get("/Location")),
        source="pdf_signature",
    )


def read_signatures(path: str | Path) -> list[Signature]:
    """Every signature dictionary of a PDF, in field order; [] when it has none."""
    import pikepdf

    try:
        with pikepdf.open(path) as pdf:
            form = pdf.Root.get("/AcroForm")
            if form is None:
                return []
            return [_signature(v) for v in _sig_values(form.get("/Fields"))]
    except pikepdf.PasswordError:
        raise SohoaError(ErrorKind.ENCRYPTED, f"{Path(path).name}: the PDF is encrypted") from None
    except (pikepdf.PdfError, OSError) as e:
        raise SohoaError(ErrorKind.BAD_INPUT, f"{Path(path).name}: unreadable PDF ({e})") from None
