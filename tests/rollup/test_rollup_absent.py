"""The roll-up when some commune lacks a figure (its raw files lacked a column: raw-exports.md
§7): no city value for that figure, the communes' own values kept, and the communes lacking it
listed with the reasons their published ingest reports give."""

from cchc.rollup.document import _absent_rows
from cchc.rollup.figures import absences, aggregate, commune_id, form_keys, key_rates
from cchc.rollup.inputs import Commune

REASON = "không có cột Hình thức nộp: không tính được số hồ sơ trực tuyến, trực tiếp, bưu chính và tỷ lệ trực tuyến"
CHANNEL = {"tthc.received.online", "tthc.received.offline", "tthc.received.direct", "tthc.received.postal",
           "tthc.rate.online"}


def figures(base: int, lacking: set[str]) -> dict:
    out = {}
    for index, key in enumerate(form_keys()):
        out[f"tthc.{key}"] = {"value": base + index, "label": f"Nhãn {key}", "unit": "hồ sơ"}
    for spec in key_rates():
        if "figure" in spec:
            out[spec["figure"]] = {"value": 0.5, "numerator": base, "denominator": 2 * base, "label": spec["short"],
                                   "definition": "d", "unit": "%"}
    return {"figures": {k: v for k, v in out.items() if k not in lacking}}


def commune(unit: str, base: int, lacking: set[str] = frozenset(), missing=None) -> Commune:
    return Commune(unit=unit, name=f"Xã {unit}", status="ok", file=f"outputs/{unit}/2025/figures.json",
                   sha256="0" * 64, data=figures(base, lacking), missing=missing)


def test_a_figure_one_commune_lacks_has_no_city_value_and_the_commune_is_named_with_why():
    whole, vendor = commune("a", 10), commune("b", 20, CHANNEL, [REASON])
    result = aggregate([whole, vendor])
    assert "tthc.received.online" not in result and "tthc.rate.online" not in result
    assert result["tthc.to_handle"].value == sum(
        c.figure("tthc.to_handle")["value"] for c in (whole, vendor))
    assert result[commune_id("a", "tthc.received.online")].value == whole.figure("tthc.received.online")["value"]
    assert commune_id("b", "tthc.received.online") not in result
    assert result[commune_id("a", "tthc.rate.online")].extra["rank"] == 1     # ranked among those with it
    found = absences([whole, vendor])
    assert [a.commune.unit for a in found] == ["b"]
    assert {"tthc.received.online", "tthc.rate.online"} <= set(found[0].figures)
    assert "tthc.to_handle" not in found[0].figures
    rows = _absent_rows(found, [whole, vendor])
    assert rows[0]["commune"] == "Xã b" and rows[0]["reasons"] == REASON
    assert "Nhãn received.online" in rows[0]["figures"]


def test_every_commune_complete_lists_no_absence_and_a_commune_without_a_report_says_so():
    assert absences([commune("a", 10), commune("c", 30)]) == []
    unknown = commune("d", 5, {"tthc.received.online"}, None)
    rows = _absent_rows(absences([commune("a", 10), unknown]), [unknown])
    assert "ingest-report.json" in rows[0]["reasons"]
