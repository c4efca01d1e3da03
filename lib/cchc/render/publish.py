"""A run's documents: the executed notebook (the run log), report.html, report.pdf and the
Excel appendix phu-luc.xlsx, all written into the run's staging directory."""

from __future__ import annotations

from pathlib import Path

from cchc.figures.registry import FigureSet
from cchc.config.params import Params

NOTEBOOK = "report.ipynb"
SOURCE_TREE_NOTEBOOKS = Path(__file__).resolve().parents[3] / "notebooks"


def find_notebook(root: Path) -> Path:
    """notebooks/report.ipynb of the root when it has one (an analyst's copy), else the
    project's own."""
    for candidate in (root / "notebooks" / NOTEBOOK, SOURCE_TREE_NOTEBOOKS / NOTEBOOK):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(SOURCE_TREE_NOTEBOOKS / NOTEBOOK)


def render_documents(root: Path, params: Params, figures: FigureSet, staging: Path, kernel=None,
                     worker=None, banner: list[str] | None = None, clock=None,
                     cell_timeout: int | None = None) -> None:
    """Execute the notebook (on ``kernel`` when given, stopped as soon as it is done), then
    export it (in ``worker``, an ExportWorker, when given) while this process writes the Excel
    appendix, which needs no notebook. ``clock``: a cchc.core.timing.Stopwatch told each phase."""
    from cchc.config.letter import build_document
    from cchc.render.execute import execute
    from cchc.render.kernel import stop_kernel
    from cchc.report import stylesheet
    from cchc.core.timing import Stopwatch

    clock = clock or Stopwatch()
    notebook = find_notebook(root)
    document = build_document(params)
    executed = staging / NOTEBOOK
    try:
        with clock.phase("notebook"):
            execute(notebook, executed, {"unit": params.unit, "period": params.period, "root": str(root),
                                         "figures_file": str(staging / "figures.json")},
                    cwd=notebook.parent, kernel=kernel, cell_timeout=cell_timeout)
    finally:
        stop_kernel(kernel)
    title = " ".join([document.title.capitalize(), *document.subject, "—", params.unit_name])
    arguments = (executed, title, stylesheet(), staging / "report.html", staging / "report.pdf", banner)
    if worker is not None:
        exported = worker.export(*arguments)
        with clock.phase("xlsx"):
            write_appendix(figures, document, staging / "phu-luc.xlsx")
        seconds = exported.result()
    else:
        from cchc.render.export import export

        seconds = export(*arguments)
        with clock.phase("xlsx"):
            write_appendix(figures, document, staging / "phu-luc.xlsx")
    for name, value in seconds.items():
        clock.add(name, value)


def write_appendix(figures: FigureSet, document, xlsx: Path) -> None:
    from cchc.forms.indicators import indicator_forms
    from cchc.forms.tthc import tthc_forms
    from cchc.forms.xlsx import write_workbook

    write_workbook(tthc_forms(figures, document) + indicator_forms(figures, document), xlsx)
