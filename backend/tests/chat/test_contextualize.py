import uuid

from app.chat.contextualize import Turn, resolve
from app.chat.pipeline import _merge
from app.retrieval.service import Hit, SearchResult

TOPIC = [Turn("user", "미성년자도 판매자 가입 돼요?"), Turn("assistant", "네, 법정대리인 동의가 있으면 됩니다.")]


def test_fragments_join_the_topic_and_complete_questions_stand_alone():
    assert resolve(TOPIC, "그럼 서류는요?").how == "contextualized"
    assert resolve(TOPIC, "해외 판매자는요?").query.startswith("미성년자도 판매자 가입 돼요?")
    alone = resolve(TOPIC, "정산은 언제 되나요?")
    assert alone.how == "as_is" and alone.query == "정산은 언제 되나요?"
    assert alone.context_query == "미성년자도 판매자 가입 돼요? 정산은 언제 되나요?"
    assert resolve([], "정산은 언제 되나요?").context_query is None
    # "아니면…" starts with the filler syllable "아" but is not filler: the fragment keeps its first word.
    assert resolve(TOPIC, "아니면 취소는요?").fragment == "아니면 취소는요?"
    assert resolve(TOPIC, "아 그럼 서류는요?").fragment == "그럼 서류는요?"


def test_acceptance_picks_the_offered_question():
    entry = uuid.uuid4()
    offered = TOPIC + [Turn("assistant", "…", followups=[{"question": "서류는 무엇인가요?", "entry_id": str(entry)},
                                                        {"question": "심사 기간은?", "entry_id": str(uuid.uuid4())}])]
    first = resolve(offered, "네 알려주세요")
    assert (first.query, first.pinned_entry_id, first.how) == ("서류는 무엇인가요?", entry, "followup")
    assert resolve(offered, "두 번째 거요").query == "심사 기간은?"
    quoted = [Turn("assistant", "가능합니다. 혹시 '테스트 방송 하는 방법'도 궁금하세요?")]
    assert resolve(quoted, "응 그거 알려줘").query == "테스트 방송 하는 방법"
    inline = [Turn("assistant", "어떤 부분인가요? 1) 답글 고치기 2) 답글 템플릿 만들기 3) 답글 지우기")]
    assert resolve(inline, "두 번째 거요").query == "답글 템플릿 만들기"
    assert resolve(inline, "마지막이요").query == "답글 지우기"


def test_an_offer_written_in_prose_is_accepted_and_searched_beside_the_topic():
    said = "정산관리 메뉴에서 보실 수 있어요. 혹시 요금제를 중간에 올리면 요금이 어떻게 계산되는지도 알려드릴까요?"
    accepted = resolve(TOPIC + [Turn("assistant", said)], "네 궁금해요")
    assert (accepted.query, accepted.how, accepted.pinned_entry_id) == (
        "요금제를 중간에 올리면 요금이 어떻게 계산되는지", "followup", None)
    assert accepted.context_query == "미성년자도 판매자 가입 돼요? 요금제를 중간에 올리면 요금이 어떻게 계산되는지"
    about = [Turn("assistant", "진행예정 상태일 때만 고칠 수 있어요. 일부만 선정되는 경우에 대해서도 알려드릴까요?")]
    assert resolve(about, "네 알려주세요").query == "일부만 선정되는 경우"
    # No offer: a closing pleasantry or a plain statement leaves "네 ..." to the ordinary rules.
    for closing in ("네, 가능합니다. 더 궁금하신가요?", "정산은 다음 날 됩니다."):
        assert resolve(TOPIC + [Turn("assistant", closing)], "네 알려주세요").how != "followup"


def _hit(name: str, score: float) -> Hit:
    return Hit(entry_id=uuid.uuid5(uuid.NAMESPACE_URL, name), question=name, answer="", category=None, related=[],
               score=score, dense=0.9)


def _result(*hits: Hit) -> SearchResult:
    return SearchResult(hits=list(hits), query_terms=[], ms=1.0, dense_top=0.9, usem_vector=[])


def test_merge_prefers_entries_that_fit_both_the_message_and_the_topic():
    raw = _result(_hit("일반 수수료", 2.0), _hit("원쁠딜 수수료", 1.5), _hit("배송비", -1.0))
    ctx = _result(_hit("원쁠딜 수수료", 2.5), _hit("원쁠딜 신청", 1.0), _hit("일반 수수료", -0.5))
    assert [h.question for h in _merge(raw, ctx)][:2] == ["원쁠딜 수수료", "일반 수수료"]


def test_merge_keeps_a_clear_change_of_subject():
    raw = _result(_hit("정산 일정", 4.0), _hit("정산 보류", 0.5), _hit("배송비", -1.0))
    ctx = _result(_hit("미성년자 가입", 2.0), _hit("정산 일정", 1.5), _hit("미성년자 서류", 0.2))
    assert _merge(raw, ctx)[0].question == "정산 일정"
