from app.retrieval import intent
from app.retrieval.intent import overlap, question_types


def test_question_types():
    assert question_types("양도양수 심사는 얼마나 걸리나요?") == {"time"}  # "얼마나" is not a price
    assert question_types("광고비는 얼마인가요?") == {"cost"}
    assert question_types("스토어 이름은 가입 후에도 변경할 수 있나요?") == {"can", "change"}
    assert question_types("반품 배송비는 누가 부담하나요?") == {"who", "cost"}
    assert question_types("송장번호는 어디에서 입력하나요?") == {"where"}
    assert question_types("정산 계좌") == frozenset()


def test_overlap():
    asked = question_types("반품은 며칠 안에 신청해야 돼요?")
    when, how = "구매자는 언제까지 반품을 요청할 수 있나요?", "구매자의 반품 요청은 어떻게 처리하나요?"
    assert overlap(asked, when) > overlap(asked, how)
    assert overlap(frozenset(), "무엇이든") == 0.0
    assert overlap(frozenset({"time"}), "심사 기간은 얼마나 걸리나요?") == 1.0


async def test_the_bonus_reorders_candidates_by_the_kind_of_answer_asked_for(demo_search, monkeypatch):
    async def hits(query: str, weight: float):
        monkeypatch.setattr(intent, "WEIGHT", weight)
        return (await demo_search(query, limit=5)).hits

    query = "정산은 며칠 걸려요?"  # asks for a time; without the bonus the hold-back entry (a condition) leads
    plain, typed = await hits(query, 0.0), await hits(query, 1.0)
    assert plain[0].question == "정산이 보류되는 경우는 어떤 때인가요?"
    asked = question_types(query)
    base = {h.entry_id: h.score for h in plain}
    for h in typed:  # each score gains exactly WEIGHT x overlap, and the list is sorted by the new score
        if h.entry_id in base:
            assert abs(h.score - base[h.entry_id] - overlap(asked, h.question)) < 1e-9
    assert [h.score for h in typed] == sorted((h.score for h in typed), reverse=True)
    dominant = await hits(query, 10.0)
    assert "time" in question_types(dominant[0].question)  # 판매 대금은 언제 정산되나요?
