"""Figures as report text: every number is a span that names its figure and shows, on
hover, its label, definition and numerator/denominator."""

from __future__ import annotations

from markupsafe import Markup, escape

from cchc.core import fmt
from cchc.core.layout import AUDIT_HTML
from cchc.core.resources import load_yaml
from cchc.figures.registry import Figure, FigureSet, assessment_label


def _amount(value) -> str:
    return fmt.decimal(value, 2) if isinstance(value, float) and not value.is_integer() else fmt.integer(value)


class Numbers:
    def __init__(self, figures: FigureSet) -> None:
        self.figures = figures
        self.labels = load_yaml("report/labels.yaml")
        self.wording = load_yaml("report/wording.yaml")

    def _tooltip(self, figure: Figure) -> str:
        parts = [self.labels["tooltip"].format(label=figure.label, definition=figure.definition)]
        if figure.is_rate:
            parts.append(self.labels["tooltip_fraction"].format(num=fmt.integer(figure.numerator),
                                                                den=fmt.integer(figure.denominator)))
        parts.append(self.labels["tooltip_id"].format(id=figure.id))
        return "\n".join(parts)

    def link(self, figure_id: str, text: str) -> Markup:
        """The number, linked to its row in the companion document's sources of every figure
        (kiem-tra.html, beside the report); hovering shows the figure. The signed document
        carries no audit annex: the PDF and Word writers keep only the text of such a link."""
        figure = self.figures[figure_id]
        return Markup('<a class="fig" href="{}#fig-{}" data-fig="{}" title="{}">{}</a>').format(
            AUDIT_HTML, figure_id, figure_id, self._tooltip(figure), text)

    def text(self, figure: Figure) -> str:
        if figure.value is None:
            return self.labels["not_available"] if figure.is_rate else fmt.integer(None)
        if figure.is_rate:
            return fmt.percent(figure.value)
        if isinstance(figure.value, float) and not figure.value.is_integer():
            return fmt.decimal(figure.value, 2)
        return fmt.integer(figure.value)

    def n(self, figure_id: str) -> Markup:
        return self.link(figure_id, self.text(self.figures[figure_id]))

    def rate(self, figure_id: str) -> Markup:
        """'97,76% (6.553/6.703)': a percentage always with the counts it comes from (inside a
        parenthesis of the text the section view rewrites it: report/wording.py)."""
        figure = self.figures[figure_id]
        if figure.value is None:
            return self.link(figure_id, self.labels["not_available"])
        shown = self.wording["rate"]["with_counts"].format(pct=fmt.percent(figure.value), num=_amount(figure.numerator),
                            den=_amount(figure.denominator))
        return self.link(figure_id, shown)

    def count(self, figure_id: str, unit: str | None = None) -> Markup:
        """'3 văn bản', or the zero word ('không có') for a count of zero."""
        figure = self.figures[figure_id]
        if figure.value == 0 and not figure.is_rate:
            return self.link(figure_id, self.wording["zero"])
        unit = figure.unit if unit is None else unit
        return self.n(figure_id) + (Markup(" ") + unit if unit else Markup(""))

    def phrase(self, name: str) -> Markup:
        """A breakdown in one phrase (wording.yaml ``phrases``): the non-zero parts with their
        counts, the zero parts together ('kiến nghị, phản ánh 31 đơn; không có đơn khiếu nại, tố cáo')."""
        spec = self.wording["phrases"][name]
        parts = [p for p in spec["parts"] if p["figure"] in self.figures]
        counted = [Markup(spec["part"]).format(word=p["word"], n=self.n(p["figure"]), unit=spec["unit"])
                   for p in parts if self.figures[p["figure"]].value != 0]
        zeros = [p for p in parts if self.figures[p["figure"]].value == 0]
        pieces = [Markup(spec["joiner"]).join(counted)] if counted else []
        if zeros:
            words = Markup(spec["joiner"]).join(
                self.link(p["figure"], p["word"]) for p in zeros)
            pieces.append(Markup(spec["zeros"]).format(unit=spec["unit"], words=words))
        return Markup(spec["between"]).join(pieces)

    def target(self, figure_id: str) -> Markup:
        """' (chỉ tiêu 60% – Vượt chỉ tiêu)' when the figure has a target, else nothing."""
        extra = self.figures[figure_id].extra
        if "target" not in extra or extra.get("assessment") is None:
            return Markup("")
        text = self.labels["target"].format(target=fmt.percent(extra["target"], places=0 if float(
            extra["target"] * 100).is_integer() else 2), assessment=assessment_label(extra["assessment"]))
        return Markup(' <span class="target {}">({})</span>').format(extra["assessment"], escape(text))
