import pickle
import statistics
from pathlib import Path

import pytest

from app.knowledge.cleaning import (
    chunk_answer,
    clean_all,
    clean_answer,
    clean_entry,
    key_form,
    normalize_text,
    split_category,
    split_widget,
)
from app.knowledge.parsing import RawEntry, load_knowledge

FAQ = Path(__file__).resolve().parents[3] / "../shared/data/smartstore/final_result.pkl"
# Our own entries in the help centre's shape (widget, related section, NBSP/BOM, link leftovers): runs everywhere.
HELPCENTRE = Path(__file__).resolve().parents[1] / "fixtures" / "faq_helpcentre.pkl"

# The widget as the help centre renders it; the body and related items are our own text.
WIDGET = (
    "\n\n\n위 도움말이 도움이 되었나요?\n\n\n별점1점\n\n별점2점\n\n별점3점\n\n별점4점\n\n별점5점\n\n\n\n"
    "소중한 의견을 남겨주시면 보완하도록 노력하겠습니다.\n\n보내기\n\n\n\n"
)
CLOSE = "도움말 닫기"


def widget_answer(body: str, related: list[str] | None = None) -> str:
    section = "관련 도움말/키워드\n\n" + "\n\n".join(related) + "\n\n\n\n" if related else ""
    return body + WIDGET + section + CLOSE


def test_split_widget_without_related():
    body, related = split_widget(widget_answer("반품은 7일 안에 신청하세요."))
    assert body.strip() == "반품은 7일 안에 신청하세요." and related == []


def test_split_widget_with_related():
    body, related = split_widget(widget_answer("본문입니다.", ["[배송] 택배사 변경", "#묶음배송"]))
    assert body.strip() == "본문입니다."
    assert related == ["[배송] 택배사 변경", "#묶음배송"]


def test_split_widget_tolerates_partial_widget():
    body, related = split_widget("본문.\n\n별점4점\n\n보내기\n\n도움말 닫기")
    assert body.strip() == "본문." and related == []


def test_split_category():
    assert split_category("[정산 관리] 정산일이 언제인가요?") == ("정산 관리", "정산일이 언제인가요?")
    assert split_category("[A - B]\xa0질문") == ("A - B", "질문")
    assert split_category("정산일이 언제인가요?") == (None, "정산일이 언제인가요?")
    assert split_category("[메뉴] ") == (None, "[메뉴] ")


def test_normalize_text():
    assert normalize_text("\ufeff가\xa0\xa0나\u200b다\t라  \n\n\n\n마 ") == "가 나다 라\n\n마"


def test_clean_answer_links_and_glued_sentences():
    text = "신청하세요.자세한 내용은 공지사항 바로 가기》 서식 다운로드》(☞ 새 창으로 열기)완료됐나요?네"
    cleaned = clean_answer(text)
    assert "》" not in cleaned and "☞" not in cleaned
    assert "신청하세요. 자세한" in cleaned
    assert "완료됐나요? 네" in cleaned
    assert clean_answer("버전 3.5와 www.example.com 주소") == "버전 3.5와 www.example.com 주소"


def test_clean_entry_matches_related_to_keys_tolerantly():
    keys = ["[배송] 택배사\xa0변경은 어떻게?", "환불 기간", "본문 질문"]
    raw = RawEntry(
        "본문 질문", widget_answer("답.", ["[배송] 택배사 변경은  어떻게?", "#묶음배송", "본문 질문"])
    )
    entry = clean_entry(raw, keys)
    assert entry.related == ["[배송] 택배사\xa0변경은 어떻게?"]  # byte-exact key, self-link dropped
    assert entry.related_keywords == ["묶음배송"]
    assert entry.answer == "답."


def test_clean_entry_keeps_source_key_exact():
    raw = RawEntry("[가입]\u200b사업자\xa0가입 서류?", "서류는 두 가지입니다.")
    entry = clean_entry(raw, [raw.question])
    assert entry.source_key == raw.question
    assert entry.category == "가입" and entry.question == "사업자 가입 서류?"
    assert key_form(raw.question) == "[가입]사업자 가입 서류?"


def test_chunk_answer_short_and_long():
    assert chunk_answer("짧은 답변.") == ["짧은 답변."]
    assert chunk_answer("  ") == []
    sentences = [f"{i}번째 문장은 배송과 정산에 관한 설명입니다." for i in range(60)]
    text = " ".join(sentences)
    chunks = chunk_answer(text, max_chars=200, overlap=60)
    assert len(chunks) > 5
    assert all(len(c) <= 200 for c in chunks)
    for s in sentences:  # nothing lost, every chunk starts on a sentence boundary
        assert any(s in c for c in chunks)
    assert all(any(c.startswith(s) for s in sentences) for c in chunks)
    assert chunks[0].split(". ")[-1] in chunks[1]  # overlap carries the last sentence over


