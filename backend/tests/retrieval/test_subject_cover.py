"""Whether an entry holds what the question is about (retrieval/subject.py)."""

import pytest

from app.retrieval import subject
from app.retrieval.subject import COVER_FLOOR, W_NARROWER, W_OVERVIEW, cover, overview_bonus, unasked

IDF = {"반품": 3.0, "요청": 2.0, "처리": 1.0, "맞춤제작": 6.0, "배달": 4.0, "음식": 5.0}


def test_cover_weighs_the_words_by_idf_and_skips_the_unknown():
    assert cover(["반품", "요청", "처리"], IDF, {"반품", "요청", "처리"}) == 1.0
    assert cover(["반품", "요청", "처리"], IDF, {"반품"}) == pytest.approx(0.5)
    assert cover(["반품", "맞춤제작"], IDF, {"반품"}) == pytest.approx(3 / 9)
    assert cover(["반품", "김치찌개"], IDF, {"반품"}) == 1.0  # a word the knowledge never uses is not weighed
    assert cover(["김치찌개"], IDF, {"반품"}) is None
    # An everyday question sharing one word with an entry leaves most of its weight outside it.
    assert cover(["배달", "음식"], IDF, {"배달"}) < 0.5


def test_a_colloquial_word_counts_as_its_formal_form():
    # thesaurus: "올리다" -> "등록"
    assert cover(["상품", "올리다"], {"상품": 1.0, "올리다": 2.0}, {"상품", "등록"}) == 1.0


def test_the_overview_bonus_needs_a_guide_whose_title_holds_the_question():
    assert overview_bonus(1.0, 1.0) == pytest.approx(W_OVERVIEW)
    assert overview_bonus(1.0, COVER_FLOOR) == 0.0
    assert overview_bonus(0.0, 1.0) == 0.0
    assert overview_bonus(subject.OVERVIEW_FLOOR, 1.0) == 0.0  # steps or siblings alone make no guide
    assert overview_bonus(1.0, None) == 0.0
    assert 0 < overview_bonus(0.6, 0.9) < overview_bonus(1.0, 0.9) < subject.W_OVERVIEW


def test_a_narrower_guide_names_task_words_the_question_does_not():
    # "★ 상품 일괄등록 방법": 상품, 일괄, 등록 (일괄등록 is a compound of two of them; 방법 names no task)
    title = {"상품", "일괄", "등록", "일괄등록", "방법"}
    assert unasked(title, {"상품", "등록"}) == pytest.approx(1 / 3)
    assert unasked(title, {"상품", "일괄", "등록"}) == 0.0
    assert unasked({"상품", "등록", "상품등록"}, {"상품", "등록"}) == 0.0
    assert unasked(set(), {"상품"}) == 0.0
    assert overview_bonus(1.0, 1.0, 1 / 3) == pytest.approx(W_OVERVIEW - W_NARROWER / 3)
    assert overview_bonus(1.0, 0.51, 1.0) == 0.0  # it only takes back a bonus, never goes below none


def test_the_subject_is_the_nouns_the_knowledge_uses_more_than_in_passing():
    df = {"배달": 40, "음식": 12, "먹다": 30, "김치찌개": 1}
    assert subject.subject_terms(["배달", "음식", "먹다", "김치찌개"], df) == ["배달", "음식"]
    # A knowledge base a tenth of the size uses each word in fewer pieces: one is enough there.
    assert subject.subject_terms(["음식", "김치찌개"], df, n_pieces=700) == ["음식", "김치찌개"]
