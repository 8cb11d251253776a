import pytest

from app.retrieval.analysis import (
    compounds,
    keyword_set,
    keywords,
    kiwi,
    query_terms,
    respace,
    tsvector_literal,
    typo_variants,
)


def test_kiwi_is_a_singleton():
    assert kiwi() is kiwi()


def test_content_morphemes_and_joined_compounds():
    lexemes = keywords("스마트스토어 판매자 가입은 어떻게 하나요? 알려주세요")
    assert lexemes == ["스마트", "스토어", "스마트스토어", "판매자", "가입"]


def test_a_sentence_typed_without_spaces_is_not_one_compound():
    lexemes = keywords("스마트스토어판매자가입가능함")
    assert {"스마트", "스토어", "판매자", "가입"} <= set(lexemes)
    assert all(len(lexeme) <= 6 for lexeme in lexemes), lexemes  # no "스마트스토어판매자가입가능"
    assert "스마트스토어" in keywords("스마트스토어 판매자")  # a real compound is still joined


def test_run_on_text_is_respaced_and_the_rest_kept_as_written():
    assert respace("미성년자인데판매자로가입할수있나요") == "미성년자인데 판매자로 가입할 수 있나요"
    # Short words are left alone: the spacer would split slang it does not know.
    assert respace("고딩인데 판매 가능?") == "고딩인데 판매 가능?"
    assert respace("") == ""


def test_query_terms_keep_the_writers_compounds_and_mark_them():
    text, terms, joined = query_terms("네이버쇼핑 쪽이 노출중단이라고돼있어요 왜이래요")
    assert text != "네이버쇼핑 쪽이 노출중단이라고돼있어요 왜이래요"  # re-spaced
    assert {"노출", "중단", "노출중단"} <= set(terms)
    assert "노출중단" in joined and "노출" not in joined
    assert compounds("스마트스토어 판매자") == {"스마트스토어"}


def test_a_word_kiwi_tags_as_an_adverb_is_a_noun_before_a_case_particle_or_a_noun():
    """Kiwi tags 톡톡 (the Naver chat service) as an adverb. An adverb takes no case particle: with one it is a
    word of its own; written together with a noun it begins a compound; before a space it stays an adverb, and
    the query leaves it to the knowledge's lexicon (query_terms)."""
    assert keywords("네이버 톡톡으로 문의하세요") == ["네이버", "톡톡"]
    assert keywords("톡톡계정도 함께 넘어가나요") == ["계정", "톡톡계정", "넘어가다"]
    assert keywords("바로 확인해 주세요") == []  # a real adverb
    assert keywords("톡톡 메시지") == ["메시지"]
    _, terms, joined = query_terms("톡톡 메시지는 어디서 봐요")
    assert "톡톡" in terms and "톡톡" in joined  # searched, never counted as a word the knowledge lacks


def test_typo_variants_are_one_jamo_away_and_nouns_only():
    variants = typo_variants("팜매자")
    assert "판매자" in variants  # final consonant ㅁ -> ㄴ
    assert "팜매자" not in variants and "판매차" not in variants  # the word itself; two slips away
    assert "가입" in typo_variants("가읍") and "가입" in typo_variants("기입")  # vowel slips
    assert "스토어" in typo_variants("스토아")
    assert len(typo_variants("가읍")) == 2 * (18 + 20 + 27)
    for word in ("가", "가입하다", "api", "스마트스토어판매자"):
        assert typo_variants(word) == set()


def test_chat_filler_is_dropped():
    assert keywords("궁금해요 알려주세요 어떻게 하나요?") == []
    assert keywords("") == [] and keywords("   ") == []


def test_verb_stems_get_the_dictionary_marker():
    assert "들어오다" in keywords("정산금이 언제 들어오는지")
    assert "취소하다" in keywords("주문을 취소했어요") or "취소" in keywords("주문을 취소했어요")


def test_latin_and_numbers_are_normalised():
    lexemes = keywords("ＫＣ인증 API 3일")
    assert "kc" in lexemes and "api" in lexemes and "3" in lexemes


def test_keyword_set_is_distinct_in_order():
    assert keyword_set("배송 배송비 배송") == ["배송", "배송비"]


def test_returned_list_is_a_copy():
    first = keywords("반품 배송비")
    first.append("변조")
    assert keywords("반품 배송비") == ["반품", "배송비"]


def test_tsvector_literal_keeps_positions_and_escapes():
    assert tsvector_literal(["반품", "배송", "반품"]) == "'반품':1,3 '배송':2"
    assert tsvector_literal(["it's", "a\\b"]) == "'it''s':1 'a\\\\b':2"
    assert tsvector_literal([]) == ""


@pytest.mark.parametrize("text", ["'; DROP TABLE x; --", "a & b | !c <-> d", "(괄호) :* 별표"])
def test_lexemes_never_carry_tsquery_syntax(text):
    for lexeme in keywords(text):
        assert lexeme.isalnum()
