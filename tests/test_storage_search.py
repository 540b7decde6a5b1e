"""Search and the citation graph on both backends (SQLite FTS5 and PostgreSQL full text):
ranking, highlights, prefixes, filters, ambiguous keys, links to archived documents."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pytest
from sqlalchemy import event

from normalize.fold import fold
from normalize.keys import parse_query
from schemas import (
    Amount,
    Citation,
    DocHeader,
    Document,
    Page,
    PageRoute,
    Record,
    Source,
    SourceKind,
)
from service import outcome, review
from service.storage import repo
from service.storage.db import Database

# (own number, type, date, issuer, text, [(cited key, partial)], has a figure)
ARCHIVE = [
    ("677/QĐ-TTg", "Quyết định", "2013-04-29", "Thủ tướng Chính phủ",
     "Phê duyệt Đề án Xây dựng xã hội học tập giai đoạn 2012 - 2020.", [], False),
    ("677/QĐ-UBND", "Quyết định", "2019-03-01", "Ủy ban nhân dân tỉnh Sơn La",
     "Quyết định về công tác khuyến học của tỉnh.", [], False),
    ("16/BC-HKH", "Báo cáo", "2023-04-24", "Hội Khuyến học tỉnh Sơn La",
     "Thực hiện Quyết định số 677/QĐ-TTg, công tác khuyến học, khuyến tài được đẩy mạnh; "
     "khuyến học khuyến học khuyến học trong các dòng họ.",
     [("677/QĐ-TTg", False), ("281/QĐ-TTg", False)], True),
    ("21/KH-HKH", "Kế hoạch", "2024-01-10", "Hội Khuyến học tỉnh Sơn La",
     "Kế hoạch theo các Quyết định 677 và 281 của Thủ tướng; có một lần khuyến học.",
     [("677/QĐ-TTg", True), ("281/QĐ-TTg", True)], False),
    ("05/BC-HKH", "Báo cáo", "2022-12-01", "Hội Khuyến học huyện Mai Sơn",
     "Căn cứ Quyết định 677/QĐ-UBND của UBND tỉnh về khuyến học.",
     [("677/QĐ-UBND", False)], True),
    ("07/TB-HKH", "Thông báo", None, "Hội Khuyến học tỉnh Sơn La",
     "Thông báo triệu tập hội nghị, không trích dẫn.", [], False),
]  # fmt: skip


def _save(db: Database) -> None:
    with db.session() as s:
        for number, type_, date, issuer, text, cites, figure in ARCHIVE:
            sha = hashlib.sha256(text.encode()).hexdigest()
            source = Source(file=f"{sha[:8]}.txt", sha256=sha, pages=1, kind=SourceKind.TEXT)
            page = Page(number=1, text=text, route=PageRoute.TEXT_FILE)
            record = Record(
                source=source,
                doc=DocHeader(number=number, doc_type=type_, date=date, issuer=issuer),
                citations=[Citation(key=k, partial=p, text=k) for k, p in cites],
                amounts=[Amount(vnd=1_000_000, text="1.000.000 đồng")] if figure else [],
            )
            doc = Document(source=source, pages=[page])
            outcome.save_document(s, source.file, doc, record, "test")


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    _save(database)
    yield database
    database.close()


def numbers(found: list) -> list[str | None]:
    """Own numbers of search hits or of document rows, in order."""
    return [getattr(h, "document", h).number for h in found]


def test_ambiguous_number_lists_every_candidate_with_counts_and_archived_document(db) -> None:
    with db.session() as s:
        cands = {c.key: c for c in repo.key_candidates(s, parse_query("QĐ 677"))}
        assert set(cands) == {"677/QĐ-TTg", "677/QĐ-UBND"}
        assert cands["677/QĐ-TTg"].documents == 2 and cands["677/QĐ-UBND"].documents == 1
        own = {d.number: d.id for d in repo.list_documents(s, limit=100)}
        assert cands["677/QĐ-TTg"].document_id == own["677/QĐ-TTg"]
        assert cands["677/QĐ-UBND"].document_id == own["677/QĐ-UBND"]
        # an issuer narrows it to one key
        assert repo.cited_keys(s, parse_query("qd 677 ubnd")) == ["677/QĐ-UBND"]
        assert repo.cited_keys(s, parse_query("quyết định 999")) == []


def test_citing_is_newest_first_paged_and_flags_partial_citations(db) -> None:
    with db.session() as s:
        r = repo.search(s, cites=parse_query("Quyết định số 677/QĐ-TTg"))
        assert numbers(r.hits) == ["21/KH-HKH", "16/BC-HKH"]
        assert r.total == 2 and r.total_exact
        assert [c.partial for h in r.hits for c in h.citations] == [True, False]
        page2 = repo.search(s, cites=parse_query("QĐ 677"), limit=2, offset=2)
        assert numbers(page2.hits) == ["05/BC-HKH"] and page2.total == 3


def test_cites_and_cited_by_link_documents_in_the_archive(db) -> None:
    with db.session() as s:
        by_number = {d.number: d for d in repo.list_documents(s, limit=100)}
        cites = {c.key: t for c, t in repo.cites_of(s, by_number["16/BC-HKH"])}
        assert cites["677/QĐ-TTg"].number == "677/QĐ-TTg"
        assert cites["281/QĐ-TTg"] is None  # cited, but not in the archive
        citing = [d.number for d in repo.cited_by(s, by_number["677/QĐ-TTg"])]
        assert citing == ["21/KH-HKH", "16/BC-HKH"]
        assert repo.most_cited(s, 2) == [("281/QĐ-TTg", 2), ("677/QĐ-TTg", 2)]


def test_fulltext_ranks_by_relevance_and_marks_every_word(db) -> None:
    with db.session() as s:
        r = repo.search(s, "KHUYEN HOC")
        # four occurrences beat one; all four documents that say it are found
        assert r.hits[0].document.number == "16/BC-HKH"
        assert r.total == 4
        top = r.hits[0]
        marked = [top.snippet[a:b] for a, b in top.highlights]
        # the phrase is marked whole, a lone query word ("khuyến tài") on its own
        assert [fold(m) for m in marked].count("khuyen hoc") == 4
        assert set(map(fold, marked)) == {"khuyen hoc", "khuyen"}


def test_prefix_search_and_words_that_do_not_occur(db) -> None:
    with db.session() as s:
        assert set(numbers(repo.fulltext(s, "khuy*"))) == set(numbers(repo.fulltext(s, "khuyen")))
        assert numbers(repo.fulltext(s, "trieu tap")) == ["07/TB-HKH"]
        assert repo.fulltext(s, "khong co tu nay") == []
        assert repo.fulltext(s, "  ;;; ") == []


def test_filters_fold_diacritics_and_combine_with_search(db) -> None:
    with db.session() as s:
        reports = repo.list_documents(s, repo.Filters(doc_type="bao cao"))
        assert sorted(numbers(reports)) == ["05/BC-HKH", "16/BC-HKH"]
        mai_son = repo.search(s, "khuyen hoc", f=repo.Filters(issuer="mai son"))
        assert numbers(mai_son.hits) == ["05/BC-HKH"]
        dated = repo.list_documents(s, repo.Filters(date_from="2023", date_to="2024-01"))
        assert numbers(dated) == ["21/KH-HKH", "16/BC-HKH"]
        figures = repo.search(s, cites=parse_query("QĐ 677"), f=repo.Filters(has_figures=True))
        assert numbers(figures.hits) == ["16/BC-HKH", "05/BC-HKH"]
        both = repo.search(s, "dong ho", cites=parse_query("677/QĐ-TTg"))
        assert numbers(both.hits) == ["16/BC-HKH"]


def test_undated_documents_come_last_on_both_backends(db) -> None:
    with db.session() as s:
        assert numbers(repo.list_documents(s, limit=100))[-1] == "07/TB-HKH"


def test_a_key_borne_by_several_copies_links_the_first_stored(db: Database) -> None:
    with db.session() as s:
        first = next(d for d in repo.list_documents(s, limit=100) if d.number == "677/QĐ-UBND")
        sha = hashlib.sha256(b"copy of 677/QD-UBND").hexdigest()
        source = Source(file="copy.txt", sha256=sha, pages=1, kind=SourceKind.TEXT)
        page = Page(number=1, text="Bản sao Quyết định 677/QĐ-UBND.", route=PageRoute.TEXT_FILE)
        record = Record(source=source, doc=DocHeader(number="677/QĐ-UBND"))
        outcome.save_document(s, "copy.txt", Document(source=source, pages=[page]), record, "t")
    with db.session() as s:
        cands = {c.key: c for c in repo.key_candidates(s, parse_query("QĐ 677"))}
        assert cands["677/QĐ-UBND"].document_id == first.id
        assert cands["677/QĐ-TTg"].document_id != first.id


def test_an_ambiguous_key_over_the_cap_says_so(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """677/QĐ-TTg is cited twice, 677/QĐ-UBND once: with a cap of 1 the union is over it."""
    monkeypatch.setattr(repo, "COUNT_CAP", 1)
    with db.session() as s:
        r = repo.search(s, cites=parse_query("QĐ 677"), limit=10)
        assert (r.total, r.total_exact) == (1, False)
        assert sorted(map(str, numbers(r.hits))) == ["05/BC-HKH", "16/BC-HKH", "21/KH-HKH"]
        one = repo.search(s, cites=parse_query("677/QĐ-UBND"), limit=10)
        assert (one.total, one.total_exact, numbers(one.hits)) == (1, True, ["05/BC-HKH"])


def test_totals_are_capped_and_say_so(db, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(repo, "COUNT_CAP", 2)
    with db.session() as s:
        r = repo.search(s, "khuyen")
        assert (r.total, r.total_exact) == (2, False)
        assert len(repo.search(s, "khuyen", limit=10).hits) == 4


def test_ranking_window_keeps_results_complete(db, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(repo, "RANK_WINDOW", 2)
    with db.session() as s:
        first = repo.search(s, "khuyen", limit=2)
        rest = repo.search(s, "khuyen", limit=10, offset=2)
        assert len(first.hits) == 2 and len(rest.hits) == 2
        assert not {h.document.id for h in first.hits} & {h.document.id for h in rest.hits}


def test_correcting_the_number_relinks_the_graph(db) -> None:
    with db.session() as s:
        doc = next(d for d in repo.list_documents(s, limit=100) if d.number == "07/TB-HKH")
        review.add_correction(s, doc, "number", "281/QĐ-TTg", "archivist@test")
    with db.session() as s:
        doc = s.get(repo.DocumentRow, doc.id)
        assert sorted(d.number for d in repo.cited_by(s, doc)) == ["16/BC-HKH", "21/KH-HKH"]


def test_a_law_is_found_by_its_name_and_by_its_number(db) -> None:
    """One document cites "Luật Đất đai ngày 18/01/2024", another "31/2024/QH15": either
    query finds both (the law catalogue gives the key its number, normalize.laws)."""
    cites = [("92/BC-UBND", "Luật Đất đai 2024"), ("93/BC-UBND", "31/2024/QH15")]
    with db.session() as s:
        for number, key in cites:
            sha = hashlib.sha256(number.encode()).hexdigest()
            source = Source(file=f"{sha[:8]}.txt", sha256=sha, pages=1, kind=SourceKind.TEXT)
            record = Record(
                source=source, doc=DocHeader(number=number), citations=[Citation(key=key)]
            )
            page = Page(number=1, text=f"Căn cứ {key}", route=PageRoute.TEXT_FILE)
            outcome.save_document(
                s, source.file, Document(source=source, pages=[page]), record, "t"
            )
    with db.session() as s:
        for query in ("Luật Đất đai 2024", "luat dat dai nam 2024", "31/2024/QH15"):
            found = repo.search(s, cites=parse_query(query))
            assert sorted(numbers(found.hits)) == ["92/BC-UBND", "93/BC-UBND"], query
        assert numbers(repo.search(s, cites=parse_query("Luật Đất đai 2013")).hits) == []


def test_a_number_finds_the_document_bearing_it_first_then_those_citing_it(db) -> None:
    with db.session() as s:
        r = repo.search(s, "677/QĐ-TTg")
        assert r.by_key and numbers(r.hits) == ["677/QĐ-TTg", "21/KH-HKH", "16/BC-HKH"]
        assert [h.bears_number for h in r.hits] == [True, False, False] and r.total == 3
        assert numbers(repo.search(s, "677/QĐ-TTg", limit=1, offset=1).hits) == ["21/KH-HKH"]
        both = repo.search(s, "QĐ 677")  # two documents bear 677/QĐ: both first
        assert {h.document.number for h in both.hits if h.bears_number} == {
            "677/QĐ-TTg",
            "677/QĐ-UBND",
        }
        assert [h.bears_number for h in both.hits] == sorted(
            (h.bears_number for h in both.hits), reverse=True
        )
        for q in ("16/BC-HKH", "BC 16", "16 BC", "báo cáo số 16"):
            assert numbers(repo.search(s, q).hits)[:1] == ["16/BC-HKH"], q
        assert numbers(repo.search(s, "BC 5").hits)[:1] == ["05/BC-HKH"]  # leading zero
        assert numbers(repo.search(s, "TB 7").hits) == ["07/TB-HKH"]  # undated
        # words that only hold a number stay a text search
        assert not repo.search(s, "công tác khuyến học 677").by_key


def test_sort_orders_lists_text_matches_and_citing_documents(db) -> None:
    """Each sort on both backends: the list, a text search and a cited key (the filters'
    join inside the sorted subquery included)."""
    with db.session() as s:
        assert numbers(repo.list_documents(s, limit=100, sort="date_asc")) == [
            "677/QĐ-TTg", "677/QĐ-UBND", "05/BC-HKH", "16/BC-HKH", "21/KH-HKH", "07/TB-HKH",
        ]  # fmt: skip
        assert numbers(repo.list_documents(s, limit=100, sort="added")) == [
            a[0] for a in reversed(ARCHIVE)
        ]
        by_number = numbers(repo.list_documents(s, limit=100, sort="number"))
        assert [int(n.split("/")[0]) for n in by_number] == [5, 7, 16, 21, 677, 677]
        words = repo.search(s, "khuyen hoc", sort="date_asc")
        assert numbers(words.hits) == ["677/QĐ-UBND", "05/BC-HKH", "16/BC-HKH", "21/KH-HKH"]
        assert words.total == 4
        page2 = repo.search(s, "khuyen hoc", sort="number", limit=2, offset=2)
        assert numbers(page2.hits) == ["21/KH-HKH", "677/QĐ-UBND"]
        reports = repo.Filters(doc_type="bao cao")
        cited = repo.search(s, cites=parse_query("QĐ 677"), f=reports, sort="date_asc")
        assert numbers(cited.hits) == ["05/BC-HKH", "16/BC-HKH"] and cited.total == 2
        with pytest.raises(ValueError):
            repo.search(s, "khuyen", sort="size")


def _store(db: Database, docs: list[tuple[str, str | None, list[str]]]) -> None:
    """Documents (own number, date or None, cited keys) with texts of their own."""
    with db.session() as s:
        for i, (number, date, cites) in enumerate(docs):
            text = f"Văn bản thứ {i} số {number}, căn cứ {', '.join(cites) or 'không'}."
            sha = hashlib.sha256(text.encode()).hexdigest()
            source = Source(file=f"{sha[:8]}.txt", sha256=sha, pages=1, kind=SourceKind.TEXT)
            record = Record(
                source=source,
                doc=DocHeader(number=number, date=date, issuer="Hội Khuyến học"),
                citations=[Citation(key=k, text=k) for k in cites],
            )
            page = Page(number=1, text=text, route=PageRoute.TEXT_FILE)
            doc = Document(source=source, pages=[page])
            outcome.save_document(s, source.file, doc, record, "t")


def _many_bearers() -> list[tuple[str, str | None, list[str]]]:
    """30 documents bearing 12/BC-HKH (a third written 012/BC-HKH, some undated, dates
    shared across the two spellings, every fourth citing its own number), 3 bearing
    12/BC-UBND, one 12/TB-HKH, and 25 others citing 12/BC-HKH (one undated)."""
    docs: list[tuple[str, str | None, list[str]]] = []
    for i in range(30):
        number = "012/BC-HKH" if i % 3 == 0 else "12/BC-HKH"
        day = i + 1 if i % 3 == 0 else i  # 012/ shares its date with the next 12/
        date = None if i % 7 == 0 else f"2020-01-{day:02d}"
        docs.append((number, date, ["12/BC-HKH"] if i % 4 == 0 else []))
    docs += [("12/BC-UBND", f"2021-05-0{i + 1}", []) for i in range(3)]
    docs.append(("12/TB-HKH", "2022-01-01", []))
    for j in range(25):
        date = None if j == 7 else f"2019-{j % 12 + 1:02d}-15"
        docs.append((f"{100 + j}/KH-HKH", date, ["12/BC-HKH"]))
    return docs


def _expected(docs: list, bears: set[str], cited: tuple[str, ...] = ("12/BC-HKH",)) -> list[str]:
    """The number query's order by the rule: bearers by date newest first (undated last,
    ties newest stored first), then documents citing 12/BC-HKH, in the same order."""

    def order(ids: list[int]) -> list[int]:
        return sorted(
            ids, key=lambda i: (docs[i][1] is not None, docs[i][1] or "", i), reverse=True
        )

    own = order([i for i, d in enumerate(docs) if d[0] in bears])
    citing = order([i for i, d in enumerate(docs) if set(cited) & set(d[2]) and i not in own])
    return [f"{i}:{docs[i][0]}" for i in own + citing]


def test_a_number_with_many_bearers_pages_bearers_then_citing_documents(db: Database) -> None:
    """Every bearer first, then the citing documents that do not bear it; each page is a
    slice of that one order and the total counts each document once."""
    docs = _many_bearers()
    _store(db, docs)
    with db.session() as s:
        ids = sorted(d.id for d in repo.list_documents(s, limit=1000))[len(ARCHIVE) :]
        labels = {d: f"{i}:{docs[i][0]}" for i, d in enumerate(ids)}
        want = _expected(docs, {"12/BC-HKH", "012/BC-HKH"})
        r = repo.search(s, "12/BC-HKH", limit=20)
        assert r.by_key and (r.total, r.total_exact) == (len(want), True) == (55, True)
        assert [labels[h.document.id] for h in r.hits] == want[:20]
        assert all(h.bears_number for h in r.hits)
        assert [c.key for c in r.candidates] == ["12/BC-HKH"]
        pages = [repo.search(s, "12/BC-HKH", limit=20, offset=o).hits for o in (20, 40)]
        assert [labels[h.document.id] for h in pages[0]] == want[20:40]
        assert [h.bears_number for h in pages[0]] == [True] * 10 + [False] * 10
        assert [h.citations[0].key for h in pages[0][10:]] == ["12/BC-HKH"] * 10
        assert [labels[h.document.id] for h in pages[1]] == want[40:]
        # "BC 12" (no issuer) also finds the three bearers of 12/BC-UBND, not 12/TB-HKH
        both = repo.search(s, "BC 12", limit=40)
        want_both = _expected(docs, {"12/BC-HKH", "012/BC-HKH", "12/BC-UBND"})
        assert [labels[h.document.id] for h in both.hits] == want_both[:40]
        assert [h.bears_number for h in both.hits].count(True) == 33


def test_a_number_query_loads_only_the_page(db: Database) -> None:
    """However many documents bear the number, only the page's rows are loaded."""
    _store(db, _many_bearers())
    with db.session() as s:
        r = repo.search(s, "BC 12", limit=5, offset=31)
        assert [h.bears_number for h in r.hits] == [True, True, False, False, False]
        loaded = [o for o in s.identity_map.values() if isinstance(o, repo.DocumentRow)]
        assert sorted(o.id for o in loaded) == sorted(h.document.id for h in r.hits)


