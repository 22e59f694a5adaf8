"""Data tables of an HTML page as rows of tab-separated cells, one row per line.

A saved policy page prints its attachment tables (推广清单, 任务分工表 …) as HTML tables whose
cells hold paragraphs (<p>, <br>) and are sometimes left empty or span rows and columns. Read
naively, every paragraph of a cell becomes a line of its own and the columns are lost. The HTML
reader hands each table's cells to a ``TableCollector``; when the table closes, a data table (rows
of several cells, no table nested in it) is rendered as a grid: one line per row, cells separated by tabs, the
paragraphs of a cell joined, an empty cell kept in its column, a cell spanning several rows
repeated in each. Layout tables (those wrapping other tables, as whole pages are laid out, or boxing
text in one column) are left to the reader's ordinary block rendering.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

_MAX_SPAN = 100  # a rowspan/colspan beyond this is markup noise, not a table of that size


@dataclass
class _Cell:
    start: int  # index into the reader's parts where the cell's text begins
    end: int = -1
    rowspan: int = 1
    colspan: int = 1


@dataclass
class _Frame:
    start: int  # index into the reader's parts where the table begins
    rows: list[list[_Cell]] = field(default_factory=list)
    nested: bool = False


class TableCollector:
    """Tracks the tables open in an HTML stream whose text pieces are appended to ``parts``."""

    def __init__(self, parts: list[str]) -> None:
        self.parts = parts
        self.frames: list[_Frame] = []

    def start_table(self) -> None:
        if self.frames:
            self.frames[-1].nested = True
        self.frames.append(_Frame(start=len(self.parts)))

    def start_row(self) -> None:
        if self.frames:
            self._close_cell()
            self.frames[-1].rows.append([])

    def start_cell(self, attrs) -> None:
        if not self.frames:
            return
        frame = self.frames[-1]
        self._close_cell()
        if not frame.rows:
            frame.rows.append([])
        spans = dict(attrs)
        frame.rows[-1].append(_Cell(start=len(self.parts), rowspan=_span(spans.get("rowspan")),
                                    colspan=_span(spans.get("colspan"))))

    def end_table(self) -> None:
        if not self.frames:
            return
        self._close_cell()
        frame = self.frames.pop()
        if frame.nested or not _is_grid(frame):
            return
        lines = ["\t".join(row).rstrip("\t") for row in self._grid(frame)]
        # rows apart by a blank line, as the block rendering of <tr> leaves them
        self.parts[frame.start:] = ["\n" + "\n\n".join(line for line in lines if line.strip("\t")) + "\n"]

    def _close_cell(self) -> None:
        frame = self.frames[-1]
        if frame.rows and frame.rows[-1] and frame.rows[-1][-1].end < 0:
            frame.rows[-1][-1].end = len(self.parts)

    def _grid(self, frame: _Frame) -> list[list[str]]:
        grid: list[list[str]] = []
        carried: dict[int, tuple[str, int]] = {}  # column -> (text, rows still to fill)
        for row in frame.rows:
            out: list[str] = []
            cells = iter(row)
            col = 0
            while True:
                if col in carried:
                    text, left = carried[col]
                    out.append(text)
                    if left <= 1:
                        del carried[col]
                    else:
                        carried[col] = (text, left - 1)
                    col += 1
                    continue
                cell = next(cells, None)
                if cell is None:
                    break
                text = _cell_text(self.parts[cell.start:cell.end if cell.end >= 0 else len(self.parts)])
                for k in range(cell.colspan):
                    out.append(text if k == 0 else "")
                    if cell.rowspan > 1:
                        carried[col + k] = (text if k == 0 else "", cell.rowspan - 1)
                col += cell.colspan
            while carried and max(carried) >= col:  # spans reaching past this row's last cell
                if col in carried:
                    continue_text, left = carried.pop(col)
                    out.append(continue_text)
                    if left > 1:
                        carried[col] = (continue_text, left - 1)
                else:
                    out.append("")
                col += 1
            grid.append(out)
        return grid


def _is_grid(frame: _Frame) -> bool:
    """Rows of several cells: a data table. A one-column table only boxes a page's text."""
    rows = [row for row in frame.rows if row]
    wide = sum(1 for row in rows if len(row) >= 2)
    return len(rows) >= 2 and 2 * wide >= len(rows)


def _span(value: str | None) -> int:
    try:
        return min(max(int(value or 1), 1), _MAX_SPAN)
    except ValueError:
        return 1


_BREAKS = re.compile(r"[\t ]*\n[\t \n]*")


# A cell whose every paragraph is a short bare name (市商务局<br>中国信保山东分公司) lists units.
_LISTED_PART = re.compile(r"^[\u4e00-\u9fff（）()]{2,25}$")


def _cell_text(pieces: list[str]) -> str:
    """A cell's paragraphs joined on one line: directly between Chinese text, by a space between
    Latin words; by 、 when every paragraph is a short bare name (a cell listing units)."""
    text = "".join(pieces).strip("\t \n")
    parts = _BREAKS.split(text)
    if len(parts) > 1 and all(_LISTED_PART.match(p) for p in parts):
        return "、".join(parts)

    def join(m: re.Match) -> str:
        before, after = text[m.start() - 1], text[m.end()] if m.end() < len(text) else ""
        return " " if before.isascii() and after.isascii() and before.isalnum() and after.isalnum() else ""

    return _BREAKS.sub(join, text).replace("\t", " ")
