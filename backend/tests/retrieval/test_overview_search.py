"""Broad questions get the guide to the task, specific ones their case; an everyday question that shares one
word with an entry is refused (issue 18). On the demo knowledge, with a guide entry added."""

import uuid

import pytest
from sqlalchemy import select

from app.chat import pipeline
from app.chat.contextualize import Turn
from app.chat.pipeline import plan_answer
from app.core.db import sessionmaker
from app.knowledge import service as knowledge
from app.knowledge.schemas import EntryCreate
from app.models import KnowledgeEntry
from app.retrieval import intent, ontopic, service, subject
from app.workspaces.service import load_settings

GUIDE = "★ 상품 등록하는 방법"
GUIDE_ANSWER = (
    "판매할 상품을 등록하는 메뉴입니다. 1. 판매자센터 > 상품관리 > 상품 등록으로 이동합니다. "
    "2. 카테고리를 고르고 상품명을 입력합니다. 3. 판매가, 재고 수량, 옵션을 설정합니다. "
    "4. 대표 이미지와 상세 설명을 올립니다. 5. 배송비와 반품 정보를 확인한 뒤 저장합니다."
)
NARROWER = "★ 상품 일괄등록 방법"
NARROWER_ANSWER = (
    "여러 상품을 엑셀 파일로 한 번에 등록하는 메뉴입니다. 1. 상품관리 > 상품 일괄등록으로 이동합니다. "
    "2. 엑셀 양식을 내려받아 상품 정보를 채웁니다. 3. 파일을 올리고 검증 결과를 확인합니다. "
    "4. 오류가 없으면 등록을 완료합니다."
)
SETTLEMENT_GUIDE = "★ 정산 내역 메뉴 안내"
SETTLEMENT_GUIDE_ANSWER = (
    "정산 내역 메뉴에서 일별, 건별 정산 금액을 확인합니다. 1. 정산관리 > 정산 내역으로 이동합니다. "
    "2. 조회 기간을 고릅니다. 3. 일별 또는 건별 탭에서 금액과 상태를 확인합니다. 4. 엑셀로 내려받을 수 있습니다."
)
SETTLEMENT_WHEN = "판매 대금은 언제 정산되나요?"
FOOD = "음식이나 식품도 스토어에 등록해 판매할 수 있나요?"
HOMEWORK = "수학 숙제 세금 문제 풀어줘"


@pytest.fixture
async def with_guide(demo_search):
    async with sessionmaker()() as s:
        await knowledge.create_entry(session=s, ws_id=demo_search.ws_id, body=EntryCreate(
            question=GUIDE, answer=GUIDE_ANSWER, category="상품 등록", related=[]))
    return demo_search


async def _overview(ws_id: uuid.UUID) -> dict[str, float]:
    async with sessionmaker()() as s:
        rows = await s.execute(select(KnowledgeEntry.question, KnowledgeEntry.overview)
                               .where(KnowledgeEntry.workspace_id == ws_id))
        return dict(rows.all())


async def test_adding_a_guide_scores_it_as_the_overview_of_its_task(with_guide):
    scores = await _overview(with_guide.ws_id)
    assert scores[GUIDE] > 0.8
    assert max(score for question, score in scores.items() if question != GUIDE) <= subject.OVERVIEW_FLOOR


async def test_a_broad_question_ranks_the_guide_first_and_a_specific_one_its_case(with_guide, monkeypatch):
    broad = await with_guide("상품 등록은 어떻게 하나요?")
    assert broad.hits[0].question == GUIDE
    specific = await with_guide("식품도 스토어에 등록해서 팔 수 있어요?")
    assert specific.hits[0].question == FOOD
    # The guide wins the broad question by its structure, not by its words alone.
    monkeypatch.setattr(subject, "W_OVERVIEW", 0.0)
    plain = await with_guide("상품 등록은 어떻게 하나요?")
    assert plain.hits[0].question != GUIDE


async def test_of_two_guides_a_broad_question_gets_the_one_naming_nothing_more(with_guide, monkeypatch):
    async with sessionmaker()() as s:
        await knowledge.create_entry(session=s, ws_id=with_guide.ws_id, body=EntryCreate(
            question=NARROWER, answer=NARROWER_ANSWER, category="상품 등록", related=[]))
    assert (await _overview(with_guide.ws_id))[NARROWER] > 0.8
    broad = await with_guide("상품 등록은 어떻게 하나요?")
    assert [h.question for h in broad.hits[:2]] == [GUIDE, NARROWER]
    narrow = await with_guide("상품 일괄 등록은 어떻게 해요?")
    assert narrow.hits[0].question == NARROWER
    # The narrower guide names one task word (일괄) of its three the broad question lacks; the broad guide none.
    weight = subject.W_NARROWER
    monkeypatch.setattr(subject, "W_NARROWER", 0.0)
    unweighed = {h.question: h.score for h in (await with_guide("상품 등록은 어떻게 하나요?")).hits}
    scores = {h.question: h.score for h in broad.hits}
    assert unweighed[NARROWER] - scores[NARROWER] == pytest.approx(weight / 3)
    assert unweighed[GUIDE] == pytest.approx(scores[GUIDE])


