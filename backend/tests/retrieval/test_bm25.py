"""BM25 as a sparse dot product (migration 0003): the lexicon triggers keep document frequencies exact through
inserts, edits and deletes, and the scores the search statement returns equal BM25 computed from the lexemes."""

import math
import uuid
from collections import Counter, defaultdict

from sqlalchemy import text

from app.core.db import sessionmaker
from app.knowledge import service as knowledge
from app.knowledge.schemas import EntryCreate
from app.retrieval import service as retrieval
from app.retrieval import thesaurus
from app.retrieval.analysis import keyword_set
from app.workspaces import service as workspaces
from tests.conftest import make_actor, make_workspace
from tests.helpers import clone_demo

PIVOT, K1, B = 24, 1.2, 0.75


async def lexicon(ws_id) -> dict[str, int]:
    async with sessionmaker()() as s:
        rows = await s.execute(text("SELECT lexeme, df FROM knowledge_lexicon WHERE workspace_id = :ws"),
                               {"ws": uuid.UUID(str(ws_id))})
        return dict(rows.all())


async def recount(ws_id) -> dict[str, int]:
    """Document frequencies counted from the chunks themselves ('' = chunks with lexemes)."""
    async with sessionmaker()() as s:
        rows = (await s.execute(text(
            "SELECT u.lexeme FROM knowledge_chunks c CROSS JOIN LATERAL unnest(c.lexemes) u "
            "WHERE c.workspace_id = :ws AND c.lexemes IS NOT NULL"), {"ws": uuid.UUID(str(ws_id))})).scalars()
        counts = Counter(rows)
        n = await s.scalar(text("SELECT count(*) FROM knowledge_chunks WHERE workspace_id = :ws "
                                "AND lexemes IS NOT NULL"), {"ws": uuid.UUID(str(ws_id))})
    return dict(counts) | ({"": n} if n else {})


async def test_lexicon_follows_inserts_edits_and_deletes(client):
    owner = await make_actor(client)
    ws = await make_workspace(client, owner)
    base = f"/api/v1/workspaces/{ws['id']}/knowledge"
    assert await lexicon(ws["id"]) == {}

    await clone_demo(ws["id"])  # a bulk INSERT ... SELECT
    counted = await recount(ws["id"])
    assert counted[""] > 40 and await lexicon(ws["id"]) == counted

    r = await client.post(base, json={"question": "포장 박스 재활용 규정이 있나요?",
                                      "answer": "재활용 박스를 사용해도 됩니다. 박스 훼손이 심하면 교체하세요."},
                          headers=owner.headers)
    entry = r.json()["id"]
    assert (await lexicon(ws["id"]))["박스"] == (await recount(ws["id"]))["박스"] >= 2
    await client.patch(f"{base}/{entry}", json={"answer": "새 상자만 사용하세요."}, headers=owner.headers)
    assert await lexicon(ws["id"]) == await recount(ws["id"])
    assert (await lexicon(ws["id"])).get("재활용", 0) == (await recount(ws["id"])).get("재활용", 0)

    await client.delete(f"{base}/{entry}", headers=owner.headers)
    assert await lexicon(ws["id"]) == counted  # back to exactly the demo's counts, no zero rows left over

    async with sessionmaker()() as s:  # an UPDATE of the lexemes is counted too (old out, new in)
        await s.execute(text("UPDATE knowledge_chunks SET lexemes = CAST(:lex AS tsvector) "
                             "WHERE workspace_id = :ws AND kind = 'question' AND lexemes IS NOT NULL"),
                        {"ws": uuid.UUID(ws["id"]), "lex": "'택배':1,2"})
        await s.commit()
    assert await lexicon(ws["id"]) == await recount(ws["id"])

    r = await client.delete(f"/api/v1/workspaces/{ws['id']}", headers=owner.headers)
    assert r.status_code == 204
    assert await lexicon(ws["id"]) == {}


