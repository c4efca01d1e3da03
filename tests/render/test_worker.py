"""The export worker: a `python -m cchc.render.worker` process; errors come back with their
type, a dead worker means the export runs in the caller, and a caller's script without a
main guard is not re-executed."""

import subprocess
import sys
import textwrap

import docx as python_docx
import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from cchc.render.worker import ExportWorker

from programs import pdftotext


def _notebook(path):
    cell = new_code_cell("", outputs=[new_output("display_data", data={"text/html": "<p>Hồ sơ đúng hạn</p>",
                                                                       "text/plain": ""})])
    nbformat.write(new_notebook(cells=[cell]), path)
    return path


@pytest.mark.slow
def test_export_in_the_worker_and_its_errors_come_back_typed(tmp_path):
    worker = ExportWorker()
    try:
        seconds = worker.export(_notebook(tmp_path / "a.ipynb"), "t", "", tmp_path / "a.html",
                                tmp_path / "a.pdf", tmp_path / "a.docx").result()
        assert set(seconds) == {"html", "pdf", "docx"}
        assert "Hồ sơ đúng hạn" in pdftotext(tmp_path / "a.pdf")
        assert "Hồ sơ đúng hạn" in "\n".join(p.text for p in python_docx.Document(tmp_path / "a.docx").paragraphs)
        assert "Hồ sơ đúng hạn" in (tmp_path / "a.html").read_text(encoding="utf-8")
        reply = worker.export(tmp_path / "missing.ipynb", "t", "", tmp_path / "b.html", tmp_path / "b.pdf",
                              tmp_path / "b.docx")
        with pytest.raises(FileNotFoundError) as raised:
            reply.result()
        assert any("export worker" in note for note in raised.value.__notes__)
    finally:
        worker.close()


def test_a_dead_worker_means_the_export_runs_here(tmp_path):
    worker = ExportWorker()
    worker._process.kill()
    worker._process.wait()
    try:
        worker.export(_notebook(tmp_path / "a.ipynb"), "t", "", tmp_path / "a.html", tmp_path / "a.pdf",
                      tmp_path / "a.docx").result()
        assert "Hồ sơ đúng hạn" in pdftotext(tmp_path / "a.pdf")
    finally:
        worker.close()


@pytest.mark.slow
def test_a_script_without_main_guard_is_not_run_again_by_the_worker(tmp_path):
    marker = tmp_path / "ran.txt"
    script = tmp_path / "scheduler.py"
    script.write_text(textwrap.dedent(f"""
        from pathlib import Path
        from cchc.render.worker import ExportWorker
        with open({str(marker)!r}, "a") as f:
            f.write("x")
        worker = ExportWorker()
        worker.export(Path({str(tmp_path / 'missing.ipynb')!r}), "t", "", Path("x.html"), Path("x.pdf"), Path("x.docx"))
        worker.close()
    """), encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert marker.read_text() == "x"  # the script ran once: the worker did not import it
