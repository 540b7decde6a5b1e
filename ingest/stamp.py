"""Digital-signature stamps: the text a signing system writes over a page.

Vietnamese e-government signing tools stamp "Ký bởi: ...", "Cơ quan: ...",
"Thời gian ký: ..." or "TRUNG TÂM CÔNG BÁO VÀ TIN HỌC / ttcbth@... / 07.01.2025
10:44:25 +07:00" onto the page. That text is not the document's content: it is kept
apart (``Page.stamp_text``) and its signer and time go to the document metadata.
"""

from __future__ import annotations

import re
from datetime import datetime

_STAMP_RE = re.compile(
    r"(?:^|\b)(?:Ký bởi|Người ký|Thời gian ký|Cơ quan)\s*:"
    r"|Email\s*:"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.(?:gov\.vn|vn|com)\b"
    r"|TRUNG TÂM CÔNG\s*BÁO|Trung tâm Công báo"
    r"|\b\d{1,2}[./]\d{1,2}[./]\d{4}\s+\d{1,2}:\d{2}:\d{2}"
    r"|\+07:00",
    re.IGNORECASE,
)
_SIGNER_RE = re.compile(
    r"(?:Ký bởi|Người ký)\s*:\s*(.+?)(?=\s*(?:Cơ quan|Email|Thời gian|$))",
    re.IGNORECASE | re.DOTALL,
)
_ORG_RE = re.compile(
    r"Cơ quan\s*:\s*(.+?)(?=\s*(?:Thời gian|Email|Ký bởi|$))", re.IGNORECASE | re.DOTALL
)
_TIME_RE = re.compile(r"(\d{1,2})[./](\d{1,2})[./](\d{4})\s+(\d{1,2}):(\d{2}):(\d{2})")
_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def looks_like_stamp(text: str) -> bool:
    """True when text carries a signature-stamp marker (label, e-mail, signing time)."""
    return bool(_STAMP_RE.search(text))


def _one_line(s: str) -> str:
    return " ".join(s.split())


def parse_stamps(stamps: list[str]) -> dict[str, str]:
    """Signer, organisation, e-mail and signing times (ISO) found in stamp texts."""
    meta: dict[str, str] = {}
    times: list[str] = []
    for text in stamps:
        if (m := _SIGNER_RE.search(text)) and "stamp_signer" not in meta:
            meta["stamp_signer"] = _one_line(m.group(1))
        if (m := _ORG_RE.search(text)) and "stamp_organisation" not in meta:
            meta["stamp_organisation"] = _one_line(m.group(1))
        if (m := _EMAIL_RE.search(text)) and "stamp_email" not in meta:
            meta["stamp_email"] = m.group(0)
        for d, mo, y, hh, mi, ss in _TIME_RE.findall(text):
            try:
                times.append(
                    datetime(int(y), int(mo), int(d), int(hh), int(mi), int(ss)).isoformat()
                )
            except ValueError:
                continue
    if times:
        meta["stamp_times"] = ",".join(sorted(set(times)))
        meta["signed_at"] = min(times)
    return meta
