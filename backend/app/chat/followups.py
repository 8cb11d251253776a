"""Follow-up questions: the next steps of the task the cited entry belongs to.

What belongs together is read from the knowledge's own structure, never from the user's words:

- links: the cited entry's related list, and other entries' questions written inside its answer;
- the source file's order: a help centre's export walks through one task at a time, so the entries right after
  (and before) the cited one are the same task's other steps;
- the category family (`[가입절차]`, `[가입서류]`): the same category, or one that sits beside it in the file;
- neighbours of the *cited entry's* title vector: the same topic, phrased differently;
- use: follow-ups that users of this workspace clicked, and answers they rated up after one.

A near-duplicate of the cited entry (the same question asked again) is never offered, and the offers are kept
diverse: a candidate too close to one already chosen waits its turn. `rank` is the pure tested core.
"""

from __future__ import annotations

import math
import re
import uuid
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.db import read
from app.retrieval import intent
from app.retrieval.analysis import plain

# Weights on one scale (the similarity term is a z-score over the candidates); tuned on the dev half of
# eval/followups.jsonl, see docs/benchmarks.md.
W_LINK = 1.5  # the cited entry links to it
W_BACKLINK = 0.75  # it links to the cited entry
W_NEAR = 1.0  # next to the cited entry in the source file (decays with the distance)
NEAR_SCALE = 2.0  # entries: the file distance at which the order signal has fallen to 1/e
BACKWARD = 0.8  # an entry before the cited one is a step back, slightly less likely next
W_CATEGORY = 0.5  # the same category
W_FAMILY = 0.5  # a sibling category of the same family ([가입절차] -> [가입서류]): another step of the same task
W_SIM = 2.0  # per standard deviation of title similarity over the candidates
# ...counted up to this many deviations: a title far closer to the cited one than all the others is the same
# question asked another way (a variant), not a likelier next step
SIM_CAP = 1.5
W_SAME_ASK = 0.6  # asks the same kind of thing (intent.question_types) as a close sibling: a variant, not a step
W_LEARNED = 1.0  # per log(1 + clicks + 2 x upvotes)
DUPLICATE = 0.985  # title cosine at or above which a candidate is the cited question again
W_DIVERSE = 8.0  # penalty per 0.01 of similarity above DIVERSE_FROM to an offer already chosen
DIVERSE_FROM = 0.97
WINDOW = 8  # file neighbours gathered on each side
NEIGHBOURS = 20  # title-vector neighbours gathered


@dataclass(frozen=True, slots=True)
class Entry:
    entry_id: uuid.UUID
    question: str
    category: str | None = None
    position: int | None = None


@dataclass(slots=True)
class Candidate:
    entry: Entry
    sim: float = 0.0  # title cosine to the cited entry
    linked: bool = False  # the cited entry links to it (related list, or its title inside the answer)
    backlinked: bool = False  # it links to the cited entry
    learned: float = 0.0  # clicks + 2 x upvotes of this pair in the workspace
    score: float = 0.0
    why: list[str] = field(default_factory=list)


def family(a: str | None, b: str | None) -> bool:
    """Two different categories of one family: they share a word, or the first two syllables of a compound
    ("가입절차" / "가입서류", "쇼핑라이브 방법" / "쇼핑라이브 숏클립")."""
    if not a or not b or a == b:
        return False
    words_a, words_b = set(re.findall(r"[가-힣A-Za-z]{2,}", a)), set(re.findall(r"[가-힣A-Za-z]{2,}", b))
    return bool(words_a & words_b) or any(x[:2] == y[:2] for x in words_a for y in words_b if len(x) >= 4 <= len(y))


