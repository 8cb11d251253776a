import uuid

from app.retrieval.rerank import apply_choice, candidates_text, parse_choice
from app.retrieval.service import Hit


def hit(question: str, answer: str = "답변입니다.", category: str | None = None) -> Hit:
    return Hit(entry_id=uuid.uuid4(), question=question, answer=answer, category=category, related=[], score=0.0,
               dense=0.0)


def test_parse_choice():
    assert parse_choice("3", 8) == [3]
    assert parse_choice("2, 5, 1, 4", 8) == [2, 5, 1]  # at most three
    assert parse_choice("번호: 4번이 가장 맞고 그다음 4, 2", 8) == [4, 2]  # repeats dropped
    assert parse_choice("0", 8) == []  # none fits
    assert parse_choice("12, 9", 8) == []  # out of range
    assert parse_choice("9, 2", 8) == [2]
    assert parse_choice("모르겠습니다", 8) == []


def test_apply_choice_moves_the_chosen_first_and_keeps_the_rest_in_order():
    hits = [hit(f"q{i}") for i in range(5)]
    assert [h.question for h in apply_choice(hits, [3, 5])] == ["q2", "q4", "q0", "q1", "q3"]


def test_candidates_text_numbers_titles_with_category_and_answer_opening():
    text = candidates_text([hit("가입 가능한가요?", "네,\n\n가능합니다. " + "가" * 400, "가입"), hit("수수료는?")])
    lines = text.splitlines()
    assert lines[0] == "1. [가입] 가입 가능한가요?" and lines[1].startswith("   네, 가능합니다.")
    assert len(lines[1]) <= 3 + 160 and lines[2] == "2. 수수료는?"
