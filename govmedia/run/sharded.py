"""A full check of a large register in chunks of unit folders: on every core, in bounded memory.

The loader and the rules are built so that a run can see only some unit folders (``Registry.scope``,
govmedia/run/links.py): findings are owned by a unit folder or by the rest of the register, units affect
each other only through their link keys (platform ids, urls, name skeletons), and GM604 combines per-unit
results (``Registry.unit_results``). A sharded run uses exactly that:

1. the main process loads the rest of the register once (policies/, announcements/; ``scope`` empty);
2. worker processes check the unit folders chunk by chunk: each chunk is loaded beside that base, every
   rule runs, and the worker hands back only the findings the chunk's units own, their link keys, their
   per-unit results and (for the site) an ``extract`` of their public data; the chunk is then dropped, so no
   process ever holds the whole register;
3. beside the chunks, the workers scan the published texts that no unit owns (announcement bodies, policy
   pages; ``Registry.base_texts``) in one share per worker, with the content rules (GM501-GM504);
4. the main process runs every rule once more on the base plus the units whose links cross a chunk (and
   the units that announcements name but no folder holds), with the other units' results, skipping the
   texts of step 3: that run decides those units' findings and the findings owned by the rest of the
   register, to which the findings of step 3 are added.

The result equals the one-process check; tests/test_sharded.py compares the two on every mutation of the
incremental oracle.
"""

from __future__ import annotations

import gc
import math
import os
import threading
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from multiprocessing import get_all_start_methods, get_context
from typing import Any

from govmedia.findings.finding import Finding
from govmedia.register.cache import FileMap, ParseCache
from govmedia.register.context import Context
from govmedia.register.loader import Progress
from govmedia.register.registry import Registry
from govmedia.rules import all_rules, text_rules
from govmedia.run.links import Carry, KeyIndex, combine, key_index, linked, owner_of, unit_keys
from govmedia.run.plan import Plan

MIN_UNITS = 400  # fewer unit folders than this: one process is as fast
CHUNK_UNITS = 2500  # at most this many unit folders in memory at once, per worker (about 10,000 accounts)
CHUNK_ENV = "GOVMEDIA_SHARD_UNITS"  # units per chunk, whatever the size (tests force small chunks)

Extract = Callable[[Registry], Any]  # picklable: a module-level function


@dataclass
class Checked:
    """What a full check leaves: its findings, the registry it can hand over, what an incremental run needs."""

    findings: list[Finding]
    registry: Registry  # the whole register (one process), or the base without unit folders (sharded)
    keys: dict[str, list[str]]  # unit -> link keys
    carry: Carry  # rule -> unit -> per-unit result
    extracts: list[Any] = field(default_factory=list)  # extract(registry) of each chunk, in unit order


def chunks(root: str, jobs: int) -> list[list[str]] | None:
    """The unit folders (every name under accounts/, valid or not) in contiguous chunks; None: one process."""
    try:
        with os.scandir(os.path.join(root, "accounts")) as it:
            names = sorted(e.name for e in it)
    except OSError:
        return None  # a missing or broken accounts/: the one-process run explains it
    wanted = os.environ.get(CHUNK_ENV, "")
    if wanted.isdigit() and int(wanted) > 0:
        count = math.ceil(len(names) / int(wanted))
    elif len(names) >= MIN_UNITS and jobs > 1:
        count = max(1, math.ceil(len(names) / CHUNK_UNITS / jobs)) * jobs
    else:
        return None
    if count < 1 or not names:
        return None
    size = math.ceil(len(names) / count)
    return [names[i:i + size] for i in range(0, len(names), size)]


def fresh(base: Registry) -> Registry:
    """A new registry sharing the base's documents, with no unit folder loaded yet."""
    return Registry(root=base.root, governance=base.governance, announcements=base.announcements,
                    policies=base.policies, banned_terms=base.banned_terms, findings=list(base.findings),
                    broken=set(base.broken), codeowners=base.codeowners, scope=frozenset())


ChunkResult = tuple[list[Finding], dict[str, list[str]], Carry, Any, set[bytes]]
TextResult = tuple[list[Finding], set[bytes]]


