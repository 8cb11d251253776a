"""Clean scraped help-centre entries: widget, category prefix, related links, invisible characters.

Pure functions, measured on the SmartStore seller FAQ (see tests/knowledge/test_cleaning.py):
every answer ends with the help centre's feedback widget, and 341 of them carry a
"관련 도움말/키워드" list of other entries inside it. `clean_entry` turns one raw entry into the
text that is stored, embedded and shown; the original question stays byte-exact as `source_key`.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from app.knowledge.parsing import RawEntry

# Zero-width and byte-order characters vanish; the other odd spaces become plain spaces.
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060\u00ad"), None)
_SPACES = dict.fromkeys(map(ord, "\xa0\u2007\u202f\u3000\t\u000b\u000c"), " ")

_WIDGET_START = "위 도움말이 도움이 되었나요?"
_RELATED_HEADER = "관련 도움말/키워드"
_WIDGET_LINES = re.compile(
    r"^(위 도움말이 도움이 되었나요\?|별점\s*[1-5]\s*점|소중한 의견을 남겨주시면 보완하도록 노력하겠습니다\.?"
    r"|보내기|도움말 닫기)$"
)
_CATEGORY = re.compile(r"^\s*\[([^\[\]]{1,60})\]\s*(.+)$", re.S)
# "…바로 가기》", "…다운로드》" and friends: the link is gone, its label stays as plain text.
_LINK_ACTION = re.compile(
    r"\s*(?:바로\s?가기|보러\s?가기|하러\s?가기|확인하러\s?가기|다운로드|다운받기|자세히\s?보기|살펴\s?보기"
    r"|확인하기|도움말\s?보기|보기|신청하기|이동하기|참고하기)?\s*》"
)
_NEW_WINDOW = re.compile(r"\(\s*☞\s*새\s*창으로\s*열기\s*\)")
# A sentence end glued to the next sentence: Hangul or a closing bracket, then . ? or !, then a
# letter or an opening mark. Digits and Latin before the period are left alone (3.5, naver.com).
_GLUED_SENTENCE = re.compile(r"(?<=[가-힣)\]』」])([.?!])(?=[가-힣A-Za-z\[(※·▶■●◆○□\"'‘“!])")
_SENTENCE_END = re.compile(r"(?<=[.?!])\s+|\n+")


@dataclass(frozen=True)
class CleanEntry:
    source_key: str
    question: str
    answer: str
    category: str | None = None
    related: list[str] = field(default_factory=list)  # source keys of other entries
    related_keywords: list[str] = field(default_factory=list)  # related items that are no entry


def normalize_text(text: str) -> str:
    """Remove invisible characters, turn odd spaces into spaces and collapse whitespace per line."""
    text = text.translate(_INVISIBLE).translate(_SPACES).replace("\r\n", "\n").replace("\r", "\n")
    lines = [re.sub(r" {2,}", " ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def key_form(text: str) -> str:
    """Return the comparison form of a question key: invisible characters and spacing ignored."""
    return re.sub(r"\s+", " ", text.translate(_INVISIBLE).translate(_SPACES)).strip()


def split_widget(answer: str) -> tuple[str, list[str]]:
    """Cut the feedback widget off an answer; return the body and the raw related-item lines."""
    cut = answer.rfind(_WIDGET_START)
    if cut < 0:
        body, tail = _strip_trailing_widget_lines(answer)
    else:
        body, tail = answer[:cut], answer[cut:]
    related: list[str] = []
    if _RELATED_HEADER in tail:
        section = tail.split(_RELATED_HEADER, 1)[1]
        for line in section.split("\n"):
            item = line.strip()
            if item and not _WIDGET_LINES.match(key_form(item)):
                related.append(item)
    return body, related


def _strip_trailing_widget_lines(answer: str) -> tuple[str, str]:
    # Without the header line, still drop widget lines left at the very end (a partly scraped page).
    lines = answer.split("\n")
    end = len(lines)
    while end and (not lines[end - 1].strip() or _WIDGET_LINES.match(key_form(lines[end - 1]))):
        end -= 1
    return "\n".join(lines[:end]), "\n".join(lines[end:])


def split_category(question: str) -> tuple[str | None, str]:
    """Split a leading "[분류]" prefix off a question: ("분류", rest) or (None, question)."""
    match = _CATEGORY.match(question)
    if not match or not match.group(2).strip():
        return None, question
    return key_form(match.group(1)), match.group(2)


def clean_answer(body: str) -> str:
    """Clean an answer body (widget already removed): links, glued sentences, whitespace."""
    text = body.translate(_INVISIBLE).translate(_SPACES)
    text = _NEW_WINDOW.sub(" ", text)
    text = _LINK_ACTION.sub(_end_link_label, text)
    text = _GLUED_SENTENCE.sub(r"\1 ", text)
    return normalize_text(text)


def _end_link_label(match: re.Match) -> str:
    # The label of a dead link reads as a sentence of its own; do not double a period.
    before = match.string[: match.start()].rstrip()
    return " " if not before or before[-1] in ".?!:" else ". "


def match_related(items: Iterable[str], keys_by_form: Mapping[str, str]) -> tuple[list[str], list[str]]:
    """Match related items to question keys (by `key_form`); return (keys, unmatched keywords)."""
    keys: list[str] = []
    keywords: list[str] = []
    for item in items:
        key = keys_by_form.get(key_form(item))
        if key is not None:
            if key not in keys:
                keys.append(key)
            continue
        word = normalize_text(item).lstrip("#").strip()
        if word and word not in keywords:
            keywords.append(word)
    return keys, keywords


def index_keys(all_keys: Iterable[str]) -> dict[str, str]:
    """Map the comparison form of each key to the key itself (first one wins)."""
    index: dict[str, str] = {}
    for key in all_keys:
        index.setdefault(key_form(key), key)
    return index


def clean_entry(raw: RawEntry, all_keys: Iterable[str] | Mapping[str, str]) -> CleanEntry:
    """Clean one raw entry; `all_keys` are the file's question keys (or an `index_keys` map)."""
    index = all_keys if isinstance(all_keys, Mapping) else index_keys(all_keys)
    category, question = split_category(raw.question)
    if raw.category:
        category = key_form(raw.category) or category
    body, items = split_widget(raw.answer)
    related, keywords = match_related([*items, *raw.related], index)
    own = raw.question
    related = [k for k in related if k != own]
    return CleanEntry(
        source_key=raw.question,
        question=normalize_text(question),
        answer=clean_answer(body),
        category=category,
        related=related,
        related_keywords=keywords,
    )


