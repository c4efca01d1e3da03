"""The lines around each appendix form: the "(Kèm theo Báo cáo số … ngày … của …)" line under
its title and the signature block at its end ("Người lập biểu" left, "Thủ trưởng đơn vị" right),
worded in data/forms/frame.yaml, the report's number, date and issuing body from the letter frame."""

from __future__ import annotations

from cchc.config.letter import Document
from cchc.core import fmt
from cchc.core.resources import load_yaml
from cchc.forms.model import FormFrame


def form_frame(document: Document) -> FormFrame:
    data = load_yaml("forms/frame.yaml")
    number = document.number.split(":", 1)[1] if ":" in document.number else document.number
    body = document.intro.split(" báo cáo ")[0]  # "UBND xã …", as the closing sentence names it
    attached = data["attached"].format(number=number.rstrip(), date=fmt.date(document.date), body=body)
    left, right = data["signature"]["left"], data["signature"]["right"]
    return FormFrame(attached=attached, date_line=document.date_line,
                     left=(left["title"], left["note"]), right=(right["title"], right["note"]))
