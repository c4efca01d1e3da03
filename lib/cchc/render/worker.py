"""A process of its own for the export (nbconvert HTML, Typst PDF, Word file).

Started at the beginning of a run, it imports nbconvert and the writers (about 1 s) on the
other core while this process ingests, computes figures and drives the kernel; the export
then runs there as soon as the executed notebook exists.

The worker is `python -m cchc.render.worker` (this environment's interpreter), not a
multiprocessing child: it never re-imports the caller's main module, so a scheduler's script
that calls `cchc.pipeline.run` without an `if __name__ == "__main__":` guard works too.
Requests and replies are pickled over its stdin/stdout (the worker sends its own stdout to
stderr so that no library print can garble a reply); an error raised in the worker is raised
again here with its type (CchcError included). When the worker cannot start or dies, the
export runs in this process.

The worker dies with the run: on Linux the kernel kills it when its parent dies
(``PR_SET_PDEATHSIG``, set first thing; ``kill -9`` of the run included), and everywhere it
returns on the end of its stdin (the run's end of the pipe closes when the run ends).
"""

from __future__ import annotations

import ctypes
import gc
import os
import pickle
import signal
import struct
import subprocess
import sys
import traceback
from pathlib import Path
from typing import Any, BinaryIO

from cchc.core.errors import CchcError
from cchc.core.layout import PACKAGE_DIR

# The writers (cchc.render.export: python-docx, Typst, nbformat; 0,3 s of imports) load in the
# worker, or here only when the export falls back to this process: a run starts its kernel right
# after importing this module, and starts it sooner without them.

_LENGTH = struct.Struct(">Q")
PARENT_ENV = "CCHC_EXPORT_PARENT"  # the run's pid, as the worker's parent
PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _send(stream: BinaryIO, value: Any) -> None:
    data = pickle.dumps(value)
    stream.write(_LENGTH.pack(len(data)) + data)
    stream.flush()


def _receive(stream: BinaryIO) -> Any:
    head = stream.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        raise EOFError
    return pickle.loads(stream.read(_LENGTH.unpack(head)[0]))


def _export(executed: str, title: str, css: str, html_path: str, pdf_path: str, docx_path: str,
            banner: list[str] | None = None) -> dict[str, float]:
    from cchc.render.export import export  # noqa: PLC0415 (the writers: see above)

    return export(Path(executed), title, css, Path(html_path), Path(pdf_path), Path(docx_path), banner)


class Reply:
    """The result of an export: ``result()`` waits for it, re-raises its error, and gives the
    seconds spent on the HTML and on the PDF."""

    def __init__(self, worker: ExportWorker | None, args: tuple, value: Any = None) -> None:
        self._worker, self._args, self._value = worker, args, value

    def result(self) -> dict[str, float]:
        if self._worker is not None:
            self._value = self._worker.reply(self._args)
            self._worker = None
        if isinstance(self._value, BaseException):
            raise self._value
        return self._value


class ExportWorker:
    def __init__(self) -> None:
        package_parent = str(PACKAGE_DIR.parent)  # cchc importable in the worker too
        env = {**os.environ, PARENT_ENV: str(os.getpid()), "PYTHONPATH": os.pathsep.join(
            [package_parent, *filter(None, [os.environ.get("PYTHONPATH")])])}
        try:
            self._process: subprocess.Popen | None = subprocess.Popen(
                [sys.executable, "-m", "cchc.render.worker"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                env=env)
        except (OSError, ValueError):
            self._process = None

    def export(self, executed: Path, title: str, css: str, html: Path, pdf: Path, docx: Path,
               banner: list[str] | None = None) -> Reply:
        """Start the export (in the worker when it runs, else here and now)."""
        args = (str(executed), title, css, str(html), str(pdf), str(docx), banner)
        if self._process is not None and self._process.poll() is None:
            try:
                _send(self._process.stdin, args)
                return Reply(self, args)
            except OSError:  # the worker died: export here
                self.close()
        return Reply(None, args, _export_in_this_process(args))

    def reply(self, args: tuple) -> Any:
        """The worker's answer to the export ``args`` sent last (what ``Reply.result`` waits for)."""
        try:
            return _receive(self._process.stdout)  # the seconds, or the error raised there
        except (EOFError, OSError, pickle.UnpicklingError):  # the worker died: export here
            self.close()
            return _export_in_this_process(args)

    def close(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        for stream in (process.stdin, process.stdout):
            try:
                stream.close()
            except OSError:
                pass
        if process.poll() is None:
            process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def _export_in_this_process(args: tuple) -> Any:
    """The export done here, when there is no worker or it died: its answer as the worker's
    (the seconds, or the error raised, which Reply.result raises)."""
    try:
        return _export(*args)
    except Exception as exc:  # raised by Reply.result(), as from the worker
        return exc


def _die_with_parent() -> None:
    """Ask Linux to kill this process when the run that started it dies; exit at once when it
    is already gone (it died before the request took effect)."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):  # no prctl: the end of stdin stops the worker anyway
            pass
    parent = os.environ.get(PARENT_ENV, "")
    if parent.isdigit() and os.getppid() != int(parent):
        os._exit(0)


def _serve() -> None:
    """The worker's loop: warm up, then export each request read from stdin."""
    _die_with_parent()
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # prints of any library go to stderr, never into a reply
    requests = sys.stdin.buffer
    gc.disable()  # the imports and the warm-up without the cyclic GC, then frozen (as cchc.pipeline)
    try:
        from cchc.render.export import warm_up  # noqa: PLC0415 (the writers: see above)
        from cchc.report.style import stylesheet  # noqa: PLC0415

        warm_up(stylesheet())
    except Exception:  # the export itself will raise the error, in the run's terms
        pass
    finally:
        gc.freeze()
        gc.enable()
    while True:
        try:
            args = _receive(requests)
        except EOFError:
            return
        try:
            reply = _export(*args)
        except Exception as exc:
            if not isinstance(exc, CchcError):  # an internal error: keep where it happened
                exc.add_note("".join(["(export worker)\n", traceback.format_exc()]))
            reply = exc
        try:
            _send(replies, reply)
        except (pickle.PicklingError, TypeError, AttributeError):
            _send(replies, RuntimeError(f"{type(reply).__name__}: {reply}"))


if __name__ == "__main__":
    _serve()
