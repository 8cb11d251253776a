"""Parse an uploaded knowledge file (.pkl .json .jsonl .csv) into raw question/answer entries.

Pure functions: bytes in, `RawEntry` list out, `KnowledgeFormatError` with a message fit for the
user on anything else. Pickles are read with an unpickler that resolves no class at all, so only
builtin containers and strings can come out of one; nothing in the file can run code.

A small file can still describe a huge knowledge base: a pickle refers to one string as often as it likes, so
55 KB can decode to millions of characters (and a gzip upload to gigabytes). `ImportLimits` bounds what a file
decodes to (entries, characters per entry, characters in all) and is checked right after loading, by a walk that
counts every reference and stops at the first bound it crosses, before any entry is cleaned or indexed.
"""

import csv
import io
import json
import pickle
import zlib
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

BASE_SUFFIXES = (".pkl", ".pickle", ".json", ".jsonl", ".csv")
SUPPORTED_SUFFIXES = BASE_SUFFIXES + tuple(s + ".gz" for s in BASE_SUFFIXES)
_MAX_DEPTH = 8  # a valid file nests at most list -> record -> related list -> string

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


@dataclass(frozen=True)
class ImportLimits:
    """Bounds on what one knowledge file may decode to."""

    max_entries: int = 20_000
    max_entry_chars: int = 20_000  # question + answer + category + related of one entry (EntryCreate's answer)
    max_total_chars: int = 10_000_000
    max_bytes: int = 20 * 1024 * 1024  # a gzip upload's decompressed size

    @classmethod
    def from_settings(cls) -> "ImportLimits":
        """The limits configured for this server (IMPORT_MAX_*, UPLOAD_MAX_MB)."""
        from app.core.config import get_settings

        s = get_settings()
        return cls(max_entries=s.import_max_entries, max_entry_chars=s.import_max_entry_chars,
                   max_total_chars=s.import_max_chars, max_bytes=s.upload_max_mb * 1024 * 1024)


class _Budget:
    """Counts entries and characters against `ImportLimits`, raising at the first bound crossed."""

    def __init__(self, limits: ImportLimits):
        self.limits, self.entries, self.total = limits, 0, 0

    def entry(self, chars: int, where: str) -> None:
        self.entries += 1
        self.total += chars
        if self.entries > self.limits.max_entries:
            raise KnowledgeFormatError(f"the file holds more than {self.limits.max_entries:,} entries; split it")
        if chars > self.limits.max_entry_chars:
            raise KnowledgeFormatError(
                f"{where} is longer than {self.limits.max_entry_chars:,} characters; shorten or split it")
        if self.total > self.limits.max_total_chars:
            raise KnowledgeFormatError(
                f"the file holds more than {self.limits.max_total_chars:,} characters of text; split it")


