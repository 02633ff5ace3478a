"""A progress bar (rich) on a terminal, for runs longer than a second; nothing in CI logs or pipes."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from govmedia.register.loader import Progress

DELAY = 1.0


def wanted() -> bool:
    return sys.stderr.isatty() and not os.environ.get("CI") and os.environ.get("TERM") != "dumb"


@contextmanager
def progress_bar(lang: str = "zh") -> Iterator[Progress | None]:
    if not wanted():
        yield None
        return
    start = time.monotonic()
    state: dict[str, Any] = {}

    def update(done: int, total: int) -> None:
        if "bar" not in state:
            if time.monotonic() - start < DELAY:
                return
            from rich.progress import Progress as Bar

            bar = Bar(transient=True, console=None)
            bar.start()
            state["bar"] = bar
            state["task"] = bar.add_task("读取名录" if lang == "zh" else "reading the register", total=total)
        state["bar"].update(state["task"], completed=done, total=total)

    try:
        yield update
    finally:
        if "bar" in state:
            state["bar"].stop()


def trace(mode: str, **extra: object) -> None:
    """One line on stderr when GOVMEDIA_TRACE is set: which kind of run answered (for tests and benchmarks)."""
    if os.environ.get("GOVMEDIA_TRACE"):
        details = "".join(f" {k}={v}" for k, v in extra.items())
        print(f"govmedia: mode={mode}{details}", file=sys.stderr)
