"""The report as the notebook shows it: each call returns an HTML fragment that displays in
Jupyter and is exported by nbconvert. No number is computed here: all come from figures."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup, escape

from cchc.checks import load as load_checks
from cchc.config.letter import Document, build_document
from cchc.config.params import Params, load_params
from cchc.core import fmt
from cchc.core.errors import CchcError
from cchc.core.layout import RECONCILIATION_JSON, Layout, find_root
from cchc.core.resources import DATA_DIR, load_yaml
from cchc.figures.groups import group_key
from cchc.figures.registry import FigureSet, load_figures
from cchc.forms.html import render_form
from cchc.forms.indicators import indicator_forms
from cchc.forms.tthc import groups, tthc_forms
from cchc.report import notebook, wording
from cchc.report.charts import chart_figure
from cchc.report.comparison import render as render_comparison
from cchc.report.numbers import Numbers
from cchc.report.outline import outline, parts
from cchc.report.prose import ProseText, read_prose, render_prose, section_prose
from cchc.report.style import stylesheet

if TYPE_CHECKING:
    from cchc.compute import Computed


class Html(str):
    """An HTML fragment that Jupyter displays as HTML."""

    def _repr_html_(self) -> str:
        return str(self)


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(DATA_DIR / "report"), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def _section_template(section_id: str) -> jinja2.Template:
    """The section's own template, else the generic one."""
    environment = _environment()
    try:
        return environment.get_template(f"sections/{section_id}.html.j2")
    except jinja2.TemplateNotFound:
        return environment.get_template("sections/_generic.html.j2")


