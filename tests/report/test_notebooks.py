"""The notebooks are thin, clean, parameterised, and follow the outline."""

import re

import nbformat
import pytest

from cchc.report.outline import outline, parts

from conftest import REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs_and_with_a_parameters_cell(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    assert "parameters" in code[0].metadata.get("tags", [])


def test_report_notebook_is_thin_and_shows_the_outline_part_by_part():
    """The body is one cell per part of the outline (report.part(1), …), so that a unit's own
    outline (params `outline:`) shows without editing the notebook; no section id is named."""
    nb = nbformat.read(REPO / "notebooks/report.ipynb", as_version=4)
    source = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    for forbidden in ("def ", "class ", "for ", "pd.", "import pandas", "read_excel", "groupby"):
        assert forbidden not in source
    assert not re.search(r"report\.(?:heading|section)\(", source)
    shown = [int(n) for n in re.findall(r"report\.part\((\d+)\)", source)]
    assert shown == list(range(1, len(parts(outline())) + 1))
    ids = [c.get("id") for c in nb.cells]
    assert ids[:5] == ["intro", "parameters", "load", "style", "header"]
    assert ids.index("closing") == ids.index(f"part-{len(shown)}") + 1
    assert nb.metadata.kernelspec.name == "python3"


@pytest.mark.slow
def test_explore_notebook_runs_on_a_fixture(messy_root, tmp_path):
    """The analyst's explore notebook executes top to bottom with papermill on our kernel."""
    import papermill

    from cchc.render.kernel import ProjectKernelManager

    out = tmp_path / "explore.ipynb"
    papermill.execute_notebook(str(REPO / "notebooks/explore.ipynb"), str(out), progress_bar=False,
                               parameters={"unit": "xa-thu", "period": "2025-07", "root": str(messy_root)},
                               kernel_name="python3", kernel_manager_class=ProjectKernelManager)
    executed = nbformat.read(out, as_version=4)
    explain = next(c for c in executed.cells if c.get("id") == "explain")
    assert "HS002" in str(explain.outputs)  # the one dossier resolved late in the fixture
