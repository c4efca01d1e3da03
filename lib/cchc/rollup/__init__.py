"""The city's roll-up (`cchc rollup`): the communes' published outputs of a period summed into
the city's report under outputs/<city>/<period>/ (report.html, report.pdf, report.docx,
phu-luc.xlsx, figures.json, manifest.json), verified by `cchc verify` (cchc.rollup.audit).

    inputs     the city's parameters, each commune's published figures.json and its status
    figures    the roll-up's figures: per commune, city sums, key rates with ranks and changes
    document   the forms and report.html (data/report/rollup.html.j2)
    build      the outputs' bytes; publish them atomically with the manifest
    audit      rebuild and compare, for `cchc verify`
"""

from cchc.rollup.build import KIND, build, publish, summary

__all__ = ["KIND", "build", "publish", "summary"]
