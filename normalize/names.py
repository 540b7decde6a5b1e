"""Vietnamese personal names: which capitalised words are surnames and middle names.

Used to tell a person's name from other capitalised words (entities, the signer of a
header, the repair's place names) and to put OCR slips right in a surname: one list for
all of them. Keys are folded (``normalize.fold``: no case, no marks, đ as d).
"""

from __future__ import annotations

from normalize.fold import fold

# The common surnames (folded); some share their letters with another surname (Lò/Lô)
SURNAMES = frozenset(
    {
        "nguyen",
        "tran",
        "le",
        "pham",
        "hoang",
        "huynh",
        "phan",
        "vu",
        "vo",
        "dang",
        "bui",
        "do",
        "ho",
        "ngo",
        "duong",
        "ly",
        "phung",
        "dinh",
        "luong",
        "mai",
        "lo",
        "cam",
        "quang",
        "tong",
        "ha",
        "dao",
        "trinh",
        "lu",
        "vi",
        "sam",
        "to",
        "truong",
        "doan",
        "lam",
        "cao",
        "kieu",
        "ta",
        "chu",
        "thai",
        "luu",
        "nong",
        "hua",
        "la",
        "giang",
        "quach",
        "tang",
        "ton",
        "vuong",
        "khuat",
    }
)
# Surnames with one spelling for their letters: "Trân" or "Tran" can only be Trần
_SPELLING = {
    fold(n): n
    for n in [
        "Nguyễn",
        "Trần",
        "Lê",
        "Phạm",
        "Hoàng",
        "Huỳnh",
        "Vũ",
        "Võ",
        "Đặng",
        "Bùi",
        "Đỗ",
        "Hồ",
        "Ngô",
        "Dương",
        "Lý",
        "Phùng",
        "Đinh",
        "Lương",
        "Cầm",
        "Hà",
        "Đào",
        "Trịnh",
        "Sầm",
        "Tô",
        "Trương",
        "Đoàn",
        "Lâm",
        "Kiều",
        "Tạ",
        "Thái",
        "Lưu",
        "Nông",
        "Hứa",
        "Quách",
        "Tôn",
        "Vương",
        "Khuất",
    ]
}
# Middle names that mark a person's name: "Nguyễn Văn Thanh", "Trần Thị Hoa"
MIDDLE_NAMES = {"van": "Văn", "thi": "Thị"}


def surname_spelling(word: str) -> str | None:
    """The one spelling of the surname whose letters ``word`` has (capitalised), or None."""
    return _SPELLING.get(fold(word))
