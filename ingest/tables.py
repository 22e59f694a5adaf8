"""Tables laid out with tabs in plain text (how web tables survive copy-and-paste).

Two layouts occur in the genre:

* one cell per line, each cell's first line starting with a tab; a cell may run on over several
  untabbed lines (blank ones included). The header is a run of short tabbed lines; every following
  group of as many cells is a row.
* one row per line, cells separated by tabs (or, in text copied without them, by runs of blanks
  under a header that names a task table's columns); the header is the first such line.

Detection is by shape only: a header of N cells followed by rows of N cells.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.normalise import BLANKS, Line

_TERMINAL = "。；;！!？?：:"
_MAX_HEADER_CELL = 16  # column titles are short labels, never sentences
_MIN_COLUMNS = 3
_MAX_CELL_GAP = 80  # untabbed lines a single cell may run on for


@dataclass
class TableRow:
    cells: list[str]  # normalised, simplified cell texts (one per header column)
    start: int  # offset of the row's first character in the original text
    end: int  # offset just past its last character
    line_indexes: list[int] = field(default_factory=list)

    def get(self, column: str) -> str:
        return self.cells[self.header_index[column]] if column in self.header_index else ""

    header_index: dict[str, int] = field(default_factory=dict, repr=False)


@dataclass
class Table:
    header: list[str]
    rows: list[TableRow]
    start: int
    end: int
    line_indexes: set[int]

    def column(self, *patterns: str) -> str | None:
        """The first header matching any of the regex patterns (tried in order)."""
        for pattern in patterns:
            for name in self.header:
                if re.search(pattern, name):
                    return name
        return None


def normalise_cell(parts: list[str]) -> str:
    """Join a cell's lines: wrapped words re-joined ("厦门\\n\\n片区" -> "厦门片区"),
    paragraphs that end a sentence kept on their own lines."""
    pieces = [p.strip(BLANKS) for p in parts]
    pieces = [p for p in pieces if p]
    out = ""
    for piece in pieces:
        if not out:
            out = piece
        elif out[-1] in _TERMINAL or _starts_enumerated(piece):
            out += "\n" + piece
        elif out[-1].isascii() and out[-1].isalnum() and piece[0].isascii() and piece[0].isalnum():
            out += " " + piece
        else:
            out += piece
    return out


def _starts_enumerated(piece: str) -> bool:
    return bool(re.match(r"^([①-⑳㈠-㈩⑴-⒇]|[(（][一二三四五六七八九十\d]+[)）]|\d+[.．、])", piece))


def find_tables(lines: list[Line]) -> list[Table]:
    tables: list[Table] = []
    i = 0
    while i < len(lines):
        table = _cell_per_line_table(lines, i) or _row_per_line_table(lines, i)
        if table is None:
            i += 1
            continue
        tables.append(table)
        i = max(table.line_indexes) + 1
    return tables


def _is_tab_cell_line(line: Line) -> bool:
    return line.text.startswith("\t") and "\t" not in line.text[1:] and bool(line.text.strip())


def _cell_per_line_table(lines: list[Line], i: int) -> Table | None:
    header_lines: list[Line] = []
    j = i
    while j < len(lines) and _is_tab_cell_line(lines[j]) and len(lines[j].stripped) <= _MAX_HEADER_CELL:
        header_lines.append(lines[j])
        j += 1
    if len(header_lines) < _MIN_COLUMNS or (i > 0 and _is_tab_cell_line(lines[i - 1])):
        return None
    header = [normalise_cell([ln.text]) for ln in header_lines]
    width = len(header)

    # The table runs to its last tabbed line, unless a numbered heading interrupts first.
    last_tab = None
    k = j
    while k < len(lines) and (last_tab is None or k - last_tab <= _MAX_CELL_GAP):
        if _is_tab_cell_line(lines[k]):
            last_tab = k
        elif lines[k].stripped and _looks_like_prose_break(lines[k]):
            break
        k += 1
    if last_tab is None:
        return None
    # Cells: a tabbed line plus the untabbed lines after it, up to the next tabbed line; the very
    # last cell ends at the first blank line.
    cells: list[list[Line]] = []
    for k in range(j, last_tab + 1):
        if _is_tab_cell_line(lines[k]):
            cells.append([lines[k]])
        elif cells:
            cells[-1].append(lines[k])
    k = last_tab + 1
    while k < len(lines) and lines[k].stripped and not lines[k].text.startswith("\t"):
        cells[-1].append(lines[k])
        k += 1
    complete = len(cells) - len(cells) % width
    if complete < width:
        return None
    index = {name: n for n, name in enumerate(header)}
    rows: list[TableRow] = []
    for r in range(0, complete, width):
        group = cells[r:r + width]
        content = [ln for cell in group for ln in cell if ln.stripped]
        row = TableRow(cells=[normalise_cell([ln.text for ln in cell]) for cell in group],
                       start=content[0].content_start, end=content[-1].content_end,
                       line_indexes=[ln.index for cell in group for ln in cell], header_index=index)
        rows.append(row)
    used = {ln.index for ln in header_lines} | {ix for row in rows for ix in row.line_indexes}
    return Table(header=header, rows=rows, start=header_lines[0].content_start, end=rows[-1].end,
                 line_indexes=set(range(min(used), max(used) + 1)))


def _looks_like_prose_break(line: Line) -> bool:
    """A heading-numbered line after a table ends it (the document goes on)."""
    return bool(re.match(r"^([一二三四五六七八九十]+、|第[一二三四五六七八九十百]+[章节条])", line.stripped))


def _split_row(line: Line, spaced: bool = False) -> list[str]:
    """A row's cells; an empty cell keeps its column (only the line's outer blanks go). ``spaced``:
    columns aligned with runs of blanks instead of tabs (a table copied as plain text)."""
    text = line.text.strip(" \u3000\xa0")
    cells = _BLANK_RUN.split(text) if spaced else text.split("\t")
    return [c.strip(" \u3000\xa0") for c in cells]


# Columns aligned by blanks: two or more spaces (ASCII or full width) or a tab. One blank is a
# word break or a label's (第三条　…), and bodies signing side by side are one blank apart.
_BLANK_RUN = re.compile(r"[ \u3000\xa0]{2,}|\t")
# A blank-aligned header must name the columns of a task or practice table.
_SPACED_HEADER = re.compile(r"^(序号|编号)$|单位|部门|时限|时间|任务|措施|事项|内容|名称|区域|范围")


_MAX_GROUP_ROW = 40


def _group_row(lines: list[Line], k: int, width: int, spaced: bool = False) -> bool:
    """A short untabbed line between rows of the table, with a full-width row right after it: a
    cell spanning every column that heads a group of rows (a category), not the end of the table."""
    text = lines[k].stripped
    if not text or len(text) > _MAX_GROUP_ROW or text[-1] in "。；;":
        return False
    for nxt in lines[k + 1:]:
        if nxt.stripped:
            return len(_split_row(nxt, spaced)) == width
    return False


def _row_per_line_table(lines: list[Line], i: int) -> Table | None:
    first = lines[i]
    spaced = "\t" not in first.text and _BLANK_RUN.search(first.stripped) is not None
    if not spaced and (first.text.count("\t") < _MIN_COLUMNS - 1
                       or first.text.startswith("\t") and first.text.count("\t") < _MIN_COLUMNS):
        return None
    header = _split_row(first, spaced)
    if len(header) < _MIN_COLUMNS or any(not c or len(c) > _MAX_HEADER_CELL for c in header):
        return None
    if spaced and sum(1 for c in header if _SPACED_HEADER.search(c)) < 2:
        return None
    index = {name: n for n, name in enumerate(header)}
    rows: list[TableRow] = []
    k = i + 1
    while k < len(lines):
        line = lines[k]
        if not line.stripped:
            k += 1
            continue
        cells = _split_row(line, spaced)
        if len(cells) < 2 and _group_row(lines, k, len(header), spaced):
            k += 1  # a row spanning the table names the group of the rows below it (一、投资管理领域（3项）)
            continue
        if len(cells) > len(header) or len(cells) < 2:
            break
        if cells == header:  # the header printed again on each page of a long table
            k += 1
            continue
        # a row whose last cells are empty may be printed without them
        cells += [""] * (len(header) - len(cells))
        rows.append(TableRow(cells=[normalise_cell([c]) for c in cells], start=line.content_start,
                             end=line.content_end, line_indexes=[line.index], header_index=index))
        k += 1
    if not rows:
        return None
    last = rows[-1].line_indexes[-1]
    return Table(header=header, rows=rows, start=first.content_start, end=rows[-1].end,
                 line_indexes=set(range(i, last + 1)))
