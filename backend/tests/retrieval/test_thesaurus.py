from app.retrieval.analysis import keyword_set
from app.retrieval.thesaurus import _PAIRS, expand, expanded_query


def test_colloquial_words_gain_the_help_centre_vocabulary():
    text = "2단계 인증 끄고 싶어요"
    words, lexemes = expand(keyword_set(text), text)
    assert words == ["해제", "비활성화"]
    assert "해제" in lexemes and "끄다" not in lexemes
    assert expanded_query(text, words) == "2단계 인증 끄고 싶어요 (해제, 비활성화)"


def test_nothing_is_added_twice_or_when_already_said():
    text = "고딩인데 미성년자도 가입되나요? 고등학생이에요"
    words, lexemes = expand(keyword_set(text), text)
    assert "미성년자" not in words and "미성년자" not in lexemes  # already in the text
    assert len(words) == len(set(words)) and len(lexemes) == len(set(lexemes))
    assert expand(keyword_set("오늘 날씨 어때요"), "오늘 날씨 어때요") == ([], [])
    assert expanded_query("정산 주기", []) == "정산 주기"


def test_every_key_fires_in_a_sentence():
    # A key the analyser never produces would silently never fire: try each in a typical sentence.
    for key in _PAIRS:
        text = f"{key[:-1]}고 싶어요" if key.endswith("다") else f"{key} 관련 문의"
        words, lexemes = expand(keyword_set(text), text)
        assert words or all(w in text for w in _PAIRS[key]), key


def test_short_and_stop_words_fire_too():
    words, _ = expand(keyword_set("폰 번호 언제 바꿀 수 있어요"), "폰 번호 언제 바꿀 수 있어요")
    assert {"휴대폰", "기한", "변경"} <= set(words)
