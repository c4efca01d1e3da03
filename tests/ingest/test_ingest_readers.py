"""Workbook reader: the test for error and formula marks in a worksheet's XML."""

import pytest

from cchc.ingest.readers import _VECTOR_FROM, _may_hold_faults

_FILLER = b'<row r="7"><c r="A7" t="inlineStr"><is><t>"ef" t=e &lt;g</t></is></c></row>'


@pytest.mark.parametrize("mark", [b't="e"', b"<f", b"<f>", b'"e"', b't="e', b'="e"', b"f<", b""])
@pytest.mark.parametrize("where", ["start", "middle", "end"])
@pytest.mark.parametrize("size", [40, _VECTOR_FROM * 2])
def test_fault_marks_found_as_a_substring_search_finds_them(mark, where, size):
    count = size // len(_FILLER) + 1  # whole rows: a mark never joins the filler's bytes into another
    filler = _FILLER * count
    at = {"start": 0, "middle": len(_FILLER) * (count // 2), "end": len(filler)}[where]
    data = filler[:at] + mark + filler[at:]
    assert _may_hold_faults(data) == (b't="e"' in data or b"<f" in data)
    assert _may_hold_faults(data) == (mark in (b't="e"', b"<f", b"<f>"))
