"""A form as an HTML table: multi-level header, numbering row, rows, total row."""

from __future__ import annotations

from collections.abc import Callable

from markupsafe import Markup, escape

from cchc.core import fmt
from cchc.forms.model import Cell, Form, FormFrame

NO_BREAK_SPACE = "\u00a0"  # the empty line facing the date line, so both titles align


def cell_text(cell: Cell) -> str:
    if cell.value is None:
        return ""
    if cell.kind == "rate":
        return fmt.percent(cell.value)
    if cell.kind in ("count", "index"):
        return fmt.integer(cell.value)
    if cell.kind == "decimal":
        return fmt.decimal(cell.value, 2 if not float(cell.value).is_integer() else 0)
    return str(cell.value)


def render_form(form: Form, caption: str, figure_link: Callable[[str, str], Markup], framed: bool = True) -> Markup:
    """``figure_link(figure_id, text)`` wraps a number so it shows its figure's provenance.
    ``framed``: with the form's "Kèm theo" line and signature block (an appendix form; a form
    shown as a table in the body has neither)."""
    depth = form.header_depth()
    rows: list[list[str]] = [[] for _ in range(depth)]
    for h in form.header_grid():
        span = ((f' rowspan="{h.rowspan}"' if h.rowspan > 1 else "")
                + (f' colspan="{h.colspan}"' if h.colspan > 1 else ""))
        rows[h.row].append(f"<th{span}>{escape(h.title)}</th>")
    head = "".join(f"<tr>{''.join(r)}</tr>" for r in rows)
    head += "<tr class='colnum'>" + "".join(f"<th>{n}</th>" for n in form.column_numbers()) + "</tr>"

    def tr(cells: list[Cell], css: str = "") -> str:
        out = []
        for cell in cells:
            text = cell_text(cell)
            shown = figure_link(cell.figure, text) if cell.figure else escape(text)
            out.append(f"<td class='{cell.kind}'>{shown}</td>")
        return f"<tr{css}>{''.join(out)}</tr>"

    body = "".join(tr(row) for row in form.rows)
    if form.total:
        body += tr(form.total, " class='total'")
    widths = [leaf.width or 10 for leaf in form.leaves()]
    cols = "".join(f"<col style='width:{100 * w / sum(widths):.1f}%'>" for w in widths)
    lines = "".join(f"<div>{escape(line)}</div>" for line in form.lines)
    frame = form.frame if framed else None
    attached = f"<div class='form-attached'>{escape(frame.attached)}</div>" if frame else ""
    return Markup(
        f"<div class='form' id='form-{escape(form.id)}'>"
        f"<div class='form-code'>{escape(form.code)}</div>"
        f"<div class='form-title'>{escape(form.title)}</div>{attached}<div class='form-lines'>{lines}</div>"
        f"<div class='form-unit'>{escape(form.unit_of_measure)}</div>"
        f"<table class='form-table'><caption>{escape(caption)}</caption><colgroup>{cols}</colgroup>"
        f"<thead>{head}</thead><tbody>{body}</tbody></table>{signature(frame)}</div>")


def signature(frame: FormFrame | None) -> str:
    """The signature block under a form: the compiler on the left, the head of the unit on the
    right under the date line, each with its "(Ký, ghi rõ họ tên)" line and room to sign."""
    if frame is None:
        return ""

    def side(date_line: str, title: str, note: str) -> str:
        return (f"<td class='form-signer'><div class='place-date'>{escape(date_line)}</div>"
                f"<div class='sign-title'>{escape(title)}</div><div class='sign-note'>{escape(note)}</div>"
                f"<div class='signature-space'></div></td>")

    return (f"<table class='form-signature'><tr>{side(NO_BREAK_SPACE, *frame.left)}"
            f"{side(frame.date_line, *frame.right)}</tr></table>")