class Shards:
    """What the chunks of one sharded run share: its plan and the base (policies/, announcements/)."""

    def __init__(self, plan: Plan, base: Registry, in_worker: bool = False) -> None:
        self.plan = plan
        self.base = base
        self.in_worker = in_worker
        self.kept: Registry | None = None  # a worker's last chunk, freed when its next one starts

    def check_chunk(self, unit_ids: list[str], extract: Extract | None) -> ChunkResult:
        """Load one chunk beside the base, run every rule; keep what the chunk's units own.

        The collector is off meanwhile (as in govmedia/register/loader.py ``load``): the chunk is a tree of
        fresh objects without cycles, and with it on, every allocation of the rules would walk the chunk's
        million objects again.

        A worker frees a chunk only when its next chunk starts, so that the result goes back first; after its
        last chunk it never does, since a forked worker leaves by ``os._exit``: freeing a million objects takes
        a tenth of a second."""
        if self.in_worker:
            self.kept = None
            gc.collect()
            self.kept, result = self._check_chunk(unit_ids, extract)
            return result
        enabled = gc.isenabled()
        gc.disable()
        try:
            return self._check_chunk(unit_ids, extract)[1]
        finally:
            gc.collect()
            if enabled:
                gc.enable()

    def _check_chunk(self, unit_ids: list[str], extract: Extract | None) -> tuple[Registry, ChunkResult]:
        part = fresh(self.base)
        part.unowned_share = None  # scanned by scan_texts
        reg = self.plan.load_more(part, None, frozenset(unit_ids))
        scope = reg.scope or frozenset()
        owned = [replace(f, owner=o) for f in self.plan.run_rules(reg) if (o := owner_of(f)) in scope]
        keys = {uid: unit_keys(reg, uid) for uid in reg.units}
        return reg, (owned, keys, reg.carry, extract(reg) if extract is not None else None, self.plan.memo_used())

    def scan_texts(self, share: tuple[int, int]) -> TextResult:
        """The text rules over one share of the published texts that no unit owns (the announcements'
        bodies, mostly): no chunk and not the final run scan them, so that they are spread over every core."""
        part = fresh(self.base)
        part.unowned_share = share
        return self.plan.run(part, text_rules()), self.plan.memo_used()


# -- a worker process -------------------------------------------------------------------------------------
# A pool's worker keeps the shards it was started with here: tasks are sent to it as a function and its
# arguments, so what they share has no other place to live. Only a worker process sets it.
_worker: Shards | None = None


def _init(shared: Shards | Context) -> None:
    """Worker start: the shards are inherited (fork: never pickled) or built once per worker (spawn: the
    run's options are sent and the base is loaded again). Workers never write the clean-text memo: they hand
    back what they found clean, and the main process saves it once.

    The collector stays off in a worker, and what is alive now (the base, the modules) is frozen out of its
    reach: :meth:`Shards.check_chunk` collects between chunks, over what the chunks left."""
    global _worker
    if isinstance(shared, Shards):  # this process is a copy of the main one: its memo is ours to mark read-only
        if shared.plan.memo is not None:
            shared.plan.memo.read_only = True
        _worker = Shards(shared.plan, shared.base, in_worker=True)
    else:
        plan = Plan(shared, worker=True)
        _worker = Shards(plan, plan.load(None, None, scope=frozenset()), in_worker=True)
    gc.disable()
    gc.freeze()


def _chunk_task(unit_ids: list[str], extract: Extract | None) -> ChunkResult:
    assert _worker is not None
    return _worker.check_chunk(unit_ids, extract)


def _text_task(share: tuple[int, int]) -> TextResult:
    assert _worker is not None
    return _worker.scan_texts(share)


# -- the whole run (main process) -----------------------------------------------------------------------

def crossing(parts: list[list[str]], index: KeyIndex) -> set[str]:
    """Units linked (an equal key, or a related one) to a unit of another chunk."""
    by_key, related = index
    chunk_of = {uid: i for i, part in enumerate(parts) for uid in part}
    out: set[str] = set()
    for key, holders in by_key.items():
        group = set(holders)
        for other in related.get(key, ()):
            group |= by_key[other]
        if len({chunk_of.get(uid, -1) for uid in group}) > 1:
            out |= holders
    return out


