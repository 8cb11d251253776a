"""Greetings, thanks and "아니요 괜찮아요": a short friendly reply with starter questions, never the refusal.

Checked before retrieval and the on-topic decision: a message that is nothing but social talk asks nothing of
the knowledge. A message that also asks something ("안녕하세요, 정산은 언제 되나요?") is not small talk.
Pure: `kind` reads the message, `reply` words the answer.
"""

import re

MAX_CHARS = 24  # longer messages carry a question of their own

# Each pattern must cover the whole message (fillers, punctuation and emoticons aside).
_KINDS = {
    "greeting": r"(?:안녕(?:하세요|하십니까|하신가요)?|하이|헬로|반가워요?|반갑습니다|처음\s*뵙겠습니다|hi|hello|hey)",
    "thanks": r"(?:고마워요?|고맙습니다|고마워용|감사(?:해요|합니다|드려요|드립니다)?|땡큐|thanks?(?:\s*you)?|thx|"
              r"덕분에\s*(?:해결(?:했어요|됐어요)|잘\s*됐어요)|도움(?:이)?\s*(?:됐어요|되었어요|많이\s*됐어요))",
    "decline": r"(?:아니(?:요|오|에요)?|아뇨|괜찮(?:아요|습니다)|됐어요|됐습니다|없어요|없습니다|필요\s*없어요|그건\s*됐어요)"
               r"(?:\s*(?:괜찮(?:아요|습니다)|됐어요|없어요|감사합니다|고마워요))?",
    "bye": r"(?:안녕히\s*(?:계세요|가세요)|수고(?:하세요|하셨습니다|많으세요)|잘\s*있어요?|bye|바이)",
}
_FILL = r"(?:네|넵|예|아|음|오|와|정말|진짜|너무|많이|매우|ㅎ+|ㅋ+|ㅠ+|ㅜ+|\^+|~+|!+|\.+|,|\?+|\s+)*"
_PATTERNS = {k: re.compile(rf"^{_FILL}(?:{p}{_FILL})+$", re.I) for k, p in _KINDS.items()}

_REPLIES = {
    "greeting": "안녕하세요! {name}입니다. 무엇을 도와드릴까요? 자주 묻는 질문부터 골라 보셔도 좋아요.",
    "thanks": "도움이 되었다니 다행이에요. 더 궁금한 점이 있으면 언제든 물어보세요.",
    "decline": "알겠습니다. 다른 궁금한 점이 생기면 편하게 물어보세요.",
    "bye": "이용해 주셔서 감사합니다. 궁금한 점이 생기면 언제든 다시 찾아 주세요.",
}


def kind(message: str) -> str | None:
    """greeting | thanks | decline | bye when the message is only that, else None."""
    text = message.strip()
    if not text or len(text) > MAX_CHARS:
        return None
    # "감사합니다" after a greeting is still a greeting; the first kind that covers the whole message wins.
    return next((k for k, pattern in _PATTERNS.items() if pattern.match(text)), None)


def reply(kind_: str, display_name: str) -> str:
    """The friendly reply for a kind of small talk."""
    return _REPLIES[kind_].format(name=display_name or "상담봇")
