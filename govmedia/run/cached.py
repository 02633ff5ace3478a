"""The result cache's side of a run: is the register unchanged since the last run, and what to keep after this one.

Imported by every ``govmedia check`` before anything else of the run: answering from the result cache needs
only the file scan (govmedia/register/results.py), never the loader, the models or the rules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from govmedia.findings.finding import Finding
from govmedia.register.cache import FileMap, code_salt
from govmedia.register.context import Context
from govmedia.register.results import ResultCache


@dataclass
class Lookup:
    """The register as the scan found it, and the cached findings if nothing changed since they were stored."""

    results: ResultCache
    key: bytes  # the fingerprint of every register file, the date and the code
    files: FileMap
    findings: list[Finding] | None
    stamp: str  # the date and the code, as an incremental run's state records them


def lookup(ctx: Context, meanwhile: Callable[[], object] | None = None) -> Lookup:
    """``meanwhile`` runs while git looks for changed files (the caller's imports, on another core)."""
    results = ResultCache(ctx.root)
    key, files, cached = results.lookup(ctx.today.isoformat(), meanwhile=meanwhile)
    findings = [Finding(*item) for item in cached] if cached is not None else None
    return Lookup(results, key, files, findings, f"{ctx.today.isoformat()} {code_salt().hex()}")


def store(looked: Lookup, findings: list[Finding], state: dict[str, Any]) -> None:
    rows = [(f.path, f.line, f.column, f.code, f.severity, f.zh, f.en) for f in findings]
    looked.results.store(looked.key, looked.files, rows, state)
