"""The sample documents' source texts: short reports, plans and decisions of a provincial
Hội Khuyến học, written for this project (names and figures invented) in the style of the
user's seeds and laid out per Nghị định 30/2020/NĐ-CP.

Each document also lists the facts it states (citations, dates, amounts, counts), so tests
and benchmarks can check extraction against what the text really says.

Body markup, one paragraph per string: ``"## X"`` a bold centred line, ``"# X"`` a bold
left heading, anything else a justified paragraph with a first-line indent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Citation:
    """A document cited in the text: canonical key and the date printed with it (or None)."""

    key: str
    date: dt.date | None


@dataclass(frozen=True)
class Doc:
    """One administrative document: header fields, body, signature block and stated facts."""

    slug: str
    parent_issuer: str | None
    issuer: str
    number: str
    place: str
    date: dt.date
    doc_type: str  # the genre word as printed in capitals; "" for a công văn
    title: str  # trích yếu
    body: tuple[str, ...]
    signer_title: tuple[str, ...]
    signer: str
    recipients: tuple[str, ...]
    citations: tuple[Citation, ...]
    names: tuple[str | None, str] = (None, "")  # (parent, issuer) in normal case, as gold
    amounts: tuple[int, ...] = ()  # every sum of money in đồng, in order of appearance
    counts: tuple[tuple[int, str], ...] = field(default=())  # (value, unit) pairs
    dates: tuple[dt.date, ...] = ()  # full dates in the body other than citation dates

    @property
    def date_line(self) -> str:
        d = self.date
        return f"{self.place}, ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"

    def plain_text(self) -> str:
        """The document as a clean text file: header columns read left then right."""
        left = [x for x in (self.parent_issuer, self.issuer) if x] + [f"Số: {self.number}"]
        if not self.doc_type:
            left.append(self.title)
        right = [NATION, MOTTO, self.date_line]
        lines = [*left, *right, ""]
        if self.doc_type:
            lines += [self.doc_type, self.title, ""]
        for para in self.body:
            lines.append(para.lstrip("# "))
        lines += ["", "Nơi nhận:", *self.recipients, ""]
        lines += [*self.signer_title, "(Đã ký)", "", self.signer, ""]
        return "\n".join(lines)


NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
QD677 = "Quyết định số 677/QĐ-TTg ngày 03/6/2022 của Thủ tướng Chính phủ"

DOCS: tuple[Doc, ...] = (
    Doc(
        slug="bc-12-quy-i-2025",
        parent_issuer="UBND TỈNH SƠN LA",
        issuer="HỘI KHUYẾN HỌC TỈNH",
        names=("UBND tỉnh Sơn La", "Hội Khuyến học tỉnh"),
        number="12/BC-HKH",
        place="Sơn La",
        date=dt.date(2025, 4, 7),
        doc_type="BÁO CÁO",
        title="Kết quả công tác khuyến học quý I, nhiệm vụ trọng tâm quý II năm 2025",
        body=(
            "Thực hiện Kế hoạch công tác năm 2025, Hội Khuyến học tỉnh báo cáo kết quả "
            "hoạt động quý I và nhiệm vụ trọng tâm quý II năm 2025 như sau:",
            "# I. KẾT QUẢ CÔNG TÁC QUÝ I NĂM 2025",
            "# 1. Công tác tham mưu, tuyên truyền",
            "Hội Khuyến học tỉnh tiếp tục tham mưu cho Tỉnh ủy, UBND tỉnh triển khai Kết luận "
            "số 49-KL/TW ngày 10/5/2019 của Ban Bí thư về tiếp tục thực hiện Chỉ thị số "
            "11-CT/TW của Bộ Chính trị về tăng cường sự lãnh đạo của Đảng đối với công tác "
            "khuyến học, khuyến tài, xây dựng xã hội học tập; triển khai " + QD677 + " phê "
            "duyệt Đề án \u201cXây dựng mô hình công dân học tập giai đoạn 2021 - 2030\u201d và "
            "Quyết định số 2547/QĐ-UBND ngày 18/10/2021 của UBND tỉnh Sơn La.",
            "Chuyên mục \u201cKhuyến học, khuyến tài\u201d trên Báo Sơn La và Đài Phát thanh - "
            "Truyền hình tỉnh phát sóng 6 kỳ; trang thông tin điện tử của Hội đăng 48 tin, bài.",
            "# 2. Công tác phát triển hội viên và xây dựng quỹ",
            "Trong quý I, các cấp Hội phát triển thêm 4.215 hội viên, nâng tổng số hội viên "
            "toàn tỉnh lên 362.418 người, đạt tỷ lệ 27,4% dân số. Toàn tỉnh có 2.947 chi hội "
            "và 1.036 ban khuyến học.",
            "Quỹ khuyến học các cấp huy động được 1.284.500.000 đồng (Một tỷ hai trăm tám "
            "mươi tư triệu năm trăm nghìn đồng); trong đó Quỹ học bổng Tô Hiệu tiếp nhận "
            "350.000.000 đồng.",
            "# 3. Hoạt động học tập suốt đời",
            "Phối hợp với Trung tâm học tập cộng đồng mở 27 lớp tập huấn kỹ năng số với "
            "1.312 học viên; 3 lớp xóa mù chữ cho đồng bào dân tộc tại huyện Sốp Cộp.",
            "# II. NHIỆM VỤ TRỌNG TÂM QUÝ II NĂM 2025",
            "1. Tiếp tục tuyên truyền, đánh giá kết quả thực hiện mô hình công dân học tập "
            "theo " + QD677 + ".",
            "2. Tổ chức Lễ trao học bổng Tô Hiệu năm học 2024 - 2025 trước ngày 15/5/2025.",
            "3. Hướng dẫn các cấp Hội rà soát, kiện toàn tổ chức sau sắp xếp đơn vị hành chính.",
            "Trên đây là báo cáo kết quả công tác quý I, nhiệm vụ trọng tâm quý II năm 2025 "
            "của Hội Khuyến học tỉnh Sơn La./.",
        ),
        signer_title=("TM. BAN THƯỜNG VỤ", "CHỦ TỊCH"),
        signer="Lò Văn Thạch",
        recipients=(
            "- TW Hội Khuyến học Việt Nam (b/c);",
            "- TT Tỉnh ủy, UBND tỉnh (b/c);",
            "- Sở Giáo dục và Đào tạo;",
            "- HKH các huyện, thành phố;",
            "- Lưu: VT, VP.",
        ),
        citations=(
            Citation("49-KL/TW", dt.date(2019, 5, 10)),
            Citation("11-CT/TW", None),
            Citation("677/QĐ-TTg", dt.date(2022, 6, 3)),
            Citation("2547/QĐ-UBND", dt.date(2021, 10, 18)),
        ),
        amounts=(1_284_500_000, 350_000_000),
        counts=(
            (6, "kỳ"),
            (48, "tin, bài"),
            (4215, "hội viên"),
            (362418, "người"),
            (2947, "chi hội"),
            (1036, "ban khuyến học"),
            (27, "lớp"),
            (1312, "học viên"),
            (3, "lớp"),
        ),
        dates=(dt.date(2025, 5, 15),),
    ),
    Doc(
        slug="kh-31-cong-dan-hoc-tap-2025",
        parent_issuer="UBND TỈNH SƠN LA",
        issuer="HỘI KHUYẾN HỌC TỈNH",
        names=("UBND tỉnh Sơn La", "Hội Khuyến học tỉnh"),
        number="31/KH-HKH",
        place="Sơn La",
        date=dt.date(2025, 2, 19),
        doc_type="KẾ HOẠCH",
        title="Triển khai mô hình \u201cCông dân học tập\u201d năm 2025",
        body=(
            "Căn cứ " + QD677 + " phê duyệt Đề án \u201cXây dựng mô hình công dân học tập "
            "giai đoạn 2021 - 2030\u201d;",
            "Căn cứ Quyết định số 1373/QĐ-TTg ngày 30/7/2021 của Thủ tướng Chính phủ phê duyệt "
            "Đề án \u201cXây dựng xã hội học tập giai đoạn 2021 - 2030\u201d;",
            "Căn cứ Thông tư số 22/2020/TT-BGDĐT ngày 06/8/2020 của Bộ Giáo dục và Đào tạo "
            "quy định về đánh giá, xếp loại \u201cCộng đồng học tập\u201d cấp xã;",
            "Hội Khuyến học tỉnh xây dựng Kế hoạch triển khai mô hình \u201cCông dân học tập\u201d "
            "năm 2025 như sau:",
            "# I. MỤC ĐÍCH, YÊU CẦU",
            "Nâng cao nhận thức của cán bộ, hội viên và nhân dân về học tập suốt đời; mỗi "
            "công dân chủ động học tập, nâng cao năng lực số, kỹ năng nghề nghiệp.",
            "# II. CHỈ TIÊU",
            "Phấn đấu đến ngày 31/12/2025 có 12 huyện, thành phố triển khai thí điểm mô hình; "
            "ít nhất 150 xã, phường, thị trấn đánh giá công dân học tập; 45.000 công dân được "
            "công nhận danh hiệu \u201cCông dân học tập\u201d.",
            "# III. NỘI DUNG VÀ TIẾN ĐỘ",
            "1. Tháng 3/2025: tập huấn cho 240 cán bộ khuyến học cơ sở về tiêu chí đánh giá.",
            "2. Từ tháng 4 đến tháng 10/2025: các cấp Hội tổ chức đăng ký, đánh giá, công nhận.",
            "3. Tháng 11/2025: sơ kết, biểu dương 30 tập thể và 60 cá nhân tiêu biểu.",
            "# IV. KINH PHÍ",
            "Tổng kinh phí thực hiện là 185.000.000 đồng (Một trăm tám mươi lăm triệu đồng), "
            "từ nguồn ngân sách tỉnh cấp cho hoạt động của Hội và nguồn xã hội hóa.",
            "# V. TỔ CHỨC THỰC HIỆN",
            "Văn phòng Tỉnh hội chủ trì, hướng dẫn, đôn đốc; Hội Khuyến học các huyện, thành "
            "phố xây dựng kế hoạch cụ thể, báo cáo kết quả về Tỉnh hội trước ngày 20/11/2025.",
        ),
        signer_title=("TM. BAN THƯỜNG VỤ", "PHÓ CHỦ TỊCH"),
        signer="Cầm Thị Hương",
        recipients=(
            "- TW Hội Khuyến học Việt Nam (b/c);",
            "- UBND tỉnh (b/c);",
            "- HKH các huyện, thành phố;",
            "- Lưu: VT.",
        ),
        citations=(
            Citation("677/QĐ-TTg", dt.date(2022, 6, 3)),
            Citation("1373/QĐ-TTg", dt.date(2021, 7, 30)),
            Citation("22/2020/TT-BGDĐT", dt.date(2020, 8, 6)),
        ),
        amounts=(185_000_000,),
        counts=(
            (12, "huyện, thành phố"),
            (150, "xã, phường, thị trấn"),
            (45000, "công dân"),
            (240, "cán bộ"),
            (30, "tập thể"),
            (60, "cá nhân"),
        ),
        dates=(dt.date(2025, 12, 31), dt.date(2025, 11, 20)),
    ),
    Doc(
        slug="qd-08-hoc-bong-to-hieu",
        parent_issuer="UBND TỈNH SƠN LA",
        issuer="HỘI KHUYẾN HỌC TỈNH",
        names=("UBND tỉnh Sơn La", "Hội Khuyến học tỉnh"),
        number="08/QĐ-HKH",
        place="Sơn La",
        date=dt.date(2025, 5, 6),
        doc_type="QUYẾT ĐỊNH",
        title="Về việc trao học bổng Tô Hiệu năm học 2024 - 2025",
        body=(
            "## CHỦ TỊCH HỘI KHUYẾN HỌC TỈNH SƠN LA",
            "Căn cứ Điều lệ Hội Khuyến học Việt Nam;",
            "Căn cứ Quyết định số 2547/QĐ-UBND ngày 18/10/2021 của UBND tỉnh Sơn La ban hành "
            "Kế hoạch thực hiện Đề án \u201cXây dựng xã hội học tập giai đoạn 2021 - 2030\u201d "
            "trên địa bàn tỉnh;",
            "Căn cứ Quy chế Quỹ học bổng Tô Hiệu ban hành kèm theo Quyết định số 15/QĐ-HKH "
            "ngày 12/3/2024 của Hội Khuyến học tỉnh;",
            "Xét đề nghị của Chánh Văn phòng Tỉnh hội.",
            "## QUYẾT ĐỊNH:",
            "Điều 1. Trao học bổng Tô Hiệu năm học 2024 - 2025 cho 120 học sinh vượt khó "
            "học tốt, mỗi suất 2.000.000 đồng, và 15 học sinh đạt giải quốc gia, mỗi suất "
            "5.000.000 đồng. Tổng số tiền là 315.000.000 đồng (Ba trăm mười lăm triệu đồng) "
            "trích từ Quỹ học bổng Tô Hiệu.",
            "Điều 2. Văn phòng Tỉnh hội phối hợp với Sở Giáo dục và Đào tạo tổ chức trao "
            "học bổng trước ngày 30/5/2025.",
            "Điều 3. Chánh Văn phòng, Trưởng ban Quản lý Quỹ và các học sinh có tên trong "
            "danh sách kèm theo chịu trách nhiệm thi hành Quyết định này./.",
        ),
        signer_title=("CHỦ TỊCH",),
        signer="Lò Văn Thạch",
        recipients=(
            "- Như Điều 3;",
            "- Sở Giáo dục và Đào tạo;",
            "- Lưu: VT, Quỹ.",
        ),
        citations=(
            Citation("2547/QĐ-UBND", dt.date(2021, 10, 18)),
            Citation("15/QĐ-HKH", dt.date(2024, 3, 12)),
        ),
        amounts=(2_000_000, 5_000_000, 315_000_000),
        counts=((120, "học sinh"), (15, "học sinh")),
        dates=(dt.date(2025, 5, 30),),
    ),
    Doc(
        slug="cv-21-danh-gia-cong-dong-hoc-tap",
        parent_issuer="UBND TỈNH SƠN LA",
        issuer="HỘI KHUYẾN HỌC TỈNH",
        names=("UBND tỉnh Sơn La", "Hội Khuyến học tỉnh"),
        number="21/HKH-VP",
        place="Sơn La",
        date=dt.date(2025, 1, 9),
        doc_type="",
        title="V/v báo cáo kết quả đánh giá cộng đồng học tập cấp xã năm 2024",
        body=(
            "Kính gửi: Hội Khuyến học các huyện, thành phố.",
            "Thực hiện Thông tư số 22/2020/TT-BGDĐT ngày 06/8/2020 của Bộ Giáo dục và Đào "
            "tạo và " + QD677 + ", Hội Khuyến học tỉnh đề nghị Hội Khuyến học các huyện, "
            "thành phố báo cáo kết quả đánh giá, xếp loại cộng đồng học tập cấp xã năm 2024 "
            "với các nội dung sau:",
            "1. Số xã, phường, thị trấn được đánh giá; số đơn vị xếp loại tốt, khá, trung bình.",
            "2. Số gia đình, dòng họ, cộng đồng và đơn vị được công nhận danh hiệu học tập.",
            "3. Kinh phí hỗ trợ hoạt động của Trung tâm học tập cộng đồng (ghi rõ số tiền "
            "bằng số và bằng chữ).",
            "Báo cáo gửi về Văn phòng Tỉnh hội trước ngày 25/01/2025 (bản điện tử gửi qua "
            "hộp thư của Hội). Năm 2023, toàn tỉnh có 188 xã được đánh giá, trong đó 97 "
            "xã xếp loại tốt.",
            "Đề nghị các đơn vị quan tâm, thực hiện đúng thời hạn./.",
        ),
        signer_title=("TL. BAN THƯỜNG VỤ", "CHÁNH VĂN PHÒNG"),
        signer="Quàng Văn Minh",
        recipients=(
            "- Như trên;",
            "- TT Tỉnh hội (b/c);",
            "- Lưu: VT, VP.",
        ),
        citations=(
            Citation("22/2020/TT-BGDĐT", dt.date(2020, 8, 6)),
            Citation("677/QĐ-TTg", dt.date(2022, 6, 3)),
        ),
        amounts=(),
        counts=((188, "xã"), (97, "xã")),
        dates=(dt.date(2025, 1, 25),),
    ),
    Doc(
        slug="bc-09-mai-son-2024",
        parent_issuer="HỘI KHUYẾN HỌC TỈNH SƠN LA",
        issuer="HỘI KHUYẾN HỌC HUYỆN MAI SƠN",
        names=("Hội Khuyến học tỉnh Sơn La", "Hội Khuyến học huyện Mai Sơn"),
        number="09/BC-HKH",
        place="Mai Sơn",
        date=dt.date(2024, 12, 16),
        doc_type="BÁO CÁO",
        title="Tổng kết công tác khuyến học, khuyến tài năm 2024",
        body=(
            "Thực hiện Kết luận số 49-KL/TW ngày 10/5/2019 của Ban Bí thư và Quyết định số "
            "387/QĐ-TTg ngày 25/3/2022 của Thủ tướng Chính phủ, Hội Khuyến học huyện Mai Sơn "
            "báo cáo kết quả công tác năm 2024 như sau:",
            "# 1. Tổ chức và hội viên",
            "Toàn huyện có 22 hội khuyến học xã, thị trấn, 311 chi hội và 41 ban khuyến "
            "học; tổng số 38.760 hội viên, tăng 1.125 hội viên so với năm 2023.",
            "# 2. Quỹ khuyến học",
            "Tổng quỹ khuyến học các cấp năm 2024 đạt 2.415.300.000 đồng (Hai tỷ bốn trăm "
            "mười lăm triệu ba trăm nghìn đồng), đã chi khen thưởng, trao học bổng cho 3.082 "
            "lượt học sinh với số tiền 1.870.000.000 đồng.",
            "# 3. Xây dựng xã hội học tập",
            "Triển khai " + QD677 + ", huyện có 9.540 công dân đăng ký học tập; 6.218 gia "
            "đình học tập, 142 dòng họ học tập được công nhận; 19 lớp tin học cơ bản cho "
            "người lớn tuổi.",
            "# 4. Phương hướng năm 2025",
            "Phấn đấu phát triển thêm 1.500 hội viên; mỗi xã, thị trấn có ít nhất 1 mô hình "
            "công dân học tập; huy động quỹ đạt 2.500.000.000 đồng.",
        ),
        signer_title=("TM. BAN CHẤP HÀNH", "CHỦ TỊCH"),
        signer="Hoàng Thị Nga",
        recipients=(
            "- Hội Khuyến học tỉnh (b/c);",
            "- Huyện ủy, UBND huyện (b/c);",
            "- Lưu: VT.",
        ),
        citations=(
            Citation("49-KL/TW", dt.date(2019, 5, 10)),
            Citation("387/QĐ-TTg", dt.date(2022, 3, 25)),
            Citation("677/QĐ-TTg", dt.date(2022, 6, 3)),
        ),
        amounts=(2_415_300_000, 1_870_000_000, 2_500_000_000),
        counts=(
            (22, "hội khuyến học"),
            (311, "chi hội"),
            (41, "ban khuyến học"),
            (38760, "hội viên"),
            (1125, "hội viên"),
            (3082, "lượt học sinh"),
            (9540, "công dân"),
            (6218, "gia đình học tập"),
            (142, "dòng họ học tập"),
            (19, "lớp"),
            (1500, "hội viên"),
            (1, "mô hình"),
        ),
    ),
)
