"""Uploaded .docx / .hwpx layouts with `{{ name }}` markers: checked on upload, filled on export.

A .docx is a docxtpl template rendered in the same sandbox as the sections (so a company's letterhead, styles and
tables survive); a .hwpx is filled by python-hwpx's find-and-replace of each `{{ name }}` marker, which reaches
body text, table cells, text boxes, headers and footers. The names a layout may use are the template's field
names, its section keys and `title`.
"""

import io
import re
import zipfile
from collections.abc import Iterable, Mapping

from app.core.errors import AppError
from app.templates import render

MARKER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
KINDS = {".docx": "docx", ".hwpx": "hwpx"}


def _invalid(message: str, **extra) -> AppError:
    err = AppError(message, code="layout_invalid", status_code=422)
    err.extra = extra or None
    return err


def kind_of(filename: str) -> str:
    """docx or hwpx from the file name; 415 otherwise."""
    for suffix, kind in KINDS.items():
        if filename.lower().endswith(suffix):
            return kind
    raise AppError("A layout is a .docx or .hwpx file.", code="unsupported_file", status_code=415)


def _docx_xml(data: bytes):
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(io.BytesIO(data))
    tpl.init_docx()
    return tpl, tpl.patch_xml(tpl.get_xml())


def check(kind: str, data: bytes, names: Iterable[str]) -> list[str]:
    """The markers the layout uses; 422 when it cannot be read, fails to parse or names something unknown."""
    names = frozenset(names)
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise _invalid(f"The file is not a readable .{kind} document.")
    if kind == "docx":
        try:
            _, xml = _docx_xml(data)
        except Exception as exc:  # noqa: BLE001 - any failure to read the file is the uploader's to fix
            raise _invalid(f"The file is not a readable .docx document ({type(exc).__name__}).") from None
        try:
            render.check(xml, names, max_source=None)
        except render.TemplateInvalid as exc:
            raise _invalid(f"layout: {exc.reason}", reason=exc.reason) from None
        return sorted(set(MARKER.findall(xml)))
    from hwpx.document import HwpxDocument
    from hwpx.tools.exporter import export_text

    try:
        doc = HwpxDocument.open(data)
        text = export_text(doc)
    except Exception as exc:  # noqa: BLE001
        raise _invalid(f"The file is not a readable .hwpx document ({type(exc).__name__}).") from None
    used = sorted(set(MARKER.findall(text)))
    unknown = [n for n in used if n not in names]
    if unknown:
        raise _invalid(f"layout: unknown field '{unknown[0]}'", reason=f"unknown field '{unknown[0]}'")
    return used


def fill_docx(data: bytes, context: Mapping[str, str]) -> bytes:
    """The .docx layout rendered with the values and sections (line breaks kept)."""
    from docxtpl import DocxTemplate, Listing

    tpl = DocxTemplate(io.BytesIO(data))
    tpl.render({k: Listing(v) for k, v in context.items()}, jinja_env=render.ENV, autoescape=True)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def fill_hwpx(data: bytes, context: Mapping[str, str]) -> bytes:
    """The .hwpx layout with each `{{ name }}` marker replaced."""
    from hwpx.document import HwpxDocument
    from hwpx.tools.exporter import export_text

    doc = HwpxDocument.open(data)
    try:
        for token in sorted(set(m.group(0) for m in MARKER.finditer(export_text(doc))), key=len, reverse=True):
            name = MARKER.fullmatch(token).group(1)  # type: ignore[union-attr]
            doc.text.replace(token, context.get(name, "").replace("\n", " "), everywhere=True)
        return doc.to_bytes()
    finally:
        doc.close()
