"""What kind of entry each one is within its knowledge base: the guide to a whole task, or one case of it.

Help centres write two kinds of entries: guides that walk through a whole menu or task ("★ 상품등록하는 방법",
"정산 내역 메뉴 안내": a short title naming the task, not asking a question, a long answer in numbered steps,
many other entries about parts of the same task) and the cases those others answer ("맞춤제작 상품인데 취소가
되나요?"). A seller asking in general terms wants the guide; the search reads the score computed here
(retrieval/service.py, `ranking.overview_bonus`). It is data of the workspace, recomputed after each import
(`refresh`), since how many siblings an entry has depends on the rest of the knowledge.
"""

import re
import uuid
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

# A leading mark the help centre uses to feature an entry ("★ …", "■ …").
_MARK = re.compile(r"^\s*[★☆■□◆◇●○▶※]")
# A title naming a task or a menu rather than asking about a case: it ends with such a word, not a question.
_GUIDE = re.compile(r"(방법|안내|가이드|활용|기능|이용|매뉴얼|설명)\s*(\([^)]*\))?\s*$")
_QUESTION = re.compile(r"(\?|요\.?|까|나요|가요|죠)\s*$")
# Numbered steps or sections in the answer ("1. …", "2) …", "①").
_SECTION = re.compile(r"(?:^|[\s.:])(?:[1-9][.)]|[①-⑩])\s*\S")
# Lexemes of titles that name the kind of entry, not its task.
GENERIC_TERMS = frozenset("방법 안내 가이드 활용 기능 이용 메뉴 매뉴얼 설명 하다 확인 관리 처리".split())
MAX_GUIDE_TERMS = 8  # a guide's title names the task in a few words

# The weights of the evidence (sum 1.0): the mark is the help centre's own statement; the others are what a
# guide looks like without one. Reviewed by reading the top-scored entries of the SmartStore FAQ.
W_MARK, W_GUIDE, W_SECTIONS, W_SIBLINGS = 0.5, 0.3, 0.1, 0.1
MIN_SECTIONS, MIN_SIBLINGS = 2, 3


@dataclass(frozen=True)
class Shape:
    """What the overview score reads of one entry."""

    marked: bool
    guide_title: bool  # names a task in a few words, no question
    sections: int
    siblings: int


def task_terms(title_terms: frozenset[str] | set[str]) -> frozenset[str]:
    """The lexemes of a title that name its task (the kind-of-entry words left out)."""
    return frozenset(t for t in title_terms if t not in GENERIC_TERMS)


def shape(question: str, answer: str, title_terms: frozenset[str] | set[str], siblings: int) -> Shape:
    """The structural features of an entry (`title_terms`: its title's lexemes)."""
    title = _MARK.sub("", question).strip()
    guide = bool(_GUIDE.search(title)) and not _QUESTION.search(title) and len(title_terms) <= MAX_GUIDE_TERMS
    return Shape(marked=bool(_MARK.match(question)), guide_title=guide, sections=len(_SECTION.findall(answer)),
                 siblings=siblings)


def overview_score(s: Shape) -> float:
    """How much an entry reads as the guide to a whole task (0..1)."""
    return (W_MARK * s.marked + W_GUIDE * s.guide_title + W_SECTIONS * (s.sections >= MIN_SECTIONS)
            + W_SIBLINGS * (s.siblings >= MIN_SIBLINGS))


def count_siblings(titles: dict[uuid.UUID, frozenset[str]]) -> dict[uuid.UUID, int]:
    """For each entry, how many other entries' titles name all of its task's terms (its parts and cases)."""
    holders: dict[str, set[uuid.UUID]] = defaultdict(set)
    for entry_id, terms in titles.items():
        for t in terms:
            holders[t].add(entry_id)
    out = {}
    for entry_id, terms in titles.items():
        task = task_terms(terms)
        out[entry_id] = len(set.intersection(*(holders[t] for t in task))) - 1 if task else 0
    return out


async def refresh(*, session: AsyncSession, ws_id: uuid.UUID) -> int:
    """Recompute every entry's overview score and sibling count in a workspace (idempotent); returns how many
    changed. The titles' lexemes come from their indexed question pieces."""
    rows = (await session.execute(text(
        "SELECT e.id, e.question, e.answer, e.overview, e.siblings,"
        " coalesce((SELECT array_agg(DISTINCT l) FROM knowledge_chunks c, unnest(tsvector_to_array(c.lexemes)) l"
        "           WHERE c.entry_id = e.id AND c.workspace_id = :ws AND c.kind = 'question'), '{}')"
        " FROM knowledge_entries e WHERE e.workspace_id = :ws"), {"ws": ws_id})).all()
    titles = {r[0]: frozenset(r[5]) for r in rows}
    siblings = count_siblings(titles)
    changes = []
    for entry_id, question, answer, old_score, old_siblings, _ in rows:
        score = round(overview_score(shape(question, answer, titles[entry_id], siblings[entry_id])), 4)
        if abs(score - old_score) > 1e-6 or siblings[entry_id] != old_siblings:
            changes.append({"id": entry_id, "ws": ws_id, "score": score, "siblings": siblings[entry_id]})
    if changes:
        await session.execute(text(
            "UPDATE knowledge_entries SET overview = :score, siblings = :siblings"
            " WHERE id = :id AND workspace_id = :ws"), changes)
    return len(changes)
