"""The demo commune's prose (params/nguyen-luong-bang/prose/2025/*.md, written from the reference
report): every file belongs to a section of the outline, types no number by hand and names only
figures listed in docs/figures.md. The checks are the renderer's own (cchc.report.prose)."""

import re

import pytest

from cchc.figures.registry import FigureSet, count, rate
from cchc.report.numbers import Numbers
from cchc.report.outline import outline
from cchc.report.prose import (
    COMMENT,
    FUNCTIONS,
    INNER,
    PLACEHOLDER,
    ProseText,
    hand_typed_numbers,
    load_prose,
    render_prose,
)

from conftest import REPO

UNIT, PERIOD = "nguyen-luong-bang", "2025"
PROSE_DIR = REPO / "params" / UNIT / "prose" / PERIOD
FILES = sorted(PROSE_DIR.glob("*.md"))

# a row of a figure table in docs/figures.md: | `id` | nhãn | đơn vị | định nghĩa |
FIGURE_ROW = re.compile(r"^\|\s*`([^`]+)`\s*\|[^|\n]*\|([^|\n]*)\|", re.M)


def documented_figures() -> dict[str, str]:
    """Figure id -> unit, from the tables of docs/figures.md."""
    text = (REPO / "docs" / "figures.md").read_text(encoding="utf-8")
    return {match.group(1): match.group(2).strip() for match in FIGURE_ROW.finditer(text)}


def without_comments(text: str) -> str:
    """The text as the renderer reads it: comments dropped, their line breaks kept."""
    return COMMENT.sub(lambda m: "\n" * m.group().count("\n"), text.replace("\x00", ""))


def masked(text: str) -> str:
    """``text`` with its placeholders blanked, as hand_typed_numbers expects."""
    return PLACEHOLDER.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)


def prose_text(path) -> str:
    prose = load_prose(REPO, UNIT, PERIOD, path.stem)
    assert prose is not None, path
    return prose.text


# The one section without subsections whose text the template writes from the figures alone
# (data/report/sections/tthc.html.j2: the rates of digitisation as a list).
FIGURES_ONLY = {"tthc.digitization"}


def test_the_demo_commune_has_prose_for_every_section_without_subsections():
    sections = outline()
    leaves = {sid for sid, heading in sections.items() if not heading.children}
    assert leaves - {path.stem for path in FILES} == FIGURES_ONLY, f"thiếu tệp lời văn trong {PROSE_DIR}"


def test_docs_figures_lists_figures():
    figures = documented_figures()
    assert "tthc.received.total" in figures and figures["tthc.rate.on_time"] == "%"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_file_is_an_outline_section(path):
    assert path.stem in outline(), f"{path.name}: không phải mã mục trong outline.yaml"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_no_hand_typed_number(path):
    text = without_comments(prose_text(path))
    assert "<!--" not in text, f"{path.name}: ghi chú không đóng"
    found = hand_typed_numbers(masked(text))
    lines = [(text.count("\n", 0, offset) + 1, number) for offset, number in found]
    assert not lines, f"{path.name}: số gõ tay (dòng, số): {lines}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_placeholders_name_documented_figures(path):
    figures = documented_figures()
    text = without_comments(prose_text(path))
    for match in PLACEHOLDER.finditer(text):
        inner = INNER.fullmatch(match.group(1))
        assert inner is not None, f"{path.name}: chỗ điền số sai cú pháp {match.group()}"
        function, figure = inner.group(1) or "", inner.group(2)
        assert function in FUNCTIONS, f"{path.name}: {match.group()}"
        assert figure in figures, f"{path.name}: {match.group()} không có trong docs/figures.md"
        if function:
            assert figures[figure] == "%", f"{path.name}: {match.group()}: '{function}' chỉ dùng cho tỷ lệ"
    assert not re.search(r"\{\{|\}\}", masked(text)), f"{path.name}: dấu ngoặc nhọn thừa"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_renders_with_the_documented_figures(path):
    """The renderer itself accepts the file when the period has every documented figure."""
    figures = FigureSet()
    for figure_id, unit in documented_figures().items():
        meta = {"label": figure_id, "unit": unit, "definition": figure_id}
        figures.add(rate(figure_id, 1, 2, meta, []) if unit == "%" else count(figure_id, 1, meta, []))
    prose = ProseText(path.stem, path.name, prose_text(path))
    html = str(render_prose(prose, figures, Numbers(figures)))
    assert html.strip(), f"{path.name}: không có nội dung"
    assert "<!--" not in html and "{{" not in html
