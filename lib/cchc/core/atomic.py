"""Atomic writes: files via a temporary name, directories via staging and swap; the lock of a
unit and period; write errors (read-only or full disk) in the user's words.

A staging directory is held, while its owner lives, by an exclusive ``flock`` on the directory
itself: ``recover`` removes only staging directories nobody holds (their run died), never a live
run's, and the lock goes with the owner's death (``kill -9`` included), with no pid to guess.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from cchc.core.errors import CchcError, message

STAGING = "staging-"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def publishable(path: Path, directory: bool = False) -> None:
    """Give a temporary file or directory the ordinary permissions (mkstemp/mkdtemp use 0600/0700)."""
    os.chmod(path, (0o777 if directory else 0o666) & ~_umask())


def write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        publishable(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_text(path: Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


# -- staging directories ------------------------------------------------------------------------

def _hold(path: Path) -> int | None:
    """An exclusive flock on the directory ``path``: its descriptor, or None when another
    process holds it (or the file system has no locks: then nobody can be told apart)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


class Staging:
    """An empty directory beside ``target`` that replaces it whole on ``commit``; ``discard``
    removes it. Held (flock) by this process until then, so that no other run removes it."""

    def __init__(self, target: Path) -> None:
        self.target = Path(target)
        self.target.parent.mkdir(parents=True, exist_ok=True)
        recover(self.target)
        while True:
            path = Path(tempfile.mkdtemp(dir=self.target.parent, prefix=f".{self.target.name}.{STAGING}"))
            fd = _hold(path)
            # a recover may have taken the fresh directory for a dead run's: then make another
            if fd is not None and path.is_dir() and os.stat(path).st_ino == os.fstat(fd).st_ino:
                break
            if fd is not None:
                os.close(fd)
        self.path, self._fd = path, fd
        publishable(path, directory=True)

    @property
    def open(self) -> bool:
        return self._fd is not None

    def _release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def commit(self) -> Path:
        """Replace the target with the staging directory (two renames; ``recover`` completes
        a swap interrupted between them). Returns the target."""
        old = self.target.parent / f".{self.target.name}.old"
        shutil.rmtree(old, ignore_errors=True)
        if self.target.exists():
            os.replace(self.target, old)
        try:
            os.replace(self.path, self.target)
        except BaseException:
            if old.exists() and not self.target.exists():
                os.replace(old, self.target)
            raise
        self._release()
        shutil.rmtree(old, ignore_errors=True)
        return self.target

    def discard(self) -> None:
        if self._fd is not None:
            shutil.rmtree(self.path, ignore_errors=True)
            self._release()


@contextlib.contextmanager
def staged_dir(target: Path) -> Iterator[Path]:
    """Yield an empty staging directory; on success it replaces ``target`` whole.

    On an exception the staging directory is removed and ``target`` is left as it was.
    """
    staging = Staging(target)
    try:
        yield staging.path
    except BaseException:
        staging.discard()
        raise
    try:
        staging.commit()
    finally:
        staging.discard()


def recover(target: Path) -> None:
    """Undo a swap interrupted between its two renames; remove the staging directories of
    dead runs (those nobody holds), never a live run's."""
    old = target.parent / f".{target.name}.old"
    if not target.exists() and old.exists():
        os.replace(old, target)
    for stale in target.parent.glob(f".{target.name}.{STAGING}*"):
        if not stale.is_dir() or stale.is_symlink():
            continue
        fd = _hold(stale)
        if fd is None:  # a live run's
            continue
        try:
            shutil.rmtree(stale, ignore_errors=True)
        finally:
            os.close(fd)


# -- the lock of a unit and period --------------------------------------------------------------

class Busy(Exception):
    """The lock is held by another process (and the caller would not wait)."""


@contextlib.contextmanager
def locked(path: Path, wait: bool = True, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold an exclusive flock on the file ``path`` (created, never removed: removing a lock
    file races with its next holder). Held by another process: with ``wait`` call ``on_wait``
    and wait for it, else raise ``Busy``. Released when the block ends or the process dies."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)  # not inherited by child processes
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                raise Busy(str(path)) from None
            if on_wait is not None:
                on_wait()
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


# -- write errors -------------------------------------------------------------------------------

# errno -> the key of its reason in data/messages.yaml
WRITE_ERRORS = {errno.EROFS: "write_reason_read_only", errno.EACCES: "write_reason_denied",
                errno.EPERM: "write_reason_denied", errno.ENOSPC: "write_reason_full",
                errno.EDQUOT: "write_reason_quota"}


@contextlib.contextmanager
def write_errors(where: Path, shown: Callable[[Path], str] = str) -> Iterator[None]:
    """Within the block, an OSError of a read-only or full disk (or a refused write) becomes a
    CchcError ``write_failed`` naming the path (the one the error names, else ``where``)."""
    try:
        yield
    except OSError as exc:
        reason = WRITE_ERRORS.get(exc.errno)
        if reason is None:
            raise
        path = Path(os.fsdecode(exc.filename)) if exc.filename else Path(where)
        raise CchcError("write_failed", path=shown(_public(path)), reason=message(reason)) from exc


def _public(path: Path) -> Path:
    """The path as the user knows it: a staging folder named as the folder it stands for
    (.2025.staging-x1y2/report.pdf -> 2025/report.pdf)."""
    parts = [part.split(f".{STAGING}")[0][1:] if part.startswith(".") and f".{STAGING}" in part else part
             for part in path.parts]
    return Path(*parts)
