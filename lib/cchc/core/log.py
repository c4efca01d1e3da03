"""The run's log, for a person at a terminal and for a scheduler.

Not on a terminal (cron, systemd, CI): one line per step, ``2026-11-29T01:02:03
nguyen-luong-bang/2025 nhập dữ liệu … xong (1,2 s)``, written and flushed at once, or with
``fmt="json"`` one JSON object per line (time, unit, period, step, level, message, seconds).
On a terminal: the same lines without the timestamp, and a progress display (rich) for a step
that lasts more than a second. ``quiet``: only errors and the run's last line.

A run activates its log (``activated``); lower layers report through ``current()`` (the ingest
tells each file read), which is silent when no log is active. ``LoggedStopwatch`` turns the
phases a run times (core/timing) into step lines. Words: data/cli.yaml ``log:``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any, TextIO

from cchc.core import fmt
from cchc.core.resources import load_yaml
from cchc.core.timing import Stopwatch

TEXT, JSON = "text", "json"
FORMATS = (TEXT, JSON)
INFO, WARNING, ERROR = "info", "warning", "error"
PROGRESS_AFTER_S = 1.0  # a step shows the progress display only once it has lasted this long


def words() -> dict[str, Any]:
    return load_yaml("cli.yaml")["log"]


def step_label(step: str) -> str:
    return words()["steps"].get(step, step)


def _now() -> str:
    return dt.datetime.now().astimezone().replace(microsecond=0).isoformat()


def line_buffered() -> None:
    """stdout and stderr written line by line, so that redirected lines keep their order."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(line_buffering=True)


class RunLog:
    """The log of one run (``unit``/``period``; None for a command about no period)."""

    def __init__(self, unit: str | None = None, period: str | None = None, fmt: str = TEXT, quiet: bool = False,
                 stream: TextIO | None = None, tty: bool | None = None) -> None:
        self.unit, self.period, self.fmt, self.quiet = unit, period, fmt, quiet
        self.stream = stream or sys.stdout
        self.tty = (self.stream.isatty() if tty is None else tty) and fmt == TEXT
        self.warnings = 0
        self._lock = threading.Lock()
        self._progress = None      # the rich display of the current step, once started
        self._task = None
        self._timer: threading.Timer | None = None
        self._bar = None
        self._token: object | None = None

    # -- lines --
    def emit(self, message: str, level: str = INFO, step: str | None = None, seconds: float | None = None,
             final: bool = False) -> None:
        """One line (or JSON object). Quiet keeps errors and the final line only."""
        if level == WARNING:
            self.warnings += 1
        if self.quiet and level != ERROR and not final:
            return
        if self.fmt == JSON:
            text = json.dumps({"time": _now(), "unit": self.unit, "period": self.period, "step": step,
                               "level": level, "message": message,
                               "seconds": None if seconds is None else round(seconds, 3)}, ensure_ascii=False)
        else:
            prefix = [] if self.tty else [_now()]
            if self.unit is not None:
                prefix.append(f"{self.unit}/{self.period}")
            text = " ".join([*prefix, message])
        stream = sys.stderr if level in (WARNING, ERROR) and self.fmt == TEXT else self.stream
        with self._lock:
            if self._progress is not None and stream is self.stream:
                self._progress.console.print(text, markup=False, highlight=False, soft_wrap=True)
            else:
                print(text, file=stream, flush=True)

    def info(self, message: str, step: str | None = None) -> None:
        self.emit(message, INFO, step)

    def warning(self, message: str, step: str | None = None) -> None:
        self.emit(message, WARNING, step)

    def error(self, message: str) -> None:
        self.emit(message, ERROR)

    def step_done(self, step: str, seconds: float) -> None:
        self.emit(words()["step_done"].format(step=step_label(step), seconds=fmt.plain(round(seconds, 1))),
                  INFO, step, seconds)

    # -- progress --
    @contextlib.contextmanager
    def showing(self, step: str) -> Iterator[None]:
        """On a terminal, a progress display for ``step`` once it lasts over a second."""
        if not self.tty or self.quiet:
            yield
            return
        from rich.console import Console  # noqa: PLC0415 (only on a terminal)
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn  # noqa: PLC0415

        progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                            TimeElapsedColumn(), console=Console(file=self.stream), transient=True)
        task = progress.add_task(step_label(step), total=None)

        token = self._token = object()  # this step's: a late timer of an earlier step starts nothing

        def start() -> None:
            with self._lock:
                if self._token is token:
                    progress.start()
                    self._progress = progress

        self._task, self._timer = task, threading.Timer(PROGRESS_AFTER_S, start)
        self._timer.daemon = True
        self._bar = progress
        self._timer.start()
        try:
            yield
        finally:
            self._timer.cancel()
            with self._lock:
                self._task = self._token = None
                if self._progress is not None:
                    self._progress.stop()
                    self._progress = None

    def advance(self, step: str, done: int, total: int, item: str) -> None:
        """``done`` of ``total`` items of ``step`` (a file read): a line, or the display moved on."""
        text = words()["progress"].format(step=step_label(step), done=done, total=total, item=item)
        if self.tty:
            if self._task is not None:  # the file's name only: the display keeps to one line
                short = words()["progress"].format(step=step_label(step), done=done, total=total,
                                                   item=item.rsplit("/", 1)[-1])
                self._bar.update(self._task, total=total, completed=done, description=short)
            return
        self.emit(text, INFO, step)


class _Silent(RunLog):
    def emit(self, *args: Any, **kwargs: Any) -> None:
        return None

    def advance(self, *args: Any, **kwargs: Any) -> None:
        return None


_SILENT = _Silent(stream=sys.stderr, tty=False)
_active: list[RunLog] = []


def current() -> RunLog:
    """The active run's log, or a silent one."""
    return _active[-1] if _active else _SILENT


@contextlib.contextmanager
def activated(log: RunLog) -> Iterator[RunLog]:
    _active.append(log)
    try:
        yield log
    finally:
        _active.remove(log)


class LoggedStopwatch(Stopwatch):
    """A stopwatch whose phases are the log's steps: a display while one runs (terminal), a
    line when it ends (also for phases timed elsewhere and added, as the export's)."""

    def __init__(self, log: RunLog) -> None:
        super().__init__()
        self.log = log

    @contextlib.contextmanager
    def phase(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            with self.log.showing(name):  # the display gone before the step's line is written
                yield
        finally:
            self.add(name, time.perf_counter() - start)

    def add(self, name: str, seconds: float) -> None:
        super().add(name, seconds)
        self.log.step_done(name, seconds)
