"""A "from knowledge" section: retrieve, decide whether the knowledge supports it, then write it.

With a chat model the section is drafted from the retrieved entries only, citing them as [n]; without one it is
composed of the cited entries' own sentences (never a word that is not in them). A section the knowledge does not
support says so (UNSUPPORTED) instead of guessing.
"""

import re
import uuid
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field

from app.chat import extractive, guard
from app.chat.pipeline import decide
from app.core.config import get_settings
from app.llm.base import ChatChunk, ChatMessage, ChatModel, ChatOptions, Usage
from app.prompts.service import active_template
from app.retrieval.service import Hit, search
from app.workspaces.schemas import WorkspaceSettingsRead

UNSUPPORTED = "지식에 근거 없음"
MAX_CITED = 3
CITE_MARGIN = 0.03  # runners-up within this cosine of the best entry are cited too (as chat does)
_PIECE = re.compile(r"\s*\S+(?:[ \t]+\S+){0,5}|\s+")


@dataclass
class KnowledgePlan:
    query: str
    cited: list[Hit] = field(default_factory=list)
    supported: bool = False
    decision: dict = field(default_factory=dict)


def source_dicts(cited: Sequence[Hit]) -> list[dict]:
    """The `sources` of a section, in citation order ([1] is the first)."""
    return [{"entry_id": str(h.entry_id), "question": h.question, "category": h.category,
             "score": round(h.dense, 4)} for h in cited]


async def plan(*, ws_id: uuid.UUID, settings: WorkspaceSettingsRead, query: str) -> KnowledgePlan:
    """Search the workspace's knowledge for the section's question and pick the entries it stands on.
    Each read is a short transaction of its own (no connection is held while the query is embedded)."""
    result = await search(ws_id=ws_id, query=query, settings=settings.retrieval,
                          limit=max(settings.retrieval.top_k, 5))
    decision = await decide(ws_id, result, settings)
    if not decision["on_topic"] or not result.hits:
        return KnowledgePlan(query=query, decision=decision)
    top = result.hits[0]
    cited = [top] + [h for h in result.hits[1:MAX_CITED] if h.dense >= top.dense - CITE_MARGIN]
    return KnowledgePlan(query=query, cited=cited, supported=True, decision=decision)


def compose(query: str, cited: Sequence[Hit]) -> str:
    """The extractive section: each cited entry's sentences that address the question, marked [n]."""
    paragraphs = []
    for i, hit in enumerate(cited, start=1):
        text = extractive.select_sentences(query, hit.answer) if hit.answer.strip() else ""
        if text:
            paragraphs.append(f"{text} [{i}]")
    return "\n\n".join(paragraphs) or UNSUPPORTED


async def pieces(text: str) -> AsyncIterator[ChatChunk]:
    """A finished text as a stream of a few words per chunk (each chunk is one token event)."""
    for piece in _PIECE.findall(text):
        yield ChatChunk(text=piece)
    yield ChatChunk(usage=Usage(0, 0), finish_reason="stop")


def _values_text(fields: Sequence[Mapping], values: Mapping[str, object]) -> str:
    lines = [f"- {f.get('label') or f['name']}: {values.get(f['name'])}" for f in fields
             if str(values.get(f["name"], "")).strip()]
    return "\n".join(lines) or "(없음)"


async def drafted(*, model: ChatModel, settings: WorkspaceSettingsRead, kplan: KnowledgePlan, template_name: str,
                  title: str, fields: Sequence[Mapping], values: Mapping[str, object]
                  ) -> tuple[AsyncIterator[ChatChunk], uuid.UUID | None]:
    """The model's draft of the section from the cited entries only, and the prompt version it ran."""
    version_id, template = await active_template("templates.section")
    system = template.format(display_name=settings.profile.display_name, template_name=template_name,
                             section_title=title, unsupported=UNSUPPORTED, values=_values_text(fields, values),
                             sources=guard.quote_entries(kplan.cited))
    options = ChatOptions(model=settings.qa.chat_model or None, temperature=settings.qa.temperature,
                          max_tokens=1024, timeout_s=get_settings().llm_timeout_seconds)
    chunks = model.stream([ChatMessage("system", system), ChatMessage("user", kplan.query)], options)
    protected = guard.instructions(system, allowed=[UNSUPPORTED, settings.profile.display_name, template_name, title])
    return guard.guarded(chunks, protected, replacement=UNSUPPORTED), version_id
