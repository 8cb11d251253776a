"""Text out of an uploaded file, as ordered units that keep their place: the page (PDF) or the section
(the heading above them, the sheet of a workbook, the section of an HWP file).

Pure functions over bytes, CPU only, offline: pypdf, python-docx, python-hwpx, hwp-hwpx-parser, openpyxl and the
standard library. Any failure to read a file is a DocumentUnreadable (422), never a half result.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
import zipfile
from dataclasses import asdict, dataclass
from html.parser import HTMLParser
from pathlib import Path

MAX_PAGES = 500  # a PDF's pages
MAX_UNITS = 50_000  # paragraphs, rows: what page count means for the other types

TYPES = {".txt": "txt", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".pdf": "pdf",
         ".docx": "docx", ".hwpx": "hwpx", ".hwp": "hwp", ".csv": "csv", ".xlsx": "xlsx"}
_ZIP, _OLE, _PDF = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"%PDF"
# A heading in a file without styles: "제1장 …", "제3조(…)", "1.", "2.3 …", "Ⅱ. …", short and without a final period.
_HEADING = re.compile(r"^(?:제\s*\d+\s*[장절조관편]|[0-9]{1,2}(?:\.[0-9]{1,2})*\.?\s|[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ]+\.\s|#{1,6}\s)")


class DocumentUnreadable(Exception):
    """The file cannot be read: corrupt, encrypted, or without a text layer (422)."""

    code = "unreadable_document"

    def __init__(self, message: str, code: str | None = None):
        super().__init__(message)
        self.code = code or self.code


class UnsupportedType(Exception):
    """Not a type we read (415)."""


class TooLarge(Exception):
    """More pages (or rows) than we index (413)."""


@dataclass(frozen=True, slots=True)
class Unit:
    """One paragraph, heading or table row of a document, where it stands."""

    text: str
    kind: str = "paragraph"  # heading, paragraph, table
    page: int | None = None  # 1-based, PDF only
    section: str | None = None  # the nearest heading above it (or the sheet / HWP section)

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Extracted:
    file_type: str
    units: list[Unit]
    page_count: int  # PDF pages; 0 for types without pages


def file_type(filename: str) -> str:
    """The type we read a file as, from its name; UnsupportedType for anything else."""
    suffix = Path(filename.lower()).suffix
    if suffix not in TYPES:
        raise UnsupportedType(f"Unsupported file type '{suffix or filename}'; use one of "
                              f"{', '.join(sorted(set(TYPES)))}.")
    return TYPES[suffix]


def extract(data: bytes, filename: str) -> Extracted:
    """Read `data` as the type its name says; raise DocumentUnreadable, UnsupportedType or TooLarge."""
    kind = file_type(filename)
    _check_container(kind, data)
    try:
        result = _READERS[kind](data)
    except (DocumentUnreadable, TooLarge):
        raise
    except Exception as exc:  # noqa: BLE001 - any library failure on a damaged file is the user's 422
        raise DocumentUnreadable(f"The {kind} file could not be read ({type(exc).__name__}); is it damaged?",
                                 code="corrupt_document") from exc
    units = [u for u in result.units if u.text.strip()]
    if len(units) > MAX_UNITS:
        raise TooLarge(f"The document has more than {MAX_UNITS} paragraphs or rows.")
    if not units:
        if kind == "pdf":
            raise DocumentUnreadable("The PDF has no text layer (a scan?); text recognition (OCR) is not "
                                     "supported yet.", code="no_text_layer")
        raise DocumentUnreadable("The document contains no text.", code="empty_document")
    return Extracted(kind, units, result.page_count)


def _check_container(kind: str, data: bytes) -> None:
    """The magic number must match the type; an encrypted Office file is an OLE container, not a zip."""
    if not data:
        raise DocumentUnreadable("The file is empty.", code="empty_document")
    if kind in ("docx", "xlsx", "hwpx"):
        if data.startswith(_OLE):
            raise DocumentUnreadable(f"The {kind} file is password-protected; remove the password and upload it "
                                     "again.", code="encrypted_document")
        if not data.startswith(_ZIP) or not zipfile.is_zipfile(io.BytesIO(data)):
            raise DocumentUnreadable(f"This is not a valid {kind} file (damaged?).", code="corrupt_document")
    elif kind == "pdf" and not data.lstrip()[:1024].startswith(_PDF):
        raise DocumentUnreadable("This is not a valid PDF file (damaged?).", code="corrupt_document")
    elif kind == "hwp" and not data.startswith(_OLE):
        raise DocumentUnreadable("This is not a valid HWP 5 file (damaged, or an older HWP 3?).",
                                 code="corrupt_document")


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp949"):  # Korean text files from Windows are often CP949
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DocumentUnreadable("The text file is neither UTF-8 nor CP949.", code="corrupt_document")


def _is_heading(line: str) -> bool:
    line = line.strip()
    return 0 < len(line) <= 60 and bool(_HEADING.match(line)) and not line.endswith((".", "다", "요"))


def _lines_to_units(lines: list[str], page: int | None = None, section: str | None = None,
                    markdown: bool = False) -> tuple[list[Unit], str | None]:
    """Paragraphs (blank-line separated; a heading line stands alone) with the heading above each."""
    units: list[Unit] = []
    buf: list[str] = []

    def flush() -> None:
        if buf:
            units.append(Unit(" ".join(buf), "paragraph", page, section))
            buf.clear()

    for raw in lines:
        line = raw.strip()
        if not line:
            flush()
            continue
        if markdown and line.startswith("#") or not markdown and _is_heading(line):
            flush()
            section = line.lstrip("#").strip()[:200] or section
            units.append(Unit(section, "heading", page, section))
            continue
        buf.append(line)
    flush()
    return units, section


def _text(data: bytes, markdown: bool = False) -> Extracted:
    units, _ = _lines_to_units(_decode(data).splitlines(), markdown=markdown)
    return Extracted("md" if markdown else "txt", units, 0)


class _Html(HTMLParser):
    BLOCKS = {"p", "div", "li", "tr", "br", "section", "article", "table", "blockquote", "pre"}
    HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.units: list[Unit] = []
        self.buf: list[str] = []
        self.skip = 0
        self.section: str | None = None

    def _flush(self, heading: bool = False) -> None:
        text = " ".join(" ".join(self.buf).split())
        self.buf.clear()
        if not text:
            return
        if heading:
            self.section = text[:200]
        self.units.append(Unit(text, "heading" if heading else "paragraph", None, self.section))

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "noscript", "template"):
            self.skip += 1
        elif tag in self.BLOCKS or tag in self.HEADINGS:
            self._flush()

    def handle_endtag(self, tag):
        if tag in ("script", "style", "noscript", "template"):
            self.skip = max(0, self.skip - 1)
        elif tag in self.HEADINGS:
            self._flush(heading=True)
        elif tag in self.BLOCKS:
            self._flush()

    def handle_data(self, data):
        if not self.skip:
            self.buf.append(data)


def _html(data: bytes) -> Extracted:
    parser = _Html()
    parser.feed(_decode(data))
    parser.close()
    parser._flush()
    return Extracted("html", parser.units, 0)


def _pdf(data: bytes) -> Extracted:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
    except PdfReadError as exc:
        raise DocumentUnreadable(f"The PDF could not be read: {exc}", code="corrupt_document") from exc
    if reader.is_encrypted:
        try:  # an owner password alone (printing, copying limits) still opens with the empty user password
            opened = reader.decrypt("")
        except (FileNotDecryptedError, NotImplementedError, DependencyError):
            opened = 0
        if not opened:
            raise DocumentUnreadable("The PDF is password-protected; remove the password and upload it again.",
                                     code="encrypted_document")
    count = len(reader.pages)
    if count > MAX_PAGES:
        raise TooLarge(f"The PDF has {count} pages; at most {MAX_PAGES} are indexed.")
    units: list[Unit] = []
    section: str | None = None
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text() or ""
        page_units, section = _lines_to_units(_pdf_paragraphs(text), page=number, section=section)
        units.extend(page_units)
    return Extracted("pdf", units, count)


def _pdf_paragraphs(text: str) -> list[str]:
    """PDF lines are layout lines: a line ending a sentence ends its paragraph, others continue it."""
    out: list[str] = []
    for line in text.splitlines():
        out.append(line)
        if line.rstrip().endswith((".", "?", "!", "다", "요", ":")):
            out.append("")
    return out


def _docx(data: bytes) -> Extracted:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(io.BytesIO(data))
    units: list[Unit] = []
    section: str | None = None
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            p = Paragraph(child, document)
            text = " ".join(p.text.split())
            style = (p.style.name if p.style is not None else "") or ""
            if text and (style.startswith("Heading") or style == "Title"):
                section = text[:200]
                units.append(Unit(text, "heading", None, section))
            elif text:
                units.append(Unit(text, "paragraph", None, section))
        elif tag == "tbl":
            units.extend(Unit(row, "table", None, section) for row in _rows(
                [[" ".join(c.text.split()) for c in r.cells] for r in Table(child, document).rows]))
    return Extracted("docx", units, 0)


def _rows(rows: list[list[str]]) -> list[str]:
    """Table rows as text: each cell named by its header ("구분: 환불 · 기간: 7일"), the header row once."""
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        return []
    header = rows[0]
    out = [" · ".join(c for c in header if c)]
    for row in rows[1:]:
        cells = []
        for i, cell in enumerate(row):
            if cell:
                name = header[i] if i < len(header) and header[i] and header[i] != cell else ""
                cells.append(f"{name}: {cell}" if name else cell)
        out.append(" · ".join(dict.fromkeys(cells)))  # merged cells repeat their text
    return out


def _hwpx(data: bytes) -> Extracted:
    from hwpx import HwpxDocument

    document = HwpxDocument.open(io.BytesIO(data))
    try:
        lines = [p.text or "" for s in document.sections for p in s.paragraphs]
    finally:
        document.close()
    units, _ = _lines_to_units([line for text in lines for line in (text, "")])
    return Extracted("hwpx", units, 0)


def _hwp(data: bytes) -> Extracted:
    from hwp_hwpx_parser import Reader

    with tempfile.NamedTemporaryFile(suffix=".hwp") as tmp:  # the reader takes a path only
        tmp.write(data)
        tmp.flush()
        with Reader(tmp.name) as reader:
            if reader.is_encrypted:
                raise DocumentUnreadable("The HWP file is password-protected; remove the password and upload it "
                                         "again.", code="encrypted_document")
            if not reader.is_valid:
                raise DocumentUnreadable("This is not a valid HWP 5 file (damaged?).", code="corrupt_document")
            text = reader.extract_text()
    units, _ = _lines_to_units([line for raw in text.splitlines() for line in (raw, "")])
    return Extracted("hwp", units, 0)


def _csv(data: bytes) -> Extracted:
    text = _decode(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), dialect)]
    return Extracted("csv", [Unit(r, "table") for r in _rows(rows)], 0)


def _xlsx(data: bytes) -> Extracted:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    units: list[Unit] = []
    try:
        for sheet in book.worksheets:
            rows = [["" if v is None else " ".join(str(v).split()) for v in row]
                    for row in sheet.iter_rows(values_only=True)]
            units.extend(Unit(r, "table", None, sheet.title) for r in _rows(rows))
            if len(units) > MAX_UNITS:
                raise TooLarge(f"The workbook has more than {MAX_UNITS} rows.")
    finally:
        book.close()
    return Extracted("xlsx", units, 0)


_READERS = {"txt": _text, "md": lambda d: _text(d, markdown=True), "html": _html, "pdf": _pdf, "docx": _docx,
            "hwpx": _hwpx, "hwp": _hwp, "csv": _csv, "xlsx": _xlsx}