class Report:
    # Failed checks the notebook run by hand went on despite (allow_failed_checks): its banner.
    # Under `cchc run` none: the run passes its banner to the exporters itself.
    allowed_failures: tuple[str, ...] = ()

    def __init__(self, params: Params, figures: FigureSet, root: Path = Path("."),
                 checks: list[dict[str, Any]] | None = None) -> None:
        self.root = root
        self.layout = Layout(root, params.unit, params.period)
        self.params = params
        self.figures = figures
        self.checks = checks  # reconciliation.json's "checks"; None when the run left none
        self.document: Document = build_document(params)
        self.numbers = Numbers(figures)
        self.headings = outline(params.outline, self.document.council)  # the unit's own outline, else the city's
        self.shown_parts: set[str] = set()
        self.labels = load_yaml("report/labels.yaml")
        self._chart_numbers: dict[str, int] = {}
        # The prose files read during one call (part, section), and what is derived from them and
        # from the figures' lists there (the documents the prose cites, the lists as shown): read
        # again by the next call, so that an analyst's edit shows when the cell runs again.
        self._prose_files: dict[str, ProseText | None] = {}
        self._derived: dict[tuple[str, str], Any] = {}

    @classmethod
    def load(cls, root: str | Path | None = None, unit: str = "", period: str | int = "",
             figures_file: str | Path | None = None, allow_failed_checks: bool = False,
             output_dir: str | Path | None = None, overrides: dict[str, Any] | None = None) -> Report:
        """The report of a unit and period: what a run computed (``figures_file``, a run's
        figures.json, with the reconciliation.json beside it) or, when None, computed now from
        the raw data (ingesting if needed), as an analyst running the notebook by hand does;
        then the reconciliation files go to ``output_dir`` and a failed check stops the notebook
        unless ``allow_failed_checks`` (cchc.report.notebook). ``root``: found as
        cchc.core.layout.find_root does from the working directories; ``overrides``: period
        parameters over the files'."""
        starts = notebook.working_dirs()
        root = find_root(root, starts)
        if not figures_file:
            # the computing layers (pandas) load only for a notebook run by hand: the kernel of a
            # run reads figures.json
            from cchc.compute import compute  # noqa: PLC0415

            layout = Layout(root, unit, period)
            computed = compute(layout, load_params(root, unit, period, overrides))
            notebook.enforce_policy(computed, output_dir and starts[0] / output_dir, allow_failed_checks)
            report = cls.from_computed(computed)
            report.allowed_failures = tuple(check.id for check in computed.failed_checks)
            return report
        params = load_params(root, unit, period, overrides)
        figures_path = starts[0] / figures_file
        if not figures_path.is_file():
            raise CchcError("figures_file_missing", file=figures_path.name, folder=figures_path.parent)
        beside = figures_path.parent / RECONCILIATION_JSON
        return cls(params, load_figures(figures_path), root, load_checks(beside) if beside.is_file() else None)

    @classmethod
    def from_notebook(cls, namespace: dict[str, Any]) -> Report:
        """The report the notebook's parameters ask for (``globals()`` of its kernel); a name
        the parameters cell does not declare is refused."""
        values = notebook.parameters(namespace)
        return cls.load(values["root"], values["unit"], values["period"], values["figures_file"],
                        bool(values["allow_failed_checks"]), values["output_dir"], notebook.overrides(values))

    @classmethod
    def from_computed(cls, computed: Computed) -> Report:
        return cls(computed.params, computed.figures, computed.layout.root,
                   [check.to_json() for check in computed.checks])

    # -- pieces the notebook displays, in order --
    def banner(self) -> Html:
        """The line every page carries when the notebook ran despite failed checks, as the
        page of `cchc run --allow-failed-checks` does; nothing otherwise."""
        text = notebook.banner_text(list(self.allowed_failures))
        return Html(f"<div class='failed-checks-banner' role='alert'>{escape(text)}</div>" if text else "")

    def style(self) -> Html:
        return Html(f"<style>{stylesheet()}</style>")

    def header(self) -> Html:
        frame = _environment().get_template("frame.html.j2").module
        return Html(wording.dates(str(frame.header(self.document))))  # basis lines typed in the parameters

    def heading(self, section_id: str) -> Html:
        return Html(self._heading(section_id))

    def part(self, number: int) -> Html:
        """Part ``number`` of the outline (1 = I, …) with its sections; empty past the last part
        (the notebook has a cell per part of the longest outline; closing() refuses a report
        that left a part out)."""
        found = parts(self.headings)
        if number > len(found):
            return Html("")
        part = found[number - 1]
        self.shown_parts.add(part.id)
        self._fresh()
        if not part.children:
            return self._section(part.id)
        return Html(str(self._heading(part.id)) + "".join(self._section(child) for child in part.children))

    def section(self, section_id: str) -> Html:
        """A level-2 section (or a part without subsections) with its subsections."""
        self._fresh()
        return self._section(section_id)

    def _fresh(self) -> None:
        """A call of the notebook's begins: prose files are read again."""
        self._prose_files.clear()
        self._derived.clear()

    def _section(self, section_id: str) -> Html:
        body = _section_template(section_id).render(
            h=self._heading, n=self.numbers.n, rate=self.numbers.rate, target=self.numbers.target,
            phrase=self.numbers.phrase, count=self.numbers.count,
            form=self._form, chart=self._chart, prose=self._prose, own_prose=self._own_prose,
            prose_or_note=self._prose_or_note, section_id=section_id, has=self.figures.__contains__,
            as_of=self._as_of, cite=self._cite, listed=self._listed, window=self._window_dates(),
            facts=self._facts, prose_or_facts=self._prose_or_facts, comparison=self.comparison,
            council=self.document.council,
            children=self.headings[section_id].children, **self._context(section_id))
        body = wording.one_level_of_parentheses(body)
        attached = self._form_attached(section_id)
        return Html(f"<section id='sec-{escape(section_id)}'>{self._heading(section_id)}{body}{attached}</section>")

    def comparison(self) -> Markup:
        """The key figures beside the published previous period's (and the year before's), with
        the change (cchc.report.comparison); nothing when no earlier report was published."""
        return render_comparison(self.figures, self.layout, self.numbers)

    def _form_attached(self, section_id: str) -> Markup:
        """'(Có Phụ lục III, biểu mẫu N gửi kèm theo)' after a section whose outline entry names a form."""
        form = self.headings[section_id].form
        if form is None:
            return Markup("")
        return Markup("<p class='forms-sent'><em>{}</em></p>").format(self.document.form_attached.format(form=form))

    def closing(self) -> Html:
        left_out = [p for p in parts(self.headings) if self.shown_parts and p.id not in self.shown_parts]
        if left_out:
            raise CchcError("notebook_part_left_out", parts=", ".join(f"{p.number} {p.title}" for p in left_out))
        frame = _environment().get_template("frame.html.j2").module
        return Html(wording.dates(str(frame.closing(self.document, self.document.closing))))

    def appendix(self) -> Html:
        """Appendix forms (biểu mẫu) 1–7 after the signature, from a new page."""
        forms = indicator_forms(self.figures, self.document)
        body = "".join(render_form(form, form.title.capitalize(), self.numbers.link) for form in forms)
        return Html(f"<section class='appendix'><h2 class='appendix-title'>{escape(self.labels['appendix'])}</h2>"
                    f"{body}</section>")

    # -- helpers --
    def forms(self):
        """Every appendix form: 06a by field and by agency, then biểu mẫu 1–7 (phu-luc.xlsx)."""
        return tthc_forms(self.figures, self.document) + indicator_forms(self.figures, self.document)

    def _heading(self, section_id: str) -> Markup:
        h = self.headings[section_id]
        tag = f"h{h.level + 1}"
        return Markup(f"<{tag} class='level-{h.level}'><span class='num'>{h.number}</span> "
                      f"{escape(h.title)}</{tag}>")

    def _prose(self, section_id: str) -> Markup:
        """The analyst's text for a section, or a neutral sentence built from its figures."""
        return section_prose(self._load_prose(section_id), section_id, self.figures, self.numbers)

    def _window_dates(self) -> dict[str, str]:
        return {"start": fmt.date(self.params.window.start), "cutoff": fmt.date(self.params.window.cutoff)}

    def _listed(self, name: str) -> list[dict]:
        """A list computed with the figures (figures.json "lists"), dates as dd/mm/yyyy."""
        key = ("listed", name)
        if key not in self._derived:
            self._derived[key] = self._list_rows(name)
        return self._derived[key]

    def _list_rows(self, name: str) -> list[dict]:
        rows = []
        for item in self.figures.lists.get(name, []):
            row = dict(item)
            if row.get("date"):
                row["date"] = fmt.iso_date(row["date"])
            if row.get("title"):
                row["title"] = wording.typed(row["title"][:1].lower() + row["title"][1:])
            rows.append(row)
        return rows

    def _facts(self, section_id: str) -> Markup:
        """'label: value unit' for each figure data/report/facts.yaml lists for the section."""
        present = [f for f in load_yaml("report/facts.yaml").get(section_id, []) if f in self.figures]
        if not present:
            return Markup("")
        items = []
        for figure_id in present:
            figure = self.figures[figure_id]
            if figure.is_rate:
                items.append(Markup("<li>{}: {}{}.</li>").format(figure.label, self.numbers.rate(figure_id),
                                                                 self.numbers.target(figure_id)))
            else:
                items.append(Markup("<li>{}: {}.</li>").format(figure.label, self.numbers.count(figure_id)))
        return Markup("<ul class='dash facts'>{}</ul>").format(Markup("").join(items))

    def _cite(self, section_id: str) -> Markup:
        """The unit's own documents a section cites (outgoing register; data/report/citations.yaml),
        each named once in the report (report/wording.py citations_to_list); the lead-in is left
        out when the section's prose already says it."""
        key = ("cited", "")
        if key not in self._derived:  # the documents the report's prose cites
            self._derived[key] = wording.cited_in(list(self.headings), self._typed_prose)
        rows = wording.citations_to_list(section_id, list(self.headings),
                                         lambda s: self._listed(f"citations.{s}"), cited=self._derived[key])
        if not rows:
            return Markup("")
        items = Markup("").join(Markup("<li>{} số {} ngày {} {};</li>").format(
            r["type"], r["number"], r["date"], r["title"]) for r in rows)
        items = Markup("<ul class='dash'>{}</ul>").format(items)
        intro = self.labels["citations_intro"]
        if intro in self._typed_prose(section_id):
            return items
        return Markup("<p>{}</p>").format(intro) + items

    def _load_prose(self, section_id: str) -> ProseText | None:
        if section_id not in self._prose_files:
            self._prose_files[section_id] = read_prose(self.layout, section_id)
        return self._prose_files[section_id]

    def _typed_prose(self, section_id: str) -> str:
        """The section's prose file as typed ('' without one)."""
        prose = self._load_prose(section_id)
        return "" if prose is None else prose.text

    def _as_of(self, figure_id: str) -> str:
        """The date a figure's data stop at ('04/12/2025'), or the window's cut-off."""
        as_of = self.figures[figure_id].extra.get("as_of")
        return fmt.iso_date(as_of) if as_of else fmt.date(self.params.window.cutoff)

    def _prose_or_facts(self, section_id: str) -> Markup:
        """The analyst's prose when the section has a file; otherwise the neutral sentence and
        the section's figures as a list (data/report/facts.yaml); a note when both are empty."""
        prose = self._load_prose(section_id)
        if prose is not None and prose.text.strip():
            rendered = render_prose(prose, self.figures, self.numbers)
            if str(rendered).strip():
                return rendered
        return self._prose_or_note(section_id) + self._facts(section_id)

    def _prose_or_note(self, section_id: str) -> Markup:
        """The prose (or neutral text); a note only when the section would otherwise be empty."""
        text = self._prose(section_id)
        if (str(text).strip() or self.headings[section_id].children or str(self._facts(section_id))
                or str(self._cite(section_id))):
            return text
        return Markup("<p class='no-prose'>{}</p>").format(self.labels["no_prose"])

    def _own_prose(self, section_id: str) -> Markup:
        """The analyst's text only (for sections whose figures already make the neutral text)."""
        prose = self._load_prose(section_id)
        return Markup("") if prose is None else render_prose(prose, self.figures, self.numbers)

    def _form(self, form_id: str) -> Markup:
        form = next(f for f in self.forms() if f.id == form_id)
        return render_form(form, self.labels["tables"][form_id], self.numbers.link, framed=False)

    def _chart(self, name: str) -> Markup:
        """A chart numbered in document order (a chart shown again keeps its number)."""
        number = self._chart_numbers.setdefault(name, len(self._chart_numbers) + 1)
        return chart_figure(name, self.figures, self.params.window, number)

    def _context(self, section_id: str) -> dict:
        if section_id != "tthc":
            return {}
        return {"vertical": self.vertical_agencies()}

    def vertical_agencies(self) -> list[dict[str, str]]:
        """Agencies reported as vertical (ngành dọc): the parameter `vertical_agencies`, else
        every agency but the one with the most dossiers to handle (the unit's own). A name of the
        parameter is an agency's name normalised, case aside (cchc.figures.groups.group_key)."""
        agencies = groups(self.figures, "by_agency")
        named = self.params.vertical_agencies
        if named is not None:
            wanted = {group_key(name) for name in named}
            chosen = [(s, n) for s, n in agencies if group_key(n) in wanted]
        else:
            size = {s: self._agency_size(s) for s, _ in agencies}
            own = max(size, key=lambda s: (size[s], s)) if size else None
            chosen = [(s, n) for s, n in agencies if s != own]
        return [{"name": name, "prefix": f"tthc.by_agency.{s}."} for s, name in chosen]

    def _agency_size(self, group: str) -> int:
        """An agency's dossiers to handle (received, when the end dates are absent)."""
        for name in ("to_handle", "received.total"):
            if f"tthc.by_agency.{group}.{name}" in self.figures:
                return self.figures[f"tthc.by_agency.{group}.{name}"].value
        return 0
