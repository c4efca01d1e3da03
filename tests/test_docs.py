"""The figure list in docs/ is generated from the registry's data, and is up to date."""

from cchc.docs_figures import render

from conftest import REPO


def test_docs_figures_is_generated_and_current():
    text = (REPO / "docs/figures.md").read_text(encoding="utf-8")
    assert text == render(), "run: .venv/bin/python -m cchc.docs_figures"
    assert "`tthc.received.total`" in text and "Tổng số hồ sơ tiếp nhận" in text