def score(anchor: Entry, cands: list[Candidate]) -> list[Candidate]:
    """Score candidates against the cited entry (no near-duplicates), best first."""
    own = plain(anchor.question)
    pool = [c for c in cands if c.entry.entry_id != anchor.entry_id and c.sim < DUPLICATE
            and plain(c.entry.question) != own]
    if not pool:
        return []
    sims = [c.sim for c in pool]
    mean = sum(sims) / len(sims)
    spread = math.sqrt(sum((s - mean) ** 2 for s in sims) / len(sims)) or 1.0
    asks = intent.question_types(anchor.question)
    for c in pool:
        parts = {"link": W_LINK * c.linked, "backlink": W_BACKLINK * c.backlinked,
                 "similar": W_SIM * min((c.sim - mean) / spread, SIM_CAP), "learned": W_LEARNED * math.log1p(c.learned)}
        if anchor.position is not None and c.entry.position is not None and c.entry.position != anchor.position:
            d = c.entry.position - anchor.position
            parts["order"] = W_NEAR * math.exp(-abs(d) / NEAR_SCALE) * (1.0 if d > 0 else BACKWARD)
        if anchor.category and c.entry.category == anchor.category:
            parts["category"] = W_CATEGORY
        elif family(anchor.category, c.entry.category):
            parts["family"] = W_FAMILY
        if asks and intent.question_types(c.entry.question) == asks and c.sim > mean + spread:
            parts["variant"] = -W_SAME_ASK
        c.score = sum(parts.values())
        c.why = [k for k, v in sorted(parts.items(), key=lambda kv: -kv[1]) if v > 0.3]
    return sorted(pool, key=lambda c: (-c.score, c.entry.position if c.entry.position is not None else 1 << 30))


def rank(anchor: Entry, cands: list[Candidate], count: int,
         pair_sim: dict[tuple[uuid.UUID, uuid.UUID], float] | None = None) -> list[Candidate]:
    """Up to `count` follow-ups for the cited entry, best first and diverse (see the module docstring)."""
    ordered = score(anchor, cands)
    pair_sim = pair_sim or {}
    chosen: list[Candidate] = []
    rest = list(ordered)
    while rest and len(chosen) < count:
        def adjusted(c: Candidate) -> float:
            close = max((pair_sim.get((c.entry.entry_id, o.entry.entry_id), 0.0) for o in chosen), default=0.0)
            return c.score - W_DIVERSE * max(0.0, close - DIVERSE_FROM) * 100
        best = max(rest, key=adjusted)
        chosen.append(best)
        rest.remove(best)
    return chosen


# ---- gathering candidates from the workspace's knowledge ---------------------------------------------------

# One statement: the cited entry, then every entry it links to (related list or title inside its answer), its
# neighbours in the file and by title vector, and the entries users went on to from it; each with its title's
# cosine to the cited one and the pair's learned count.
_CANDIDATES = text("""
WITH a AS (
    SELECT e.id, e.source_key, e.position, e.answer, e.related,
           (SELECT c.embedding FROM knowledge_chunks c WHERE c.workspace_id = :ws AND c.entry_id = e.id
              AND c.kind = 'question' AND c.embedding_model = :model LIMIT 1) AS vec
    FROM knowledge_entries e WHERE e.workspace_id = :ws AND e.id = :anchor
), near AS (
    SELECT c.entry_id FROM knowledge_chunks c, a
    WHERE c.workspace_id = :ws AND c.kind = 'question' AND c.embedding_model = :model AND c.entry_id <> a.id
      AND a.vec IS NOT NULL
    ORDER BY c.embedding <=> a.vec LIMIT :neighbours
), learned AS (
    SELECT to_entry_id AS entry_id, clicks + 2 * upvotes AS n FROM followup_stats
    WHERE workspace_id = :ws AND from_entry_id = :anchor
), pool AS (
    SELECT e.id, e.question, e.category, e.position,
           (a.related ? e.source_key OR a.related ? e.question
            OR (length(e.question) >= :min_title AND strpos(a.answer, e.question) > 0)) AS linked,
           (length(e.question) >= :min_title AND strpos(a.answer, e.question) > 0) AS inline,
           e.related ? a.source_key AS backlinked
    FROM knowledge_entries e, a
    WHERE e.workspace_id = :ws AND e.id <> a.id AND (
        e.id IN (SELECT entry_id FROM near) OR e.id IN (SELECT entry_id FROM learned)
        OR e.position BETWEEN a.position - :window AND a.position + :window
        OR a.related ? e.source_key OR a.related ? e.question
        OR (length(e.question) >= :min_title AND strpos(a.answer, e.question) > 0))
)
SELECT p.id, p.question, p.category, p.position, p.linked, p.inline, p.backlinked,
       coalesce(l.n, 0) AS learned, coalesce(1 - (q.embedding <=> a.vec), 0) AS sim, a.position AS anchor_position
FROM pool p CROSS JOIN a
LEFT JOIN learned l ON l.entry_id = p.id
LEFT JOIN LATERAL (SELECT c.embedding FROM knowledge_chunks c WHERE c.workspace_id = :ws AND c.entry_id = p.id
                   AND c.kind = 'question' AND c.embedding_model = :model LIMIT 1) q ON true
""")
# Title cosines among the candidates, for diversity.
_PAIRS = text("""
SELECT x.entry_id, y.entry_id, 1 - (x.embedding <=> y.embedding)
FROM knowledge_chunks x JOIN knowledge_chunks y
  ON y.workspace_id = x.workspace_id AND y.kind = 'question' AND y.embedding_model = x.embedding_model
 AND y.entry_id = ANY(:ids) AND y.entry_id <> x.entry_id
WHERE x.workspace_id = :ws AND x.kind = 'question' AND x.embedding_model = :model AND x.entry_id = ANY(:ids)
""")
MIN_TITLE = 10  # characters: a shorter title found inside an answer is too likely a common phrase


