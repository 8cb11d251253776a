"""Follow-ups come from the knowledge's structure around the cited entry (chat/followups.py, pure core)."""

import uuid

from app.chat.followups import DUPLICATE, Candidate, Entry, rank, score


def entry(question: str, position: int | None = None, category: str | None = None) -> Entry:
    return Entry(uuid.uuid4(), question, category, position)


ANCHOR = entry("미성년자도 판매자로 가입할 수 있나요?", 10, "가입")


def cand(question: str, position: int | None = None, sim: float = 0.9, category: str | None = None, **kw) -> Candidate:
    return Candidate(entry(question, position, category), sim=sim, **kw)


def test_never_the_cited_entry_or_a_near_duplicate():
    again = cand("미성년자도 판매자로 가입할 수 있나요?", 11, sim=0.97)  # the same title, imported twice
    close = cand("미성년자 판매자 가입이 가능한가요?", 12, sim=DUPLICATE + 0.005)
    itself = Candidate(ANCHOR, sim=1.0)
    other = cand("가입 서류는 어디로 보내나요?", 13, sim=0.9)
    assert [c.entry.question for c in rank(ANCHOR, [again, close, itself, other], 3)] == ["가입 서류는 어디로 보내나요?"]


def test_a_linked_entry_and_the_next_entry_of_the_file_beat_an_equally_similar_one_elsewhere():
    far = cand("스토어 이름은 가입 후 바꿀 수 있나요?", 900, sim=0.9)
    linked = cand("미성년자 판매자는 어떤 서류가 필요한가요?", 400, sim=0.9, linked=True)
    next_step = cand("서류 심사는 얼마나 걸리나요?", 11, sim=0.9)
    lower = cand("정산은 언제 되나요?", 700, sim=0.8)
    got = [c.entry.question for c in rank(ANCHOR, [far, linked, next_step, lower], 3)]
    assert got == ["미성년자 판매자는 어떤 서류가 필요한가요?", "서류 심사는 얼마나 걸리나요?",
                   "스토어 이름은 가입 후 바꿀 수 있나요?"]


def test_the_title_closest_to_the_cited_one_leads_among_unlinked_entries():
    near = cand("미성년자 가입에 필요한 서류는 무엇인가요?", 500, sim=0.95)
    other = cand("정산은 언제 되나요?", 600, sim=0.85)
    assert rank(ANCHOR, [other, near], 1)[0] is near


def test_a_title_far_closer_than_all_others_does_not_outweigh_the_next_step(monkeypatch):
    import app.chat.followups as followups

    # Sign-up questions all look alike to the title vectors; one is closer still: the same ask again in other
    # words (whether an individual may sign up), not the next step after the cited answer.
    anchor = entry("미성년자도 판매자로 가입할 수 있나요?", 10, "가입절차")
    variant = cand("개인 판매자로 가입할 때 전화번호 인증은 필수인가요?", 40, sim=0.95, category="가입절차")
    next_step = cand("가입 서류는 어디로 보내나요?", 11, sim=0.935, category="가입서류")
    pool = [variant, next_step, *(cand(f"다른 가입 질문 {i}", 300 + i, sim=0.92 + 0.0005 * i) for i in range(20))]
    assert rank(anchor, pool, 1)[0] is next_step
    monkeypatch.setattr(followups, "SIM_CAP", 99.0)  # uncapped, the variant would lead
    assert rank(anchor, pool, 1)[0] is variant


def test_a_sibling_category_counts_as_the_same_task():
    from app.chat.followups import family

    assert family("가입절차", "가입서류") and family("쇼핑라이브 방법", "쇼핑라이브 숏클립")
    assert not family("가입절차", "가입절차") and not family("가입절차", "정산") and not family(None, "정산")


def test_offers_are_diverse():
    a = cand("반품 배송비는 누가 내나요?", 11, sim=0.93)
    b = cand("반품 배송비는 누가 부담하나요?", 12, sim=0.93)  # a variant of a
    c = cand("교환은 어떻게 접수하나요?", 14, sim=0.9)
    pair = {(a.entry.entry_id, b.entry.entry_id): 0.99, (b.entry.entry_id, a.entry.entry_id): 0.99}
    got = [x.entry.question for x in rank(ANCHOR, [a, b, c], 2, pair)]
    assert got == ["반품 배송비는 누가 내나요?", "교환은 어떻게 접수하나요?"]


def test_what_users_chose_after_this_entry_rises():
    plain = [cand("서류 심사는 얼마나 걸리나요?", 11), cand("스토어 이름은 바꿀 수 있나요?", 30)]
    assert rank(ANCHOR, plain, 1)[0].entry.question == "서류 심사는 얼마나 걸리나요?"
    learned = [cand("서류 심사는 얼마나 걸리나요?", 11), cand("스토어 이름은 바꿀 수 있나요?", 30, learned=12)]
    assert rank(ANCHOR, learned, 1)[0].entry.question == "스토어 이름은 바꿀 수 있나요?"


def test_without_positions_the_links_and_similarity_decide():
    anchor = entry("미성년자도 판매자로 가입할 수 있나요?")
    got = score(anchor, [cand("정산은 언제 되나요?", sim=0.8), cand("가입 서류는 무엇인가요?", sim=0.92)])
    assert got[0].entry.question == "가입 서류는 무엇인가요?"
    assert rank(anchor, [], 3) == []
