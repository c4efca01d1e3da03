"""Publishing a computed period: notebook execution, HTML/PDF export, the Excel appendix and
the manifest."""
