"""Appendix forms (biểu mẫu): tables built from figures, written to HTML and XLSX."""