def clean_all(raws: Iterable[RawEntry]) -> list[CleanEntry]:
    """Clean a whole file's entries, resolving related links among them."""
    raws = list(raws)
    index = index_keys(r.question for r in raws)
    return [clean_entry(r, index) for r in raws]


def split_sentences(text: str) -> list[str]:
    """Split cleaned text into sentences and paragraph lines."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


def chunk_answer(text: str, max_chars: int = 400, overlap: int = 80) -> list[str]:
    """Split text into chunks of at most ~max_chars on sentence boundaries.

    Consecutive chunks share up to `overlap` characters of whole trailing sentences, so a fact
    that straddles a boundary is still found whole in one of them.
    """
    if max_chars <= 0:
        raise ValueError("max_chars must be positive")
    text = text.strip()
    if len(text) <= max_chars:
        return [text] if text else []
    pieces: list[str] = []
    for sentence in split_sentences(text):
        while len(sentence) > max_chars:  # one huge "sentence" (a flattened table): cut at a space
            cut = sentence.rfind(" ", max_chars // 2, max_chars)
            cut = cut if cut > 0 else max_chars
            pieces.append(sentence[:cut].strip())
            sentence = sentence[cut:].strip()
        if sentence:
            pieces.append(sentence)
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for piece in pieces:
        if current and size + 1 + len(piece) > max_chars:
            chunks.append(" ".join(current))
            carried: list[str] = []
            carried_size = 0
            for prev in reversed(current):
                if (
                    carried_size + len(prev) + 1 > overlap
                    or carried_size + len(prev) + len(piece) + 2 > max_chars
                ):
                    break
                carried.insert(0, prev)
                carried_size += len(prev) + 1
            current, size = carried, carried_size
        current.append(piece)
        size += len(piece) + (1 if size else 0)
    if current:
        chunks.append(" ".join(current))
    return chunks
