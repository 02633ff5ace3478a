"""Who owns a finding, and which unit folders must be checked together: what lets a run see part of the register.

- The **owner** of a finding is the unit folder ``accounts/<unit>/`` whose files decide it (the folder of its
  path, or ``Finding.owner`` for a finding reported on an announcement that an account's files decide), or
  ``""`` for a finding decided by the rest of the register (policies/, announcements/, CODEOWNERS).
- The **link keys** of a unit are those its accounts have under every rule family's ``LINKS``
  (govmedia/rules/__init__.py): two units with an equal key, or with keys a family relates, are linked.

An incremental run (govmedia/run/incremental.py) and a sharded run (govmedia/run/sharded.py) both load a set
of unit folders closed under links, run every rule on it and keep the findings its units own
(docs/architecture.md, "Partial registers").
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from typing import Any

from govmedia.findings.finding import Finding
from govmedia.register.registry import Registry
from govmedia.rules import all_links

KeyIndex = tuple[dict[str, set[str]], dict[str, set[str]]]  # key -> units holding it; key -> related keys


def owner_of(finding: Finding) -> str:
    if finding.owner:
        return finding.owner
    parts = finding.path.split("/", 2)
    return parts[1] if parts[0] == "accounts" and len(parts) > 1 else ""


def unit_keys(reg: Registry, unit_id: str) -> list[str]:
    """The link keys of one unit folder of ``reg`` (none when it is not there)."""
    unit = reg.units.get(unit_id)
    if unit is None:
        return []
    families = all_links()
    keys = {key for acc in unit.accounts.values() if acc.record is not None
            for links in families for key in links.keys(acc.record.model)}
    return sorted(keys)


def related_keys(by_key: dict[str, set[str]]) -> dict[str, set[str]]:
    """Keys that link without being equal (each family's ``Links.related``), both ways."""
    related: dict[str, set[str]] = defaultdict(set)
    for links in all_links():
        if links.related is None:
            continue
        for outer, inner in links.related(by_key).items():
            for sub in inner:
                related[outer].add(sub)
                related[sub].add(outer)
    return related


def key_index(*key_maps: dict[str, list[str]]) -> KeyIndex:
    """Which units hold each link key (in any of ``key_maps``), and which keys are related
    (:func:`related_keys`): built once, read by :func:`linked` and govmedia/run/sharded.py ``crossing``."""
    by_key: dict[str, set[str]] = defaultdict(set)
    for keys in key_maps:
        for uid, held in keys.items():
            for key in held:
                by_key[key].add(uid)
    return by_key, related_keys(by_key)


def linked(changed: set[str], old_keys: dict[str, list[str]], new_keys: dict[str, list[str]],
           index: KeyIndex | None = None) -> frozenset[str]:
    """``changed`` and every unit linked to it, transitively, by an equal key or a related one
    (:func:`related_keys`). ``index``: :func:`key_index` of both key maps, if built already."""
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


Carry = dict[str, dict[str, Any]]  # rule key -> unit id -> per-unit result (Registry.unit_results)


def combine(reg: Registry, fresh: list[Finding], previous: list[tuple[Finding, str]], keys: dict[str, list[str]],
            carry: Carry) -> tuple[list[Finding], dict[str, list[str]], Carry]:
    """A run over part of the register (``reg.scope``) joined with what earlier runs decided for the rest:
    findings (with their owners), link keys and the rules' per-unit results. The fresh run decides the units
    in scope and the findings no unit owns; the earlier runs keep every other unit."""
    scope = reg.scope or frozenset()
    kept = [replace(f, owner=owner) for f, owner in previous if owner and owner not in scope]
    findings = sorted({*kept, *(f for f in fresh if owner_of(f) in scope or not owner_of(f))}, key=lambda f: f.sort_key)
    new_keys = {uid: k for uid, k in keys.items() if uid not in scope}
    new_keys.update((uid, unit_keys(reg, uid)) for uid in reg.units)
    new_carry = {rule: {uid: v for uid, v in per_unit.items() if uid not in scope} for rule, per_unit in carry.items()}
    for rule, per_unit in reg.carry.items():
        new_carry.setdefault(rule, {}).update(per_unit)
    return findings, new_keys, new_carry
