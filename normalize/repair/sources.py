"""Build-time text sources for the repair model: only what PyPI and Debian packages ship.

- the ``underthesea`` wheel (fetched with ``pip download --no-deps`` into the cache, read as a
  zip, never imported): VLSP-2013 running text (legal/news prose) and the Viet74K word list;
- ``vietnamadminunits`` (a project dependency): names of provinces, districts and wards;
- Debian ``hunspell-vi`` (/usr/share/hunspell/vi_VN.dic): the syllable inventory;
- Vietnamese running text of Debian packages (``RUNNING_TEXT``), fetched with ``apt-get download``
  and unpacked with ``dpkg-deb -x`` into the cache (never installed: LibreOffice's help needs
  none of LibreOffice): LibreOffice's help pages and its translated messages, the Vietnamese
  man pages, the Debian New Maintainers' Guide, Firefox's and Thunderbird's language packs;
- ``data/admin_phrases.txt``: the fixed phrasing of administrative documents (Nghị định
  30/2020/NĐ-CP's templates: headings, "Căn cứ ...", "Nơi nhận", signature blocks, dates),
  written for this project.

Nothing here runs at repair time; ``normalize.repair.build`` turns these into the snapshot.
"""

from __future__ import annotations

import gettext
import gzip
import html
import logging
import re
import subprocess
import sys
import unicodedata
import zipfile
from collections import Counter
from pathlib import Path

from schemas.files import artefact_cache

log = logging.getLogger(__name__)

UNDERTHESEA = "underthesea==9.5.0"
VLSP_MEMBER = "underthesea/pipeline/pos_tag/models/pos_crf_vlsp2013_20230303/test_output.txt"
VIET74K_MEMBER = "underthesea/corpus/data/Viet74K.txt"
HUNSPELL_VI = Path("/usr/share/hunspell/vi_VN.dic")


def underthesea_wheel() -> Path:
    """The pinned underthesea wheel, downloaded once (build time only) into the cache."""
    dest = artefact_cache() / "wheels"
    found = sorted(dest.glob("underthesea-9.5.0-*.whl")) if dest.exists() else []
    if found:
        return found[0]
    dest.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", str(dest), UNDERTHESEA],
        check=True,
    )
    return sorted(dest.glob("underthesea-9.5.0-*.whl"))[0]


def _nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def vlsp_sentences() -> list[str]:
    """VLSP-2013 sentences (word-segmented tokens re-joined with spaces), in file order."""
    with zipfile.ZipFile(underthesea_wheel()) as z:
        raw = z.read(VLSP_MEMBER).decode("utf-8")
    sents: list[str] = []
    cur: list[str] = []
    for line in raw.splitlines():
        if not line.strip():
            if cur:
                sents.append(_detok(" ".join(cur)))
                cur = []
            continue
        cur.append(line.split("\t")[0])
    if cur:
        sents.append(_detok(" ".join(cur)))
    return [_nfc(s) for s in sents]


def _detok(s: str) -> str:
    """Undo the corpus' spaces before punctuation so renders look like ordinary prose."""
    for p in (" ,", " .", " ;", " :", " )", " !", " ?", " %"):
        s = s.replace(p, p[1:])
    return s.replace("( ", "(")


def viet74k_words() -> list[str]:
    """Viet74K dictionary entries (many multi-syllable words: bigram knowledge)."""
    with zipfile.ZipFile(underthesea_wheel()) as z:
        raw = z.read(VIET74K_MEMBER).decode("utf-8")
    return [_nfc(w.strip()) for w in raw.splitlines() if w.strip()]


def hunspell_words() -> list[str]:
    """Entries of Debian's hunspell-vi dictionary (single syllables), flags stripped."""
    if not HUNSPELL_VI.exists():
        return []
    lines = HUNSPELL_VI.read_text(encoding="utf-8").splitlines()[1:]
    return [_nfc(w.split("/")[0].strip()) for w in lines if w.strip()]


def admin_name_counts() -> Counter:
    """Unit names with and without their type word ('Tỉnh Sơn La', 'tỉnh Sơn La', 'Xã
    Chiềng Ban') -> wards they name or contain: a province's name counts once per ward of
    it, as big units are named more often."""
    import importlib.util
    import sqlite3

    spec = importlib.util.find_spec("vietnamadminunits")
    if spec is None or not spec.submodule_search_locations:
        return Counter()
    db = Path(next(iter(spec.submodule_search_locations))) / "data" / "dataset.db"
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    names: Counter = Counter()
    try:
        q = (
            "SELECT province, provinceShort, district, districtShort, districtType, ward, "
            "wardShort, wardType FROM admin_units_legacy"
        )
        for prov, prov_s, dist, dist_s, dist_t, ward, ward_s, ward_t in con.execute(q):
            row = [
                prov,
                f"tỉnh {prov_s}",
                dist,
                f"{(dist_t or '').lower()} {dist_s}",
                ward,
                f"{(ward_t or '').lower()} {ward_s}",
            ]
            names.update({_nfc(n.strip()) for n in row if n and n.strip()})
    finally:
        con.close()
    return names


