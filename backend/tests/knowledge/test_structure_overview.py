"""The overview score: which entries read as the guide to a whole task (knowledge/structure.py)."""

import uuid

from app.knowledge.structure import count_siblings, overview_score, shape, task_terms

STEPS = "반품 요청을 처리하는 순서입니다. 1. 반품관리 메뉴로 이동합니다. 2. 요청을 확인합니다. 3. 수거를 진행합니다."


def test_a_marked_guide_title_with_steps_and_siblings_scores_highest():
    guide = shape("★ 반품 요청 처리 방법", STEPS, frozenset({"반품", "요청", "처리", "방법"}), siblings=6)
    assert guide.marked and guide.guide_title and guide.sections == 3
    assert overview_score(guide) == 1.0
    # The same guide without the help centre's mark still reads as one, less surely.
    unmarked = shape("반품 요청 처리 방법", STEPS, frozenset({"반품", "요청", "처리", "방법"}), siblings=6)
    assert 0.4 < overview_score(unmarked) < overview_score(guide)


def test_a_question_about_one_case_is_no_guide():
    case = shape("맞춤제작 상품도 반품 요청을 받아야 하나요?", "네, 다만 제작 전이라면 가능합니다.",
                 frozenset({"맞춤", "제작", "맞춤제작", "상품", "반품", "요청", "받다"}), siblings=0)
    assert not case.marked and not case.guide_title and case.sections == 0
    assert overview_score(case) == 0.0
    # A long title is a case even when it ends like a guide.
    long = shape("해외 배송 상품의 반품 수거 택배사 지정 및 비용 정산 방법",
                 "", frozenset("해외 배송 상품 반품 수거 택배사 지정 비용 정산".split()), siblings=0)
    assert not long.guide_title


def test_siblings_are_the_entries_whose_titles_name_the_whole_task():
    ids = [uuid.uuid4() for _ in range(4)]
    titles = {ids[0]: frozenset({"반품", "요청", "방법"}), ids[1]: frozenset({"반품", "요청", "거부"}),
              ids[2]: frozenset({"반품", "요청", "기한", "맞춤"}), ids[3]: frozenset({"반품", "배송비"})}
    assert task_terms(titles[ids[0]]) == {"반품", "요청"}  # "방법" names the kind of entry, not the task
    siblings = count_siblings(titles)
    assert siblings[ids[0]] == 2 and siblings[ids[3]] == 0
