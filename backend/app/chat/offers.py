"""With a chat model: the model picks the next questions among the knowledge's candidates and phrases each as an
offer ("등록에 필요한 서류 안내해드릴까요?"); after a refusal it picks the way back that ties the question's
subject to the domain ("음식도 스토어 등록이 가능한지 궁금하신가요?").

The candidates are always the knowledge's own entries (chat/followups.py, chat/bridge.py): the model only
chooses and words them, so every offer stays tied to its entry and a click answers that entry. Anything the
reply gets wrong (a number out of range, an offer too long, a timeout, an error) falls back to the local order,
entry by entry; a reply naming no candidate leaves the local choice as it was.
"""

import re
import time
from dataclasses import dataclass

from app.llm.base import ChatMessage, ChatModel, ChatOptions, LLMError, Usage

MAX_OFFER = 80  # characters: an offer is one short line
_LINE = re.compile(r"^\s*(?:[-*]\s*)?(\d{1,2})\s*(?:번)?\s*[.):|\-]\s*(.+?)\s*$")


@dataclass
class Offers:
    items: list[dict]  # [{question, entry_id, offer?}], best first
    chosen: list[int]  # the candidate numbers the model picked (1-based), in its order
    ms: float = 0.0
    error: str | None = None
    usage: Usage = Usage(0, 0)  # the call's tokens (the answer's usage includes them: quotas and cost read it)


def candidates_text(candidates: list[dict]) -> str:
    """The numbered candidate questions, one a line."""
    return "\n".join(f"{i}. {c['question']}" for i, c in enumerate(candidates, 1))


def _clean(offer: str) -> str | None:
    offer = offer.strip().strip("\"'“”‘’「」").strip()
    if not offer or len(offer) > MAX_OFFER or "\n" in offer or not re.search(r"[가-힣]", offer):
        return None
    return offer if offer[-1] in "?？" else None  # an offer asks; anything else is not one


def parse(reply: str, n: int, count: int) -> list[tuple[int, str | None]]:
    """(candidate number, offer or None) per line of `reply`, in order, at most `count`, no number twice; lines
    that are not "number. offer" are ignored, and "0" alone (none fits) gives nothing."""
    out: list[tuple[int, str | None]] = []
    for line in reply.splitlines():
        m = _LINE.match(line)
        if not m:
            continue
        k = int(m.group(1))
        if 1 <= k <= n and k not in {o[0] for o in out}:
            out.append((k, _clean(m.group(2))))
        if len(out) >= count:
            break
    return out


def apply(candidates: list[dict], picks: list[tuple[int, str | None]], count: int) -> list[dict]:
    """The picked candidates first (with their offers), then the local order, `count` in all."""
    out = [candidates[k - 1] | ({"offer": offer} if offer else {}) for k, offer in picks]
    taken = {k for k, _ in picks}
    out += [c for i, c in enumerate(candidates, 1) if i not in taken]
    return out[:count]


async def choose(*, model: ChatModel, template: str, candidates: list[dict], count: int, timeout_s: float,
                 chat_model: str | None = None, options=None, **fields: str) -> Offers:
    """Ask the model to pick and phrase up to `count` of `candidates` (the template's other fields: `fields`)."""
    t0 = time.perf_counter()
    if not candidates or count <= 0:
        return Offers(candidates[:count], [])
    prompt = template.format(candidates=candidates_text(candidates), count=count, **fields)
    opts = ChatOptions(model=chat_model, temperature=0, max_tokens=60 * count, timeout_s=timeout_s)
    if options is not None:
        opts = options(opts)
    try:
        result = await model.complete([ChatMessage("user", prompt)], opts)
    except LLMError as exc:
        return Offers(candidates[:count], [], (time.perf_counter() - t0) * 1000, exc.code)
    picks = parse(result.text, len(candidates), count)
    return Offers(apply(candidates, picks, count), [k for k, _ in picks], (time.perf_counter() - t0) * 1000,
                  usage=result.usage)
