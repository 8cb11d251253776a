"""With a chat model, the model picks the follow-ups among the knowledge's candidates and words them as offers,
and picks the refusal's way back (chat/offers.py); against the loopback OpenAI-compatible server."""

import pytest

from app.chat import offers
from tests.conftest import make_actor, make_workspace
from tests.helpers import (
    MINOR_DOCUMENTS,
    MINOR_SIGNUP,
    ask,
    clone_demo,
    entry_ids,
    first,
    new_session,
    patch_settings,
    streamed_text,
)

REPLY = "네, 법정대리인 동의가 있으면 가입할 수 있습니다."
FOOD = "음식이나 식품도 스토어에 등록해 판매할 수 있나요?"
REFUSAL_QUESTION = "오늘 저녁에 여의도 가려는데 맛집 추천좀 해줄래?"


def test_parse_reads_numbered_offers_and_ignores_the_rest():
    reply = "다음 단계는 이렇습니다.\n2. 등록에 필요한 서류 안내해드릴까요?\n- 4) 심사 기간이 궁금하신가요?\n2. 같은 번호"
    assert offers.parse(reply, 5, 3) == [(2, "등록에 필요한 서류 안내해드릴까요?"), (4, "심사 기간이 궁금하신가요?")]
    assert offers.parse("0", 5, 3) == [] and offers.parse("9. 범위 밖인가요?", 5, 3) == []
    # a line that is no offer (no question, too long, not Korean) keeps the pick with the entry's own question
    assert offers.parse("1. 서류 안내", 3, 3) == [(1, None)]
    assert offers.parse("1. " + "가" * 100 + "?", 3, 3) == [(1, None)]
    assert offers.parse("3. Shall I explain the documents?", 3, 3) == [(3, None)]
    assert len(offers.parse("1. 가요?\n2. 나요?\n3. 다요?\n4. 라요?", 5, 2)) == 2


def test_apply_puts_the_picks_first_and_fills_up_in_the_local_order():
    cands = [{"question": f"q{i}", "entry_id": f"e{i}"} for i in range(1, 6)]
    out = offers.apply(cands, [(4, "넷째 안내해드릴까요?"), (2, None)], 3)
    assert out == [{"question": "q4", "entry_id": "e4", "offer": "넷째 안내해드릴까요?"},
                   {"question": "q2", "entry_id": "e2"}, {"question": "q1", "entry_id": "e1"}]
    assert offers.apply(cands, [], 2) == cands[:2]


@pytest.fixture
async def demo(client, fake_openai_env):
    actor = await make_actor(client)
    ws = (await make_workspace(client, actor, "제안 데모"))["id"]
    await clone_demo(ws)
    await patch_settings(client, actor, ws, qa={"chat_provider": "openai"}, retrieval={"llm_rerank": False})
    return {"actor": actor, "ws": ws, "sid": await new_session(client, actor, ws), "fake": fake_openai_env,
            "entries": await entry_ids(ws)}


def numbered(prompt: str) -> list[str]:
    return [line.split(". ", 1)[1] for line in prompt.splitlines() if line[:1].isdigit() and ". " in line]


