"""Hồ sơ (archival files): group documents, keep the file's data, hand it over as a package.

A hồ sơ has the data Thông tư 05/2025/TT-BNV lists for it (service/archive.py); dates and
counts come from its documents unless the archivist sets them.

The transfer package is a BagIt bag (RFC 8493, made and checked by the Library of
Congress's ``bagit`` library), zipped:

    bagit.txt, bag-info.txt, manifest-sha256.txt, tagmanifest-sha256.txt
    data/ho_so.json                   the archival data (archive.schema.json)
    data/tai_lieu/<MÃ>.<STT>.pdf      each document as PDF/A-1b (TCVN 14159-1:2024)
    data/goc/<MÃ>.<STT><ext>          the original as received, byte for byte
    data/sohoa/<MÃ>.<STT>.json        sohoa's stored record, text and pages, so that an
                                      import gives back the same documents without new OCR

Every payload file has its sha256 in manifest-sha256.txt; import verifies all of them
before it writes anything, and a package that fails leaves the archive untouched.

The Thông tư speaks of OAIS packages (Chương VI, Điều 32 khoản 3: the DIP handed to users);
the structure of a submission package was not in the parts we could read, so this is a
BagIt bag, the common archival transfer format, with the Thông tư's data inside.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import bagit
import jsonschema
from sqlalchemy import select
from sqlalchemy.orm import Session
from unidecode import unidecode

from schemas import Document, ErrorKind, Page, Record, SohoaError
from service import archive, outcome, readmodel, review
from service.safetext import iso_date
from service.storage import repo
from service.storage.blobs import BlobStore
from service.storage.db import Database
from service.storage.models import DocumentRow, HoSoDocumentRow, HoSoRow, utcnow

log = logging.getLogger(__name__)

PACKAGE_VERSION = "sohoa-hoso-1"
MAX_MEMBERS = 100_000  # an import never unpacks more than this (zip bombs)
MAX_UNPACKED = 8 << 30
_EXT = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/tiff": ".tif",
    "image/webp": ".webp",
    "image/jp2": ".jp2",
    "text/plain": ".txt",
}


@dataclass
class HoSoIn:
    """What the archivist sets on a hồ sơ; None leaves a value as it is."""

    code: str | None = None
    title: str | None = None
    retention: str | None = None
    start_date: str | None = None
    end_date: str | None = None
    sheets: int | None = None
    data: dict | None = None  # the other fields of archive.HO_SO_DATA_KEYS
    documents: list[int] | None = None  # document ids, in order (số thứ tự)


def _check_data(data: dict, old: dict) -> dict:
    """Merge the archivist's fields into the stored ones; ``tai_lieu`` holds per-document
    fields by document id ({"12": {"muc_do_tiep_can": "..."}}), merged the same way."""
    unknown = set(data) - set(archive.HO_SO_DATA_KEYS) - {"tai_lieu"}
    per_doc = data.get("tai_lieu") or {}
    unknown |= {k for fields in per_doc.values() for k in fields} - set(
        archive.DOCUMENT_ARCHIVIST_KEYS
    )
    if unknown:
        raise SohoaError(ErrorKind.BAD_INPUT, f"unknown fields: {', '.join(sorted(unknown))}")
    merged = {**old, **{k: v for k, v in data.items() if k != "tai_lieu"}}
    docs = dict(old.get("tai_lieu") or {})
    for doc_id, fields in per_doc.items():
        docs[str(doc_id)] = {**docs.get(str(doc_id), {}), **fields}
    merged["tai_lieu"] = {
        d: kept for d, f in docs.items() if (kept := {k: v for k, v in f.items() if v})
    }
    return {k: v for k, v in merged.items() if v not in (None, "", {})}


def _set_members(s: Session, row: HoSoRow, ids: list[int]) -> None:
    if len(set(ids)) != len(ids):
        raise SohoaError(ErrorKind.BAD_INPUT, "a document appears twice in the hồ sơ")
    found = set(s.scalars(select(DocumentRow.id).where(DocumentRow.id.in_(ids)))) if ids else set()
    missing = [i for i in ids if i not in found]
    if missing:
        raise SohoaError(ErrorKind.BAD_INPUT, f"no such documents: {missing}")
    row.members.clear()
    s.flush()
    row.members.extend(HoSoDocumentRow(document_id=i, position=n) for n, i in enumerate(ids, 1))


def save(s: Session, changes: HoSoIn, row: HoSoRow | None = None) -> HoSoRow:
    """Create a hồ sơ (``row`` None) or change one; the code is unique."""
    if row is None:
        if not (changes.code or "").strip():
            raise SohoaError(ErrorKind.BAD_INPUT, "a hồ sơ needs a code (mã hồ sơ)")
        row = HoSoRow(code="", title="", retention="", data={})
        s.add(row)
    if changes.code is not None:
        code = changes.code.strip()
        other = s.scalar(select(HoSoRow).where(HoSoRow.code == code))
        if not code or (other is not None and other is not row):
            raise SohoaError(ErrorKind.BAD_INPUT, f"mã hồ sơ {code!r} is empty or taken")
        row.code = code
    for name in ("title", "retention", "start_date", "end_date", "sheets"):
        value = getattr(changes, name)
        if name.endswith("date") and value:
            value = _real_date(name, value)
        if value is not None:
            setattr(row, name, value if value != "" else None if name.endswith("date") else "")
    if changes.data is not None:
        row.data = _check_data(changes.data, row.data or {})
    if changes.documents is not None:
        _set_members(s, row, changes.documents)
    row.updated_at = utcnow()
    s.flush()
    return row


def _real_date(name: str, value: str) -> str:
    """A date the archivist typed (ISO or dd/mm/yyyy), as ISO; one that is no real date
    (2024-13-45) is refused, from the API, the UI and the CLI alike."""
    iso = iso_date(value)
    if iso is None:
        raise SohoaError(ErrorKind.BAD_INPUT, f"{name}: {value!r} is not a date")
    return iso


def documents_of(row: HoSoRow) -> list[DocumentRow]:
    return [m.document for m in row.members]


def data_of(row: HoSoRow, blobs: BlobStore | None = None) -> dict:
    """The archive export of one hồ sơ: its data and its documents' data, in order."""
    docs = documents_of(row)
    items = [
        archive.document_data(d, blobs.path(d.sha256) if blobs else None, row, m.position)
        for d, m in zip(docs, row.members, strict=True)
    ]
    return archive.export(items, archive.ho_so_data(row, docs))


