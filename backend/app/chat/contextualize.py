"""Make the user's latest message a standalone retrieval query, using the conversation so far.

Without an LLM this is deterministic: an acceptance ("네 알려주세요", "두 번째 거요") picks the question the
previous answer offered; an elliptical message ("그럼 서류는요?") is joined to the topic of the last turn.
"""

import re
import uuid
from dataclasses import dataclass, field

from app.retrieval.analysis import keywords


@dataclass
class Turn:
    role: str
    content: str
    followups: list[dict] = field(default_factory=list)  # [{question, entry_id}] offered by an answer
    standalone_query: str | None = None
    cited: list[str] = field(default_factory=list)  # entry ids an answer was grounded in


@dataclass
class Resolved:
    query: str
    pinned_entry_id: uuid.UUID | None = None
    how: str = "as_is"  # as_is | followup | contextualized | rewritten
    # For a complete-looking message inside a conversation: the message joined to the conversation's topic.
    # It may lean on that topic without saying so ("이용료는 얼마예요?"), so both are searched.
    context_query: str | None = None
    # For an elliptical fragment ("그럼 서류는요?"): the fragment alone, ranked beside the joined query so that
    # what the fragment asks about wins over the entry that was just answered.
    fragment: str | None = None


_ORDINALS = [
    (r"(첫\s*번째|첫번째|1\s*번|하나\s*째|처음|맨\s*위|첫\s*거)", 0),
    (r"(두\s*번째|2\s*번|둘\s*째|두번째)", 1),
    (r"(세\s*번째|3\s*번|셋\s*째|세번째)", 2),
    (r"(마지막|맨\s*아래)", -1),
]
_YES = re.compile(
    r"^(네+|넵|넹|예|응+|ㅇㅇ|ㅇㅋ|오케이|좋아요?|좋습니다|그래요?|부탁(해요|드려요|합니다)?|궁금해요|궁금합니다|"
    r"알려\s*(주세요|줘|주실래요|주시겠어요)|그거(요)?|그것(도|좀)?|응\s*알려줘|yes|ok)"
)
# One-syllable fillers need a break after them: "아 그럼…" is filler, "아니면…" is not.
_FILLER = re.compile(r"^(?:(?:그럼|그러면|그렇다면|그리고|그런데|근데|혹시|그건|그거는?|그것은?|이건|이거는?)\s*"
                     r"|(?:또|아|음|참)(?:\s+|[,.~!]+\s*))")
# A noun phrase closed by a particle and 요, with no predicate: "서류는요?", "해외 판매자도요?", "반품이면요?"
_ELLIPTIC_END = re.compile(r"[가-힣a-zA-Z0-9](은|는|도|이|가|면|에서|으로|로|랑|하고)요\s*[?？.!~]*$")
_QUOTED = re.compile(r"['‘\"“「『]([^'’\"”」』]{4,120})['’\"”」』]")
# An offer written in prose at the end of an answer: "…주의할 점도 알려드릴까요?", "…경우에 대해서도 궁금하신가요?"
_OFFER = re.compile(
    r"(?:^|[.!?。]\s*|\n)\s*(?:혹시\s*|그리고\s*|또\s*)?([^.!?。\n]{4,120}?)"
    r"(?:에\s*대해(?:서)?)?(?:도|을|를)?\s*"
    r"(?:(?:알려|안내해|설명해|말씀해)\s*(?:드릴까요|드려도\s*될까요|드릴게요)|궁금하(?:신가요|세요|시면)|필요하(?:신가요|세요))"
    r"\s*[?？]?\s*$")
_LIST_ITEM = re.compile(r"^\s*(?:\d+[.)]|[-*•·])\s*(.+)$", re.M)
_INLINE_ITEM = re.compile(r"(?:^|\s)\d[.)]\s*(.+?)(?=\s+\d[.)]\s|$)", re.S)


def _offered(turn: Turn) -> list[tuple[str, uuid.UUID | None]]:
    """Questions an assistant turn offered: stored follow-ups, else quoted or listed questions in its text."""
    if turn.followups:
        return [(f["question"], uuid.UUID(str(f["entry_id"])) if f.get("entry_id") else None) for f in turn.followups]
    quoted = [q.strip() for q in _QUOTED.findall(turn.content)]
    listed = [m.strip() for m in _LIST_ITEM.findall(turn.content)]
    if len(listed) < 2:  # "1) 고치기 2) 템플릿 3) 지우기" written on one line
        listed = [m.strip() for m in _INLINE_ITEM.findall(turn.content)]
    if quoted or listed:
        return [(q, None) for q in (quoted or listed)]
    offer = _OFFER.search(turn.content.strip())
    return [(offer.group(1).strip(), None)] if offer else []


def _acceptance_index(message: str) -> int | None:
    """Which offered item a short reply accepts, or None when it is not an acceptance."""
    text = message.strip()
    if len(text) > 25:
        return None
    for pattern, idx in _ORDINALS:
        if re.search(pattern, text):
            return idx
    return 0 if _YES.match(text.lower()) else None


def _is_elliptical(message: str, terms: list[str]) -> bool:
    """A fragment that leans on the previous turn; a complete question ("정산은 언제 되나요?") is not one."""
    stripped = message.strip()
    if _FILLER.match(stripped) and len(terms) <= 3:
        return True
    if _ELLIPTIC_END.search(stripped) and len(terms) <= 3:
        return True
    return len(terms) <= 1 and len(stripped.rstrip("?？.!~ ")) <= 6


def _topic(history: list[Turn]) -> str | None:
    """The subject of the conversation: the last user turn's standalone query (or text)."""
    for turn in reversed(history):
        if turn.role == "user":
            return turn.standalone_query or turn.content
    return None


def resolve(history: list[Turn], message: str) -> Resolved:
    """Return the standalone query for `message` given earlier turns (oldest first)."""
    message = message.strip()
    last_assistant = next((t for t in reversed(history) if t.role == "assistant"), None)
    if last_assistant is not None:
        offered = _offered(last_assistant)
        idx = _acceptance_index(message)
        if offered and idx is not None and (idx == -1 or idx < len(offered)):
            question, entry_id = offered[idx]
            if entry_id is None:  # an offer in the text only: search it, beside the conversation's topic
                topic = _topic(history)
                return Resolved(query=question, how="followup", context_query=f"{topic} {question}" if topic else None)
            return Resolved(query=question, pinned_entry_id=entry_id, how="followup")
    terms = keywords(message)
    topic = _topic(history)
    if topic and _is_elliptical(message, terms):
        rest = _FILLER.sub("", message)
        return Resolved(query=f"{topic} {rest}".strip(), how="contextualized", fragment=rest or None)
    return Resolved(query=message, context_query=f"{topic} {message}" if topic else None)
