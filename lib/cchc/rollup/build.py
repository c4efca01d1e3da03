"""Build and publish the roll-up of a city and period under outputs/<city>/<period>/.

``build`` reads the inputs (the city's parameters, the communes' published outputs and their
previous periods') and returns every output's bytes but the manifest: the same inputs give
the same bytes. ``publish`` writes them with manifest.json into a staging folder that replaces
the outputs folder whole; ``cchc verify`` calls ``build`` again to compare (cchc.rollup.audit).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cchc.core import atomic, jsontext
from cchc.core import layout as names
from cchc.core.fmt import iso_date
from cchc.core.hashing import sha256_file
from cchc.core.layout import Layout
from cchc.figures.registry import FigureSet
from cchc.forms.xlsx import workbook_bytes
from cchc.manual.periods import previous_period
from cchc.render import blocks, docx, manifest, pdf
from cchc.report.previous import Published, previous
from cchc.rollup import document
from cchc.rollup.errors import RollupError, words
from cchc.rollup.figures import aggregate
from cchc.rollup.inputs import City, Commune, city_file, find_city, load_city, read_communes

KIND = "rollup"
OUTPUTS = (names.FIGURES, names.HTML, names.PDF, names.DOCX, names.XLSX)


@dataclass
class Built:
    city: City
    period: str
    communes: list[Commune]
    previous: dict[str, Published]
    figures: FigureSet
    files: dict[str, bytes] = field(default_factory=dict)

    @property
    def included(self) -> list[Commune]:
        return [c for c in self.communes if c.included]


def _window(communes: list[Commune]) -> dict[str, str]:
    """The span of the included communes' windows (ISO dates)."""
    data = [c.data for c in communes if c.included]
    return {"start": min(d["start"] for d in data), "cutoff": max(d["cutoff"] for d in data)}


def build(root: Path, period: str, city: str | None = None) -> Built:
    root = Path(root).resolve()
    period = str(period)
    spec = load_city(root, find_city(root, city))
    communes = read_communes(root, spec, period)
    included = [c for c in communes if c.included]
    if not included:
        raise RollupError("nothing_to_sum", period=period)
    before = {c.unit: found for c in included if (found := previous(Layout(root, c.unit, period))) is not None}
    figures = aggregate(communes, before)
    built = Built(spec, period, communes, before, figures)
    window = _window(communes)
    shown = {key: iso_date(value) for key, value in window.items()}
    data: dict[str, Any] = {
        "kind": KIND, "unit": spec.id, "period": period, **window,
        "city": {"name": spec.name, "communes": list(spec.communes)},
        "communes": {c.unit: {"name": c.name, "status": c.status, "detail": c.detail, "file": c.file,
                              "sha256": c.sha256} for c in communes},
        "figures": {figure.id: figure.to_json() for figure in figures}, "lists": {}}
    built.files[names.FIGURES] = jsontext.dumps(data).encode("utf-8")
    page = document.html(figures, communes, spec, period, shown, previous_period(period))
    built.files[names.HTML] = page.encode("utf-8")
    text = words()["document"]
    title = " ".join([text["title"].capitalize(), text["subject"].format(period=period), "—", spec.name])
    tree = blocks.parse(page)  # once for both writers, as a commune's export does
    built.files[names.PDF] = pdf.pdf(tree, title)
    built.files[names.DOCX] = docx.docx(tree, title)
    built.files[names.XLSX] = workbook_bytes(document.forms(figures, communes, spec, period, shown))
    return built


def inputs(root: Path, built: Built) -> dict[str, Any]:
    """What the roll-up read, by path and SHA-256 (the manifest's inputs)."""
    layout = Layout(root, built.city.id, built.period)
    path = city_file(root, built.city.id)
    return {
        "parameter_files": {layout.shown(path): sha256_file(path)},
        "communes": {c.unit: {"status": c.status, "file": c.file, "sha256": c.sha256} for c in built.communes},
        "figure_files": {c.file: c.sha256 for c in built.included},
        "previous_files": {p.shown: p.sha256 for p in built.previous.values()},
    }


def publish(root: Path, period: str, city: str | None = None) -> tuple[Path, Built]:
    """Write the roll-up; return its outputs folder and what was built."""
    started = manifest.now()
    root = Path(root).resolve()
    built = build(root, period, city)
    layout = Layout(root, built.city.id, built.period)
    with atomic.write_errors(layout.outputs_dir.parent, layout.shown), atomic.staged_dir(layout.outputs_dir) as staging:
        for name in OUTPUTS:
            (staging / name).write_bytes(built.files[name])
        outputs = {name: sha256_file(staging / name) for name in OUTPUTS}
        manifest.Manifest(kind=KIND, unit=built.city.id, period=built.period, **inputs(root, built),
                          code=manifest.code_version(), versions=manifest.versions(), command=manifest.command(),
                          outputs=outputs, started=started, finished=manifest.now()).write(staging)
    return layout.outputs_dir, built


def summary(built: Built, folder: str) -> str:
    """The command's last line: communes summed of the city's, figures, where."""
    return words()["done"].format(included=len(built.included), total=len(built.communes),
                                  figures=len(built.figures), folder=folder)
