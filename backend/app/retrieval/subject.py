"""Whether an entry is about what the question is about, read from the words they share.

Two decisions read it (design.md, "Subject and overview"):
- ranking: a question that names only a task ("반품 요청은 어떻게 처리하나요?"), every one of its words found in
  the title of the knowledge's guide to that task, ranks the guide first; a question with a specific the
  guide's title lacks ("맞춤제작 상품 반품은요?") keeps its case entry. The guide-ness of an entry is data
  computed at import (knowledge/structure.py).
- refusal: an everyday question that shares one word with an entry ("배달 음식 뭐 시켜 먹지?" and a delivery
  entry) leaves most of its weight outside the best-matched entry; a real question, however colloquial, finds
  nearly all of its words (or their formal forms, thesaurus.py) in the entry that answers it.

Weights are IDF: a shared "상품" says little, a shared "반품안심케어" a lot.
"""

from collections.abc import Iterable, Mapping

from app.knowledge.structure import GENERIC_TERMS
from app.retrieval import thesaurus
from app.retrieval.analysis import is_stem

# Ranking, fitted on eval/broad.jsonl, eval/dev.jsonl, eval/holdout.jsonl and eval/holdout2.jsonl (docs/
# benchmarks.md, "Overview guides"): the bonus on the fused score (a sum of z-scores) of an entry with overview
# score 1.0 whose title holds all of the question's words; it falls to nothing at COVER_FLOOR of them, and at
# OVERVIEW_FLOOR of overview evidence (answers in steps, or many siblings, alone make no guide). Refitted on the
# same sets when answer pieces came to be embedded under their titles (5.0 before: "Answer pieces in context").
W_OVERVIEW = 8.0
W_NARROWER = 1.0  # taken off a guide's bonus when none of its task words is asked (one signal's deviation)
COVER_FLOOR = 0.5
OVERVIEW_FLOOR = 0.3


# A word the knowledge uses in fewer than SUBJECT_MIN_DF of SUBJECT_PIECES pieces is as likely an analysis slip
# (a typo, a run-on word split wrongly) as the question's subject: the subject share leaves it out. A smaller
# knowledge base uses each word in proportionally fewer pieces (at least one).
SUBJECT_MIN_DF, SUBJECT_PIECES = 3, 7100


def subject_terms(terms: Iterable[str], df: Mapping[str, int], n_pieces: int | None = None) -> list[str]:
    """The words of a question that say what it is about: its nouns (and foreign words, numbers) that the
    knowledge uses more than in passing. Verb and adjective stems ("…다": 바꾸다, 올리다) say what to do, not
    what about."""
    scale = min(1.0, (n_pieces or SUBJECT_PIECES) / SUBJECT_PIECES)
    min_df = max(1, round(SUBJECT_MIN_DF * scale))
    return [t for t in dict.fromkeys(terms) if not is_stem(t) and df.get(t, 0) >= min_df]


def cover(terms: Iterable[str], idf: Mapping[str, float], present: set[str] | frozenset[str]) -> float | None:
    """The IDF-weighted share of the question's `terms` (those the knowledge uses: keys of `idf`) that
    `present` holds, each term as written or as one of its formal forms; None when no term is known."""
    total = got = 0.0
    for t in dict.fromkeys(terms):
        weight = idf.get(t)
        if weight is None:
            continue
        total += weight
        if t in present or any(x in present for x in thesaurus.formal_lexemes(t)):
            got += weight
    return got / total if total > 0 else None


# Kinds of answer (intent.py) a guide to a menu does not give: when, how much, how many, who, on what condition,
# why it fails. A question asking one of them asks about a case, however general its words.
CASE_TYPES = frozenset({"time", "cost", "count", "who", "condition", "problem"})


def asks_a_case(types: frozenset[str]) -> bool:
    """Whether a question's kinds of answer (intent.question_types) are ones no guide gives."""
    return bool(types & CASE_TYPES)


def unasked(title_terms: Iterable[str], asked: set[str] | frozenset[str]) -> float:
    """The share of a guide's task words (its title's lexemes less the kind-of-entry words, and less compounds
    of two of its own words: 상품등록 beside 상품, 등록) that the question does not name: "★ 상품 일괄등록
    방법" names 일괄, which "상품 등록은 어떻게 하나요?" does not ask about."""
    terms = set(title_terms)
    task = {t for t in terms if t not in GENERIC_TERMS
            and not any(t.startswith(a) and t[len(a):] in terms for a in terms if a != t)}
    return sum(1 for t in task if t not in asked) / len(task) if task else 0.0


def overview_bonus(overview: float, title_cover: float | None, narrower: float = 0.0) -> float:
    """What an entry gains on the fused score for being the guide to the task the question names; `narrower`
    (`unasked`): the share of the guide's own task words the question leaves out, which tells a broad guide
    from a narrower one that both hold the question's words."""
    if overview <= OVERVIEW_FLOOR or title_cover is None or title_cover <= COVER_FLOOR:
        return 0.0
    guide = (overview - OVERVIEW_FLOOR) / (1 - OVERVIEW_FLOOR)
    return max(0.0, W_OVERVIEW * guide * (title_cover - COVER_FLOOR) / (1 - COVER_FLOOR) - W_NARROWER * narrower)
