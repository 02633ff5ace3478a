"""Reading a register file: a regular file only, never through a link, never waiting.

A merge request (or a stray local file) may put a symbolic link, a FIFO or a device where a YAML file is
expected. A link could point outside the repository; opening a FIFO for reading waits for a writer
forever. Every reader of register files (the loader, the cache's scans, the parallel parsers) opens
files through :func:`read_regular`.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator

_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)


class NotRegular(OSError):
    """A FIFO, socket or device where a regular file is expected."""


class TooLarge(OSError):
    """A regular file larger than the reader's ``limit``: nothing was read from it."""

    def __init__(self, size: int) -> None:
        super().__init__(errno.EFBIG, "file too large")
        self.size = size


def _open_regular(path: str) -> tuple[int, int]:
    """(fd, size) of the regular file at ``path``, opened without following a link and without waiting."""
    fd = os.open(path, _FLAGS)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegular(errno.EINVAL, "not a regular file")
    except BaseException:
        os.close(fd)
        raise
    return fd, st.st_size


def read_regular(path: str, limit: int | None = None) -> bytes:
    """The bytes of the regular file at ``path``. A symbolic link raises OSError (ELOOP, from O_NOFOLLOW);
    anything else that is not a regular file raises :class:`NotRegular` without reading from it, and a file
    over ``limit`` bytes :class:`TooLarge` (a hostile file of gigabytes is never read into memory)."""
    fd, size = _open_regular(path)
    try:
        if limit is not None and size > limit:
            raise TooLarge(size)
        chunks, total, want = [], 0, size + 1  # a byte more than the file has: one read sees the end
        while chunk := os.read(fd, want):
            chunks.append(chunk)
            total += len(chunk)
            if limit is not None and total > limit:
                raise TooLarge(total)
            if len(chunk) < want and total >= size:
                break  # a short read at the size fstat gave is the end (short earlier: a network file system)
            want = 1 << 16  # it grew (or its size said 0): read on in pieces
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)
    finally:
        os.close(fd)


def regular_chunks(path: str, size: int = 1 << 20) -> Iterator[bytes]:
    """The bytes of the regular file at ``path`` in pieces (for hashing a file of any size); raises as
    :func:`read_regular` does, on the first piece."""
    fd, _ = _open_regular(path)
    try:
        while chunk := os.read(fd, size):
            yield chunk
    finally:
        os.close(fd)
