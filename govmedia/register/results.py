"""The result cache: the fingerprint of every register file, the date and the code -> the findings of the
whole run, so that a run over an unchanged register does no parsing, validation or rule work at all
(govmedia/register/cache.py keeps the other caches; docs/performance.md measures them)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from govmedia.register import cache, gitscan
from govmedia.register.cache import FileMap, fingerprint, folder_of, read_marshal, write_marshal


class ResultCache:
    """Fingerprint of the whole register -> the run's findings (as tuples), with the file map it was built on
    and what an incremental run needs to reuse them (``state``, see govmedia/run/incremental.py)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.path = folder_of(root) / "result.marshal"
        value = read_marshal(self.path)
        ok = isinstance(value, tuple) and len(value) == 5
        self.key: bytes = value[0] if ok else b""
        self.findings: list[tuple[Any, ...]] = list(value[1]) if ok else []
        self.files: FileMap = value[2] if ok else {}
        self.written_ns: int = value[3] if ok else 0
        self.state: dict[str, Any] | None = value[4] if ok and isinstance(value[4], dict) else None

    def lookup(self, *extra: str, meanwhile: Callable[[], object] | None = None
               ) -> tuple[bytes, FileMap, list[tuple[Any, ...]] | None]:
        """(fingerprint now, file map now, cached findings if the fingerprint is unchanged). ``meanwhile`` runs
        while git looks for changes (see :func:`govmedia.register.gitscan.git_scan`)."""
        now_ns = time.time_ns()
        files = gitscan.git_scan(self.root, self.files, meanwhile)
        if files is None:  # not the top of a git work tree, or git cannot tell for sure
            files = cache.scan(self.root, self.files, self.written_ns)
        key = fingerprint(files, *extra)
        self._now_ns = now_ns
        if key == self.key and files != self.files:
            # Same contents, new tokens (stat keys or blob ids, e.g. after a fallback from git_scan to
            # scan): remember them, or every later run would hash those files again.
            write_marshal(self.path, (key, self.findings, files, now_ns, self.state))
        return key, files, (self.findings if key == self.key else None)

    def store(self, key: bytes, files: FileMap, findings: list[tuple[Any, ...]], state: dict[str, Any]) -> None:
        write_marshal(self.path, (key, findings, files, getattr(self, "_now_ns", time.time_ns()), state))
