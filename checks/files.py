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

_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)


class NotRegular(OSError):
    """A FIFO, socket or device where a regular file is expected."""


def read_regular(path: str) -> bytes:
    """The bytes of the regular file at ``path``. A symbolic link raises OSError (ELOOP, from O_NOFOLLOW);
    anything else that is not a regular file raises :class:`NotRegular` without reading from it."""
    fd = os.open(path, _FLAGS)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegular(errno.EINVAL, "not a regular file")
        chunks = []
        while chunk := os.read(fd, max(st.st_size + 1, 1 << 16)):  # to the end, even if the file grows
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)
