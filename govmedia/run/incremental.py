"""Incremental checking: after a change inside a few unit folders, check only what that change can affect.

A full run leaves in the result cache, besides its findings, what a later run needs to reuse them:

- the **owner** of each finding: the unit folder ``accounts/<unit>/`` whose files decide it (the folder of
  its path, or ``Finding.owner`` for GM303/GM304, which report on an announcement what an account's files
  decide), or ``""`` for a finding decided by the rest of the register (policies/, announcements/,
  CODEOWNERS);
- the **link keys** of each unit (govmedia/run/links.py, from the rule families' ``LINKS``: platform ids,
  urls and name skeletons), the only ways one unit's files change another unit's findings (GM101, GM105);
- the per-unit results of rules that combine every unit (``Registry.unit_results``: GM604).

When the files that changed since that run all lie in unit folders C (and the date and the code are the
same), the run loads policies/, announcements/ and the units S — C plus every unit linked to C by a key,
transitively, through C's keys before and after the change — runs every rule on that partial register,
keeps the new findings owned by S or by ``""``, and keeps the cached findings of every other unit.
Every rule either reads one unit at a time with the rest of the register (its findings are then owned by
that unit), or links units only through the keys above, or keeps per-unit results (GM604). A change anywhere else
(policies/, announcements/, CODEOWNERS, a top folder) runs the full check. tests/test_incremental.py
compares incremental runs with full runs after many kinds of change.
"""

from __future__ import annotations

from typing import Any

from govmedia.findings.finding import Finding
from govmedia.register.cache import FileMap
from govmedia.register.loader import Progress
from govmedia.run.links import Carry, combine, linked, owner_of, unit_keys
from govmedia.run.plan import Plan
from govmedia.run.progress import trace

STATE_VERSION = 1
MAX_UNITS = 200  # more changed units than this: a full run is as fast

State = dict[str, Any]


def state_of(findings: list[Finding], keys: dict[str, list[str]], carry: Carry, stamp: str) -> State:
    """What an incremental run after this full run needs (plain data, for marshal): the owner of each
    finding, each unit's link keys (govmedia/run/links.py) and the rules' per-unit results."""
    return {"version": STATE_VERSION, "stamp": stamp, "owners": [owner_of(f) for f in findings],
            "keys": keys, "carry": carry}


def changed_units(before: FileMap, after: FileMap) -> set[str] | None:
    """The unit folders in which some file was added, removed or changed; None if a file elsewhere was."""
    changed = [rel for rel, new in after.items() if (old := before.get(rel)) is None or old[1] != new[1]]
    if len(after) - len(changed) != len(before):  # some file of before is gone
        changed.extend(rel for rel in before if rel not in after)
    units: set[str] = set()
    for rel in changed:
        parts = rel.split("/", 2)
        if parts[0] != "accounts" or len(parts) < 2 or not parts[1]:  # "accounts/": the folder itself
            return None
        units.add(parts[1])
    return units


def answerable(state: State | None, stamp: str, before: FileMap, after: FileMap, findings: int = 0) -> set[str] | None:
    """The changed unit folders when an incremental run can answer, else None (run the full check).
    ``findings``: how many findings the cached run has (its state names an owner for each)."""
    if state is None or state.get("version") != STATE_VERSION or state.get("stamp") != stamp:
        return None
    owners, keys, carry = state.get("owners"), state.get("keys"), state.get("carry")
    if not (isinstance(owners, list) and len(owners) == findings and isinstance(keys, dict)
            and isinstance(carry, dict)):
        return None  # a damaged cache: the full check
    units = changed_units(before, after)
    if not units or len(units) > MAX_UNITS:
        return None
    return units


def run(plan: Plan, state: State, changed: set[str], files: FileMap, cached: list[tuple[Any, ...]],
        progress: Progress | None = None) -> tuple[list[Finding], State]:
    """Check the changed units (and those linked to them) and reuse the cached findings of the others."""
    cache = plan.parse_cache(files, shards=("g",))  # unit folders are parsed afresh
    reg = plan.load(cache, progress, scope=frozenset(changed))
    old_keys: dict[str, list[str]] = state["keys"]
    scope = linked(changed, old_keys, {uid: unit_keys(reg, uid) for uid in changed})
    if scope != reg.scope:
        plan.load_more(reg, cache, scope)
    reg.carried = state["carry"]
    fresh = plan.run_rules(reg)
    plan.save_memo(whole=False)  # the memo keeps what this partial run did not see
    cache.save()
    previous = [(Finding(*item), owner) for item, owner in zip(cached, state["owners"], strict=True)]
    findings, keys, carry = combine(reg, fresh, previous, old_keys, state["carry"])
    trace("incremental", changed=len(changed), units=len(scope))
    return findings, {**state, "owners": [owner_of(f) for f in findings], "keys": keys, "carry": carry}
