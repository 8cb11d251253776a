"""Extraction per file type keeps each piece's page or section; broken files say what is wrong."""

import pytest

from app.documents import chunking, extract
from tests.documents import doc_fixtures as fx


def texts(result: extract.Extracted) -> list[str]:
    return [u.text for u in result.units]


def test_pdf_keeps_the_page_of_every_paragraph():
    result = extract.extract(fx.make_pdf(), "정책.pdf")
    assert result.file_type == "pdf" and result.page_count == 4
    refund = next(u for u in result.units if "단순 변심" in u.text)
    assert refund.page == 3 and refund.section == "제3장 반품과 환불"
    assert {u.page for u in result.units} == {1, 2, 3, 4}
    headings = [u.text for u in result.units if u.kind == "heading"]
    assert headings == [p[0] for p in fx.POLICY_PAGES]


def test_docx_headings_become_sections_and_tables_rows():
    result = extract.extract(fx.make_docx(), "배송.docx")
    kinds = [(u.kind, u.section) for u in result.units]
    assert ("heading", "배송 안내") in kinds and ("heading", "배송비") in kinds
    rows = [u.text for u in result.units if u.kind == "table"]
    assert "지역: 제주 · 추가 배송비: 3천 원" in rows
    assert all(u.section == "배송비" for u in result.units if u.kind == "table")


@pytest.mark.parametrize("name,make", [("출장.hwpx", fx.make_hwpx), ("출장.hwp", fx.make_hwp)])
def test_hwpx_and_hwp5_text_with_article_sections(name, make):
    result = extract.extract(make(), name)
    assert result.file_type == name.rsplit(".", 1)[1]
    lodging = next(u for u in result.units if "숙박비는" in u.text)
    assert lodging.section == "제2조 숙박비" and "10만 원" in lodging.text


def test_xlsx_and_csv_rows_name_their_columns():
    xlsx = extract.extract(fx.make_xlsx(), "요금.xlsx")
    assert "상품: 프리미엄 · 월 요금: 19900 · 약정: 12개월" in texts(xlsx)
    assert {u.section for u in xlsx.units} == {"요금표"}
    csv = extract.extract(fx.make_csv(), "지점.csv")
    assert "지점: 부산점 · 영업시간: 오전 11시부터 오후 8시까지" in texts(csv)


def test_markdown_html_and_cp949_text():
    md = extract.extract("# 교환\n\n교환은 7일 안에 됩니다.\n".encode(), "a.md")
    assert [(u.kind, u.section) for u in md.units] == [("heading", "교환"), ("paragraph", "교환")]
    html = extract.extract("<h2>안내</h2><script>alert(1)</script><p>매장은 <b>월요일</b> 휴무입니다.</p>".encode(), "a.html")
    assert texts(html) == ["안내", "매장은 월요일 휴무입니다."]
    assert texts(extract.extract("한글 윈도우 파일입니다.".encode("cp949"), "a.txt")) == ["한글 윈도우 파일입니다."]


@pytest.mark.parametrize("name,data,code", [
    ("잠김.pdf", fx.encrypted_pdf(), "encrypted_document"),
    ("스캔.pdf", fx.scanned_pdf(), "no_text_layer"),
    ("깨짐.docx", fx.corrupt_docx(), "corrupt_document"),
    ("깨짐.pdf", b"%PDF-1.7\n garbage", "corrupt_document"),
    ("잠김.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "encrypted_document"),
    ("가짜.hwp", b"not an ole file", "corrupt_document"),
])
def test_unreadable_files_say_why(name, data, code):
    with pytest.raises(extract.DocumentUnreadable) as caught:
        extract.extract(data, name)
    assert caught.value.code == code


def test_other_types_and_too_many_pages(monkeypatch):
    with pytest.raises(extract.UnsupportedType):
        extract.extract(b"MZ", "setup.exe")
    monkeypatch.setattr(extract, "MAX_PAGES", 3)
    with pytest.raises(extract.TooLarge):
        extract.extract(fx.make_pdf(), "정책.pdf")


def test_chunks_never_straddle_pages_or_sections_and_respect_the_size():
    units = extract.extract(fx.make_long_pdf(12), "긴.pdf").units
    pieces = chunking.chunk(units, max_chars=120)
    assert all(len(p.text) <= 120 for p in pieces)
    by_place = {(u.page, u.section) for u in units}
    assert all((p.page, p.section) in by_place for p in pieces)
    assert [p.ord for p in pieces] == list(range(len(pieces)))
    joined = " ".join(p.text for p in pieces if p.page == 3)
    assert "10일 이내에 신청할 수 있습니다" in joined


def test_sentences_are_split_with_their_page():
    units = extract.extract(fx.make_pdf(), "정책.pdf").units
    found = chunking.sentences(units)
    assert any(s.text == "무통장 입금은 주문 후 3일 안에 입금해야 합니다." and s.page == 2 for s in found)
    assert not any(s.text in {p[0] for p in fx.POLICY_PAGES} for s in found)  # headings are no sentences