def unheld(base: Registry, parts: list[list[str]]) -> set[str]:
    """Units that announcements name but no folder under accounts/ holds (GM304 is owned by them)."""
    held = {uid for part in parts for uid in part}
    return {ref.split("/", 1)[0] for ann in base.announcements for ref in ann.record.model.accounts} - held


def _pool(jobs: int, shards: Shards) -> ProcessPoolExecutor:
    # fork hands the workers the loaded base and every imported module; it is only safe without threads
    fork = "fork" in start_methods() and threading.active_count() == 1
    shared: Shards | Context = shards if fork else shards.plan.options
    return ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("fork" if fork else "spawn"),
                               initializer=_init, initargs=(shared,))


def start_methods() -> list[str]:
    """The process start methods of this platform (tests pretend fork is missing)."""
    return get_all_start_methods()


def _run_chunks(shards: Shards, parts: list[list[str]], jobs: int, extract: Extract | None,
                progress: Progress | None) -> tuple[list[ChunkResult], list[TextResult]]:
    total = sum(len(p) for p in parts)
    if jobs < 2 or len(parts) < 2:
        done: list[ChunkResult] = []
        for part in parts:
            done.append(shards.check_chunk(part, extract))
            if progress is not None:
                progress(sum(len(p) for p in parts[:len(done)]), total)
        return done, [shards.scan_texts((0, 1))]
    with _pool(min(jobs, len(parts)), shards) as pool:
        futures = {pool.submit(_chunk_task, part, extract): len(part) for part in parts}
        # after the chunks, one share a worker: they even out the end
        texts = [pool.submit(_text_task, (k, jobs)) for k in range(jobs)]
        finished = 0
        for future in as_completed(futures):
            finished += futures[future]
            if progress is not None:
                progress(finished, total)
        return [future.result() for future in futures], [future.result() for future in texts]


def check(plan: Plan, parts: list[list[str]], jobs: int, progress: Progress | None = None,
          known: FileMap | None = None, extract: Extract | None = None) -> Checked | None:
    """The sharded full check; None when a worker died (the caller then checks in one process)."""
    all_rules()  # imported once, here: forked workers inherit the modules
    cache = plan.parse_cache(known, shards=("g",))  # unit folders: parsed by workers
    base = plan.load(cache, None, scope=frozenset())
    try:
        results, texts = _run_chunks(Shards(plan, base), parts, jobs, extract, progress)
    except BrokenProcessPool:
        return None
    return _final(plan, cache, base, parts, results, texts)


def _final(plan: Plan, cache: ParseCache, base: Registry, parts: list[list[str]], results: list[ChunkResult],
           texts: list[TextResult]) -> Checked:
    """Step 4: the units whose links cross a chunk (and those only announcements name), with the base."""
    previous = [(f, f.owner) for owned, *_ in results for f in owned]
    keys = {uid: k for _, chunk_keys, *_ in results for uid, k in chunk_keys.items()}
    carry: Carry = defaultdict(dict)
    for _, _, chunk_carry, *_ in results:
        for rule, per_unit in chunk_carry.items():
            carry[rule].update(per_unit)
    index = key_index(keys)
    seeds = crossing(parts, index) | unheld(base, parts)
    reg = fresh(base)
    reg.unowned_share = None  # scanned by scan_texts
    scope = linked(seeds, keys, keys, index)
    plan.load_more(reg, cache, scope)  # its scope now names units that only announcements name, too
    reg.carried = dict(carry)
    scanned = [finding for found, _ in texts for finding in found]
    findings, keys, new_carry = combine(reg, plan.run_rules(reg) + scanned, previous, keys, dict(carry))
    cache.save()
    plan.save_memo(whole=True, used={key for *_, used in results for key in used}
                   | {key for _, used in texts for key in used})
    return Checked(findings, base, keys, new_carry, [extract_ for *_, extract_, _ in results])