async def test_keyword_scores_are_bm25_of_the_chunk_lexemes(client):
    owner = await make_actor(client)
    ws = await make_workspace(client, owner)
    await clone_demo(ws["id"])
    ws_id = uuid.UUID(ws["id"])
    async with sessionmaker()() as s:
        rows = (await s.execute(text(
            "SELECT c.id, c.entry_id, length(c.lexemes), u.lexeme, cardinality(u.positions) "
            "FROM knowledge_chunks c CROSS JOIN LATERAL unnest(c.lexemes) u "
            "WHERE c.workspace_id = :ws AND c.lexemes IS NOT NULL"), {"ws": ws_id})).all()
        settings = (await workspaces.load_settings(session=s, ws_id=ws_id)).retrieval
    chunks: dict = defaultdict(dict)
    entry_of, length = {}, {}
    for chunk, entry, dl, lexeme, tf in rows:
        chunks[chunk][lexeme], entry_of[chunk], length[chunk] = tf, entry, dl
    n = len(chunks)
    df = Counter(lex for terms in chunks.values() for lex in terms)

    query = "미성년자 판매자 가입 서류는 무엇인가요?"
    terms = keyword_set(query)
    _, extra = thesaurus.expand(terms, query)
    assert extra  # 가입 -> 신청, 서류 -> 제출, 증빙: thesaurus lexemes count at EXPANSION_WEIGHT
    weights = {t: 1.0 for t in terms} | {t: thesaurus.EXPANSION_WEIGHT for t in extra}
    expected: dict = defaultdict(float)
    for chunk, tfs in chunks.items():
        score = sum(w * math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5)) * tfs[t] * (K1 + 1)
                    / (tfs[t] + K1 * (1 - B + B * length[chunk] / PIVOT)) for t, w in weights.items() if t in tfs)
        expected[entry_of[chunk]] = max(expected[entry_of[chunk]], score)

    async with sessionmaker()() as s:
        result = await retrieval.search(ws_id=ws_id, query=query, settings=settings, limit=50)
    scored = [h for h in result.hits if h.keyword > 0]
    assert len(scored) >= 3
    for hit in scored:
        assert math.isclose(hit.keyword, expected[hit.entry_id], rel_tol=1e-4), hit.question
    best = max(expected, key=expected.get)
    assert best in {h.entry_id for h in result.hits}  # the top BM25 entry is among the candidates
    assert result.n_chunks == n

    # With the workspace's query expansion switched off, the thesaurus lexemes no longer count.
    plain_settings = settings.model_copy(update={"query_expansion": False})
    plain: dict = defaultdict(float)
    for chunk, tfs in chunks.items():
        score = sum(math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5)) * tfs[t] * (K1 + 1)
                    / (tfs[t] + K1 * (1 - B + B * length[chunk] / PIVOT)) for t in terms if t in tfs)
        plain[entry_of[chunk]] = max(plain[entry_of[chunk]], score)
    async with sessionmaker()() as s:
        result = await retrieval.search(ws_id=ws_id, query=query, settings=plain_settings, limit=50)
    scored = [h for h in result.hits if h.keyword > 0]
    assert scored and any(not math.isclose(plain[h.entry_id], expected[h.entry_id]) for h in scored)
    for hit in scored:
        assert math.isclose(hit.keyword, plain[hit.entry_id], rel_tol=1e-4), hit.question


async def test_run_on_query_is_searched_like_the_spaced_one(demo_search):
    """A question typed without spaces is re-spaced before searching: same lexemes and top entry, and the
    share of words the knowledge never uses counts words, not the writer's compounds."""
    spaced = await demo_search("미성년자 판매자 가입 가능한가요")
    run_on = await demo_search("미성년자판매자가입가능한가요")
    assert set(run_on.query_terms) == set(spaced.query_terms)
    assert run_on.hits[0].entry_id == spaced.hits[0].entry_id
    assert run_on.unknown_share == spaced.unknown_share == 0.0


async def test_question_types_come_from_the_asking_text(demo_search):
    """The sibling bonus reads what kind of answer `asking` wants (a follow-up's own words), not the joined query."""
    from app.retrieval import intent

    query, follow_up = "미성년자 판매자 서류는 어떻게 제출하나요 심사", "그건 얼마나 걸려요?"
    base = await demo_search(query, settings=demo_search.settings.model_copy(update={"question_types": False}),
                             limit=30)
    own = await demo_search(query, limit=30)
    asked = await demo_search(query, limit=30, asking=follow_up)
    fused = {h.entry_id: h.score for h in base.hits}
    assert intent.question_types(query) != intent.question_types(follow_up)
    for result, asking in ((own, query), (asked, follow_up)):
        types = intent.question_types(asking)
        for h in result.hits:
            assert math.isclose(h.score, fused[h.entry_id] + intent.WEIGHT * intent.overlap(types, h.question),
                                abs_tol=1e-9), h.question
    assert [h.entry_id for h in own.hits] != [h.entry_id for h in asked.hits]


