"""A form: a title block, a multi-level column header, rows and a total row of cells.

Columns are a tree; leaves carry a key: a figure suffix (e.g. ``received.total``), ``#`` (row
number) or ``@group`` (the row's label). ``header_grid`` lays the tree out as header rows
with row and column spans, the one layout both the HTML and the XLSX writers use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Column:
    title: str
    key: str | None = None
    children: tuple[Column, ...] = ()
    width: float | None = None  # column width in characters (XLSX), leaves only

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Column:
        return cls(title=data["title"], key=data.get("key"), width=data.get("width"),
                   children=tuple(cls.from_data(c) for c in data.get("children", ())))

    def leaves(self) -> list[Column]:
        return [self] if not self.children else [leaf for c in self.children for leaf in c.leaves()]

    def depth(self) -> int:
        return 1 + max((c.depth() for c in self.children), default=0)


@dataclass(frozen=True)
class Cell:
    value: int | float | str | None
    figure: str | None = None   # the figure id the value is (provenance, links)
    kind: str = "count"         # count | rate | text | index


@dataclass(frozen=True)
class HeaderCell:
    title: str
    row: int       # 0-based header row
    col: int       # 0-based leaf column
    rowspan: int
    colspan: int


@dataclass(frozen=True)
class FormFrame:
    """The "Kèm theo" line under a form's title and the signature block at its end."""
    attached: str              # "(Kèm theo Báo cáo số …/BC-UBND ngày … của UBND xã …)"
    date_line: str             # "…, ngày … tháng … năm …", above the right-hand signer
    left: tuple[str, str]      # ("Người lập biểu", "(Ký, ghi rõ họ tên)")
    right: tuple[str, str]     # ("Thủ trưởng đơn vị", "(Ký, ghi rõ họ tên, đóng dấu)")


@dataclass
class Form:
    id: str                    # e.g. "06a-field"
    code: str                  # e.g. "Biểu mẫu 06a/VPCP/KSTT"
    title: str
    sheet: str                 # XLSX sheet name (at most 31 characters)
    lines: list[str]           # title block: unit, period and window
    unit_of_measure: str       # e.g. "Đơn vị tính: hồ sơ"
    columns: list[Column]
    rows: list[list[Cell]] = field(default_factory=list)
    total: list[Cell] | None = None
    notes: list[str] = field(default_factory=list)
    frame: FormFrame | None = None   # the appendix's "Kèm theo" line and signature block

    def leaves(self) -> list[Column]:
        return [leaf for column in self.columns for leaf in column.leaves()]

    def header_depth(self) -> int:
        return max(column.depth() for column in self.columns)

    def header_grid(self) -> list[HeaderCell]:
        """Every header cell with its spans; a leaf stretches down to the last header row."""
        depth = self.header_depth()
        cells: list[HeaderCell] = []

        def place(column: Column, row: int, col: int) -> int:
            width = len(column.leaves())
            rowspan = depth - row if not column.children else 1
            cells.append(HeaderCell(column.title, row, col, rowspan, width))
            child_col = col
            for child in column.children:
                child_col += place(child, row + 1, child_col)
            return width

        col = 0
        for column in self.columns:
            col += place(column, 0, col)
        return cells

    def column_numbers(self) -> list[str]:
        """The numbering row under the header: (1), (2), … as on official forms."""
        return [f"({i})" for i in range(1, len(self.leaves()) + 1)]
