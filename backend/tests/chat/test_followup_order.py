import uuid

from app.chat.pipeline import order_followups
from app.eval.run import key_ref, one_click
from app.retrieval.service import Hit


def hit(question: str) -> Hit:
    return Hit(entry_id=uuid.uuid4(), question=question, answer="", category=None, related=[], score=0.0, dense=0.0)


def test_ranked_next_steps_first_and_the_runner_up_of_a_close_call_second():
    top, second, third, fourth = (hit(q) for q in ("top", "second", "third", "fourth"))
    linked = hit("linked")
    ranked = [(linked.entry_id, linked.question), (top.entry_id, top.question)]  # a link back to the answer itself
    hits = [top, second, third, fourth]

    plain = order_followups([top], ranked, hits, 3)
    assert [f["question"] for f in plain] == ["linked", "second", "third"]
    close = order_followups([top], ranked, hits, 3, close=True)
    # "네 알려주세요" takes the first offer: the best next step stays first, the runner-up is one click away.
    assert [f["question"] for f in close] == ["linked", "second", "third"]
    assert close[1]["entry_id"] == str(second.entry_id)
    three = [(hit(q).entry_id, q) for q in ("a", "b", "c")]
    assert [f["question"] for f in order_followups([top], three, hits, 3, close=True)] == ["a", "second", "b"]
    assert [f["question"] for f in order_followups([top], [], hits, 1, close=True)] == ["second"]
    assert order_followups([top], [], [top], 3, close=True) == []  # never the cited entry itself


def test_one_click_counts_answered_first_or_offered_as_a_followup():
    a, b = key_ref("가"), key_ref("나")
    rows = [
        {"kind": "single", "refused": False, "ranked": ["가"], "followups": [], "expected": [a]},
        {"kind": "single", "refused": False, "ranked": ["다"], "followups": ["라", "가"], "expected": [a]},
        {"kind": "single", "refused": False, "ranked": ["다"], "followups": ["라"], "expected": [b]},
        {"kind": "single", "refused": True, "ranked": ["나"], "followups": [], "expected": [b]},
        {"kind": "offtopic", "refused": True, "ranked": [], "followups": [], "expected": []},
    ]
    assert one_click(rows) == {"single": 0.5, "multiturn": 0.0}
