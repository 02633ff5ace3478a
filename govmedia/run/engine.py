"""Load once, check many: the entry points of a check (the CLI, the site, reports, staff tools and tests).

Every entry point makes a :class:`~govmedia.run.plan.Plan` (one run's options, memo and base snapshot) and
hands it to govmedia/run/modes.py, which chooses how to answer: from the result cache, incrementally,
sharded over every core, or in one process (docs/architecture.md).

This module is imported by every ``govmedia check``, and a pre-commit run is usually answered from the result
cache. That answer needs only the file scan, while importing govmedia/run/modes.py (the loader, the pydantic
models and every rule module) is most of a process's start-up: measured with ``python -c "import …"``
(median of five), ``govmedia.commands.check`` alone 3.4 s against 13.3 s with govmedia.run.modes and the rule
modules, on a heavily loaded two-core machine (about a quarter, then). So the functions below import it when
they are called, and :func:`check_findings` imports it on another core's time while git scans the work tree. These are the only
function-level imports of the run machinery (tests/test_architecture.py holds the list).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from govmedia.findings.finding import Finding
from govmedia.register.cache import REGISTER_DIRS
from govmedia.register.context import Context
from govmedia.run.cached import lookup
from govmedia.run.progress import trace

if TYPE_CHECKING:
    from govmedia.register.cache import FileMap
    from govmedia.register.loader import Progress
    from govmedia.register.registry import Registry
    from govmedia.run.plan import Plan
    from govmedia.run.sharded import Checked, Extract


@dataclass(frozen=True)
class Outcome:
    """A check's findings, and how many register files its scan saw (None: this run did not scan them)."""

    findings: list[Finding]
    files: int | None


def check_findings(ctx: Context, progress: Progress | None = None, plan: Plan | None = None) -> list[Finding]:
    """The findings of the whole register, answered from the result cache when nothing has changed.

    ``plan``: the run's plan, if the caller made one already (to read ``--base`` up front)."""
    return check_outcome(ctx, progress, plan).findings


def check_outcome(ctx: Context, progress: Progress | None = None, plan: Plan | None = None) -> Outcome:
    """:func:`check_findings` with the number of files the result cache's scan found (the summary line of
    ``govmedia check``: counting them again took half of a warm check at 10,000 accounts)."""
    looked = None
    if ctx.base is None and ctx.cache:
        looked = lookup(ctx, meanwhile=import_checks if (os.cpu_count() or 1) > 1 else None)
        if looked.findings is not None:
            trace("cached")
            return Outcome(looked.findings, _register_files(looked.files))
    from govmedia.run import modes  # not needed above: see the module's docstring

    found = modes.findings(plan or modes.Plan(ctx), progress, looked)
    return Outcome(found, _register_files(looked.files) if looked is not None else None)


def _register_files(files: FileMap) -> int:
    """The register's own files among those the scan fingerprints (not .github/CODEOWNERS)."""
    return sum(1 for rel in files if rel.split("/", 1)[0] in REGISTER_DIRS)


def import_checks() -> None:
    """Import what a run that is not answered from the result cache needs: the models, the loader and
    every rule module (while git, on another core, looks for changed files)."""
    from govmedia.run import modes  # the point of this function: see the module's docstring

    modes.all_rules()


def plan_for(ctx: Context) -> Plan:
    """A run's plan, to read ``--base`` (:meth:`Plan.base_problem`) before :func:`check_findings`."""
    from govmedia.run import modes  # see the module's docstring

    return modes.Plan(ctx)


def check(ctx: Context, progress: Progress | None = None, known: FileMap | None = None) -> tuple[Registry, list[Finding]]:
    """The whole register loaded in this process, and its findings (reports and tests read the registry)."""
    from govmedia.run import modes  # see the module's docstring

    return modes.check(modes.Plan(ctx), progress, known)


def check_all(ctx: Context, progress: Progress | None = None, known: FileMap | None = None,
              extract: Extract | None = None) -> Checked:
    """The full check, sharded for a large register; ``extract`` is applied to every part it loaded
    (govmedia/run/modes.py ``check_all``)."""
    from govmedia.run import modes  # see the module's docstring

    return modes.check_all(modes.Plan(ctx), progress, known, extract)


def run_rules(registry: Registry, ctx: Context) -> list[Finding]:
    """Every rule over a registry built elsewhere (e.g. a candidate register of staff tools)."""
    from govmedia.run import modes  # see the module's docstring

    return modes.Plan(ctx).run_rules(registry)


def base_findings(ctx: Context) -> list[Finding]:
    """The findings of the rules that read ``ctx.base`` (govmedia/run/modes.py ``base_findings``)."""
    from govmedia.run import modes  # see the module's docstring

    return modes.base_findings(modes.Plan(ctx))


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)