def package_name(code: str) -> str:
    """The package's (and its bag folder's) name: the code, portable."""
    return _stem(code, 0)[:-4]


def _stem(code: str, position: int) -> str:
    """A portable file name: the code without tones, unsafe characters as '-'."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", unidecode(code)).strip("-.") or "HS"
    return f"{safe}.{position:03d}"


def _stored(s: Session, doc: DocumentRow) -> dict:
    """What an import needs to give back the same document without new OCR."""
    return {
        "sha256": doc.sha256,
        "filename": doc.filename,
        "mime": doc.mime,
        "size": doc.size,
        "kind": doc.kind,
        "pipeline_version": doc.pipeline_version,
        "record": doc.record,
        "text": doc.text,
        "pages": readmodel.page_infos(s, doc.id),
    }


def bag_info(code: str, title: str | None) -> dict[str, str]:
    """The bag's ``bag-info.txt`` tags. A tag is one line: a line break in a typed code or
    title (also U+2028, U+0085, a form feed: any Python reads as one) would start a new,
    invalid tag, and the bag would refuse itself, so each becomes a space."""

    def one_line(value: str) -> str:
        return " ".join(" ".join(value.splitlines()).split())

    return {
        "External-Identifier": one_line(code),
        "External-Description": one_line(title or ""),
        "Bag-Group-Identifier": PACKAGE_VERSION,
        "Source-Organization": "sohoa",
    }


def write_package(s: Session, row: HoSoRow, blobs: BlobStore, out: Path) -> dict:
    """Write the hồ sơ's transfer package (zip of a BagIt bag) to ``out``; returns its data."""
    export = data_of(row, blobs)
    with tempfile.TemporaryDirectory(prefix="sohoa-hoso-") as tmp:
        bag_dir = Path(tmp) / package_name(row.code)
        for sub in ("tai_lieu", "goc", "sohoa"):
            (bag_dir / sub).mkdir(parents=True)
        for item, member in zip(export["tai_lieu"], row.members, strict=True):
            doc, stem = member.document, _stem(row.code, member.position)
            original = blobs.path(doc.sha256)
            if not original.exists():
                raise SohoaError(ErrorKind.FILE_ACCESS, f"document {doc.id}: original missing")
            shutil.copyfile(original, bag_dir / "goc" / f"{stem}{_EXT.get(doc.mime, '.bin')}")
            if doc.kind != "text":
                pdf = bag_dir / "tai_lieu" / f"{stem}.pdf"
                pages = readmodel.pages_of(s, doc)
                archive.write_pdf(original, doc.mime, pages, doc.record.get("doc") or {}, pdf)
                item["tep_tin"]["ten_tep_goi"] = f"tai_lieu/{pdf.name}"
            (bag_dir / "sohoa" / f"{stem}.json").write_text(
                json.dumps(_stored(s, doc), ensure_ascii=False), encoding="utf-8"
            )
        (bag_dir / "ho_so.json").write_text(
            json.dumps(export, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        bagit.make_bag(str(bag_dir), bag_info(row.code, row.title), checksums=["sha256"])
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        part = out.with_name(out.name + ".part")
        with zipfile.ZipFile(part, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(bag_dir.rglob("*")):
                if path.is_file():
                    name = PurePosixPath(bag_dir.name, path.relative_to(bag_dir))
                    zf.write(path, name.as_posix())
        part.replace(out)
    return export


def _unpack(package: Path, dest: Path) -> Path:
    """Extract the zip safely (no absolute paths, no '..') and return the bag's folder."""
    try:
        with zipfile.ZipFile(package) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_MEMBERS or sum(i.file_size for i in infos) > MAX_UNPACKED:
                raise SohoaError(ErrorKind.LIMITS, "package too large to unpack")
            for name in zf.namelist():
                parts = PurePosixPath(name).parts
                if name.startswith("/") or ".." in parts or "\\" in name:
                    raise SohoaError(ErrorKind.BAD_INPUT, f"unsafe path in package: {name}")
            zf.extractall(dest)
    except zipfile.BadZipFile as exc:
        raise SohoaError(ErrorKind.BAD_INPUT, f"not a zip package: {exc}") from exc
    tops = [p for p in dest.iterdir() if p.is_dir()]
    if len(tops) != 1:
        raise SohoaError(ErrorKind.BAD_INPUT, "a package holds exactly one bag folder")
    return tops[0]


def verify_package(package: Path) -> list[str]:
    """Check every checksum of a package; the problems found (empty: intact)."""
    with tempfile.TemporaryDirectory(prefix="sohoa-verify-") as tmp:
        bag_dir = _unpack(Path(package), Path(tmp))
        try:
            bagit.Bag(str(bag_dir)).validate()
        except bagit.BagValidationError as exc:
            return [str(d) for d in exc.details] or [str(exc)]
        except bagit.BagError as exc:
            return [str(exc)]
    return []


def _import_document(s: Session, blobs: BlobStore, stored: dict, original: Path) -> DocumentRow:
    sha = blobs.sha256_of(original)
    if sha != stored["sha256"]:
        raise SohoaError(ErrorKind.BAD_INPUT, f"original {original.name} is not {stored['sha256']}")
    existing = repo.find_by_sha(s, sha)
    if existing is not None:
        return existing
    record = Record.model_validate(stored["record"])
    texts = stored["text"].split("\f")
    pages = [
        Page.model_validate({**p, "text": texts[i] if i < len(texts) else ""})
        for i, p in enumerate(stored["pages"])
    ]
    document = Document(source=record.source, pages=pages)
    row, _ = outcome.save_document(
        s, stored["filename"], document, record, stored["pipeline_version"]
    )
    row.record = stored["record"]  # corrections included, as they were
    row.mime, row.size, row.kind = stored["mime"], stored["size"], stored["kind"]
    review.refresh(s, row)  # the confirmations came back with the record (Record drops them)
    blobs.put_file(original, sha)
    return row


def import_package(db: Database, blobs: BlobStore, package: Path) -> int:
    """Verify a package, then add its documents and its hồ sơ to this archive (one
    transaction: all or nothing). Documents already here (same sha256) are reused.
    Returns the new hồ sơ's id."""
    with tempfile.TemporaryDirectory(prefix="sohoa-import-") as tmp:
        bag_dir = _unpack(Path(package), Path(tmp))
        try:
            bagit.Bag(str(bag_dir)).validate()
        except (bagit.BagValidationError, bagit.BagError) as exc:
            raise SohoaError(ErrorKind.BAD_INPUT, f"package checksums fail: {exc}") from exc
        try:
            return _import_bag(db, blobs, bag_dir / "data")
        except (KeyError, TypeError, ValueError, OSError, jsonschema.ValidationError) as exc:
            raise SohoaError(ErrorKind.BAD_INPUT, f"not a sohoa hồ sơ package: {exc}") from exc


def _import_bag(db: Database, blobs: BlobStore, data: Path) -> int:
    export = json.loads((data / "ho_so.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(archive.schema()).validate(export)
    head = export["ho_so"]
    if head is None:
        raise ValueError("the package has no hồ sơ data")
    with db.session() as s:
        if s.scalar(select(HoSoRow).where(HoSoRow.code == head["ma_ho_so"])) is not None:
            raise SohoaError(ErrorKind.BAD_INPUT, f"hồ sơ {head['ma_ho_so']} already exists")
        ids = []
        for item in export["tai_lieu"]:
            stem = _stem(head["ma_ho_so"], item["so_thu_tu"])
            stored = json.loads((data / "sohoa" / f"{stem}.json").read_text(encoding="utf-8"))
            original = data / "goc" / f"{stem}{_EXT.get(stored['mime'], '.bin')}"
            ids.append(_import_document(s, blobs, stored, original).id)
        s.flush()
        # dates equal to the documents' span stay computed, as they were in the source
        start, end = archive.document_span(
            [d for i in ids if (d := s.get(DocumentRow, i)) is not None]
        )
        tai_lieu = {
            str(i): {k: item[k] for k in archive.DOCUMENT_ARCHIVIST_KEYS if item.get(k)}
            for i, item in zip(ids, export["tai_lieu"], strict=True)
        }
        row = save(
            s,
            HoSoIn(
                code=head["ma_ho_so"],
                title=head["tieu_de"] or "",
                retention=head["thoi_han_bao_quan"] or "",
                start_date=head["thoi_gian_bat_dau"]
                if head["thoi_gian_bat_dau"] != start
                else None,
                end_date=head["thoi_gian_ket_thuc"] if head["thoi_gian_ket_thuc"] != end else None,
                sheets=head["so_luong_to"],
                data={
                    **{k: head.get(k) for k in archive.HO_SO_DATA_KEYS},
                    "tai_lieu": {k: v for k, v in tai_lieu.items() if v},
                },
                documents=ids,
            ),
        )
        return row.id
