"""Figures: the registry and one module per report section (pure functions).

Each section module in SECTIONS declares ``SECTION``, the prefix of its figure ids (``tthc``,
``finance``, ``citizens``, ``documents`` for cchc.figures.outgoing, ``manual``) and has

- ``compute_section(tables, params, hashes) -> list[Figure]``, a pure function of the processed
  tables (kind -> DataFrame; a kind absent from the raw data is absent here), the parameters
  (window, targets) and the raw files' hashes (provenance);
- ``rows_of(name, figure, tables, params) -> Selection | None``, the raw rows a figure was
  computed from (cchc.figures.provenance; what ``cchc explain`` lists);
- optionally ``compute_lists(tables, params)`` for the lists the report cites;
- optionally ``absent_ids(tables) -> set[str]``, the figures left out because their source or a
  column they need is absent (raw-exports.md §7): a target set for one is not applied.
"""

from __future__ import annotations

from typing import Any

# The package itself loads no section module and no pandas: what reads published figures
# (cchc.figures.registry: the report's kernel, the export worker) imports the package without
# them, about 0,4 s of CPU less at the start of a run's kernel. The computing names below
# (cchc.figures.sections) load on first use, as `from cchc.figures import compute_all` does.
COMPUTING = ("SECTIONS", "section_of", "load_tables", "read_table", "compute_all")


def __getattr__(name: str) -> Any:
    if name in COMPUTING:
        from cchc.figures import sections  # noqa: PLC0415 (pandas: see above)

        return getattr(sections, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
