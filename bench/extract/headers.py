"""Header extraction on synthetic first pages: does the header reader generalise?

    OMP_THREAD_LIMIT=1 python bench/extract/headers.py --n 80 --seed 1 \
        --data /tmp/headers-synth --baseline main [-v]

The 14 design scans show one layout (a provincial UBND, two lines, no parent). This bench
draws first pages from a grammar of Nghị định 30/2020/NĐ-CP, Phụ lục I (and the Party's
Hướng dẫn 36-HD/VPTW): issuers of many kinds (UBND/HĐND of a tỉnh, huyện or xã, a Sở
or Văn phòng under UBND tỉnh, a Phòng under UBND huyện, Party committees under their
Đảng bộ with "ĐẢNG CỘNG SẢN VIỆT NAM" on the right, mass organisations), names
wrapping over one to three lines, with or without a parent line; the number, the place
and date line, the type and a title over one to three lines, a short body, "Nơi nhận"
and the signature block. Since session 11 also what real pages do beyond the model: an
issuer cut after its locality word or abbreviated ("UBND HUYỆN ..."), parents wrapped by
hand, the issuer's rule of other lengths, dashed or missing, the motto off level, number
and day filled in after typing in another face, numbers of one to four digits, công văn
("V/v ..." under the number, no type heading), titles over three or four lines, and seals
over the issuer, the number or the title's end. Names come from the project's lexicons
(``normalize/codes.json`` issuers and type codes, the administrative units of
``normalize.places``). Pages are
drawn at 300 dpi in Liberation Serif (Times-like) with PIL, optionally degraded (blur,
noise, a slight skew, a red seal over the signature), saved as PDF and read through the
real path (``service.pipeline.load_document``: ingest, OCR, repair; cached in
``--data``), then scored per header field against the drawn truth.

Documents alternate between a *design* half (even index: ``-v`` lists its misses) and
a *held-back* half (odd index: aggregates only), so a fix tuned on the design misses is
checked on layouts it was not tuned on. Issuer and parent are scored exactly and also
ignoring letter case (``issuer~``): the first measures the spelling of a name, the
second whether the layout was read (which lines make which body).
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import math
import random
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from PIL import Image, ImageDraw, ImageFilter, ImageFont  # noqa: E402

from extract import build_record  # noqa: E402
from normalize.places import _index  # noqa: E402
from schemas import Document, Record  # noqa: E402

log = logging.getLogger(__name__)

FONTS = Path("/usr/share/fonts/truetype/liberation2")
DPI = 300
W, H = 2480, 3508  # A4 at 300 dpi
MM = DPI / 25.4
CODES = json.loads((ROOT / "normalize" / "codes.json").read_text())
FIELDS = [
    "issuer",
    "parent_issuer",
    "number",
    "doc_type",
    "date",
    "place",
    "title",
    "signer",
    "signer_title",
]
FIVE = ("number", "date", "doc_type", "issuer", "title")

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ"]
MIDDLE = ["Văn", "Thị", "Hữu", "Minh", "Đức", "Thanh", "Quốc", "Ngọc", "Xuân", "Hoàng"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Lan", "Long", "Mai", "Nam", "Phong"]
GIVEN += ["Quang", "Sơn", "Thắng", "Tuấn", "Việt", "Hương", "Thảo", "Trung", "Khánh"]
TYPES = {  # type word: title openings that fit it
    "QĐ": ["Về việc", "Ban hành", "Phê duyệt"],
    "KH": ["Triển khai", "Thực hiện", "Tổ chức"],
    "BC": ["Kết quả", "Tình hình", "Tổng kết"],
    "TB": ["Kết luận của", "Về việc", "Lịch"],
    "TTr": ["Về việc", "Đề nghị"],
    "CT": ["Về việc", "Tăng cường"],
    "HD": ["Thực hiện", "Tổ chức"],
    "NQ": ["Về việc", "Thông qua"],
}
OBJECTS = [
    "công tác phòng, chống thiên tai và tìm kiếm cứu nạn",
    "chương trình mục tiêu quốc gia xây dựng nông thôn mới",
    "kế hoạch sử dụng đất",
    "công tác cải cách hành chính",
    "phát triển kinh tế - xã hội",
    "công tác bảo vệ rừng và phòng cháy, chữa cháy rừng",
    "quy chế làm việc của cơ quan",
    "dự toán ngân sách nhà nước",
    "công tác tuyển sinh vào lớp 10",
    "chuyển đổi số trong cơ quan nhà nước",
    "công tác an toàn thực phẩm",
    "kiện toàn Ban Chỉ đạo",
]
LONG_TAILS = [
    " và nhiệm vụ trọng tâm trong thời gian tới của các cơ quan, đơn vị",
    " trên địa bàn theo chỉ đạo của Ủy ban nhân dân tỉnh tại cuộc họp thường kỳ",
    " của các cơ quan, đơn vị, địa phương trong thời gian tới",
]
BODY = [
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
    "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công",
    "tác văn thư; Xét đề nghị của cơ quan chuyên môn, việc thực hiện như sau:",
    "1. Các cơ quan, đơn vị tổ chức triển khai thực hiện nghiêm túc, hiệu quả các nội",
    "dung đã đề ra; định kỳ báo cáo kết quả thực hiện về cơ quan thường trực.",
    "2. Giao Văn phòng theo dõi, đôn đốc và tổng hợp tình hình thực hiện.",
]


@dataclass
class Issuer:
    """A body as printed (lines, parent lines) and as the record should name it."""

    lines: list[str]  # the issuer's printed lines (upper case, bold)
    name: str
    code: str
    parent_lines: list[str] = field(default_factory=list)
    parent: str | None = None
    signer_title: list[str] = field(default_factory=list)
    party: bool = False
    place: str = ""


@dataclass
class Page:
    """One synthetic first page: its truth and the rendered image."""

    truth: dict[str, str | None]
    layout: str
    image: Image.Image


def units(level: str) -> list[tuple[str, str, str]]:
    """(short name, province short name, full name) of the pre-2025 units of a level."""
    out = []
    for u in _index().units.values():
        if not u.current and u.level == level and u.short and not any(c.isdigit() for c in u.short):
            out.append((u.short, u.province, u.name))
    return sorted(set(out))


def up(text: str) -> str:
    return text.upper()


def wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Greedy line breaking at spaces to fit ``width`` pixels."""
    lines: list[str] = []
    for word in text.split():
        if lines and font.getlength(lines[-1] + " " + word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def locality(rng: random.Random, level: str) -> tuple[str, str, str]:
    """(kind word, short name, province) of a tỉnh, huyện or xã."""
    if level == "province":
        short, prov, full = rng.choice(PROVINCES)
        return full[: len(full) - len(short)].strip().lower(), short, prov
    short, prov, full = rng.choice(DISTRICTS if level == "district" else WARDS)
    kind = full[: len(full) - len(short)].strip().lower() or "huyện"
    return kind, short, prov


def draw_issuer(rng: random.Random) -> tuple[str, Issuer]:
    """A body of one of the layouts of Phụ lục I (and the Party's), with its parent."""
    provincial = CODES["issuers"]["provincial"]
    layout = rng.choice(
        ["ubnd", "ubnd", "hdnd", "so", "vp", "phong", "party", "party_ban", "org", "ban"]
    )
    if layout in ("ubnd", "hdnd"):
        level = rng.choice(["province", "province", "district", "ward"])
        kind, short, prov = locality(rng, level)
        head = "Ủy ban nhân dân" if layout == "ubnd" else "Hội đồng nhân dân"
        name = f"{head} {kind} {short}"
        lines = [up(head), up(f"{kind} {short}")]
        form = rng.random()
        if form < 0.25:
            lines = [up(name)]
        elif form < 0.4:  # cut after the kind word: "ỦY BAN NHÂN DÂN TỈNH" / "QUẢNG NGÃI"
            lines = [up(f"{head} {kind}"), up(short)]
        elif form < 0.55 and layout == "ubnd":  # abbreviated, as printed: "UBND HUYỆN X"
            name = f"UBND {kind} {short}"
            lines = [up(name)]
        title = ["TM. ỦY BAN NHÂN DÂN" if layout == "ubnd" else "TM. THƯỜNG TRỰC HĐND"]
        title += rng.choice([["CHỦ TỊCH"], ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]])
        code = "UBND" if layout == "ubnd" else "HĐND"
        return layout + "-" + level, Issuer(lines, name, code, signer_title=title, place=short)
    if layout in ("so", "vp", "ban"):
        pkind, prov, _ = locality(rng, "province")
        if layout == "so":
            name = rng.choice(sorted({v for v in provincial.values() if v.startswith("Sở ")}))
            code = "S" + "".join(w[0] for w in name.split()[1:] if w[0].isupper())
            title = rng.choice([["GIÁM ĐỐC"], ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]])
        elif layout == "vp":
            name, code = "Văn phòng", "VP"
            title = ["CHÁNH VĂN PHÒNG"]
        else:
            name = rng.choice(
                [
                    "Ban Quản lý dự án",
                    "Ban Dân tộc",
                    "Ban Quản lý Khu kinh tế",
                    "Ban Tôn giáo",
                    "Ban Chỉ đạo phòng, chống tham nhũng",
                    "Ban Chỉ đạo phòng, chống thiên tai và tìm kiếm cứu nạn",
                ]
            )
            code = "B" + "".join(w[0] for w in name.split()[1:] if w[0].isupper())
            title = ["TRƯỞNG BAN"]
        parent_head = rng.choice(["UBND", "ỦY BAN NHÂN DÂN"])
        parent = f"{'UBND' if parent_head == 'UBND' else 'Ủy ban nhân dân'} {pkind} {prov}"
        parent_lines = [up(f"{parent_head} {pkind} {prov}")]
        if parent_head != "UBND" and rng.random() < 0.4:  # the parent wrapped by hand
            parent_lines = rng.choice(
                [[up(parent_head), up(f"{pkind} {prov}")], [up(f"{parent_head} {pkind}"), up(prov)]]
            )
        return layout, Issuer([up(name)], name, code, parent_lines, parent, title, place=prov)
    if layout == "phong":
        kind, short, _ = locality(rng, "district")
        name = rng.choice(sorted({v for v in provincial.values() if v.startswith("Phòng ")}))
        code = "P" + "".join(w[0] for w in name.split()[1:] if w[0].isupper())
        parent = f"UBND {kind} {short}"
        title = rng.choice([["TRƯỞNG PHÒNG"], ["KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG"]])
        return layout, Issuer([up(name)], name, code, [up(parent)], parent, title, place=short)
    if layout == "party":
        level = rng.choice(["province", "district"])
        kind, short, _ = locality(rng, level)
        committee = {"tỉnh": "Tỉnh ủy", "thành phố": "Thành ủy", "quận": "Quận ủy"}.get(
            kind, "Huyện ủy"
        )
        parent = f"Đảng bộ {kind} {short}"
        title = rng.choice([["T/M BAN THƯỜNG VỤ", "BÍ THƯ"], ["T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ"]])
        code = "TU" if level == "province" else "HU"
        return layout + "-" + level, Issuer(
            [up(committee)], committee, code, [up(parent)], parent, title, True, short
        )
    if layout == "party_ban":
        pkind, prov, _ = locality(rng, "province")
        name = rng.choice(["Ban Tuyên giáo", "Ban Tổ chức", "Ban Dân vận", "Văn phòng"])
        parent = f"{'Tỉnh ủy' if pkind == 'tỉnh' else 'Thành ủy'} {prov}"
        title = rng.choice([["TRƯỞNG BAN"], ["K/T TRƯỞNG BAN", "PHÓ TRƯỞNG BAN"]])
        return layout, Issuer([up(name)], name, "BTGTU", [up(parent)], parent, title, True, prov)
    # a mass organisation of a province, its name long enough to wrap
    pkind, prov, _ = locality(rng, "province")
    org = rng.choice(
        [
            "Ủy ban Mặt trận Tổ quốc Việt Nam",
            "Hội Liên hiệp Phụ nữ",
            "Hội Nông dân",
            "Hội Cựu chiến binh",
            "Liên đoàn Lao động",
            "Hội Chữ thập đỏ",
        ]
    )
    name = f"{org} {pkind} {prov}"
    return "org", Issuer([up(name)], name, "HND", signer_title=["CHỦ TỊCH"], place=prov)


