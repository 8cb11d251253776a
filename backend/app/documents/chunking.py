"""Pieces of a document for the index: paragraphs packed up to a size, cut at headings and pages, long paragraphs
split into Korean sentences (Kiwi) first, so a piece never straddles two pages or two sections."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from app.documents.extract import Unit
from app.retrieval.analysis import kiwi

MAX_CHARS = 500  # about the FAQ's answer chunks (knowledge/cleaning.chunk_answer: 400), a little more context


@dataclass(frozen=True, slots=True)
class Piece:
    ord: int
    page: int | None
    section: str | None
    text: str


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of a document, where it stands (summaries pick these)."""

    index: int
    page: int | None
    section: str | None
    text: str


def split_sentences(text: str) -> list[str]:
    """Korean sentences of a paragraph (Kiwi), falling back to the paragraph when it finds none."""
    text = " ".join(text.split())
    if not text:
        return []
    found = [s.text.strip() for s in kiwi().split_into_sents(text)]
    return [s for s in found if s] or [text]


def _cut(sentence: str, limit: int) -> Iterable[str]:
    """A sentence longer than the limit (a flattened table row) cut at spaces."""
    while len(sentence) > limit:
        cut = sentence.rfind(" ", limit // 2, limit)
        cut = cut if cut > 0 else limit
        yield sentence[:cut].strip()
        sentence = sentence[cut:].strip()
    if sentence:
        yield sentence


def chunk(units: list[Unit], max_chars: int = MAX_CHARS) -> list[Piece]:
    """Pack units into pieces of at most `max_chars`, in order; a heading starts a new piece and leads it."""
    pieces: list[Piece] = []
    buf: list[str] = []
    place: tuple[int | None, str | None] = (None, None)

    def flush() -> None:
        if buf:
            pieces.append(Piece(len(pieces), place[0], place[1], " ".join(buf)))
            buf.clear()

    for unit in units:
        where = (unit.page, unit.section)
        if unit.kind == "heading" or where != place:
            flush()
            place = where
        parts = [unit.text] if len(unit.text) <= max_chars else [
            piece for s in split_sentences(unit.text) for piece in _cut(s, max_chars)]
        for part in parts:
            if buf and sum(len(b) + 1 for b in buf) + len(part) > max_chars:
                flush()
            buf.append(part)
    flush()
    return pieces


def sentences(units: list[Unit]) -> list[Sentence]:
    """Every sentence of the document's paragraphs and rows, with its page and section (headings left out)."""
    out: list[Sentence] = []
    for unit in units:
        if unit.kind == "heading":
            continue
        for s in split_sentences(unit.text) if unit.kind == "paragraph" else [unit.text]:
            out.append(Sentence(len(out), unit.page, unit.section, s))
    return out
