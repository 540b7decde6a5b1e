"""Benchmark texts: the clean seeds 001/003/004 and a short text of our own."""

from __future__ import annotations

from pathlib import Path

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
SEED_IDS = ("001", "003", "004")

OWN_TEXT = """\
Thực hiện Kế hoạch số 45/KH-UBND ngày 12/3/2024 của Ủy ban nhân dân huyện về việc
triển khai công tác chuyển đổi số năm 2024, Phòng Văn hóa và Thông tin báo cáo kết quả
thực hiện quý III như sau:
1. Đã số hóa 1.245 hồ sơ lưu trữ, đạt 83,5% kế hoạch năm; tổng kinh phí thực hiện là
215.400.000 đồng (Hai trăm mười lăm triệu bốn trăm nghìn đồng).
2. Tổ chức 06 lớp tập huấn kỹ năng số cho 312 cán bộ, công chức cấp xã; phối hợp với
Trung tâm Văn hóa - Thể thao tuyên truyền trên hệ thống loa truyền thanh cơ sở.
3. Những khó khăn, vướng mắc: đường truyền Internet tại một số xã vùng cao chưa ổn định;
trang thiết bị xuống cấp; nguồn nhân lực công nghệ thông tin còn thiếu và yếu.
Đề nghị Ủy ban nhân dân huyện quan tâm bố trí nguồn kinh phí năm 2025 để tiếp tục
thực hiện nhiệm vụ, bảo đảm tiến độ theo Quyết định số 677/QĐ-TTg ngày 03/6/2022
của Thủ tướng Chính phủ và Nghị quyết số 49-NQ/TU của Tỉnh ủy.
"""


def seed_text(seed_id: str, skip_lines: int = 12) -> str:
    """Body of a seed: non-blank lines after its two-column header, whitespace tidied."""
    path = next(SEEDS.glob(f"{seed_id}_*.txt"))
    lines = [" ".join(ln.split()) for ln in path.read_text(encoding="utf-8").splitlines()]
    return "\n".join([ln for ln in lines if ln][skip_lines:])


def corpus() -> list[tuple[str, str]]:
    """(name, text) pairs to render."""
    return [(f"seed{s}", seed_text(s)) for s in SEED_IDS] + [("own", OWN_TEXT)]
