"""Publishing a computed period: notebook execution, HTML/PDF export, the Excel appendix and
the manifest."""

CELL_TIMEOUT = 1800  # seconds a notebook cell may run before the run stops with an error
