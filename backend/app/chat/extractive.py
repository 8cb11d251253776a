"""The extractive answer: sentences quoted from the cited FAQ answer, when no chat model is configured.

An answer strategy of the chat domain (chat/answer.py), not a model: it never writes a word that is not in the
source answer, and is fully deterministic.
"""

from __future__ import annotations

import math
import re
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

from app.chat import layout
from app.llm.base import ChatChunk, Usage

MAX_SENTENCES = 6
MAX_CHARS = 600
MAX_LIST_CHARS = 1400  # the best-matching list is quoted whole up to this length

_BULLET = re.compile(r"^\s*(?:[-*•·▪◦※>]|\d{1,2}[.)]|[①-⑳]|[가-힣][.)])\s+")
# Split after ./!/? followed by space, and after 다./요. even when the next sentence forgot its space.
_SENTENCE_BREAK = re.compile(r"(?<=[.!?。])\s+|(?<=[다요]\.)(?=[^\s\d.,)\]\"'])")
_NON_WORD = re.compile(r"[\W_]+")
_PIECE = re.compile(r"\s*\S+(?:[ \t]+\S+){0,5}")  # up to six words per token event (each event is a write)
# Endings every Korean question or answer shares; matching on them says nothing about topic.
_STOP_BIGRAMS = frozenset({"나요", "까요", "니까", "습니", "니다", "세요", "해요", "합니", "있나", "하나",
                           "어떻", "떻게", "인가", "가요", "되나", "는지", "려면", "주세"})


@dataclass(frozen=True, slots=True)
class _Unit:
    line: int  # index of the source line, so we know whether to rejoin with a space or a newline
    text: str


def split_sentences(text: str) -> list[_Unit]:
    """Split an answer into sentences; a bullet line stays one unit."""
    units: list[_Unit] = []
    for line_no, line in enumerate(text.splitlines()):
        if not line.strip():
            continue
        if _BULLET.match(line):
            units.append(_Unit(line_no, line.strip()))
            continue
        units.extend(_Unit(line_no, s.strip()) for s in _SENTENCE_BREAK.split(line) if s.strip())
    return units


def _bigrams(text: str) -> set[str]:
    compact = _NON_WORD.sub("", text.lower())
    return {compact[i:i + 2] for i in range(len(compact) - 1)} - _STOP_BIGRAMS


def _score(question: set[str], sentence: str) -> float:
    grams = _bigrams(sentence)
    # sqrt damping: a long sentence should not win just by containing more bigrams
    return len(question & grams) / math.sqrt(len(grams)) if grams else 0.0


def select_sentences(question: str, answer: str, links: Sequence[str] = ()) -> str:
    """Return the parts of the answer that best address the question, in their original order, as markdown.

    The answer is read as blocks (chat/layout.py): a numbered list, a bullet list or a flattened table is one
    group, quoted whole or not at all, so a step is never dropped from the middle."""
    found = layout.blocks(answer, links)
    if not found:
        return ""
    groups: dict[int, list[layout.Block]] = {}
    for b in found:
        groups.setdefault(b.group, []).append(b)
    size = {g: sum(len(b.text) for b in bs) for g, bs in groups.items()}
    if len(groups) <= MAX_SENTENCES and sum(size.values()) <= MAX_CHARS:
        return layout.render(found)
    first = found[0].group
    chosen, used = {first}, size[first]
    q = _bigrams(question)
    scored = sorted(((s, g) for g, bs in groups.items() if g != first
                     and (s := max(_score(q, b.text) for b in bs)) > 0), key=lambda p: (-p[0], p[1]))
    # Nothing relevant beyond the lead: continue the answer in order instead.
    order = [g for _, g in scored] or [g for g in groups if g != first]
    for rank, g in enumerate(order):
        if len(chosen) >= MAX_SENTENCES:
            break
        is_list = any(b.kind != "text" for b in groups[g])
        # The best-matching list may run longer than the budget: half a list is worse than a long answer.
        limit = MAX_LIST_CHARS if is_list and rank == 0 else MAX_CHARS
        if used + size[g] <= limit:
            chosen.add(g)
            used += size[g]
    return layout.render([b for b in found if b.group in chosen])


async def quote(question: str, answer: str, links: Sequence[str] = ()) -> AsyncIterator[ChatChunk]:
    """Stream the sentences of `answer` that address the question, in pieces of a few words (each piece is one
    SSE event); nothing for an empty answer. No model runs, so no tokens are counted."""
    text = select_sentences(question, answer, links) if answer.strip() else ""
    for piece in _PIECE.findall(text):
        yield ChatChunk(text=piece)
    yield ChatChunk(usage=Usage(0, 0), finish_reason="stop")
