"""Whether a signer's name read by OCR is a plausible Vietnamese name.

Tesseract's ``vie`` slips tone marks in the bold signer line at high confidence ("Hiên"
read for "Hiền" at 95): a word-confidence bar cannot see it, and no rule can tell which
name was printed. What can be told is that the reading is unusual: a middle or given
name that is not among the syllables Vietnamese names are made of, while a tone or mark
variant of it is ("hiên" beside "hiền", "hiển", "hiến"). Such a name is flagged
``name_unusual`` for review, never corrected. Names the archive itself knows
(:func:`set_known_names`, e.g. signers of documents a person checked) are trusted, and
one spelt like a known name but with other marks is flagged even when each syllable is
common.
"""

from __future__ import annotations

import fcntl
import logging
from collections.abc import Iterable
from pathlib import Path

from normalize.fold import fold
from normalize.names import surname_spelling
from normalize.unicode import tone_key
from schemas.files import write_atomic

__all__ = [
    "KNOWN_NAMES_FILE",
    "NAME_UNUSUAL",
    "learn_known_name",
    "load_known_names",
    "name_doubts",
    "set_known_names",
]

log = logging.getLogger(__name__)

NAME_UNUSUAL = "name_unusual"
KNOWN_NAMES_FILE = "known-names.txt"  # in the archive's models dir, one name a line

# Middle and given names of Vietnamese people (Kinh and the common names of the northern
# minorities): the syllables, in the tone convention of ``tone_key``. A common-knowledge
# list, not fitted to any document: a name outside it is not wrong, only worth a look.
_NAME_SYLLABLES = """
an ái ánh ân ấn anh bá bắc bạch bách bản bang bảng bảo bão bằng bắc bé bích biên biển
bình bính bỉnh bội bôn bổn bông bửu ca cát cảnh cần cẩm cấp chánh châm chân chấn châu
chi chí chiêm chiến chiểu chiêu chinh chính chỉnh chu chung chúc chuẩn chuyên chương
chưởng chức công cúc cung cương cường dạ danh dân dần diễm diện diệp diệu dinh doãn
du dũng dung dụng duy duyên duyệt dư dự dược dương dưỡng đa đại đam đan đán đảm đàm đang
đăng đằng đắc đẩu đậu đình đỉnh định điền điệp điểm điều đoan đoàn độ đô đồng đông động
đức đường được gấm gia giác giai giang giáp giao giới hà hạ hải hàm hân hãn hạnh hanh
hào hảo hạo hậu hằng hiền hiển hiến hiếu hiệp hiệu hinh hình hoa hòa hóa hoạch hoài
hoan hoàn hoán hoàng hoành học hồ hội hồng hợp huân huấn huế huệ huy huyên huyền huỳnh
hùng hưng hứng hương hường hưởng hựu hữu kết kha khả khải khang kháng khanh khánh khẩn
khiêm khiết khoa khoái khoan khôi khởi khuê khương kiên kiện kiểm kiều kiệt kim kính kỳ
kỷ la lai lài lam lâm lan lãng lành lạng lâm lập lễ lệ lê lịch liên liêm liễu linh lĩnh
loan lộc lợi long lộ lũy luân luận lục lực lưu lương lượng lý ly mai mạnh mãn mẫn mậu
miên minh mơ mừng mỹ my na nam nga ngà ngạn ngân nghĩa nghị nghiêm nghiệp ngọ ngọc ngôn
nguyên nguyện nguyệt nhã nhàn nhạn nhâm nhân nhất nhật nhi nhị nhiên nhiệm nhu nhung nhuận
như nhường ninh nụ nương oanh phát pháp phấn phi phó phong phú phúc phụng phùng phước
phương phượng quả quan quán quân quang quảng quế quốc quý quyên quyền quyết quỳnh sa sang
sáng sâm sĩ sinh sơn song sương tá tài tạo tám tâm tân tấn tập tất thạc thạch thái thắm
thăng thắng thanh thành thạnh thảo thân thăng thập thế thêm thi thị thiên thiện
thiết thiều thịnh thìn thoa thỏa thoại thọ thông thơ thời thu thủ thuần thuận thục thúy
thủy thụy thuyên thuyết thư thức thương thường thưởng tích tiên tiến tiền tiệp tiếp tín
tình tịnh tĩnh toại toán toàn toản tố tô tôn tông tốt trà trác trạch trai trang tráng
trâm trân trấn tri trí triển triết triều triệu trinh trình trọng trúc trung truyền trực
trưng trương trường tú tuân tuấn tuất tuệ tùng tuyên tuyền tuyết tư tứ tự tường tưởng
uyên uyển văn vân vấn vi vĩ việt viên viện vinh vĩnh võ vũ vui vượng vương vy xuân xuyến
yên yến bao bài bàn bền bổng cầm cận cẩn châu cơ cử diễn doanh đài đạm đệ điển đinh
đôn hai hạc hàn hoạt hội hơn huynh hỷ kế khai khuyến lạc lãm lăng lệnh liệt lụa luyến
mạc mẫu mến miền mùi năm nết ngãi ngoan ngữ nho nhơn nhựt nữ phái phán phiên phổ quới
quỳ rạng sắc sáu sở sử sự tại tăng tánh thao thẩm thể thiệp thơm thước thượng tiêu
tiễn tỉnh toan tới tuế tuyển tươi ước ưng út vạn vang vàng vịnh vọng vỹ xanh xiêm xoan
xuyên ý hiếu khoa lành mười nhạc phẩm soạn tài thuận tín trọng vững
"""
NAME_SYLLABLES = frozenset(tone_key(s) for s in _NAME_SYLLABLES.split())