async def test_the_model_picks_and_words_the_followups_among_the_knowledges_candidates(client, demo):
    fake = demo["fake"]
    fake.reply(REPLY)
    local = first(await ask(client, demo["actor"], demo["ws"], demo["sid"], MINOR_SIGNUP), "followups")["followups"]
    fake.reset()
    fake.reply(REPLY, prompt_tokens=300, completion_tokens=20)
    fake.reply("2. 등록에 필요한 서류 안내해드릴까요?\n5. 심사 기간도 안내해드릴까요?", prompt_tokens=200,
               completion_tokens=30)
    events = await ask(client, demo["actor"], demo["ws"], await new_session(client, demo["actor"], demo["ws"]),
                       MINOR_SIGNUP)
    answer, choice = fake.chat_requests
    prompt = choice["messages"][0]["content"]
    shown = numbered(prompt)
    # the candidates are the local follow-ups first, then more of the same ranking; the answered entry is no one
    assert shown[:3] == [f["question"] for f in local] and len(shown) > 3 and MINOR_SIGNUP not in shown
    assert MINOR_SIGNUP in prompt and REPLY in prompt and choice["temperature"] == 0
    got = first(events, "followups")["followups"]
    assert [f["question"] for f in got[:2]] == [shown[1], shown[4]]
    assert got[0]["offer"] == "등록에 필요한 서류 안내해드릴까요?" and got[1]["offer"] == "심사 기간도 안내해드릴까요?"
    assert all(demo["entries"][f["question"]] == f["entry_id"] for f in got) and len(got) == 3
    assert streamed_text(events) == REPLY
    # the call's tokens count with the answer's (quotas and cost read them)
    assert first(events, "done")["usage"] == {"prompt_tokens": 500, "completion_tokens": 50}
    # the stored answer keeps the offers, and "네 알려주세요" takes the first one's entry
    fake.reply(REPLY)
    events = await ask(client, demo["actor"], demo["ws"], first(events, "meta")["session_id"], "네 알려주세요")
    assert first(events, "sources")["sources"][0]["entry_id"] == got[0]["entry_id"]


@pytest.mark.parametrize("verdict", ["0", "잘 모르겠어요", None])
async def test_a_reply_naming_no_candidate_or_a_failure_keeps_the_local_followups(client, demo, verdict):
    fake = demo["fake"]
    fake.reply(REPLY)
    local = first(await ask(client, demo["actor"], demo["ws"], demo["sid"], MINOR_SIGNUP), "followups")["followups"]
    fake.reset()
    fake.reply(REPLY)
    if verdict is None:
        fake.fail(500, times=2)
    else:
        fake.reply(verdict)
    events = await ask(client, demo["actor"], demo["ws"], await new_session(client, demo["actor"], demo["ws"]),
                       MINOR_SIGNUP)
    assert first(events, "followups")["followups"] == local and first(events, "done")["refused"] is False
    assert MINOR_DOCUMENTS in [f["question"] for f in local]


async def test_the_model_picks_and_words_the_refusals_way_back(client, demo):
    fake = demo["fake"]  # nothing queued: the reply names no candidate, and the local way back stays
    events = await ask(client, demo["actor"], demo["ws"], demo["sid"], REFUSAL_QUESTION)
    assert first(events, "done")["refused"] is True
    (choice,) = fake.chat_requests  # the refusal itself never comes from the model
    shown = numbered(choice["messages"][0]["content"])
    assert FOOD in shown and REFUSAL_QUESTION in choice["messages"][0]["content"]
    assert first(events, "followups")["followups"][0]["question"] == shown[0]  # the local choice leads the list

    fake.reset()
    fake.reply(f"{shown.index(FOOD) + 1}. 음식도 스토어 등록이 가능한지 궁금하신가요?", prompt_tokens=150,
               completion_tokens=15)
    events = await ask(client, demo["actor"], demo["ws"], demo["sid"], REFUSAL_QUESTION)
    way_back = first(events, "followups")["followups"]
    assert way_back == [{"question": FOOD, "entry_id": demo["entries"][FOOD],
                         "offer": "음식도 스토어 등록이 가능한지 궁금하신가요?"}]
    text = streamed_text(events)
    assert text.startswith("저는 ") and text.endswith("\n\n음식도 스토어 등록이 가능한지 궁금하신가요?")
    assert first(events, "done")["usage"] == {"prompt_tokens": 150, "completion_tokens": 15}


async def test_the_setting_turns_the_model_choice_off(client, demo):
    await patch_settings(client, demo["actor"], demo["ws"], qa={"llm_followups": False})
    demo["fake"].reply(REPLY)
    await ask(client, demo["actor"], demo["ws"], demo["sid"], MINOR_SIGNUP)
    await ask(client, demo["actor"], demo["ws"], demo["sid"], REFUSAL_QUESTION)
    assert len(demo["fake"].chat_requests) == 1  # the answer only