async def test_a_word_one_slip_away_is_read_as_the_knowledge_writes_it(demo_search):
    """"팜매자" is not in the knowledge, "판매자" is (one jamo away): the search runs with the correction, so the
    word counts as known and finds what the correct spelling finds. Slang the thesaurus maps is left alone."""
    right = await demo_search("미성년자도 판매자로 가입할 수 있나요")
    slip = await demo_search("미성년자도 팜매자로 가입할 수 있나요")
    raw = await demo_search("미성년자도 팜매자로 가입할 수 있나요", fix_typos=False)
    slang = await demo_search("고딩도 가입 되나요")
    assert "팜매자" in raw.query_terms and raw.unknown_share > 0
    assert slip.query_terms == right.query_terms and "팜매자" not in slip.query_terms
    assert slip.unknown_share == right.unknown_share < raw.unknown_share
    assert [h.entry_id for h in slip.hits] == [h.entry_id for h in right.hits]
    assert "고딩" in slang.query_terms  # a thesaurus key, expanded to 미성년자 rather than "corrected"


async def test_names_the_knowledge_never_uses_are_counted(demo_search):
    """Proper nouns and foreign words the knowledge has never heard of feed the refusal model's name signal;
    known ones, and slang the thesaurus maps, do not."""
    assert (await demo_search("아마존 셀러 계정 만들 때 필요한 서류")).unknown_names == 1
    assert (await demo_search("미성년자 판매자 서류")).unknown_names == 0
    assert (await demo_search("인스타 링크 걸어도 돼요")).unknown_names == 0  # 인스타: a thesaurus word


async def test_a_service_name_kiwi_tags_as_an_adverb_is_searched_where_the_knowledge_uses_it(demo_search):
    """"톡톡" is an adverb to Kiwi. The knowledge writes "톡톡으로" (a noun: it takes a particle), so the lexicon
    holds it, and a question naming it before a space ("톡톡 알림") finds that entry by the word."""
    async with sessionmaker()() as s:
        await knowledge.create_entry(session=s, ws_id=demo_search.ws_id, body=EntryCreate(
            question="채팅 상담 알림은 어떻게 받나요?", category="상담",
            answer="구매자의 문의는 네이버 톡톡으로 들어오며, 톡톡 파트너센터 앱에서 알림을 켜 두면 바로 받을 수 있습니다.",
            related=[]))
    result = await demo_search("톡톡 알림이 안 와요")
    without = await demo_search("알림이 안 와요")
    assert "톡톡" in result.query_terms and result.unknown_share == 0.0
    entry = next(h for h in result.hits if h.question == "채팅 상담 알림은 어떻게 받나요?")
    assert entry is result.hits[0]
    assert entry.keyword > next(h.keyword for h in without.hits if h.entry_id == entry.entry_id)


async def test_how_a_case_is_described_is_no_word_the_knowledge_lacks(demo_search):
    """The unknown share counts the things a question names: "쪼그맣다" (an adjective the demo FAQ never uses) says
    how something looks, not what the question is about; "가상화폐" (a noun it never uses) does."""
    described = await demo_search("미성년자 판매자 서류가 쪼그맣게 보여요")
    assert "쪼그맣다" in described.query_terms and described.unknown_share == 0.0
    named = await demo_search("미성년자 판매자 가상화폐 서류")
    assert named.unknown_share > 0


async def test_a_word_carved_out_of_a_longer_one_is_not_corrected(demo_search):
    """Kiwi reads "저장만" as 저 + 장만; 장만 is one jamo from 장면, a word of this knowledge. The writer typed 저장만,
    so nothing is corrected; 장만 written as a word of its own is read as the slip it would be."""
    async with sessionmaker()() as s:
        for n in range(3):  # a correction must be a word the knowledge uses in at least three pieces
            await knowledge.create_entry(session=s, ws_id=demo_search.ws_id, body=EntryCreate(
                question=f"라이브 장면 {n}번은 어떻게 고르나요?", answer="라이브의 장면을 골라 대표 이미지로 씁니다.",
                category="라이브", related=[]))
    carved = await demo_search("저장만 해둔 상품")
    assert "장만" in carved.query_terms and "장면" not in carved.query_terms
    written = await demo_search("장만 해둔 상품")
    assert "장면" in written.query_terms and "장만" not in written.query_terms