@dataclass
class Suggestions:
    followups: list[dict]  # [{question, entry_id}], best first
    inline_titles: list[str]  # other entries' titles written inside the cited answer (the answer leaves them out)


async def for_entry(*, ws_id: uuid.UUID, cited: Entry, model: str, count: int) -> Suggestions:
    """The follow-ups for the cited entry, from the workspace's knowledge (see the module docstring)."""
    rows = (await read(_CANDIDATES, {"ws": ws_id, "anchor": cited.entry_id, "model": model,
                                     "neighbours": NEIGHBOURS, "window": WINDOW, "min_title": MIN_TITLE})).all()
    cands = [Candidate(Entry(r.id, r.question, r.category, r.position), sim=float(r.sim), linked=bool(r.linked),
                       backlinked=bool(r.backlinked), learned=float(r.learned)) for r in rows]
    inline = [r.question for r in rows if r.inline]
    if rows:
        cited = Entry(cited.entry_id, cited.question, cited.category, rows[0].anchor_position)
    pair: dict[tuple[uuid.UUID, uuid.UUID], float] = {}
    if count > 1 and cands:
        ids = [c.entry.entry_id for c in score(cited, cands)[:count * 4]]
        pair = {(x, y): float(s) for x, y, s in (await read(_PAIRS, {"ws": ws_id, "model": model, "ids": ids})).all()}
    chosen = rank(cited, cands, count, pair)
    return Suggestions([{"question": c.entry.question, "entry_id": str(c.entry.entry_id)} for c in chosen], inline)


async def record_click(*, session: AsyncSession, ws_id: uuid.UUID, from_entry: uuid.UUID, to_entry: uuid.UUID) -> None:
    """A user took the follow-up from one entry to another (a chip, or "네 알려주세요")."""
    await session.execute(_BUMP, {"ws": ws_id, "a": from_entry, "b": to_entry, "clicks": 1, "up": 0})


async def record_upvote(*, session: AsyncSession, ws_id: uuid.UUID, from_entry: uuid.UUID, to_entry: uuid.UUID,
                        delta: int) -> None:
    """An answer reached by a follow-up was rated up (+1) or the rating taken back (-1)."""
    await session.execute(_BUMP, {"ws": ws_id, "a": from_entry, "b": to_entry, "clicks": 0, "up": delta})


_BUMP = text("""
INSERT INTO followup_stats (workspace_id, from_entry_id, to_entry_id, clicks, upvotes)
SELECT :ws, :a, :b, :clicks, greatest(:up, 0)
WHERE EXISTS (SELECT 1 FROM knowledge_entries WHERE workspace_id = :ws AND id = :a)
  AND EXISTS (SELECT 1 FROM knowledge_entries WHERE workspace_id = :ws AND id = :b)
ON CONFLICT (workspace_id, from_entry_id, to_entry_id) DO UPDATE
SET clicks = followup_stats.clicks + :clicks, upvotes = greatest(followup_stats.upvotes + :up, 0), updated_at = now()
""")
