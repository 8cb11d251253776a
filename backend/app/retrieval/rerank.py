"""Re-ordering the top candidates with the workspace's chat model, when one is configured.

The local signals rank the right topic first but often put a sibling entry above the one asked about ("대출
가능 시간" vs "대출 대상" for "밤늦게도 신청돼요?"): their scores differ by hundredths. A language model reading
the question next to the candidates' titles and answer openings tells them apart. One short non-streamed call
(a few output tokens) before the answer; any failure keeps the local order, so the chat never depends on it.
"""

import re
import time
from dataclasses import dataclass

from app.llm.base import ChatMessage, ChatModel, ChatOptions, LLMError, Usage
from app.retrieval.service import Hit

DEPTH = 8  # candidates shown to the model
PREVIEW = 160  # characters of each answer's opening
MAX_CHOSEN = 3


@dataclass
class Reranked:
    hits: list[Hit]
    chosen: list[int]  # 1-based candidate numbers the model named, best first ([] = none or unusable reply)
    ms: float
    error: str | None = None
    usage: Usage | None = None  # the call's tokens (counted with the answer's)


def candidates_text(hits: list[Hit]) -> str:
    """The numbered candidate list the prompt shows: category, title and the answer's opening."""
    lines = []
    for i, h in enumerate(hits, 1):
        title = f"[{h.category}] {h.question}" if h.category else h.question
        opening = " ".join(h.answer.split())[:PREVIEW]
        lines.append(f"{i}. {title}\n   {opening}")
    return "\n".join(lines)


def parse_choice(text: str, n: int) -> list[int]:
    """Candidate numbers from the model's reply, best first: numbers in 1..n, at most MAX_CHOSEN, no repeats.
    A reply that starts with 0 ("none fits") or names no candidate yields []."""
    numbers = [int(x) for x in re.findall(r"\d+", text)[:10]]
    if not numbers or numbers[0] == 0:
        return []
    out: list[int] = []
    for k in numbers:
        if 1 <= k <= n and k not in out:
            out.append(k)
        if len(out) == MAX_CHOSEN:
            break
    return out


def apply_choice(hits: list[Hit], chosen: list[int]) -> list[Hit]:
    """The chosen candidates first in the model's order, then every other hit in its original order."""
    first = [hits[k - 1] for k in chosen]
    ids = {h.entry_id for h in first}
    return first + [h for h in hits if h.entry_id not in ids]


async def rerank(*, model: ChatModel, template: str, question: str, hits: list[Hit], chat_model: str | None,
                 timeout_s: float) -> Reranked:
    """Ask the model which of the top candidates answers `question`; keep the local order when it cannot say."""
    t0 = time.perf_counter()
    top = hits[:DEPTH]
    prompt = template.format(question=question, candidates=candidates_text(top))
    try:
        result = await model.complete([ChatMessage("user", prompt)],
                                      ChatOptions(model=chat_model, temperature=0, max_tokens=12, timeout_s=timeout_s))
    except LLMError as exc:
        return Reranked(hits=hits, chosen=[], ms=(time.perf_counter() - t0) * 1000, error=exc.code)
    chosen = parse_choice(result.text, len(top))
    return Reranked(hits=apply_choice(hits, chosen) if chosen else hits, chosen=chosen,
                    ms=(time.perf_counter() - t0) * 1000, usage=result.usage)
