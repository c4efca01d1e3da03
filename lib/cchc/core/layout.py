"""Every place of a project root, and every output file name: nothing else builds a path.

A root holds ``params/`` and ``data/raw/`` (the inputs) and receives ``data/processed/`` and
``outputs/``. ``Layout(root, unit, period)`` names the folders and files of one unit and period.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from cchc.core.errors import CchcError

# Output file names of a run (outputs/<unit>/<period>/).
FIGURES = "figures.json"
MANIFEST = "manifest.json"
NOTEBOOK = "report.ipynb"
HTML = "report.html"
PDF = "report.pdf"
DOCX = "report.docx"
XLSX = "phu-luc.xlsx"
RECONCILIATION_JSON = "reconciliation.json"
RECONCILIATION_HTML = "reconciliation.html"
INGEST_REPORT_JSON = "ingest-report.json"
INGEST_REPORT_MD = "ingest-report.md"
# A city's parameters (params/<city>/city.yaml: name, communes), read by the roll-up; such a
# folder is not a unit. The summary of a batch of a period: outputs/batch-<period>.json / .md.
CITY_PARAMS = "city.yaml"
BATCH_SUMMARY = "batch-{period}.{extension}"
# The companion document for the signer and the auditor (review sheet, checks, sources); not sent.
AUDIT_HTML = "kiem-tra.html"
AUDIT_PDF = "kiem-tra.pdf"
# The figures.json a run replaced, kept beside the new one when any figure changed (the review
# sheet lists the changes; `cchc verify` puts it back in place to re-run the same review).
REPLACED_FIGURES = "figures.replaced.json"

# The report notebook shipped inside the package (package data), used unless the root has
# its own copy in notebooks/.
PACKAGE_DIR = Path(__file__).resolve().parents[1]
PACKAGE_NOTEBOOKS = PACKAGE_DIR / "notebooks"


@dataclass(frozen=True)
class Layout:
    root: Path
    unit: str = ""
    period: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "root", Path(self.root).resolve())
        object.__setattr__(self, "period", str(self.period))

    def at(self, period: str) -> Layout:
        """The same unit in another period (the previous period's outputs, say)."""
        return replace(self, period=str(period))

    # -- inputs ---------------------------------------------------------------------------
    @property
    def params_dir(self) -> Path:
        return self.root / "params" / self.unit

    @property
    def unit_params(self) -> Path:
        return self.params_dir / "unit.yaml"

    @property
    def period_params(self) -> Path:
        return self.params_dir / f"{self.period}.yaml"

    @property
    def prose_dir(self) -> Path:
        return self.params_dir / "prose" / self.period

    def prose_file(self, section: str) -> Path:
        return self.prose_dir / f"{section}.md"

    @property
    def raw_dir(self) -> Path:
        return self.root / "data" / "raw" / self.unit / self.period

    # -- written by ingest ----------------------------------------------------------------
    @property
    def processed_dir(self) -> Path:
        return self.root / "data" / "processed" / self.unit / self.period

    @property
    def lock_file(self) -> Path:
        """Held (flock) by a run or an ingest of this unit and period while it writes the
        processed data and the outputs; another waits for it or stops (--no-wait). Apart from
        both, so that a run that fails creates neither folder."""
        return self.root / "data" / "processed" / ".locks" / f"{self.unit}.{self.period}.lock"

    @property
    def cache_dir(self) -> Path:
        """Parsed files by content hash, shared by every unit and period of the root."""
        return self.root / "data" / "processed" / ".cache"

    # -- written by a run -----------------------------------------------------------------
    @property
    def outputs_dir(self) -> Path:
        return self.root / "outputs" / self.unit / self.period

    @property
    def failed_dir(self) -> Path:
        """What a failed run leaves for inspection (the notebook as far as it ran, the checks)."""
        return self.outputs_dir.parent / f"{self.period}.failed"

    @property
    def notebook_outputs_dir(self) -> Path:
        """What the report notebook run by hand writes (the reconciliation files), apart from
        the published outputs, which only `cchc run` writes."""
        return self.outputs_dir.parent / f"{self.period}.notebook"

    def batch_summary(self, extension: str) -> Path:
        """The summary of a batch of this layout's period (cchc batch), ``json`` or ``md``."""
        return self.root / "outputs" / BATCH_SUMMARY.format(period=self.period, extension=extension)

    @property
    def notebooks_dir(self) -> Path:
        """An analyst's own copy of the notebooks, when the root has one."""
        return self.root / "notebooks"

    def notebook(self) -> Path:
        """notebooks/report.ipynb of the root when it has one, else the package's."""
        own = self.notebooks_dir / NOTEBOOK
        return own if own.is_file() else PACKAGE_NOTEBOOKS / NOTEBOOK

    # -- showing paths --------------------------------------------------------------------
    def shown(self, path: Path) -> str:
        """A path as the user reads it: relative to the root when inside it, posix."""
        path = Path(path)
        for candidate in (Path.cwd() / path, path.resolve()):  # as given first: a link stays a link
            if candidate.is_relative_to(self.root):
                return candidate.relative_to(self.root).as_posix()
        return path.as_posix()


# The environment variable naming the project root for the notebook run by hand (papermill,
# Jupyter), when no ``root`` parameter is given.
ROOT_ENV = "CCHC_ROOT"


def find_root(root: str | Path | None = None, starts: Iterable[str | Path] = ()) -> Path:
    """The project root, as git finds its repository: ``root`` when given (relative to the first
    of ``starts``), else $CCHC_ROOT, else the nearest folder holding ``params/`` walking up from
    each of ``starts`` in turn. None found: an error naming every absolute folder searched."""
    starts = [Path(start).resolve() for start in starts if start and Path(start).is_dir()]
    base = starts[0] if starts else Path.cwd()
    for given in (root, os.environ.get(ROOT_ENV)):
        if given not in (None, ""):
            return (base / Path(given).expanduser()).resolve()
    for start in starts:
        for folder in (start, *start.parents):
            if (folder / "params").is_dir():
                return folder
    raise CchcError("root_not_found", folders=", ".join(dict.fromkeys(map(str, starts))), env=ROOT_ENV)


def root_of_outputs(output_dir: Path) -> Path:
    """The root that holds outputs/<unit>/<period>/ (the folder above outputs/)."""
    parents = Path(output_dir).resolve().parents
    return parents[2] if len(parents) > 2 else parents[-1]