ADMIN_PHRASES = Path(__file__).parent / "data" / "admin_phrases.txt"


def debian_package(name: str) -> Path:
    """The package's files, unpacked once into the cache (``apt-get download``, no install)."""
    root = artefact_cache() / "debs" / name
    if (root / ".unpacked").exists():
        return root
    root.mkdir(parents=True, exist_ok=True)
    subprocess.run(["apt-get", "download", "-q", name], cwd=root, check=True, capture_output=True)
    for deb in root.glob("*.deb"):
        subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
        deb.unlink()
    (root / ".unpacked").touch()
    return root


_TAG = re.compile(r"<[^>]+>")
_BLOCK_END = re.compile(r"(?i)<(?:br|/p|/h\d|/li|/td|/div|/tr)\b[^>]*>")
_HIDDEN = re.compile(r"(?is)<(script|style|head)\b.*?</\1>")


def _html_text(page: str) -> str:
    """Visible text of an HTML page, a line per block."""
    page = _BLOCK_END.sub("\n", _HIDDEN.sub(" ", page))
    return html.unescape(_TAG.sub(" ", page))


def libreoffice_help() -> str:
    """LibreOffice's Vietnamese help: instructions in full sentences (~880k words)."""
    root = debian_package("libreoffice-help-vi") / "usr/share/libreoffice/help/vi"
    pages = sorted(root.rglob("*.html"))
    return "\n".join(_html_text(p.read_text(encoding="utf-8", errors="replace")) for p in pages)


def _catalogue_text(paths: list[Path]) -> str:
    """The translations (msgstr) of gettext catalogues, one a line."""
    out: list[str] = []
    for path in paths:
        with path.open("rb") as f:
            try:
                cat = gettext.GNUTranslations(f)._catalog  # type: ignore[attr-defined]
            except (OSError, ValueError) as e:  # a damaged catalogue only costs its text
                log.warning("skipping %s: %s", path, e)
                continue
        out.extend(v for k, v in cat.items() if k and v and v != k)
    return "\n".join(out)


def libreoffice_messages() -> str:
    """LibreOffice's translated interface messages (gettext catalogues)."""
    root = debian_package("libreoffice-l10n-vi")
    return _catalogue_text(sorted(root.rglob("vi/LC_MESSAGES/*.mo")))


_ROFF_COMMENT = re.compile(r"^(?:\.|')\\\"")
_ROFF_REQUEST = re.compile(r"^\.\w+\s*")
_ROFF_ESCAPE = re.compile(r"\\f[BIRP]|\\f\(..|\\\(..|\\[-e&]|\\s[-+]?\d")


def man_pages() -> str:
    """The Vietnamese man pages (roff requests and escapes removed)."""
    root = debian_package("manpages-vi") / "usr/share/man/vi"
    out = []
    for page in sorted(root.rglob("*.gz")):
        with gzip.open(page, "rt", encoding="utf-8", errors="replace") as f:
            for line in f:
                if not _ROFF_COMMENT.match(line):
                    out.append(_ROFF_ESCAPE.sub("", _ROFF_REQUEST.sub("", line)).replace('"', ""))
    return "".join(out)


def maint_guide() -> str:
    """The Debian New Maintainers' Guide in Vietnamese (plain text)."""
    path = debian_package("maint-guide-vi") / "usr/share/doc/maint-guide-vi/maint-guide.vi.txt.gz"
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return f.read()


_MOZ_ENTRY = re.compile(r'^\s*[\w.-]+\s*[=:]\s*(.*)$|^\s*<!ENTITY\s+\S+\s+"(.*)">')


def mozilla_messages() -> str:
    """Firefox's and Thunderbird's Vietnamese language packs (Fluent, .properties, DTD)."""
    out = []
    for pkg in ("firefox-esr-l10n-vi", "thunderbird-l10n-vi"):
        for xpi in sorted(debian_package(pkg).rglob("*.xpi")):
            with zipfile.ZipFile(xpi) as z:
                for name in z.namelist():
                    if name.endswith((".ftl", ".properties", ".dtd")):
                        text = z.read(name).decode("utf-8", errors="replace")
                        for line in text.splitlines():
                            m = _MOZ_ENTRY.match(line)
                            if m:
                                out.append(m.group(1) or m.group(2) or "")
    return "\n".join(out)


def admin_phrases() -> str:
    """Administrative template phrasing written for this project (see the file's header)."""
    lines = ADMIN_PHRASES.read_text(encoding="utf-8").splitlines()
    return "\n".join(x for x in lines if not x.startswith("#"))


# name -> reader of each running-text source, in the order the provenance lists them
RUNNING_TEXT = {
    "libreoffice-help-vi": libreoffice_help,
    "libreoffice-l10n-vi": libreoffice_messages,
    "manpages-vi": man_pages,
    "maint-guide-vi": maint_guide,
    "firefox/thunderbird-l10n-vi": mozilla_messages,
    "admin-phrases": admin_phrases,
}
