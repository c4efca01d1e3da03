"""Reading raw exports: readers, cell parsers, header matching, row rules, combining, the
ingest report, and the ingest of a period (cchc.ingest.run)."""
