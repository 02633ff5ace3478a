"""What a run of the checks knows besides the register: the date, the base revision, options."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path


@dataclass(frozen=True)
class Context:
    root: Path
    today: date
    base: str | None = None  # git revision for the history rules (GM6xx)
    verify_signatures: bool = False
    cache: bool = False  # use the content-keyed cache (govmedia/register/cache.py); the CLI turns it on
