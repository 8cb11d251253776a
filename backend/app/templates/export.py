"""A generated document as Markdown, .docx or .hwpx.

Without a layout the file is built here: the title, a table of the field values, then each section under its
heading (paragraphs, "- " bullets, and `| a | b |` rows as a table), with its sources. With an uploaded layout of
the same kind, the layout's `{{ name }}` markers are filled instead (layouts.py), so its styles survive.
"""

import io
import re
from collections.abc import Iterator, Mapping

from app.templates import layouts
from app.templates.models import GeneratedDocument

MEDIA_TYPES = {"md": "text/markdown; charset=utf-8",
               "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
               "hwpx": "application/hwp+zip"}
_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$")


def _blocks(text: str) -> Iterator[tuple[str, object]]:
    """("p", text) | ("li", text) | ("table", rows) blocks of a section's text."""
    table: list[list[str]] = []
    for line in text.splitlines() + [""]:
        stripped = line.strip()
        if stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1:
            if not _RULE.match(stripped):
                table.append([c.strip() for c in stripped.strip("|").split("|")])
            continue
        if table:
            yield "table", table
            table = []
        if not stripped:
            continue
        if stripped.startswith(("- ", "* ", "• ")):
            yield "li", stripped[2:].strip()
        else:
            yield "p", stripped


def _sources_line(section: Mapping) -> str | None:
    sources = section.get("sources") or []
    if not sources:
        return None
    return "출처: " + "; ".join(f"[{i}] {s['question']}" for i, s in enumerate(sources, start=1))


def _field_rows(doc: GeneratedDocument, labels: Mapping[str, str]) -> list[list[str]]:
    # In the template's field order (`labels`); jsonb keeps its keys in an order of its own.
    names = [n for n in labels if n in doc.values] + sorted(n for n in doc.values if n not in labels)
    return [[labels.get(n, n), str(doc.values[n])] for n in names if str(doc.values[n]).strip()]


def context(doc: GeneratedDocument) -> dict[str, str]:
    """What a layout's markers are filled with: field values, section texts and the title."""
    return {k: str(v) for k, v in doc.values.items()} | {s["key"]: s["content"] for s in doc.sections} | \
        {"title": doc.title}


def markdown(doc: GeneratedDocument, labels: Mapping[str, str]) -> str:
    """The document as Markdown."""
    out = [f"# {doc.title}", ""]
    rows = _field_rows(doc, labels)
    if rows:
        out += ["| 항목 | 값 |", "| --- | --- |"] + [f"| {a} | {b.replace('|', '/')} |" for a, b in rows] + [""]
    for s in doc.sections:
        out += [f"## {s['title']}", "", s["content"].strip(), ""]
        if line := _sources_line(s):
            out += [f"> {line}", ""]
    return "\n".join(out).rstrip() + "\n"


def docx(doc: GeneratedDocument, labels: Mapping[str, str], layout: bytes | None = None) -> bytes:
    """The document as .docx: the .docx layout filled, or a plain document."""
    if layout is not None:
        return layouts.fill_docx(layout, context(doc))
    from docx import Document

    d = Document()
    d.add_heading(doc.title, level=0)

    def table(rows: list[list[str]]) -> None:
        width = max(len(r) for r in rows)
        t = d.add_table(rows=len(rows), cols=width)
        t.style = "Table Grid"
        for i, row in enumerate(rows):
            for j in range(width):
                t.cell(i, j).text = row[j] if j < len(row) else ""

    if rows := _field_rows(doc, labels):
        table([["항목", "값"], *rows])
    for s in doc.sections:
        d.add_heading(s["title"], level=1)
        for kind, body in _blocks(s["content"]):
            if kind == "table":
                table(body)  # type: ignore[arg-type]
            else:
                d.add_paragraph(str(body), style="List Bullet" if kind == "li" else None)
        if line := _sources_line(s):
            d.add_paragraph(line).runs[0].italic = True
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def hwpx(doc: GeneratedDocument, labels: Mapping[str, str], layout: bytes | None = None) -> bytes:
    """The document as .hwpx: the .hwpx layout filled, or a document made with python-hwpx."""
    if layout is not None:
        return layouts.fill_hwpx(layout, context(doc))
    from hwpx.document import HwpxDocument

    d = HwpxDocument.new()
    try:
        d.paragraphs[0].text = doc.title

        def table(rows: list[list[str]]) -> None:
            width = max(len(r) for r in rows)
            t = d.add_table(len(rows), width)
            for i, row in enumerate(rows):
                for j in range(width):
                    t.cell(i, j).text = row[j] if j < len(row) else ""

        if rows := _field_rows(doc, labels):
            table([["항목", "값"], *rows])
        for s in doc.sections:
            d.add_heading(s["title"], level=1)
            for kind, body in _blocks(s["content"]):
                if kind == "table":
                    table(body)  # type: ignore[arg-type]
                else:
                    d.add_paragraph(f"• {body}" if kind == "li" else str(body))
            if line := _sources_line(s):
                d.add_paragraph(line)
        return d.to_bytes()
    finally:
        d.close()
