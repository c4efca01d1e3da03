"""The comparison of a commune report with its published previous periods (cchc.report.comparison)."""

from __future__ import annotations

from pathlib import Path

from cchc.core import jsontext
from cchc.core.hashing import sha256_file
from cchc.core.layout import FIGURES, Layout
from cchc.figures.registry import FigureSet, count, rate
from cchc.render.blocks import parse
from cchc.report.comparison import render

META = {"unit": "hồ sơ", "label": "Tổng số hồ sơ tiếp nhận", "definition": "…"}
RATE = {"unit": "%", "label": "Tỷ lệ hồ sơ giải quyết đúng và trước hạn", "definition": "…"}


def figures(received: int, on_time: tuple[int, int]) -> FigureSet:
    found = FigureSet()
    found.add(count("tthc.received.total", received, META, []))
    found.add(rate("tthc.rate.on_time", *on_time, RATE, []))
    return found


def publish(root: Path, unit: str, period: str, found: FigureSet) -> Path:
    path = Layout(root, unit, period).outputs_dir / FIGURES
    path.parent.mkdir(parents=True)
    path.write_text(jsontext.dumps({"unit": unit, "period": period, "start": "", "cutoff": "",
                                    "figures": {f.id: f.to_json() for f in found}, "lists": {}}), encoding="utf-8")
    return path


def table_rows(html: str) -> dict[str, list[str]]:
    table = parse(html).first("table", "comparison-table")
    _, body = table.rows()
    return {row.elements()[0].text(): [cell.text() for cell in row.elements()[1:]] for row in body}


def test_no_previous_report_no_table(tmp_path):
    assert str(render(figures(100, (90, 100)), Layout(tmp_path, "xa", "2025-H2"))) == ""


def test_previous_and_year_before_with_their_change_and_files(tmp_path):
    previous = publish(tmp_path, "xa", "2025-H1", figures(80, (45, 50)))
    publish(tmp_path, "xa", "2024-H2", figures(125, (99, 100)))
    html = str(render(figures(100, (95, 100)), Layout(tmp_path, "xa", "2025-H2")))
    rows = table_rows(html)
    assert rows["Tổng số hồ sơ tiếp nhận"] == ["100", "80", "+20 (+25%)", "125", "−25 (−20%)"]
    assert rows["Tỷ lệ hồ sơ giải quyết đúng và trước hạn"] == ["95%", "90%", "+5,00 điểm %", "99%", "−4,00 điểm %"]
    assert "outputs/xa/2025-H1/figures.json" in html and "outputs/xa/2024-H2/figures.json" in html
    assert sha256_file(previous) in html


def test_a_year_period_compares_once(tmp_path):
    """For a year, the previous period is the year before: one column, not two."""
    publish(tmp_path, "xa", "2024", figures(100, (90, 100)))
    rows = table_rows(str(render(figures(100, (90, 100)), Layout(tmp_path, "xa", "2025"))))
    assert rows["Tổng số hồ sơ tiếp nhận"] == ["100", "100", "0 (0%)"]


def test_a_figure_no_earlier_report_has_is_left_out(tmp_path):
    earlier = FigureSet()
    earlier.add(count("tthc.received.total", 80, META, []))
    publish(tmp_path, "xa", "2025-H1", earlier)
    rows = table_rows(str(render(figures(100, (95, 100)), Layout(tmp_path, "xa", "2025-H2"))))
    assert list(rows) == ["Tổng số hồ sơ tiếp nhận"]