def _chars(obj: Any, budget: _Budget, where: str) -> int:
    """Characters of every string under `obj`, each reference counted; iterative, bounded by the budget."""
    cap = budget.limits.max_entry_chars
    total, stack = 0, [(obj, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > _MAX_DEPTH:
            raise KnowledgeFormatError(f"{where} is nested more than {_MAX_DEPTH} levels deep")
        if isinstance(item, str):
            total += len(item)
        elif isinstance(item, dict):
            stack.extend((x, depth + 1) for kv in item.items() for x in kv)
        elif isinstance(item, (list, tuple)):
            stack.extend((x, depth + 1) for x in item)
        elif isinstance(item, int) and item.bit_length() > 64:
            raise KnowledgeFormatError(f"{where} holds a number with more than 64 bits")
        if total > cap:  # stop walking at once: a shared string may be referenced millions of times
            break
    return total


def _check_size(obj: Any, limits: ImportLimits) -> None:
    if not isinstance(obj, (dict, list)):
        return  # _from_object names the wrong shape
    budget = _Budget(limits)
    if len(obj) > limits.max_entries:
        raise KnowledgeFormatError(f"the file holds more than {limits.max_entries:,} entries; split it")
    if isinstance(obj, dict):
        for k, v in obj.items():
            budget.entry(_chars((k, v), budget, f"entry {_short(k)}"), f"entry {_short(k)}")
    else:
        for i, item in enumerate(obj):
            budget.entry(_chars(item, budget, f"item {i}"), f"item {i}")


def _short(key: Any) -> str:
    text = key if isinstance(key, str) else type(key).__name__
    return repr(text[:40] + "…" if len(text) > 40 else text)


class _NoClassUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        raise KnowledgeFormatError(
            f"pickle refers to {module}.{name}; only plain dict/list/str data is accepted"
        )


def load_knowledge(data: bytes, filename: str, limits: ImportLimits | None = None) -> list[RawEntry]:
    """Parse the bytes of a knowledge file, picking the format by its extension (`.gz`: gzip-compressed)."""
    limits = limits or ImportLimits.from_settings()
    path = PurePath(filename or "")
    suffix = path.suffix.lower()
    if suffix == ".gz" or data[:2] == b"\x1f\x8b":
        data = _gunzip(data, limits.max_bytes)
        if suffix == ".gz":
            suffix = PurePath(path.stem).suffix.lower()
    if suffix not in BASE_SUFFIXES:
        raise KnowledgeFormatError(
            f"unsupported file type {suffix or '(none)'!r}; use .pkl, .json, .jsonl or .csv (optionally .gz)"
        )
    if not data or not data.strip():
        raise KnowledgeFormatError("the file is empty")
    if suffix in (".pkl", ".pickle"):
        obj = _load_pickle(data)
        _check_size(obj, limits)
        entries = _from_object(obj, "pickle")
    elif suffix == ".json":
        obj = _load_json(_decode(data))
        _check_size(obj, limits)
        entries = _from_object(obj, "JSON")
    elif suffix == ".jsonl":
        entries = _from_jsonl(_decode(data), _Budget(limits))
    else:
        entries = _from_csv(_decode(data), _Budget(limits))
    if not entries:
        raise KnowledgeFormatError("the file holds no question/answer entries")
    return entries


def _gunzip(data: bytes, max_bytes: int) -> bytes:
    """Decompress a gzip upload, refusing to produce more than `max_bytes`."""
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, max_bytes + 1)
    except zlib.error as exc:
        raise KnowledgeFormatError(f"not a readable gzip file: {exc}") from None
    if len(out) > max_bytes:
        raise KnowledgeFormatError(f"the file decompresses to more than {max_bytes // (1024 * 1024)} MB")
    if not inflater.eof:
        raise KnowledgeFormatError("the gzip file is truncated")
    return out


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


def _load_json(text: str, where: str = "") -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise KnowledgeFormatError(
            f"invalid JSON {where or f'at line {exc.lineno}, column {exc.colno}'}: {exc.msg}") from None
    except RecursionError:
        raise KnowledgeFormatError(f"invalid JSON {where or 'in the file'}: nested too deeply") from None
    except ValueError as exc:  # an integer past Python's 4,300-digit conversion limit
        raise KnowledgeFormatError(f"invalid JSON {where or 'in the file'}: {exc}") from None


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


def _from_jsonl(text: str, budget: _Budget) -> list[RawEntry]:
    entries = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        item = _load_json(line, f"on line {lineno}")
        budget.entry(_chars(item, budget, f"line {lineno}"), f"line {lineno}")
        entries.append(_record(item, f"line {lineno}"))
    return entries


def _from_csv(text: str, budget: _Budget) -> list[RawEntry]:
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
            budget.entry(len(row[qi]) + len(row[ai]) + len(category or ""), f"row {rowno}")
            entries.append(_checked(row[qi], row[ai], category, [], f"row {rowno}"))
    except csv.Error as exc:
        raise KnowledgeFormatError(f"malformed CSV: {exc}") from None
    return entries
