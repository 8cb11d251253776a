"""The refusal's way back, and the starter questions of a workspace.

A refused question still has a subject ("건성 피부에 좋은 화장품 뭐 있어?": cosmetics). When the knowledge holds an
entry about that subject, the refusal offers it ("화장품 라이브 시 유의사항"); otherwise it offers the workspace's
first starter question (a subject the knowledge never names, "강아지 사료", needs a chat model: chat/offers.py).
The subject is what the question names that the knowledge rarely names: everyday words that are also domain
words ("오늘", "추천", "가격") say nothing about where to bridge, since every entry has them.
An entry only bridges when it is about one of those subject words itself (in its title, or repeatedly in its
answer): a vector neighbour alone is too weak a tie to put in front of someone who asked about something else.

Starter questions: the knowledge's first entry (a help centre's export opens with getting started), then the
entries most other entries link to (the hubs of its related links), one per category.
"""

import uuid

from sqlalchemy import text

from app.core.db import read
from app.retrieval.analysis import kiwi
from app.retrieval.service import Hit, search
from app.workspaces.schemas import RetrievalSettings

RARE_SHARE = 0.005  # a word in at most this share of the titles (and at least one) is the question's own subject
MAX_SUBJECT_WORDS = 4
_NOUN_TAGS = ("NNG", "NNP", "SL", "SH")
NEAR_CANDIDATES, START_CANDIDATES = 5, 3  # ways back offered to a chat model to choose from

_DF = text("""
SELECT w, (SELECT count(*) FROM knowledge_entries e WHERE e.workspace_id = :ws AND strpos(e.question, w) > 0) AS n,
       (SELECT count(*) FROM knowledge_entries e WHERE e.workspace_id = :ws) AS total
FROM unnest(CAST(:words AS text[])) AS w
""")

_STARTERS = text("""
WITH links AS (
    SELECT r.key, count(*) AS n FROM knowledge_entries e, jsonb_array_elements_text(e.related) AS r(key)
    WHERE e.workspace_id = :ws GROUP BY r.key
), first AS (SELECT min(position) AS p FROM knowledge_entries WHERE workspace_id = :ws)
SELECT e.id, e.question, e.category
FROM knowledge_entries e CROSS JOIN first LEFT JOIN links l ON l.key = e.source_key
WHERE e.workspace_id = :ws
ORDER BY (e.position IS NOT DISTINCT FROM first.p) DESC, coalesce(l.n, 0) DESC, e.position NULLS LAST,
         e.created_at, e.id
LIMIT :depth
""")


def nouns(message: str) -> list[str]:
    """The nouns of a message, in order, once each."""
    out: list[str] = []
    for t in kiwi().tokenize(message):
        if t.tag in _NOUN_TAGS and t.form not in out:
            out.append(t.form)
    return out


def subject_words(words: list[str], counts: dict[str, int], total: int) -> list[str]:
    """The words the knowledge's titles rarely use: what this question is about (pure)."""
    limit = max(1, int(RARE_SHARE * total))
    return [w for w in words if counts.get(w, 0) <= limit][-MAX_SUBJECT_WORDS:]


def grounded(hit: Hit, subject: list[str]) -> bool:
    """Whether the entry is about one of the subject words: in its title, or more than once in its answer (a
    single mention in passing, "서울 지역은…", is no tie)."""
    return any(w in hit.question or hit.answer.count(w) >= 2 for w in subject)


async def _subject(ws_id: uuid.UUID, message: str) -> list[str]:
    words = nouns(message)
    if not words:
        return []
    rows = (await read(_DF, {"ws": ws_id, "words": words})).all()
    total = rows[0].total if rows else 0
    return subject_words(words, {r.w: r.n for r in rows}, total)


async def ways_back(*, ws_id: uuid.UUID, message: str, settings: RetrievalSettings, more: bool = False) -> list[dict]:
    """What a refusal offers: first the way back, an entry about the question's subject, else the first starter;
    with `more`, then the entries nearest all of the subject (tied or not: a chat model judges the tie,
    chat/offers.py) and more starters.

    The way back ties to the head of what is asked: Korean puts it last ("주말에 볼 만한 영화 추천해줘": 영화), and
    the rare words before it say when, where or for whom (주말, 친구, 내일), which an entry about them would not
    answer."""
    subject = await _subject(ws_id, message)
    head = subject[-1:]
    opening = await starters(ws_id=ws_id, count=START_CANDIDATES if more else 1)
    found = await search(ws_id=ws_id, query=head[0], settings=settings, limit=NEAR_CANDIDATES) if head else None
    hit = next((h for h in found.hits if grounded(h, head)), None) if found is not None else None
    first = {"question": hit.question, "entry_id": str(hit.entry_id)} if hit is not None else next(iter(opening), None)
    out = [first] if first is not None else []
    if not more:
        return out
    query = " ".join(subject) or (message if nouns(message) else "")
    if query:
        near = found if found is not None and query == head[0] else await search(
            ws_id=ws_id, query=query, settings=settings, limit=NEAR_CANDIDATES)
        out += [c for c in ({"question": h.question, "entry_id": str(h.entry_id)}
                            for h in near.hits[:NEAR_CANDIDATES] if h.document_id is None) if c not in out]
    return out + [c for c in opening if c not in out]


async def starters(*, ws_id: uuid.UUID, count: int = 4) -> list[dict]:
    """Questions to start with: the first entry, then the most linked-to entries, one per category."""
    rows = (await read(_STARTERS, {"ws": ws_id, "depth": max(count * 8, 20)})).all()
    out: list[dict] = []
    categories: set[str] = set()
    for r in rows:
        if len(out) >= count:
            break
        if r.category and r.category in categories:
            continue
        if r.category:
            categories.add(r.category)
        out.append({"question": r.question, "entry_id": str(r.id)})
    return out