def test_a_number_of_several_cited_keys_counts_each_document_once(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "BC 12" is cited as 12/BC-HKH and 12/BC-UBND: a document citing both is listed and
    counted once; over the cap, the total says so."""
    docs = _many_bearers()
    docs += [("200/KH-HKH", "2018-01-01", ["12/BC-UBND", "12/BC-HKH"])]
    docs += [("201/KH-HKH", "2018-02-01", ["12/BC-UBND"])]
    _store(db, docs)
    with db.session() as s:
        ids = sorted(d.id for d in repo.list_documents(s, limit=1000))[len(ARCHIVE) :]
        labels = {d: f"{i}:{docs[i][0]}" for i, d in enumerate(ids)}
        want = _expected(
            docs, {"12/BC-HKH", "012/BC-HKH", "12/BC-UBND"}, ("12/BC-HKH", "12/BC-UBND")
        )
        r = repo.search(s, "BC 12", limit=100)
        assert (r.total, r.total_exact) == (len(want), True) == (60, True)
        assert [labels[h.document.id] for h in r.hits] == want
        monkeypatch.setattr(repo, "COUNT_CAP", 20)
        capped = repo.search(s, "BC 12", limit=20)
        assert (capped.total, capped.total_exact) == (40, False)
        assert [labels[h.document.id] for h in capped.hits] == want[:20]


def _citing_archive() -> list[tuple[str, str | None, list[str]]]:
    """40 documents citing 12/BC-HKH, 12/BC-UBND, both or neither, dates shared by several
    of them and some undated."""
    keys = [["12/BC-HKH"], ["12/BC-UBND"], ["12/BC-HKH", "12/BC-UBND"], []]
    return [
        (f"{100 + j}/KH-HKH", None if j % 9 == 4 else f"2020-0{j % 5 + 1}-01", keys[j % 4])
        for j in range(40)
    ]


def test_citing_pages_of_several_keys_are_slices_of_one_order(db: Database) -> None:
    """ "BC 12" stands for two cited keys: newest first (undated last, ties newest stored
    first), a document citing both listed once, pages that join up, the total exact; a
    page past the end has no hits but still the candidates and the total."""
    docs = _citing_archive()
    _store(db, docs)
    with db.session() as s:
        ids = sorted(d.id for d in repo.list_documents(s, limit=1000))[len(ARCHIVE) :]
        citing = [i for i, d in enumerate(docs) if d[2]]
        want = sorted(citing, key=lambda i: (docs[i][1] or "", ids[i]), reverse=True)
        pages = [
            repo.search(s, cites=parse_query("BC 12"), limit=7, offset=o) for o in range(0, 35, 7)
        ]
        got = [h.document.id for p in pages for h in p.hits]
        assert got == [ids[i] for i in want] and len(got) == 30
        assert all((p.total, p.total_exact) == (30, True) for p in pages)
        both = next(h for p in pages for h in p.hits if h.document.id == ids[2])
        assert sorted(c.key for c in both.citations) == ["12/BC-HKH", "12/BC-UBND"]
        cands = {c.key: c.documents for c in pages[0].candidates}
        assert cands == {"12/BC-HKH": 20, "12/BC-UBND": 20}
        past = repo.search(s, cites=parse_query("BC 12"), limit=7, offset=35)
        assert past.hits == [] and (past.total, past.total_exact) == (30, True)
        assert {c.key for c in past.candidates} == set(cands)
        one = repo.search(s, cites=parse_query("12/BC-UBND"), limit=100)
        assert [h.document.id for h in one.hits] == [
            ids[i] for i in want if "12/BC-UBND" in docs[i][2]
        ]
        assert (one.total, one.total_exact) == (20, True)
        # a filter narrows the page and the total alike
        spring = repo.search(s, cites=parse_query("BC 12"), f=repo.Filters(date_from="2020-03"))
        later = [i for i in want if (docs[i][1] or "") >= "2020-03"]
        assert [h.document.id for h in spring.hits] == [ids[i] for i in later]
        assert (spring.total, spring.total_exact) == (len(later), True) != (30, True)


def test_citing_totals_over_the_cap_say_so(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """Over the cap the total is "more than" for one key, several keys, a filtered page and
    a page past the end alike; at the cap it is exact."""
    _store(db, _citing_archive())
    monkeypatch.setattr(repo, "COUNT_CAP", 20)
    with db.session() as s:
        for query, f, offset in (
            ("BC 12", None, 0),  # 30 documents
            ("BC 12", repo.Filters(date_from="2020"), 0),
            ("BC 12", None, 40),
        ):
            r = repo.search(s, cites=parse_query(query), f=f, limit=7, offset=offset)
            assert (r.total, r.total_exact) == (20, False), (query, f, offset)
        exact = repo.search(s, cites=parse_query("12/BC-UBND"), limit=7)  # 20 documents
        assert (exact.total, exact.total_exact) == (20, True)
        monkeypatch.setattr(repo, "COUNT_CAP", 19)
        over = repo.search(s, cites=parse_query("12/BC-UBND"), limit=7)
        assert (over.total, over.total_exact) == (19, False)


def test_a_citing_page_is_one_statement(db: Database) -> None:
    """A full key's page, its rows, their citations, the count and the cited document are
    read in one statement; an incomplete key first looks up its candidates, and a key
    nobody cites asks for its counts apart (the page had no row to carry them)."""
    statements: list[str] = []

    def count(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        with db.session() as s:
            for query, n, hits in (("677/QĐ-TTg", 1, 2), ("QĐ 677", 2, 3), ("999/QĐ-TTg", 2, 0)):
                statements.clear()
                r = repo.search(s, cites=parse_query(query), limit=20)
                assert (len(statements), len(r.hits)) == (n, hits), query
                assert all(h.citations for h in r.hits)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
