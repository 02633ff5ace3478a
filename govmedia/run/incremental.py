"""Incremental checking: after a change inside a few unit folders, check only what that change can affect.

A full run leaves in the result cache, besides its findings, what a later run needs to reuse them:

- the **owner** of each finding: the unit folder ``accounts/<unit>/`` whose files decide it (the folder of
  its path, or ``Finding.owner`` for GM303/GM304, which report on an announcement what an account's files
  decide), or ``""`` for a finding decided by the rest of the register (policies/, announcements/,
  CODEOWNERS);
- the **link keys** of each unit (``rules/identity.link_keys``): platform ids, urls and name skeletons,
  the only ways one unit's files change another unit's findings (GM101, GM105);
- per-unit intermediate results of rules that combine every unit (``Registry.carry``: GM604).

When the files that changed since that run all lie in unit folders C (and the date and the code are the
same), the run loads policies/, announcements/ and the units S — C plus every unit linked to C by a key,
transitively, through C's keys before and after the change — runs every rule on that partial register,
keeps the new findings owned by S or by ``""``, and keeps the cached findings of every other unit.
Every rule either reads one unit at a time with the rest of the register (its findings are then owned by
that unit), or links units only through the keys above, or is GM604 (``carry``). A change anywhere else
(policies/, announcements/, CODEOWNERS, a top folder) runs the full check. tests/test_incremental.py
compares incremental runs with full runs after many kinds of change.
"""

from __future__ import annotations

import os
import sys
from collections import defaultdict
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from govmedia.findings.finding import Finding
from govmedia.register.cache import FileMap, ParseCache
from govmedia.register.context import Context

if TYPE_CHECKING:  # a run answered from the result cache imports none of the loader, models and rules
    from govmedia.register.loader import Progress
    from govmedia.register.registry import Registry

STATE_VERSION = 1
MAX_UNITS = 200  # more changed units than this: a full run is as fast
_SKEL = "skel\0"

State = dict[str, Any]


def trace(mode: str, **extra: object) -> None:
    """One line on stderr when GOVMEDIA_TRACE is set: which kind of run answered (for tests and benchmarks)."""
    if os.environ.get("GOVMEDIA_TRACE"):
        details = "".join(f" {k}={v}" for k, v in extra.items())
        print(f"govmedia: mode={mode}{details}", file=sys.stderr)


def owner_of(finding: Finding) -> str:
    if finding.owner:
        return finding.owner
    parts = finding.path.split("/", 2)
    return parts[1] if parts[0] == "accounts" and len(parts) > 1 else ""


def unit_keys(reg: Registry, unit_id: str) -> list[str]:
    from govmedia.rules.identity import link_keys

    unit = reg.units.get(unit_id)
    if unit is None:
        return []
    keys = {key for acc in unit.accounts.values() if acc.record is not None for key in link_keys(acc.record.model)}
    return sorted(keys)


def state_of(findings: list[Finding], keys: dict[str, list[str]], carry: dict[str, dict[str, Any]],
             stamp: str) -> State:
    """What an incremental run after this full run needs (plain data, for marshal): the owner of each
    finding, each unit's link keys (:func:`unit_keys`) and the rules' per-unit ``carry``."""
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


def plan(state: State | None, stamp: str, before: FileMap, after: FileMap, findings: int = 0) -> set[str] | None:
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


def related_keys(by_key: dict[str, set[str]]) -> dict[str, set[str]]:
    """Name-skeleton keys that link because one skeleton contains the other (as GM105 compares them:
    rules/identity.contained), both ways."""
    from govmedia.rules.identity import contained

    related: dict[str, set[str]] = defaultdict(set)
    for outer, inner in contained(k[len(_SKEL):] for k in by_key if k.startswith(_SKEL)).items():
        for sub in inner:
            related[_SKEL + outer].add(_SKEL + sub)
            related[_SKEL + sub].add(_SKEL + outer)
    return related


