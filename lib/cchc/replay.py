"""A published run made again: the one replay behind `cchc verify` and `cchc explain OUTPUT_DIR`.

``PublishedRun.open(output_dir, root)`` reads the run's manifest.json (cchc.render.manifest)
and finds the project root of its raw files; ``raw_changes`` compares the raw files the run
read with the root's; ``workspace`` copies a run's inputs into a fresh temporary folder, where
the caller runs it again:

- ``CURRENT``: the root's inputs as they are now (parameters, raw folder, notebooks, the
  published earlier reports a run reads, the report this run replaced): does the published
  run still follow from them (`cchc verify`)?
- ``RECORDED``: only the raw files the run read and the parameters its manifest recorded:
  the rows the run counted (`cchc explain`).
"""

from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from cchc.core.errors import CchcError
from cchc.core.hashing import sha256_file
from cchc.core.layout import FIGURES, MANIFEST, REPLACED_FIGURES, Layout, find_root, root_of_outputs
from cchc.render.manifest import Manifest
from cchc.report.previous import previous, year_before

CURRENT, RECORDED = "current", "recorded"
Inputs = Literal["current", "recorded"]
ABSENT, DIFFERS = "absent", "differs"


def outputs_root(output_dir: Path) -> Path:
    """The project root of an outputs folder, found as the notebook finds it (core.layout.find_root:
    $CCHC_ROOT, else the nearest folder holding params/ above the outputs folder, then above the
    working directory), else the folder above outputs/."""
    try:
        return find_root(None, starts=[output_dir, Path.cwd()])
    except CchcError:
        return root_of_outputs(output_dir)


@dataclass(frozen=True)
class PublishedRun:
    """A published outputs folder (``output_dir`` as given), its manifest, and the root whose
    raw files it is replayed from."""

    output_dir: Path
    root: Path
    manifest: Manifest

    @classmethod
    def open(cls, output_dir: Path, root: Path | None = None) -> PublishedRun:
        """The run published in ``output_dir``; ``root`` by default the folder's project root
        (outputs_root). OSError when it has no readable manifest.json, ValueError when the
        file is not a manifest."""
        output_dir = Path(output_dir)
        manifest = Manifest.read(output_dir / MANIFEST)
        return cls(output_dir, Path(root).resolve() if root is not None else outputs_root(output_dir), manifest)

    @property
    def unit(self) -> str:
        """The manifest's unit, else the name of the folder above the outputs folder."""
        return self.manifest.unit or self.output_dir.resolve().parent.name

    @property
    def period(self) -> str:
        """The manifest's period, else the outputs folder's name."""
        return self.manifest.period or self.output_dir.resolve().name

    @property
    def raw_files(self) -> dict[str, str]:
        """The raw files the run read: path from the root -> SHA-256."""
        return self.manifest.raw_files or {}

    def raw_found(self) -> bool:
        """Whether the root holds any of the raw files the run read (none: the wrong root, a
        copied outputs folder, say). True when the run read none."""
        return not self.raw_files or any((self.root / name).is_file() for name in self.raw_files)

    def raw_changes(self) -> dict[str, str]:
        """The raw files the run read that the root no longer has as they were: path -> ABSENT
        or DIFFERS, in path order."""
        changes = {}
        for name, digest in sorted(self.raw_files.items()):
            there = self.root / name
            if not there.is_file():
                changes[name] = ABSENT
            elif sha256_file(there) != digest:
                changes[name] = DIFFERS
        return changes

    @contextlib.contextmanager
    def workspace(self, inputs: Inputs, prefix: str = "cchc-replay-") -> Iterator[Path]:
        """A temporary project root holding the run's inputs (CURRENT or RECORDED, see the
        module), removed on leaving."""
        with tempfile.TemporaryDirectory(prefix=prefix) as temp:
            folder = Path(temp).resolve()
            if inputs == RECORDED:
                self._copy_recorded(folder)
            else:
                self._copy_current(folder)
            yield folder

    def _copy_current(self, workspace: Path) -> None:
        """params/<unit>/, data/raw/<unit>/<period>/, when the root has them notebooks/, the
        previous period's and the year before's published figures.json, and the report this
        run replaced (its review sheet compares with it)."""
        skip = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__")
        source, copy = Layout(self.root, self.unit, self.period), Layout(workspace, self.unit, self.period)
        for there, here in ((source.params_dir, copy.params_dir), (source.raw_dir, copy.raw_dir),
                            (source.notebooks_dir, copy.notebooks_dir)):
            if there.is_dir():
                shutil.copytree(there, here, ignore=skip)
        # The published earlier reports a run reads (the comparison table, the previous-period checks).
        for found in (previous(source), year_before(source)):
            if found is not None:
                target = Layout(workspace, self.unit, found.period).outputs_dir / FIGURES
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(found.path, target)
        replaced = self.output_dir.resolve() / REPLACED_FIGURES
        if replaced.is_file():
            copy.outputs_dir.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(replaced, copy.outputs_dir / FIGURES)

    def _copy_recorded(self, workspace: Path) -> None:
        """Only the raw files the run read, as it read them, and the run's parameters as its
        manifest recorded them (JSON is YAML), not today's files."""
        layout = Layout(workspace, self.unit, self.period)
        for name in self.raw_files:
            (workspace / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(self.root / name, workspace / name)
        layout.raw_dir.mkdir(parents=True, exist_ok=True)
        layout.period_params.parent.mkdir(parents=True, exist_ok=True)
        layout.period_params.write_text(json.dumps(self.manifest.parameters, ensure_ascii=False), encoding="utf-8")


__all__ = ["ABSENT", "CURRENT", "DIFFERS", "RECORDED", "PublishedRun", "outputs_root"]
