"""Titles of Vietnamese laws, to restore the marks OCR breaks inside a cited law's name.

A law cited by name ("Luật Tổ chức chính quyền địa phương ngày 19/6/2015") is keyed by
that name, so one OCR slip ("Luật Tó chức chính quyễn địa phương") would make another
key. The titles below are matched on their fold and only the marks are taken from
them: letter case stays as printed ("Chính quyền" and "chính quyền" both occur).
"""

from __future__ import annotations

import re
from functools import lru_cache

from normalize.fold import fold

__all__ = ["LAW_PHRASES", "restore_law_name"]

LAW_PHRASES = [
    "sửa đổi, bổ sung một số điều của",
    "Tổ chức chính quyền địa phương", "Tổ chức Chính phủ", "Tổ chức Quốc hội",
    "Tổ chức Tòa án nhân dân", "Tổ chức Viện kiểm sát nhân dân", "Tố tụng hành chính",
    "Tố tụng dân sự", "Tố tụng hình sự", "Thanh tra", "Tiếp công dân", "Khiếu nại", "Tố cáo",
    "Cán bộ, công chức", "Viên chức", "Ban hành văn bản quy phạm pháp luật", "Đất đai",
    "Xây dựng", "Đầu tư công", "Đầu tư", "Ngân sách nhà nước", "Kế toán", "Thuế",
    "Quản lý thuế", "Giáo dục", "Giáo dục đại học", "Giáo dục nghề nghiệp", "Thi đua, khen thưởng",
    "Phòng, chống tham nhũng", "Thực hành tiết kiệm, chống lãng phí", "Bảo vệ môi trường",
    "Bảo hiểm xã hội", "Bảo hiểm y tế", "Lao động", "Doanh nghiệp", "Hợp tác xã", "Nhà ở",
    "Kinh doanh bất động sản", "Quy hoạch", "Quy hoạch đô thị", "Giao thông đường bộ",
    "Xử lý vi phạm hành chính", "Thi hành án dân sự", "Thi hành án hình sự", "Hình sự", "Dân sự",
    "Công an nhân dân", "An ninh quốc gia", "Quốc phòng", "Dân quân tự vệ", "Nghĩa vụ quân sự",
    "Phòng cháy và chữa cháy", "Phòng, chống ma túy", "Tín ngưỡng, tôn giáo", "Báo chí",
    "Xuất bản", "Di sản văn hóa", "Thể dục, thể thao", "Du lịch", "Khoa học và công nghệ",
    "Công nghệ thông tin", "Giao dịch điện tử", "An toàn thông tin mạng", "An ninh mạng",
    "Trẻ em", "Người cao tuổi", "Người khuyết tật", "Bình đẳng giới", "Thanh niên",
    "Hôn nhân và gia đình", "Phổ biến, giáo dục pháp luật", "Hòa giải ở cơ sở",
    "Tổ chức cơ quan điều tra hình sự", "Mặt trận Tổ quốc Việt Nam", "Công đoàn",
    "Hoạt động giám sát của Quốc hội và Hội đồng nhân dân", "Bầu cử đại biểu Quốc hội và đại biểu "
    "Hội đồng nhân dân", "Đấu thầu", "Quản lý, sử dụng tài sản công", "Phí và lệ phí", "Giá",
    "Lâm nghiệp", "Thủy sản", "Trồng trọt", "Chăn nuôi", "Thủy lợi", "Tài nguyên nước",
    "Khoáng sản", "Điện lực", "Y tế", "Khám bệnh, chữa bệnh", "Dược",
    "Phòng, chống bệnh truyền nhiễm",
]


@lru_cache(maxsize=1)
def _patterns() -> list[tuple[re.Pattern[str], str]]:
    out = []
    for phrase in sorted(LAW_PHRASES, key=len, reverse=True):
        out.append((re.compile(r"\b" + re.escape(fold(phrase)) + r"\b"), phrase))
    return out


def restore_law_name(name: str) -> str:
    """The law name with the marks of known title words restored, case kept as printed."""
    folded = fold(name)
    chars = list(name)
    for pattern, phrase in _patterns():
        for m in pattern.finditer(folded):
            for k, ch in enumerate(phrase):
                orig = chars[m.start() + k]
                chars[m.start() + k] = ch.upper() if orig.isupper() else ch.lower()
    return "".join(chars)
