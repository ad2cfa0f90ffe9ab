"""Reading one untrusted file without waiting on it and without reading past a limit: the
one way articles and rule files are read (each caller raises its own errors)."""

from __future__ import annotations

import os

#: Open flags that never wait: a FIFO opened for reading does not block for a writer, and a
#: terminal does not become the controlling one.
NO_WAIT = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)


def open_no_wait(path: str | os.PathLike) -> int:
    """A file descriptor for ``path``, opened with NO_WAIT (check it with fstat before reading)."""
    return os.open(path, NO_WAIT)


def read_at_most(fd: int, limit: int) -> bytes:
    """At most ``limit + 1`` bytes of ``fd``: more than ``limit`` means the file is over it,
    even when it grew after its size was checked."""
    chunks, total = [], 0
    while total <= limit:
        chunk = os.read(fd, min(1 << 20, limit + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)