def title_text(rng: random.Random, code: str) -> str:
    opening = rng.choice(TYPES[code])
    obj = rng.choice(OBJECTS)
    tail = rng.choice(["", f" năm {rng.randint(2015, 2025)}", " giai đoạn 2021 - 2025"])
    text = f"{opening} {obj}{tail}"
    return text[:1].upper() + text[1:]


def person(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def centred(d: ImageDraw.ImageDraw, cx: float, y: float, text: str, font) -> float:
    """Draw ``text`` centred on ``cx``; returns its width."""
    w = font.getlength(text)
    d.text((cx - w / 2, y), text, font=font, fill=0)
    return w


def render(rng: random.Random) -> Page:
    """One first page and its truth."""
    layout, iss = draw_issuer(rng)
    size = rng.choice([12, 13])
    px = round(size * DPI / 72)
    reg = ImageFont.truetype(str(FONTS / "LiberationSerif-Regular.ttf"), px)
    bold = ImageFont.truetype(str(FONTS / "LiberationSerif-Bold.ttf"), px)
    ital = ImageFont.truetype(str(FONTS / "LiberationSerif-Italic.ttf"), round(px * 1.05))
    big = ImageFont.truetype(str(FONTS / "LiberationSerif-Bold.ttf"), round(px * 1.1))
    img = Image.new("L", (W, H), 255)
    d = ImageDraw.Draw(img)
    left_x, right_x = 30 * MM, W - 15 * MM
    col_w = rng.choice([62, 68, 75]) * MM  # the left column's; the motto's takes the rest
    lcx = left_x + col_w / 2
    text_w = int(col_w - 10 * MM)  # a gap of at least 5 mm before the motto's column
    rcx = left_x + col_w + (right_x - left_x - col_w) / 2
    lh = px * 1.25
    y = 20 * MM
    motto_top = not iss.party and rng.random() < 0.12  # older pages: the motto above all
    if motto_top:
        centred(d, W / 2, y, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold)
        w = centred(d, W / 2, y + lh, "Độc lập - Tự do - Hạnh phúc", big)
        d.line((W / 2 - w / 2, y + lh * 2.1, W / 2 + w / 2, y + lh * 2.1), fill=0, width=3)
        y += lh * 3
    # left: parent (regular), issuer (bold), wrapped to the column
    issuer_lines = [part for line in iss.lines for part in wrap(line, bold, text_w)]
    if rng.random() < 0.25 and len(issuer_lines) == 1 and len(issuer_lines[0].split()) >= 4:
        words = issuer_lines[0].split()  # wrapped by hand, as typists do
        cut = rng.randint(2, len(words) - 2)
        issuer_lines = [" ".join(words[:cut]), " ".join(words[cut:])]
    ly = y0 = y
    for line in iss.parent_lines:
        for part in wrap(line, reg, text_w):
            centred(d, lcx, ly, part, reg)
            ly += lh
    wmax = 0.0
    for line in issuer_lines:
        wmax = max(wmax, centred(d, lcx, ly, line, bold))
        ly += lh
    if iss.party:
        centred(d, lcx, ly, "*", bold)
        ly += lh
    else:  # the rule under the issuer: a third of its width (Phụ lục I), or as typed
        rule = rng.choice(["third", "third", "third", "half", "full", "dashes", "none"])
        if rule == "dashes":
            centred(d, lcx, ly - px * 0.2, "-" * rng.randint(8, 16), reg)
            ly += px * 0.9
        elif rule != "none":
            half_w = wmax * {"third": 1 / 6, "half": 1 / 4, "full": 0.48}[rule]
            d.line((lcx - half_w, ly + 4, lcx + half_w, ly + 4), fill=0, width=3)
            ly += px * 0.6
        layout += "+rule_" + rule if rule != "third" else ""
    digits = rng.randint(1, 4)
    number = rng.randint(10 ** (digits - 1), 10**digits - 1)
    code = rng.choice(list(TYPES) if iss.party else [*TYPES, "CV"])
    year = rng.randint(2005, 2025)
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    stamp_font = None
    if rng.random() < 0.3:  # number and day filled in after typing, in another face
        layout += "+stamped"
        face = rng.choice(
            [
                "LiberationSerif-BoldItalic.ttf",
                "LiberationSerif-Italic.ttf",
                "LiberationSans-Bold.ttf",
                "LiberationMono-Bold.ttf",
            ]
        )
        stamp_font = ImageFont.truetype(str(FONTS / face), round(px * rng.uniform(1.0, 1.25)))
    if iss.party:
        key = f"{number}-{code}/{iss.code}"
        head = "Số "
    elif code == "CV":  # a công văn: the issuer's code and a unit's, no type code
        key = f"{number}/{iss.code}-{rng.choice(['VP', 'KT', 'VX', 'NC', 'TH', 'KTN'])}"
        head = "Số: "
    else:
        key = f"{number}/{code}-{iss.code}"
        head = "Số: "
    stamped(d, (lcx, ly), [head, str(number), key[len(str(number)) :]], reg, stamp_font, rng)
    number_y = ly
    ly += lh
    vv: list[str] = []
    if code == "CV":  # "V/v ..." under the number: a công văn's title, no type heading
        layout += "+cong_van"
        vv = wrap("V/v " + lower_first(title_text(rng, rng.choice(list(TYPES)))), reg, text_w)
        for line in vv:
            centred(d, lcx, ly, line, reg)
            ly += lh
    # right: motto (or the Party's name), then place and date: level with the number, or
    # right under the motto (beside the issuer's last lines when the left block is tall)
    under_motto = rng.random() < 0.4
    ry = y + rng.choice([0.0, 0.0, 0.0, -0.3, 0.5]) * lh  # the motto set a little off level
    if iss.party:
        w = centred(d, rcx, ry, "ĐẢNG CỘNG SẢN VIỆT NAM", bold)
        ry += lh
        d.line((rcx - w / 2, ry, rcx + w / 2, ry), fill=0, width=3)
        ry = ry + px * 0.6 if under_motto else max(ry + px * 0.6, number_y)
    elif motto_top:
        ry = number_y
    else:
        centred(d, rcx, ry, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold)
        ry += lh
        w = centred(d, rcx, ry, "Độc lập - Tự do - Hạnh phúc", big)
        ry += lh * 1.05
        w *= rng.choice([1.0, 1.0, 0.7, 1.15])  # the motto's rule: its width, or as typed
        d.line((rcx - w / 2, ry, rcx + w / 2, ry), fill=0, width=3)
        ry = ry + px * 0.6 if under_motto else max(ry + px * 0.6, number_y)
    dd = f"{day:02d}" if day < 10 else str(day)
    mm = f"{month:02d}" if month < 3 else str(month)
    parts = [f"{iss.place}, ngày ", dd, f" tháng {mm} năm {year}"]
    stamped(d, (rcx, ry), parts, ital, stamp_font, rng)
    y = max(ly, ry + lh) + lh
    # centre: type and title (a công văn has neither: its title is the "V/v" above)
    if code == "CV":
        type_name, title = "Công văn", " ".join(vv)
        title_at = (lcx + text_w / 3, number_y + lh * len(vv))  # the "V/v" lines' end
    else:
        type_name = CODES["types"][code]
        centred(d, W / 2, y, up(type_name), big)
        y += lh * 1.1
        if not iss.party and rng.random() < 0.15:  # the 1990s heading names its issuer
            centred(d, W / 2, y, up(f"của {iss.name}"), bold)
            y += lh
        title = title_text(rng, code)
        if rng.random() < 0.3:  # a longer title, over three or four lines
            title += rng.choice(LONG_TAILS)
        width = rng.choice([80, 110, 130, 150]) * MM
        lines = wrap(title, bold, int(width))
        for line in lines:
            title_at = (W / 2 + font_len(bold, line) / 2, y + lh / 2)  # the last line's end
            centred(d, W / 2, y, line, bold)
            y += lh
        d.line((W / 2 - 20 * MM, y + px * 0.3, W / 2 + 20 * MM, y + px * 0.3), fill=0, width=3)
        y += lh * 1.5
    for line in BODY[: rng.randint(3, len(BODY))]:
        d.text((left_x + 12 * MM, y), line, font=reg, fill=0)
        y += lh * 1.2
    y += lh
    # signature block on the right, "Nơi nhận" on the left
    signer = person(rng)
    sy = y
    for line in iss.signer_title:
        centred(d, rcx, sy, line, bold)
        sy += lh
    sig_top = sy
    sy += rng.choice([4, 5, 6]) * lh
    centred(d, rcx, sy, signer, bold)
    small = ImageFont.truetype(str(FONTS / "LiberationSerif-Regular.ttf"), round(px * 0.85))
    d.text(
        (left_x, y),
        "Nơi nhận:",
        font=ImageFont.truetype(str(FONTS / "LiberationSerif-BoldItalic.ttf"), round(px * 0.9)),
        fill=0,
    )
    for i, line in enumerate(["- Như trên;", "- Lưu: VT."]):
        d.text((left_x, y + (i + 1) * lh * 0.9), line, font=small, fill=0)
    truth: dict[str, str | None] = {
        "issuer": iss.name,
        "parent_issuer": iss.parent,
        "number": key,
        "doc_type": type_name,
        "date": f"{year:04d}-{month:02d}-{day:02d}",
        "place": iss.place,
        "title": title,
        "signer": signer,
        "signer_title": " / ".join(iss.signer_title),
    }
    # a seal over the head as well, by chance: on the issuer (an attachment's "dấu treo"),
    # the number line, or the end of the title
    over = rng.choice(["", "", "", "", "issuer", "number", "title"])
    extra = {"issuer": (lcx, y0 + lh), "number": (lcx + col_w / 4, number_y), "title": title_at}
    layout += f"+seal_{over}" if over else ""
    rgb = degrade(rng, img.convert("RGB"), (rcx, sig_top + lh), extra.get(over))
    return Page(truth, layout + ("+motto_top" if motto_top else ""), rgb)


def font_len(font: ImageFont.FreeTypeFont, text: str) -> float:
    return float(font.getlength(text))


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def stamped(
    d: ImageDraw.ImageDraw,
    at: tuple[float, float],
    parts: list[str],
    font: ImageFont.FreeTypeFont,
    stamp: ImageFont.FreeTypeFont | None,
    rng: random.Random,
) -> None:
    """Draw printed text with a filled-in middle part (number, day) centred on ``at``.

    Without ``stamp`` it is one typed line; with it the middle part stands in its own face,
    a little off the line, with the blank the typist left around it.
    """
    cx, y = at
    if stamp is None:
        centred(d, cx, y, "".join(parts), font)
        return
    head, mid, tail = parts
    gap = font.getlength(" ") * rng.uniform(1.0, 3.0)
    total = font.getlength(head.rstrip()) + 2 * gap + stamp.getlength(mid) + font.getlength(tail)
    x = cx - total / 2
    d.text((x, y), head.rstrip(), font=font, fill=0)
    x += font.getlength(head.rstrip()) + gap
    d.text((x, y + rng.uniform(-10, 6)), mid, font=stamp, fill=0)
    d.text((x + stamp.getlength(mid) + gap, y), tail, font=font, fill=0)


def seal(img: Image.Image, cx: float, cy: float) -> Image.Image:
    """A red seal (a ring, an inner ring, a star) centred on (cx, cy)."""
    layer = Image.new("RGBA", img.size, (0, 0, 0, 0))
    sd = ImageDraw.Draw(layer)
    r = 190
    red = (210, 30, 40, 150)
    sd.ellipse((cx - r, cy - r, cx + r, cy + r), outline=red, width=10)
    sd.ellipse((cx - r + 40, cy - r + 40, cx + r - 40, cy + r - 40), outline=red, width=5)
    pts = [
        (cx + 60 * math.cos(a), cy - 60 * math.sin(a))
        for a in [math.pi / 2 + k * 4 * math.pi / 5 for k in range(5)]
    ]
    sd.polygon(pts, fill=red)
    return Image.alpha_composite(img.convert("RGBA"), layer).convert("RGB")


def degrade(
    rng: random.Random,
    img: Image.Image,
    seal_at: tuple[float, float],
    head_seal: tuple[float, float] | None = None,
) -> Image.Image:
    """Blur, noise, a slight skew and red seals (signature, ``head_seal``), each by chance."""
    if rng.random() < 0.6:  # the seal half over the signer's title
        img = seal(img, seal_at[0] - rng.uniform(150, 350), seal_at[1] + rng.uniform(0, 120))
    if head_seal is not None:
        img = seal(img, head_seal[0] + rng.uniform(-60, 60), head_seal[1] + rng.uniform(-40, 40))
    if rng.random() < 0.4:
        img = img.rotate(rng.uniform(-0.8, 0.8), fillcolor=(255, 255, 255), resample=Image.BICUBIC)
    if rng.random() < 0.5:
        img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.6, 1.4)))
    if rng.random() < 0.4:
        gen = np.random.default_rng(rng.randrange(2**32))
        arr = np.asarray(img, dtype=np.float32)
        arr += gen.normal(0, rng.uniform(12, 30), arr.shape[:2])[..., None]
        img = Image.fromarray(arr.clip(0, 255).astype(np.uint8))
    return img


