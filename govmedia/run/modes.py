"""The ways a plan is answered: from the result cache, by an incremental run, by a sharded run, in one
process; and the run against a git base, which is the run without it plus the rules that read the base.

govmedia/run/engine.py is the entry point; this module and everything it imports are loaded only when the
result cache cannot answer (docs/performance.md).
"""

from __future__ import annotations

from govmedia.findings.finding import Finding
from govmedia.register import parallel
from govmedia.register.cache import FileMap
from govmedia.register.loader import Progress
from govmedia.register.registry import Registry
from govmedia.rules import all_rules
from govmedia.run import incremental, sharded
from govmedia.run.cached import Lookup, lookup, store
from govmedia.run.links import unit_keys
from govmedia.run.plan import Plan
from govmedia.run.progress import trace
from govmedia.run.sharded import Checked, Extract

__all__ = ["Checked", "Extract", "Plan", "all_rules", "base_findings", "check", "check_all", "findings"]


def check(plan: Plan, progress: Progress | None = None, known: FileMap | None = None) -> tuple[Registry, list[Finding]]:
    """The whole register loaded in this process, and its findings (reports and tests read the registry)."""
    cache = plan.parse_cache(known)
    parallel.prefill(cache, plan.root)
    registry = plan.load(cache, progress)
    found = plan.run_rules(registry)
    plan.save_memo(whole=True)
    cache.save()
    return registry, found


def check_all(plan: Plan, progress: Progress | None = None, known: FileMap | None = None,
              extract: Extract | None = None) -> Checked:
    """The full check, sharded over every core for a large register (govmedia/run/sharded.py), else in this process.

    ``extract`` (a module-level function of a registry) is applied to every part of the register that was
    loaded, once: the site takes its public data this way without ever holding the whole register.
    With a git base it loads the whole register in one process, as :func:`check` does;
    :func:`findings` never asks it to: it adds the base rules' findings to a run without the base.
    """
    ctx = plan.options
    workers = parallel.jobs()
    parts = sharded.chunks(plan.root, workers) if ctx.base is None and not ctx.verify_signatures else None
    done = sharded.check(plan, parts, workers, progress, known, extract) if parts else None
    if done is not None:
        return done
    registry, found = check(plan, progress, known)
    return Checked(found, registry, {uid: unit_keys(registry, uid) for uid in registry.units},
                   registry.carry, [extract(registry)] if extract is not None else [])


def findings(plan: Plan, progress: Progress | None = None, looked: Lookup | None = None) -> list[Finding]:
    """The findings of the whole register: from the result cache when nothing has changed (``looked``: the
    caller has looked already), else by an incremental run when a few unit folders changed, else in full.
    With a git base: the run without it, plus the rules that read the base (:func:`base_findings`)."""
    if plan.options.base is not None:
        plain = findings(plan.without_base(), progress)
        return sorted({*plain, *base_findings(plan)}, key=lambda f: f.sort_key)
    if not plan.options.cache:
        return check_all(plan, progress).findings
    looked = looked or lookup(plan.options)
    if looked.findings is not None:
        trace("cached")
        return looked.findings
    results = looked.results
    changed = incremental.answerable(results.state, looked.stamp, results.files, looked.files, len(results.findings))
    if changed is not None and results.state is not None:
        found, state = incremental.run(plan, results.state, changed, looked.files, results.findings, progress)
    else:
        done = check_all(plan, progress, looked.files)
        found = done.findings
        state = incremental.state_of(found, done.keys, done.carry, looked.stamp)
        trace("full")
    store(looked, found, state)
    return found


def base_findings(plan: Plan) -> list[Finding]:
    """The findings of the rules that compare the register with the base (govmedia/rules/history.py, and
    GM604's missing CODEOWNERS), from the unit folders that changed since: the base snapshot reads only
    those (govmedia/history/gitbase.py ``changed_units``), and so does this run."""
    snap = plan.snapshot()
    if snap is None:
        return []
    # the run without the base has just parsed policies/ and announcements/: their cache shard, not them again
    registry = plan.load(plan.parse_cache(shards=("g",)), None, scope=snap.units)
    return plan.run_base_rules(registry)
