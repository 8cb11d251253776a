"""The brief's dialogues on the demo FAQ: follow-ups continue the task, greetings get a reply, refusals a way back."""

import pytest

from tests.conftest import make_actor, make_workspace
from tests.helpers import MINOR_DOCUMENTS, MINOR_SIGNUP, ask, clone_demo, entry_ids, first, new_session, streamed_text

MINOR_REVIEW = "제출한 서류 심사는 얼마나 걸리나요?"
FOOD = "음식이나 식품도 스토어에 등록해 판매할 수 있나요?"


@pytest.fixture
async def demo(client):
    actor = await make_actor(client)
    ws = await make_workspace(client, actor, "대화 데모")
    await clone_demo(ws["id"])
    sid = await new_session(client, actor, ws["id"])
    return {"actor": actor, "ws": ws["id"], "sid": sid, "entries": await entry_ids(ws["id"])}


async def test_followups_are_the_next_steps_of_the_task_and_yes_takes_the_first(client, demo):
    actor, ws, sid, entries = demo["actor"], demo["ws"], demo["sid"], demo["entries"]
    events = await ask(client, actor, ws, sid, MINOR_SIGNUP)
    assert first(events, "sources")["sources"][0]["entry_id"] == entries[MINOR_SIGNUP]
    offered = [f["question"] for f in first(events, "followups")["followups"]]
    assert offered[0] in (MINOR_DOCUMENTS, MINOR_REVIEW)  # linked from the entry and next to it in the file
    assert {MINOR_DOCUMENTS, MINOR_REVIEW} <= set(offered) and MINOR_SIGNUP not in offered

    events = await ask(client, actor, ws, sid, "네 알려주세요")
    assert first(events, "sources")["sources"][0]["entry_id"] == entries[offered[0]]


@pytest.mark.parametrize("message, reply", [("안녕하세요", "무엇을 도와드릴까요"), ("고마워요", "다행이에요")])
async def test_greetings_and_thanks_get_a_friendly_reply_with_starter_questions(client, demo, message, reply):
    actor, ws, sid, entries = demo["actor"], demo["ws"], demo["sid"], demo["entries"]
    events = await ask(client, actor, ws, sid, message)
    assert first(events, "done")["refused"] is False
    assert reply in streamed_text(events) and first(events, "sources")["sources"] == []
    starters = first(events, "followups")["followups"]
    # The knowledge's first entry (getting started) opens the starter questions, each tied to its entry.
    assert starters[0]["question"] == MINOR_SIGNUP
    assert all(entries[s["question"]] == s["entry_id"] for s in starters)


async def test_no_thanks_after_an_offer_is_not_an_acceptance(client, demo):
    actor, ws, sid = demo["actor"], demo["ws"], demo["sid"]
    await ask(client, actor, ws, sid, MINOR_SIGNUP)
    events = await ask(client, actor, ws, sid, "아니요 괜찮아요")
    assert first(events, "done")["refused"] is False and first(events, "sources")["sources"] == []
    assert "궁금한 점" in streamed_text(events)


async def test_the_refusal_bridges_the_questions_subject_back_when_the_knowledge_has_it(client, demo):
    actor, ws, sid, entries = demo["actor"], demo["ws"], demo["sid"], demo["entries"]
    events = await ask(client, actor, ws, sid, "오늘 저녁에 먹을 음식 좀 골라줄래?")
    assert first(events, "done")["refused"] is True
    suggestion = first(events, "followups")["followups"]
    assert [s["question"] for s in suggestion] == [FOOD] and suggestion[0]["entry_id"] == entries[FOOD]
    assert f"'{FOOD.rstrip('?')}'" in streamed_text(events)


async def test_without_a_tie_the_refusal_offers_the_first_starter_question(client, demo):
    actor, ws, sid = demo["actor"], demo["ws"], demo["sid"]
    events = await ask(client, actor, ws, sid, "내일 부산 날씨 어때?")
    assert first(events, "done")["refused"] is True
    assert [s["question"] for s in first(events, "followups")["followups"]] == [MINOR_SIGNUP]


async def test_clicking_a_followup_and_rating_its_answer_up_raise_that_pair(client, demo):
    from sqlalchemy import text

    from app.core.db import sessionmaker

    actor, ws, sid, entries = demo["actor"], demo["ws"], demo["sid"], demo["entries"]
    offered = first(await ask(client, actor, ws, sid, MINOR_SIGNUP), "followups")["followups"]
    picked = offered[-1]
    events = await ask(client, actor, ws, sid, picked["question"], followup_entry_id=picked["entry_id"])
    r = await client.post(f"/api/v1/workspaces/{ws}/chat/messages/{first(events, 'done')['message_id']}/feedback",
                          json={"rating": 1}, headers=actor.headers)
    assert r.status_code in (200, 204), r.text
    async with sessionmaker()() as s:
        row = (await s.execute(text("SELECT clicks, upvotes FROM followup_stats WHERE workspace_id = :ws "
                                    "AND from_entry_id = :a AND to_entry_id = :b"),
                               {"ws": ws, "a": entries[MINOR_SIGNUP], "b": picked["entry_id"]})).one()
    assert (row.clicks, row.upvotes) == (1, 1)
    # Learned: after the same answer the picked entry is now offered earlier than before.
    again = first(await ask(client, actor, ws, await new_session(client, actor, ws), MINOR_SIGNUP), "followups")
    ids = [f["entry_id"] for f in again["followups"]]
    assert picked["entry_id"] in ids and ids.index(picked["entry_id"]) < len(offered) - 1


async def test_starter_questions_for_the_empty_chat_and_another_workspace_gets_404(client, demo):
    actor, ws, entries = demo["actor"], demo["ws"], demo["entries"]
    r = await client.get(f"/api/v1/workspaces/{ws}/chat/starters", headers=actor.headers)
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert items[0]["question"] == MINOR_SIGNUP and len(items) >= 2
    assert all(entries[i["question"]] == i["entry_id"] for i in items)
    stranger = await make_actor(client)
    assert (await client.get(f"/api/v1/workspaces/{ws}/chat/starters", headers=stranger.headers)).status_code == 404


async def test_the_way_back_ties_to_what_is_asked_not_to_when_or_for_whom(client, demo):
    """The subject of "주말에 볼 만한 영화 추천해줘" is 영화 (Korean puts the head last): an entry about 주말 is no
    way back for it."""
    actor, ws, sid = demo["actor"], demo["ws"], demo["sid"]
    weekend = "주말에도 주문 발송 처리가 되나요?"
    r = await client.post(f"/api/v1/workspaces/{ws}/knowledge", headers=actor.headers,
                          json={"question": weekend, "answer": "주말에는 택배사 집하가 없어 월요일에 발송됩니다."})
    assert r.status_code == 201, r.text
    events = await ask(client, actor, ws, sid, "주말에 볼 만한 영화 추천해줘")
    assert first(events, "done")["refused"] is True
    assert [s["question"] for s in first(events, "followups")["followups"]] == [MINOR_SIGNUP]