KeyIndex = tuple[dict[str, set[str]], dict[str, set[str]]]  # key -> units holding it; skeleton -> related


def key_index(*key_maps: dict[str, list[str]]) -> KeyIndex:
    """Which units hold each link key (in any of ``key_maps``), and which skeleton keys are related
    (:func:`related_keys`): built once, read by :func:`linked` and checks/sharded.crossing."""
    by_key: dict[str, set[str]] = defaultdict(set)
    for keys in key_maps:
        for uid, unit_keys_ in keys.items():
            for key in unit_keys_:
                by_key[key].add(uid)
    return by_key, related_keys(by_key)


def linked(changed: set[str], old_keys: dict[str, list[str]], new_keys: dict[str, list[str]],
           index: KeyIndex | None = None) -> frozenset[str]:
    """``changed`` and every unit linked to it, transitively, by an equal key or a name skeleton that
    contains another (:func:`related_keys`). ``index``: :func:`key_index` of both key maps, if built already."""
    by_key, related = index if index is not None else key_index(old_keys, new_keys)
    seen = set(changed)
    todo = list(changed)
    while todo:
        uid = todo.pop()
        for key in [*old_keys.get(uid, ()), *new_keys.get(uid, ())]:
            for k in (key, *related.get(key, ())):
                for other in by_key.get(k, ()):
                    if other not in seen:
                        seen.add(other)
                        todo.append(other)
    return frozenset(seen)


def run(ctx: Context, state: State, changed: set[str], files: FileMap, cached: list[tuple[Any, ...]],
        progress: Progress | None = None) -> tuple[list[Finding], State]:
    """Check the changed units (and those linked to them) and reuse the cached findings of the others."""
    from govmedia.register.loader import load, load_more
    from govmedia.run.engine import run_rules

    cache = ParseCache(ctx.root, files, persist=True, shards=("g",))  # unit folders are parsed afresh
    reg = load(ctx.root, cache, progress, scope=frozenset(changed))
    old_keys: dict[str, list[str]] = state["keys"]
    scope = linked(changed, old_keys, {uid: unit_keys(reg, uid) for uid in changed})
    if scope != reg.scope:
        load_more(reg, cache, scope)
    reg.carried = state["carry"]
    fresh = run_rules(reg, ctx)  # the content rules' memo keeps what this partial run did not see
    cache.save()
    previous = [(Finding(*item), owner) for item, owner in zip(cached, state["owners"], strict=True)]
    findings, keys, carry = combine(reg, fresh, previous, old_keys, state["carry"])
    trace("incremental", changed=len(changed), units=len(scope))
    return findings, {**state, "owners": [owner_of(f) for f in findings], "keys": keys, "carry": carry}


def combine(reg: Registry, fresh: list[Finding], previous: list[tuple[Finding, str]], keys: dict[str, list[str]],
            carry: dict[str, dict[str, Any]]) -> tuple[list[Finding], dict[str, list[str]], dict[str, dict[str, Any]]]:
    """A run over part of the register (``reg.scope``) joined with what earlier runs decided for the rest:
    findings (with their owners), link keys and GM604's ``carry``. The fresh run decides the units in scope
    and the findings no unit owns; the earlier runs keep every other unit."""
    scope = reg.scope or frozenset()
    kept = [replace(f, owner=owner) for f, owner in previous if owner and owner not in scope]
    findings = sorted({*kept, *(f for f in fresh if owner_of(f) in scope or not owner_of(f))}, key=lambda f: f.sort_key)
    new_keys = {uid: k for uid, k in keys.items() if uid not in scope}
    new_keys.update((uid, unit_keys(reg, uid)) for uid in reg.units)
    new_carry = {rule: {uid: v for uid, v in per_unit.items() if uid not in scope} for rule, per_unit in carry.items()}
    for rule, per_unit in reg.carry.items():
        new_carry.setdefault(rule, {}).update(per_unit)
    return findings, new_keys, new_carry