_known: frozenset[str] = frozenset()
_loaded: tuple[Path, float] | None = None


def set_known_names(names: Iterable[str]) -> None:
    """Names the archive has seen confirmed (checked signers): trusted as spelt."""
    global _known
    _known = frozenset(" ".join(tone_key(w) for w in n.split()) for n in names if n.strip())
    log.info("signer names: %d known to the archive", len(_known))


def load_known_names(models_dir: Path) -> None:
    """The names a person confirmed or typed as signers, from the archive's file; re-read
    only when it changed, so every extraction can call it (another process may have
    learned a name since this one started)."""
    global _loaded
    path = Path(models_dir) / KNOWN_NAMES_FILE
    mtime = path.stat().st_mtime if path.exists() else 0.0
    if _loaded != (path, mtime):
        text = path.read_text(encoding="utf-8") if mtime else ""
        set_known_names(text.splitlines())
        _loaded = (path, mtime)


def learn_known_name(models_dir: Path, name: str) -> None:
    """Add a signer's name a person checked: the next extraction trusts it as spelt and
    flags a reading with other marks. Under a lock, since processes store in parallel."""
    name = " ".join(name.split())
    if len(name.split()) < 2:
        return
    models_dir = Path(models_dir)
    models_dir.mkdir(parents=True, exist_ok=True)
    with (models_dir / ".known-names.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        path = models_dir / KNOWN_NAMES_FILE
        old = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
        if name not in {" ".join(line.split()) for line in old}:
            log.info("signer name learned: %s", name)
            write_atomic(path, "\n".join([*old, name]).encode("utf-8") + b"\n")
    load_known_names(models_dir)


def name_doubts(name: str, known: frozenset[str] | None = None) -> list[str]:
    """``[NAME_UNUSUAL]`` when the name looks like an OCR slip of another name, else ``[]``.

    A name the archive knows as spelt is trusted. Otherwise it is unusual when it folds
    like a known name but is spelt otherwise, or when a middle or given syllable is
    neither a name syllable nor a surname spelt as such ("Nguyễn Trần Minh" keeps a
    surname in the middle): mostly a slipped mark ("Hiên" for "Hiền"), sometimes a
    rare name, which a reviewer confirms once.
    """
    known = _known if known is None else known
    words = name.split()
    key = " ".join(tone_key(w) for w in words)
    if len(words) < 2 or key in known:
        return []
    folded = fold(name)
    if any(fold(k) == folded for k in known):
        return [NAME_UNUSUAL]
    for w in words[1:]:
        k = tone_key(w)
        if k in NAME_SYLLABLES or surname_spelling(w) == w:
            continue
        return [NAME_UNUSUAL]
    return []
