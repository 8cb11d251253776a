"""Answer strategies: how the text of a planned answer is produced.

Generative: the workspace's chat model runs the chat prompt (the cited entries are rendered into it).
Extractive: no chat model is configured, so the answer quotes the cited entry's sentences that address the
question and never invents a word. Summaries and template sections choose between the same two.
"""

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

from app.chat import extractive
from app.llm.base import ChatChunk, ChatMessage, ChatModel, ChatOptions
from app.llm.registry import get_chat_model


@dataclass(frozen=True, slots=True)
class Grounding:
    """What an answer stands on: the question as understood, and the cited entries' answers, best first."""

    question: str
    answers: Sequence[str]
    links: Sequence[str] = ()  # other entries' questions written inside the first answer (offered as follow-ups)


class Extractive:
    """Quote the best cited answer."""

    provider = "extractive"
    generative = False

    def stream(self, messages: Sequence[ChatMessage], options: ChatOptions,
               grounding: Grounding) -> AsyncIterator[ChatChunk]:
        return extractive.quote(grounding.question, next((a for a in grounding.answers if a.strip()), ""),
                                grounding.links)


class Generative:
    """Run the prompt on the chat model."""

    generative = True

    def __init__(self, model: ChatModel):
        self.model, self.provider = model, model.provider

    def stream(self, messages: Sequence[ChatMessage], options: ChatOptions,
               grounding: Grounding) -> AsyncIterator[ChatChunk]:
        return self.model.stream(messages, options)


def strategy(provider: str | None) -> Extractive | Generative:
    """The strategy for a workspace's chat provider setting ("auto", a provider name, or "extractive")."""
    model = get_chat_model(provider)
    return Generative(model) if model is not None else Extractive()