def test_chunk_answer_splits_a_huge_sentence():
    table = " ".join(["열값"] * 500)
    chunks = chunk_answer(table, max_chars=120, overlap=0)
    assert all(len(c) <= 120 for c in chunks)
    assert " ".join(chunks).split() == table.split()


def load_cleaned(path: Path):
    data = path.read_bytes()
    return pickle.loads(data), clean_all(load_knowledge(data, path.name))


def assert_widget_gone_and_text_normalised(entries):
    for e in entries:
        assert "위 도움말이 도움이 되었나요?" not in e.answer
        assert "소중한 의견을 남겨주시면" not in e.answer
        assert not e.answer.endswith(("\n보내기", "도움말 닫기", "별점5점"))
        assert not any(ch in e.answer + e.question for ch in "\xa0\ufeff\u200b")
        assert "》" not in e.answer and "새 창으로 열기" not in e.answer


def test_helpcentre_widget_gone_and_text_normalised():
    _, entries = load_cleaned(HELPCENTRE)
    assert_widget_gone_and_text_normalised(entries)
    by_question = {e.question: e for e in entries}
    assert by_question["대표 이미지는 몇 장까지 올릴 수 있나요?"].answer.endswith("자세한 기준은 이미지 가이드.")
    assert "전환됩니다. 심사는" in by_question["사업자 판매자로 전환하려면 어떻게 하나요?"].answer
    assert by_question["문의 답변에 사진을 붙일 수 있나요?"].answer == "문의 답변에는 글만 쓸 수 있고 사진은 붙일 수 없습니다."


def test_helpcentre_categories_related_duplicates():
    raw, entries = load_cleaned(HELPCENTRE)
    assert [e.source_key for e in entries] == list(raw)  # byte-exact, BOM and NBSP included
    assert sum(e.category is not None for e in entries) == 8
    assert {e.category for e in entries if e.category} == {"판매자 가입", "상품 등록", "배송", "광고", "고객 문의"}
    assert [len(e.related) for e in entries if e.related] == [1, 1, 1, 1]
    assert all(k in raw for e in entries for k in e.related)
    bundle = next(e for e in entries if e.question == "묶음 배송 그룹은 어디서 만드나요?")
    assert bundle.related == ["[배송] 도서산간 추가 배송비는 어떻게 정하나요?"]
    assert bundle.related_keywords == ["[배송] 없는 질문입니다"]  # no such key: kept as a keyword
    assert entries[0].related_keywords == ["통신판매업"]
    assert len(entries) - len({e.answer for e in entries}) == 1


def test_helpcentre_chunks_bounded():
    _, entries = load_cleaned(HELPCENTRE)
    longest = max(entries, key=lambda e: len(e.answer))
    chunks = chunk_answer(longest.answer, max_chars=400, overlap=80)
    assert len(chunks) >= 5 and all(len(c) <= 400 for c in chunks)


@pytest.fixture(scope="module")
def real():
    if not FAQ.exists():
        pytest.skip("shared SmartStore FAQ not present")
    return load_cleaned(FAQ)


def test_real_widget_gone_and_text_normalised(real):
    _, entries = real
    assert_widget_gone_and_text_normalised(entries)
    lengths = [len(e.answer) for e in entries]
    assert 230 <= statistics.median(lengths) <= 250 and max(lengths) < 9000


def test_real_categories_related_duplicates(real):
    raw, entries = real
    assert [e.source_key for e in entries] == list(raw)
    assert sum(e.category is not None for e in entries) == 1431
    assert len({e.category for e in entries if e.category}) == 105
    with_related = [e for e in entries if e.related or e.related_keywords]
    assert len(with_related) == 341
    assert sum(len(e.related) for e in entries) == 606
    assert all(k in raw for e in entries for k in e.related)
    assert len(entries) - len({e.answer for e in entries}) == 12
    assert len({e.source_key for e in entries}) == 2717


def test_real_chunks_bounded(real):
    _, entries = real
    longest = max(entries, key=lambda e: len(e.answer))
    chunks = chunk_answer(longest.answer, max_chars=400, overlap=80)
    assert len(chunks) >= 20 and all(len(c) <= 400 for c in chunks)