def pdf_bytes(img: Image.Image | list[Image.Image]) -> bytes:
    """The page (or pages) as an image-only PDF, the same bytes for the same images (so
    OCR is cached)."""
    first, *rest = img if isinstance(img, list) else [img]
    buf = io.BytesIO()
    stamp = time.gmtime(0)  # Pillow dates the file by the clock otherwise
    kept = {"creationDate": stamp, "modDate": stamp}
    first.save(buf, "PDF", resolution=DPI, save_all=True, append_images=rest, **kept)
    return buf.getvalue()


def read_pages(
    pages: list[tuple[str, Image.Image]] | list[tuple[str, list[Image.Image]]], data: Path
) -> list[Document]:
    """Each drawn page (or a document's pages) as a PDF under ``data/pdf`` (rewritten only
    when its bytes changed), read through the real path (ingest, OCR cached in ``data``,
    repair): what a user's scan goes through. Shared by the image benches (this one,
    ``cites.py``, ``degrade.py``)."""
    from service.pipeline import load_document  # type: ignore[import-not-found]

    pdfs = data / "pdf"
    pdfs.mkdir(parents=True, exist_ok=True)
    docs = []
    for name, image in pages:
        path, raw = pdfs / f"{name}.pdf", pdf_bytes(image)
        if not path.exists() or path.read_bytes() != raw:
            path.write_bytes(raw)
        docs.append(load_document(path, data))
    return docs


