"""A process of its own for the export (nbconvert HTML, WeasyPrint PDF).

Started at the beginning of a run, it imports nbconvert and WeasyPrint (about 1.5 s) on the
other core while this process ingests, computes figures and drives the kernel; the export
then runs there as soon as the executed notebook exists.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path


def _warm() -> None:

    from cchc.render import export
    from cchc.report import stylesheet

    export.warm_up(stylesheet())


def _export(executed: str, title: str, css: str, html_path: str, pdf_path: str,
            banner: list[str] | None = None) -> dict[str, float]:
    from cchc.render.export import export

    return export(Path(executed), title, css, Path(html_path), Path(pdf_path), banner)


class ExportWorker:
    def __init__(self) -> None:
        self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        self._warming: Future = self._pool.submit(_warm)

    def export(self, executed: Path, title: str, css: str, html: Path, pdf: Path,
               banner: list[str] | None = None) -> Future:
        """Start the export; the returned future's result() waits for it (and re-raises) and
        gives the seconds spent on the HTML and on the PDF."""
        args = (str(executed), title, css, str(html), str(pdf), banner)
        try:
            self._warming.result()
            return self._pool.submit(_export, *args)
        except BrokenProcessPool:  # the worker could not start (e.g. python reading <stdin>)
            done: Future = Future()
            done.set_result(_export(*args))
            return done

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
