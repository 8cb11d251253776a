"""`make eval` replays a multi-turn item's history as the chat would have recorded it (app/eval/run.py)."""

import uuid

from app.eval.run import replay
from tests.conftest import make_actor, make_workspace
from tests.helpers import MINOR_SIGNUP, clone_demo, entry_ids


async def test_history_turns_get_the_standalone_queries_and_sources_a_live_chat_records(client):
    actor = await make_actor(client)
    ws = await make_workspace(client, actor, "평가 재현")
    await clone_demo(ws["id"])
    entries = await entry_ids(ws["id"])
    history = [{"role": "user", "content": MINOR_SIGNUP},
               {"role": "assistant", "content": "네, 법정대리인 동의가 있으면 가능해요."},
               {"role": "user", "content": "내일 서울 날씨 어때?"},
               {"role": "assistant", "content": "날씨는 알려드릴 수 없어요."}]
    recorded = await replay(uuid.UUID(ws["id"]), history)
    assert [m["role"] for m in recorded] == ["user", "assistant", "user", "assistant"]
    # The set's own wording of each turn is kept; what an answer was grounded in is the pipeline's.
    assert [m["content"] for m in recorded] == [t["content"] for t in history]
    assert recorded[0]["standalone_query"] == MINOR_SIGNUP
    assert recorded[1]["sources"][0]["entry_id"] == entries[MINOR_SIGNUP] and recorded[1]["refused"] is False
    # A refused turn cites nothing.
    assert recorded[3]["refused"] is True and recorded[3]["sources"] == []