def records_of(
    docs: list[Document], baseline: str | None
) -> tuple[list[Record], list[Record] | None]:
    """The records of this tree and, with ``baseline``, of that commit's extractor on the
    very same Documents (bench/extract/run.py's subprocess): one run, two figures."""
    records = [build_record(d) for d in docs]
    if not baseline:
        return records, None
    from run import baseline_records

    return records, baseline_records(baseline, docs)


def norm(v: object) -> str | None:
    if v is None:
        return None
    s = unicodedata.normalize("NFC", " ".join(str(v).split()))
    return s or None


class Tally:
    """tp/fp/fn per field, and silent errors (wrong and not flagged for review)."""

    def __init__(self) -> None:
        self.n: dict[str, list[int]] = {}
        self.silent = self.values = self.flagged = 0
        self.silent_by: dict[str, int] = {}

    def add(self, f: str, g: str | None, p: str | None) -> None:
        c = self.n.setdefault(f, [0, 0, 0])
        c[0] += bool(g and p == g)
        c[1] += bool(p and p != g)
        c[2] += bool(g and p != g)

    def f1(self, names: tuple[str, ...] | list[str]) -> float:
        tp, fp, fn = (sum(self.n.get(f, [0, 0, 0])[i] for f in names) for i in range(3))
        return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0


