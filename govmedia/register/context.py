"""What a run of the checks knows besides the register: the date, the base revision, options, and what
the run hands the rules (the clean-text memo, the register at the base revision)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # the registry and the models: not imported by a run answered from the result cache
    from govmedia.register.snapshot import BaseSnapshot


class TextMemo(Protocol):
    """Texts a rule found clean in earlier runs (govmedia/register/cache.py ``CleanMemo``)."""

    def key(self, scope: bytes, text: str) -> bytes: ...

    def clean(self, key: bytes) -> bool: ...

    def mark(self, key: bytes) -> None: ...


@dataclass(frozen=True)
class Context:
    root: Path
    today: date
    base: str | None = None  # git revision for the history rules (GM6xx)
    verify_signatures: bool = False
    cache: bool = False  # use the content-keyed cache (govmedia/register/cache.py); the CLI turns it on
    # Set by the run (govmedia/run/plan.py), never by the caller: rules read them, and only them, to use
    # what the run keeps. ``memo``: None when the run keeps no memo. ``snapshot``: the register at ``base``.
    memo: TextMemo | None = field(default=None, compare=False, repr=False)
    snapshot: BaseSnapshot | None = field(default=None, compare=False, repr=False)

    @property
    def options(self) -> Context:
        """The options alone (what a worker process is sent), without what the run hands the rules."""
        return Context(self.root, self.today, self.base, self.verify_signatures, self.cache)
