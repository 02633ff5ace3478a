"""Load once, check many: the register is loaded one time and every rule reads it."""

from __future__ import annotations

import os
from dataclasses import replace
from typing import TYPE_CHECKING

from govmedia.findings.finding import Finding
from govmedia.register.cache import FileMap, ParseCache, ResultCache, code_salt
from govmedia.register.context import Context

if TYPE_CHECKING:  # the loader, the models and the rules are imported only when a run needs them
    from govmedia.register.loader import Progress
    from govmedia.register.registry import Registry
    from govmedia.run.sharded import Checked, Extract


def run_rules(registry: Registry, ctx: Context) -> list[Finding]:
    from govmedia.rules import all_rules

    findings = list(registry.findings)
    for rule in all_rules():
        findings.extend(rule(registry, ctx))
    return sorted(set(findings), key=lambda f: f.sort_key)


def check(ctx: Context, progress: Progress | None = None, known: FileMap | None = None) -> tuple[Registry, list[Finding]]:
    """The whole register loaded in this process, and its findings (reports and tests read the registry)."""
    from govmedia.register.loader import load
    from govmedia.register.parallel import prefill

    cache = ParseCache(ctx.root, known, persist=ctx.cache)
    prefill(cache, str(ctx.root))
    registry = load(ctx.root, cache, progress)
    findings = run_rules(registry, ctx)
    cache.save()
    return registry, findings


def check_all(ctx: Context, progress: Progress | None = None, known: FileMap | None = None,
              extract: Extract | None = None) -> Checked:
    """The full check, sharded over every core for a large register (govmedia/run/sharded.py), else in this process.

    ``extract`` (a module-level function of a registry) is applied to every part of the register that was
    loaded, once: the site takes its public data this way without ever holding the whole register.
    With a git base (``ctx.base``) it loads the whole register in one process, as :func:`check` does;
    :func:`check_findings` never asks it to: it adds the base rules' findings to a run without the base.
    """
    from govmedia.register.parallel import jobs
    from govmedia.run.incremental import unit_keys
    from govmedia.run.sharded import Checked, chunks
    from govmedia.run.sharded import check as sharded_check

    workers = jobs()
    parts = chunks(str(ctx.root), workers) if ctx.base is None and not ctx.verify_signatures else None
    done = sharded_check(ctx, parts, workers, progress, known, extract) if parts else None
    if done is not None:
        return done
    registry, findings = check(ctx, progress, known)
    return Checked(findings, registry, {uid: unit_keys(registry, uid) for uid in registry.units},
                   registry.carry, [extract(registry)] if extract is not None else [])


def check_findings(ctx: Context, progress: Progress | None = None) -> list[Finding]:
    """The findings of :func:`check`, answered from the result cache when nothing has changed.

    A run against a git base is the run without it (cached, incremental or sharded as usual) plus the rules
    that read the base (:func:`base_findings`).
    """
    from govmedia.run import incremental

    if ctx.base is not None:
        plain = check_findings(replace(ctx, base=None, verify_signatures=False), progress)
        return sorted({*plain, *base_findings(ctx)}, key=lambda f: f.sort_key)
    if not ctx.cache:
        return check_all(ctx, progress).findings
    results = ResultCache(ctx.root)
    key, files, cached = results.lookup(ctx.today.isoformat(), meanwhile=_import_checks if _spare_core() else None)
    if cached is not None:
        incremental.trace("cached")
        return [Finding(*item) for item in cached]
    stamp = f"{ctx.today.isoformat()} {code_salt().hex()}"
    changed = incremental.plan(results.state, stamp, results.files, files, len(results.findings))
    if changed is not None and results.state is not None:
        findings, state = incremental.run(ctx, results.state, changed, files, results.findings, progress)
    else:
        done = check_all(ctx, progress, files)
        findings = done.findings
        state = incremental.state_of(findings, done.keys, done.carry, stamp)
        incremental.trace("full")
    results.store(key, files, [(f.path, f.line, f.column, f.code, f.severity, f.zh, f.en) for f in findings], state)
    return findings


def base_findings(ctx: Context) -> list[Finding]:
    """The findings of the rules that compare the register with ``ctx.base`` (govmedia/rules/history.py, and
    GM604's missing CODEOWNERS), from the unit folders that changed since: the base snapshot reads only
    those (checks/gitbase.changed_units), and so does this run."""
    from govmedia.history.gitbase import snapshot
    from govmedia.register.loader import load
    from govmedia.rules import base_rules

    snap = snapshot(ctx)
    if snap is None:
        return []
    # the run without the base has just parsed policies/ and announcements/: their cache shard, not them again
    registry = load(ctx.root, ParseCache(ctx.root, persist=ctx.cache, shards=("g",)), None, scope=snap.units)
    return [finding for rule in base_rules() for finding in rule(registry, ctx)]


def _spare_core() -> bool:
    return (os.cpu_count() or 1) > 1


def _import_checks() -> None:
    """Import what a run that is not answered from the result cache needs, while git (on another core)
    looks for changed files: the models, the loader and every rule module."""
    from govmedia.register.loader import load  # noqa: F401
    from govmedia.rules import all_rules
    from govmedia.run.incremental import state_of  # noqa: F401 - imported for its side effect: the modules are loaded

    all_rules()


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)