def score(truths: list[dict], records: list[Record], verbose: bool) -> Tally:
    """Per-field counts over the documents; ``verbose`` lists the misses by document index."""
    t = Tally()
    for truth, rec in zip(truths, records, strict=True):
        i = truth["index"]
        for f in FIELDS:
            g, p = norm(truth[f]), norm(getattr(rec.doc, f))
            t.add(f, g, p)
            if f in ("issuer", "parent_issuer"):
                t.add(f + "~", g and g.lower(), p and p.lower())
            detail = rec.doc.detail.get(f)
            flagged = bool(detail and detail.needs_review)
            if g or p:
                t.values += 1
                t.flagged += flagged
                wrong = bool(p and p != g and not flagged)
                t.silent += wrong
                t.silent_by[f] = t.silent_by.get(f, 0) + wrong
            if verbose and g != p:
                mark = " (needs_review)" if flagged else " SILENT" if p else ""
                print(f"  [{i} {truth['layout']}] {f}: gold={g!r} got={p!r}{mark}")
    return t


def table(rows: list[tuple[str, Tally]]) -> None:
    cols = [*FIELDS[:2], "issuer~", "parent_issuer~", *FIELDS[2:]]
    print(f"  {'':34}" + "".join(f"{c[:9]:>10}" for c in cols) + f"{'5 of #15':>10}{'silent':>8}")
    for name, t in rows:
        cells = "".join(f"{t.f1([c]):10.3f}" for c in cols)
        print(f"  {name:34}{cells}{t.f1(FIVE):10.3f}{t.silent:4d}/{t.values}")
    print("  silent errors by field (wrong, not flagged):")
    for name, t in rows:
        print(f"  {name:34}" + ", ".join(f"{f} {n}" for f, n in t.silent_by.items() if n))


