"""The one rule for files Opspor writes: private to the user that runs it.

The database and every export (walk lists, GPX, GeoPackage, CSV, feedback files) hold
personal data or figures about it, so each file is created 0600 and each folder Opspor
creates 0700, whatever the caller's umask. The CLI and the app also set ``umask 0o077``
first thing; these functions keep a library caller that set no umask just as safe.

A new file is created with mode 0600 before anything is written to it, so others cannot
open it even for a moment; an existing file of ours is narrowed to 0600 before it is
truncated and rewritten.
"""

from __future__ import annotations

import codecs
import os
import stat
from pathlib import Path
from typing import IO

FILE_MODE = 0o600
DIR_MODE = 0o700


def private_dir(path: str | Path) -> Path:
    """``path`` as a folder; the folders made for it (missing parents too) are 0700.

    Folders that already exist are left as they are (their owner chose their mode).
    """
    path = Path(path)
    missing: list[Path] = []
    p = path
    while not p.exists():
        missing.append(p)
        if p.parent == p:
            break
        p = p.parent
    for d in reversed(missing):
        d.mkdir(mode=DIR_MODE, exist_ok=True)  # the umask can only take bits away
    if not path.is_dir():
        raise NotADirectoryError(str(path))
    return path


def open_private(path: str | Path, *, encoding: str | None = None) -> IO:
    """``path`` opened for writing (truncated), mode 0600; text with ``encoding`` (no newline
    translation), else binary."""
    if encoding is not None:
        codecs.lookup(encoding)  # an unknown encoding fails before the file is touched
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE)
    try:
        try:
            os.fchmod(fd, FILE_MODE)  # an existing file keeps its mode through open()
        except PermissionError:
            pass  # another user's file that we may write to: its owner decides its mode
        os.ftruncate(fd, 0)
        if encoding is None:
            return os.fdopen(fd, "wb")
        return os.fdopen(fd, "w", encoding=encoding, newline="")
    except BaseException:
        os.close(fd)
        raise


def write_private(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` (mode 0600); returns the path."""
    with open_private(path) as f:
        f.write(data)
    return Path(path)


def make_private(path: str | Path) -> Path:
    """Take every permission of group and others off ``path`` (0644 → 0600); a file we do
    not own is left alone. Returns the path."""
    path = Path(path)
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            os.chmod(path, mode & 0o700)
    except (FileNotFoundError, PermissionError):
        pass
    return path
