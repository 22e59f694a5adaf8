"""Bytes -> text: detect the encoding, refuse what is not a text document, strip HTML.

The decoded string (line ends unified to "\\n", BOM removed, HTML reduced to its text) is what the
rest of ingest calls the ORIGINAL text: every measure offset points into it.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from ingest.errors import IngestError
from ingest.html_tables import TableCollector

DEFAULT_MAX_BYTES = 20 * 1024 * 1024

# Leading bytes of formats people upload by mistake instead of a text page.
_BINARY_MAGIC: list[tuple[bytes, str]] = [
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"PK\x03\x04", "zip archive (docx/xlsx/zip)"),
    (b"PK\x05\x06", "zip archive"),
    (b"%PDF", "PDF document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "legacy Office document (doc/xls)"),
    (b"\x1f\x8b", "gzip archive"),
    (b"Rar!", "rar archive"),
    (b"7z\xbc\xaf\x27\x1c", "7z archive"),
    (b"\x7fELF", "executable"),
    (b"MZ", "executable"),
]

# BOMs, longest first: the UTF-32-LE BOM begins with the UTF-16-LE one.
_BOMS: list[tuple[bytes, str]] = [
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]

_HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)


@dataclass
class DecodedText:
    text: str  # the original text as ingest sees it
    encoding: str
    is_html: bool


def read_path(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[bytes, DecodedText]:
    """Read a file from disk, refusing oversized files before loading them."""
    path = Path(path)
    size = path.stat().st_size
    if size > max_bytes:
        raise IngestError(path.name, f"file is {size} bytes, over the {max_bytes}-byte limit")
    data = path.read_bytes()
    return data, decode_document(data, path.name, max_bytes=max_bytes)


def decode_document(data: bytes, name: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> DecodedText:
    """Decode raw bytes into document text or raise IngestError saying why not."""
    if len(data) > max_bytes:
        raise IngestError(name, f"file is {len(data)} bytes, over the {max_bytes}-byte limit")
    if not data.strip():
        raise IngestError(name, "file is empty or holds only whitespace")
    text, encoding = _decode(data, name)
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    is_html = name.lower().endswith(_HTML_SUFFIXES) or looks_like_html(text)
    if is_html:
        text = html_to_text(text)
    if not text.strip(" \t\n\u3000\xa0"):
        what = "HTML page has no visible text" if is_html else "file holds only whitespace"
        raise IngestError(name, what)
    if _control_share(text) > 0.005:
        raise IngestError(name, "file looks binary (control characters in the text)")
    return DecodedText(text=text, encoding=encoding, is_html=is_html)


def _decode(data: bytes, name: str) -> tuple[str, str]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding), encoding + " (BOM)"
            except UnicodeDecodeError as exc:
                raise IngestError(name, f"text is not valid {encoding} despite its byte-order mark: {exc.reason}")
    for magic, what in _BINARY_MAGIC:
        if data.startswith(magic):
            raise IngestError(name, f"binary file ({what}), not a text document")
    if b"\x00" in data:
        raise IngestError(name, "binary file (NUL bytes), not a text document")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    candidates: list[str] = []
    declared = _META_CHARSET.search(data[:4096])
    if declared:
        candidates.append(declared.group(1).decode("ascii").lower())
    candidates += ["gb18030", "big5"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        if _plausible(text):
            return text, encoding
    guess = _charset_normalizer_guess(data)
    if guess is not None:
        return guess
    raise IngestError(name, "cannot decode the text (not UTF-8, UTF-16, GBK/GB18030 or Big5)")


def _charset_normalizer_guess(data: bytes) -> tuple[str, str] | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # optional: the strict cascade above covers the common encodings
        return None
    best = from_bytes(data).best()
    if best is None or best.chaos > 0.2:
        return None
    text = str(best)
    return (text, best.encoding) if _plausible(text) else None


_PLAUSIBILITY_SAMPLE = 200_000
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_CJK_TEXT = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf\u3000-\u303f\uff00-\uffef\u2000-\u206f"
                       r"\u2460-\u24ff\u3200-\u32ff\xb7\xd7\xa0]")
# Control characters other than line/page layout ones, private-use and surrogate code points.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ue000-\uf8ff\ud800-\udfff]")


def _plausible(text: str) -> bool:
    """A decoding is plausible when the non-ASCII part is mostly CJK text and punctuation."""
    text = text[:_PLAUSIBILITY_SAMPLE]  # the strict decode already covered every byte
    non_ascii = len(_NON_ASCII.findall(text))
    if not non_ascii:
        return True
    good = len(_CJK_TEXT.findall(text))
    return good / non_ascii >= 0.85 and _control_share(text) < 0.005


def _control_share(text: str) -> float:
    if not text:
        return 0.0
    return len(_CONTROL.findall(text)) / len(text)


def looks_like_html(text: str) -> bool:
    head = text[:2048].lstrip().lower()
    if head.startswith(("<!doctype html", "<html", "<?xml")) and "<html" in text[:4096].lower():
        return True
    return bool(re.search(r"<(html|body|head)[\s>]", head)) or (
        head.startswith("<") and bool(re.search(r"</(p|div|span|table|td)>", text[:20000].lower())))


# ---------------------------------------------------------------- HTML -> text

_SKIP_TAGS = {"script", "style", "noscript", "template", "head", "svg", "iframe", "object"}
_BLOCK_TAGS = {"p", "div", "br", "li", "ul", "ol", "tr", "table", "section", "article", "header",
               "footer", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "hr", "dd", "dt",
               "dl", "tbody", "thead", "form", "nav", "aside", "main", "center", "title"}
_CELL_TAGS = {"td", "th"}


def _no_event(tables: TableCollector, attrs) -> None:
    return None


_TABLE_EVENTS = {"table": lambda t, a: t.start_table(), "tr": lambda t, a: t.start_row(),
                 "td": TableCollector.start_cell, "th": TableCollector.start_cell}


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0
        self.tables = TableCollector(self.parts)  # data tables become one tab-separated line per row
        self.lists: list[int | None] = []  # per open <ol>: the last number given; None for a <ul>
        # per open numbered <li>: where its number stands in ``parts`` and whether it shows text
        # outside links (a list of links only is a menu: 相关文章, a site's sections)
        self.items: list[list] = []
        self.link_depth = 0
        self.in_title = False
        self.page_title: list[str] = []  # the <title> in the page's head (skipped as text)

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "title" and not self.page_title:  # the page's own, not an <svg> icon's further on
            self.in_title = True
        if tag in _SKIP_TAGS:
            self.skip_depth += 1
            return
        if not self.skip_depth:
            _TABLE_EVENTS.get(tag, _no_event)(self.tables, attrs)
        if tag in _CELL_TAGS:
            self.parts.append("\t")
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
        if tag == "ol":
            start = dict(attrs).get("start") or "1"
            self.lists.append(int(start) - 1 if start.strip().isdigit() else 0)
        elif tag == "ul":
            self.lists.append(None)
        elif tag == "li" and self.lists and self.lists[-1] is not None and not self.skip_depth:
            # the number a browser draws for an <ol> item: the document's own numbering
            self.lists[-1] += 1
            self.items.append([len(self.parts), False])
            self.parts.append(f"{_LIST_NUMBER}{self.lists[-1]}{_LIST_NUMBER}")
        elif tag == "li":
            self.items.append([None, False])
        elif tag == "a":
            self.link_depth += 1

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if tag in _SKIP_TAGS:
            self.skip_depth = max(0, self.skip_depth - 1)
            return
        if tag in ("ol", "ul") and self.lists:
            self.lists.pop()
        elif tag == "a":
            self.link_depth = max(0, self.link_depth - 1)
        elif tag == "li" and self.items:
            at, own_text = self.items.pop()
            if at is not None and not own_text:
                self.parts[at] = ""  # a link in a menu, not a numbered item of the document
        if tag == "table" and not self.skip_depth:
            self.tables.end_table()
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.page_title.append(data)
        if self.skip_depth:
            return
        # Source line breaks and indentation carry no meaning in HTML.
        text = re.sub(r"[ \n\t\r\f]+", " ", data).replace("\xa0", " ")
        if self.items and not self.link_depth and text.strip():
            for item in self.items:
                item[1] = True
        self.parts.append(text)


_LIST_NUMBER = "\x00"  # brackets the number of an <ol> item until the item's own text is known
_LIST_ITEM = re.compile(_LIST_NUMBER + r"(\d+)" + _LIST_NUMBER + r"(\s*)")
# An item that prints its own number (a list styled without markers): it keeps only that one.
_OWN_NUMBER = re.compile(r"[(（]?[0-9０-９一二三四五六七八九十]+[)）、.．]|第[一二三四五六七八九十百\d]+[条章]|[①-⑳]")


def _number_list_items(raw: str) -> str:
    def number(m: re.Match) -> str:
        rest = raw[m.end():m.end() + 12]
        return "" if _OWN_NUMBER.match(rest) else f"{m.group(1)}."
    return _LIST_ITEM.sub(number, raw)


# A page's <title> names the site and the column after the document: 关于印发…的通知_政策文件_绍兴市人民政府
# / …的通知 - 中国政府网 / …｜某市人民政府.
_TITLE_SEPARATORS = re.compile(r"\s*(?:[_|｜]|\s[-–－]\s)\s*")
# A document's title ends with what kind of document it is.
_DOCUMENT_KIND = re.compile(r"(通知|意见|方案|办法|措施|规定|决定|公告|通告|批复|细则|规划|计划|要点|条例|政策|函|令)"
                            r"(（[^（）]{1,20}）)?$")
_BLANKS_RE = re.compile(r"[\s\u3000\xa0]+")


def _document_title_of_page(page_title: str, body: str) -> str | None:
    """The document's title from the page's <title>, when the body never prints it (a page whose
    only heading is the policy it forwards, under a notice with its number and signature): the
    part of the <title> that is a document's title, else None."""
    parts = [p.strip() for p in _TITLE_SEPARATORS.split(page_title.strip()) if p.strip()]
    title = next((p for p in parts if len(p) >= 8 and _DOCUMENT_KIND.search(p)), None)
    if title is None:
        return None
    kind = _DOCUMENT_KIND.search(title).group(1)
    # the body prints a heading of the same kind of document (its own wording of the title, which
    # the site may have shortened): that heading is the title
    lines = [ln.strip() for ln in body[:20000].split("\n") if ln.strip()][:60]
    if any(len(ln) <= 100 and "。" not in ln and re.search(kind + r"(（[^（）]{1,20}）)?$", _BLANKS_RE.sub("", ln))
           for ln in lines):
        return None
    return title


def html_to_text(markup: str) -> str:
    """Visible text of an HTML page, one block per line, table cells separated by tabs."""
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    raw = _number_list_items("".join(parser.parts))
    heading = _document_title_of_page("".join(parser.page_title), raw)
    if heading:
        raw = heading + "\n" + raw
    lines: list[str] = []
    for line in raw.split("\n"):
        cells = [c.strip(" ") for c in line.split("\t")]
        # tabs around a cell that holds nothing are layout noise; an empty cell between two others
        # keeps a data table's columns apart
        while len(cells) > 1 and not cells[0]:
            cells.pop(0)
        while len(cells) > 1 and not cells[-1]:
            cells.pop()
        line = "\t".join(cells)
        if line or (lines and lines[-1]):
            lines.append(line)
    return "\n".join(lines).strip("\n") + "\n"
