"""cchc: reproducible reporting pipeline for the commune CCHC report."""

__version__ = "0.1.0"