def synthetic_args(doc: str | None, n: int, data: str) -> argparse.ArgumentParser:
    """The options every synthetic bench takes (this one, ``cites.py``): how many pages,
    the seed that draws them, where their PDFs and OCR cache live, a baseline commit."""
    ap = argparse.ArgumentParser(description=(doc or "").split("\n\n")[0])
    ap.add_argument("--n", type=int, default=n, help="documents (half design, half held back)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--data", type=Path, default=Path(data))
    ap.add_argument("--baseline", help="also score the extractor of this commit, same run")
    ap.add_argument("-v", "--verbose", action="store_true", help="list the design half's misses")
    return ap


def main() -> None:
    args = synthetic_args(__doc__, 60, "/tmp/headers-synth").parse_args()
    logging.basicConfig(level=logging.WARNING)
    truths, images = [], []
    for i in range(args.n):
        page = render(random.Random(f"{args.seed}-{i}"))
        images.append((f"synth-{args.seed}-{i:03d}", page.image))
        truths.append({**page.truth, "layout": page.layout, "index": i})
    records, base = records_of(read_pages(images, args.data), args.baseline)
    rows = []
    for half, parity in (("design", 0), ("held back", 1)):
        idx = [i for i in range(args.n) if i % 2 == parity]
        sub = [truths[i] for i in idx]
        if base is not None:
            rows.append((f"{half}, {args.baseline}", score(sub, [base[i] for i in idx], False)))
        verbose = args.verbose and parity == 0
        rows.append((f"{half}, this tree", score(sub, [records[i] for i in idx], verbose)))
    print(f"\nsynthetic first pages: --n {args.n} --seed {args.seed} (F1 per field)")
    table(rows)
    layouts: dict[str, int] = {}
    for t in truths:
        layouts[t["layout"]] = layouts.get(t["layout"], 0) + 1
    print("  layouts:", ", ".join(f"{k} {v}" for k, v in sorted(layouts.items())))


PROVINCES, DISTRICTS, WARDS = units("province"), units("district"), units("ward")

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main()