async def test_a_guide_outside_the_first_candidates_still_gets_its_bonus(with_guide, monkeypatch):
    """The bonus is added after the statement's cut (the first RERANK_DEPTH by fused score): guides among the
    candidates come back beyond the cut, so a broad question's guide is never lost to it."""
    monkeypatch.setattr(subject, "W_OVERVIEW", 0.0)
    plain = await with_guide("상품 등록은 어떻게 하나요?", limit=1)
    assert plain.hits[0].question != GUIDE
    monkeypatch.undo()
    monkeypatch.setattr(intent, "RERANK_DEPTH", 1)
    cut = await with_guide("상품 등록은 어떻게 하나요?", limit=1)
    assert [h.question for h in cut.hits] == [GUIDE]


async def test_a_question_typed_as_an_entrys_title_gets_that_entry_before_any_guide(with_guide, monkeypatch):
    """A starter question, or a title copied from the help centre, asks that entry: the guide whose title holds
    all of its words does not go before it. Spacing, punctuation and case do not matter; other wording does."""
    case = "상품 등록은 어떻게 하나요?"
    async with sessionmaker()() as s:
        await knowledge.create_entry(session=s, ws_id=with_guide.ws_id, body=EntryCreate(
            question=case, answer="상품관리 메뉴의 상품 등록 화면에서 카테고리와 상품명을 입력해 등록합니다.",
            category="상품 등록", related=[]))
    for typed in (case, "상품등록은 어떻게 하나요", "[상품 등록] 상품 등록은 어떻게 하나요?"):
        assert (await with_guide(typed)).hits[0].question == case, typed
    assert (await with_guide("상품 등록은 어떻게 해요?")).hits[0].question == GUIDE
    monkeypatch.setattr(service, "titled", lambda hit, typed_as: False)
    assert (await with_guide(case)).hits[0].question == GUIDE


async def test_a_title_typed_in_a_conversation_gets_its_entry_whatever_the_topic(with_guide, monkeypatch):
    """Mid-conversation, the message is searched alone and joined to the topic; a title typed as the message
    still asks its own entry: neither the guide nor the topic's entries go before it."""
    case = "상품 등록은 어떻게 하나요?"
    async with sessionmaker()() as s:
        await knowledge.create_entry(session=s, ws_id=with_guide.ws_id, body=EntryCreate(
            question=case, answer="상품관리 메뉴의 상품 등록 화면에서 카테고리와 상품명을 입력해 등록합니다.",
            category="상품 등록", related=[]))
        settings = await load_settings(session=s, ws_id=with_guide.ws_id)
    asked = "판매 대금은 언제 정산되나요?"
    topic = (await with_guide(asked)).hits[0]
    history = [Turn("user", asked, standalone_query=asked),
               Turn("assistant", "구매확정 후 정산됩니다.", cited=[str(topic.entry_id)])]
    plan = await plan_answer(ws_id=with_guide.ws_id, settings=settings, history=history, message=case)
    assert plan.how.endswith("+context") and not plan.refused
    assert plan.cited[0].question == case
    monkeypatch.setattr(pipeline, "titled", lambda hit, typed_as: False)
    plan = await plan_answer(ws_id=with_guide.ws_id, settings=settings, history=history, message=case)
    assert plan.cited[0].question != case


async def test_a_question_asking_when_gets_its_case_not_the_guide(with_guide, monkeypatch):
    """A guide walks through a menu; it does not say when, how much, how many, who, on what condition or why it
    fails. "정산은 언제 되나요?" asks when, however general its words."""
    async with sessionmaker()() as s:
        await knowledge.create_entry(session=s, ws_id=with_guide.ws_id, body=EntryCreate(
            question=SETTLEMENT_GUIDE, answer=SETTLEMENT_GUIDE_ANSWER, category="정산", related=[]))
    assert (await _overview(with_guide.ws_id))[SETTLEMENT_GUIDE] > subject.OVERVIEW_FLOOR
    when = [h.question for h in (await with_guide("정산은 언제 되나요?")).hits]
    assert when[0] != SETTLEMENT_GUIDE and SETTLEMENT_WHEN in when[:3]
    assert (await with_guide("정산 내역은 어떻게 봐요?")).hits[0].question == SETTLEMENT_GUIDE
    monkeypatch.setattr(subject, "CASE_TYPES", frozenset())  # every question read as asking for the guide
    assert (await with_guide("정산은 언제 되나요?")).hits[0].question == SETTLEMENT_GUIDE


async def test_an_everyday_question_sharing_one_word_is_refused(with_guide):
    async with sessionmaker()() as s:
        settings = await load_settings(session=s, ws_id=with_guide.ws_id)
    # "세금" is a word of the tax-invoice entry; the question is homework.
    refused = await plan_answer(ws_id=with_guide.ws_id, settings=settings, history=[], message=HOMEWORK)
    d = refused.decision
    assert refused.refused and d["subject"] is not None and d["subject"] < 0.5
    # The subject signal is what refuses it: had the entry held the question's subject, the question would sit on
    # the line (P 0.504 on one machine, just under 0.5 on another, with the same code and pins), and the subject it
    # lacks moves it well across.
    pieces = (await with_guide(HOMEWORK)).n_chunks

    def p(subject: float) -> float:
        return ontopic.p_offtopic(d["dense_top"], d["usem"], d["unknown_share"], pieces, d["unknown_names"],
                                  subject=subject)

    assert p(d["subject"]) >= ontopic.P_REFUSE["medium"] and p(d["subject"]) - p(1.0) > 0.2
    answered = await plan_answer(ws_id=with_guide.ws_id, settings=settings, history=[],
                                 message="음식도 스토어에서 팔 수 있나요?")
    assert not answered.refused and answered.cited[0].question == FOOD
