"""Parse an uploaded knowledge file (.pkl .json .jsonl .csv) into raw question/answer entries.

Pure functions: bytes in, `RawEntry` list out, `KnowledgeFormatError` with a message fit for the
user on anything else. Pickles are read with an unpickler that resolves no class at all, so only
builtin containers and strings can come out of one; nothing in the file can run code.
"""

import csv
import io
import json
import pickle
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

SUPPORTED_SUFFIXES = (".pkl", ".pickle", ".json", ".jsonl", ".csv")

# Column / field names accepted for each role, compared after strip + lower-case.
_QUESTION_NAMES = ("question", "q", "title", "질문", "문의", "제목")
_ANSWER_NAMES = ("answer", "a", "content", "답변", "응답", "내용")
_CATEGORY_NAMES = ("category", "분류", "카테고리")
_RELATED_NAMES = ("related", "관련", "관련 도움말")


class KnowledgeFormatError(ValueError):
    """The uploaded file cannot be read as a knowledge base; the message says why."""


@dataclass(frozen=True)
class RawEntry:
    question: str
    answer: str
    category: str | None = None
    related: list[str] = field(default_factory=list)


class _NoClassUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        raise KnowledgeFormatError(
            f"pickle refers to {module}.{name}; only plain dict/list/str data is accepted"
        )


def load_knowledge(data: bytes, filename: str) -> list[RawEntry]:
    """Parse the bytes of a knowledge file, picking the format by its extension."""
    suffix = PurePath(filename or "").suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise KnowledgeFormatError(
            f"unsupported file type {suffix or '(none)'!r}; use .pkl, .json, .jsonl or .csv"
        )
    if not data or not data.strip():
        raise KnowledgeFormatError("the file is empty")
    if suffix in (".pkl", ".pickle"):
        entries = _from_object(_load_pickle(data), "pickle")
    elif suffix == ".json":
        entries = _from_object(_load_json(_decode(data)), "JSON")
    elif suffix == ".jsonl":
        entries = _from_jsonl(_decode(data))
    else:
        entries = _from_csv(_decode(data))
    if not entries:
        raise KnowledgeFormatError("the file holds no question/answer entries")
    return entries


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise KnowledgeFormatError(
            f"the file is not UTF-8 text (invalid byte at offset {exc.start}); save it as UTF-8"
        ) from None


def _load_pickle(data: bytes) -> Any:
    try:
        return _NoClassUnpickler(io.BytesIO(data)).load()
    except KnowledgeFormatError:
        raise
    except Exception as exc:  # a truncated or foreign file raises any of a dozen types
        raise KnowledgeFormatError(f"not a readable pickle: {exc.__class__.__name__}: {exc}") from None


def _load_json(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise KnowledgeFormatError(
            f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None


def _from_object(obj: Any, what: str) -> list[RawEntry]:
    if isinstance(obj, dict):
        return [_pair(k, v, f"entry {k!r}") for k, v in obj.items()]
    if isinstance(obj, list):
        return [_record(item, f"item {i}") for i, item in enumerate(obj)]
    raise KnowledgeFormatError(
        f"{what} top level must be a dict of question->answer or a list of "
        f"{{question, answer}} objects, not {type(obj).__name__}"
    )


def _pair(question: Any, answer: Any, where: str) -> RawEntry:
    if not isinstance(question, str) or not isinstance(answer, str):
        raise KnowledgeFormatError(
            f"{where}: question and answer must be strings, got "
            f"{type(question).__name__} -> {type(answer).__name__}"
        )
    return _checked(question, answer, None, [], where)


def _pick(record: dict, names: tuple[str, ...]) -> Any:
    for key, value in record.items():
        if isinstance(key, str) and key.strip().lower() in names:
            return value
    return None


def _record(item: Any, where: str) -> RawEntry:
    if not isinstance(item, dict):
        raise KnowledgeFormatError(
            f"{where}: expected an object with question and answer, got {type(item).__name__}"
        )
    question, answer = _pick(item, _QUESTION_NAMES), _pick(item, _ANSWER_NAMES)
    if question is None or answer is None:
        raise KnowledgeFormatError(f"{where}: missing 'question' or 'answer' field")
    if not isinstance(question, str) or not isinstance(answer, str):
        raise KnowledgeFormatError(f"{where}: 'question' and 'answer' must be strings")
    category = _pick(item, _CATEGORY_NAMES)
    if category is not None and not isinstance(category, str):
        raise KnowledgeFormatError(f"{where}: 'category' must be a string")
    related = _pick(item, _RELATED_NAMES) or []
    if isinstance(related, str):
        related = [related]
    if not isinstance(related, list) or not all(isinstance(r, str) for r in related):
        raise KnowledgeFormatError(f"{where}: 'related' must be a list of strings")
    return _checked(question, answer, category, related, where)


def _checked(question: str, answer: str, category: str | None, related: list[str], where: str) -> RawEntry:
    if not question.strip():
        raise KnowledgeFormatError(f"{where}: empty question")
    if not answer.strip():
        raise KnowledgeFormatError(f"{where}: empty answer")
    return RawEntry(question, answer, (category or "").strip() or None, list(related))


def _from_jsonl(text: str) -> list[RawEntry]:
    entries = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise KnowledgeFormatError(f"line {lineno}: invalid JSON: {exc.msg}") from None
        entries.append(_record(item, f"line {lineno}"))
    return entries


def _from_csv(text: str) -> list[RawEntry]:
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = csv.reader(io.StringIO(text), dialect)
    header = next(rows, None)
    if not header:
        raise KnowledgeFormatError("the CSV file has no header row")
    names = [h.strip().lower() for h in header]

    def column(candidates: tuple[str, ...]) -> int | None:
        return next((i for i, n in enumerate(names) if n in candidates), None)

    qi, ai, ci = column(_QUESTION_NAMES), column(_ANSWER_NAMES), column(_CATEGORY_NAMES)
    if qi is None or ai is None:
        raise KnowledgeFormatError(
            f"the CSV header needs 'question' and 'answer' columns (or 질문/답변); found {header}"
        )
    entries = []
    try:
        for rowno, row in enumerate(rows, 2):
            if not any(cell.strip() for cell in row):
                continue
            if len(row) <= max(qi, ai):
                raise KnowledgeFormatError(f"row {rowno}: too few columns")
            category = row[ci] if ci is not None and ci < len(row) else None
            entries.append(_checked(row[qi], row[ai], category, [], f"row {rowno}"))
    except csv.Error as exc:
        raise KnowledgeFormatError(f"malformed CSV: {exc}") from None
    return entries
