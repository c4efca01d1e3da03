"""The report's content: the view the notebook displays (view.Report), numbers as text,
numbered headings, the analyst's prose, charts and the stylesheet."""
