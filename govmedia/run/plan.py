"""One run of the checks: the plan carries what the run keeps while it lasts, and hands the rules what they need.

A :class:`Plan` is made once per ``govmedia check`` (or per call of govmedia/run/engine.py). It holds

- the run's options (:class:`~govmedia.register.context.Context`: root, date, base, flags);
- the clean-text memo of the content rules (read once, saved once after the rules; None without the cache);
- the register at ``--base`` (built at most once, when a rule or the command first asks for it);

and it is the one place that runs rules, so every way of answering (one process, incremental, sharded,
against a base: govmedia/run/modes.py) runs them the same way. Rules see only their context and the
registry: how much of the register a run loaded is the registry's to say (docs/architecture.md).
"""

from __future__ import annotations

from dataclasses import replace

from govmedia.findings.finding import Finding
from govmedia.history import gitbase
from govmedia.register.cache import CleanMemo, FileMap, ParseCache
from govmedia.register.context import Context
from govmedia.register.loader import Progress, load, load_more
from govmedia.register.registry import Registry
from govmedia.register.snapshot import BaseSnapshot
from govmedia.rules import Rule, all_rules, base_rules


class Plan:
    """The state of one run: options, clean-text memo, base snapshot."""

    def __init__(self, ctx: Context, memo: CleanMemo | None = None, worker: bool = False) -> None:
        self.options = ctx.options
        # a worker of a sharded run reads the memo and hands back what it found clean: the main process saves
        self.memo = memo if memo is not None else CleanMemo(ctx.root, read_only=worker) if ctx.cache else None
        self._snapshot: BaseSnapshot | None = None

    @property
    def root(self) -> str:
        return str(self.options.root)

    def without_base(self) -> Plan:
        """The plan of the same run without ``--base`` (its plain part), sharing the memo."""
        return Plan(replace(self.options, base=None, verify_signatures=False), self.memo)

    def snapshot(self) -> BaseSnapshot | None:
        """The register at ``--base`` (None without one), built on first use; raises
        :class:`~govmedia.history.gitbase.BaseError` when the base cannot be read."""
        if self.options.base is None:
            return None
        if self._snapshot is None:
            self._snapshot = gitbase.snapshot(self.options.root, self.options.base)
        return self._snapshot

    def base_problem(self, lang: str) -> str | None:
        """Why ``--base`` cannot be used, in the user's language (None: it can, and it is read now)."""
        try:
            self.snapshot()
        except gitbase.BaseError as exc:
            return exc.message(lang)
        return None

    @property
    def context(self) -> Context:
        """What the rules are given: the options, the memo and the base snapshot."""
        return replace(self.options, memo=self.memo, snapshot=self.snapshot())

    def parse_cache(self, known: FileMap | None = None, shards: tuple[str, ...] = ("g", "u")) -> ParseCache:
        return ParseCache(self.options.root, known, persist=self.options.cache, shards=shards)

    def load(self, cache: ParseCache | None, progress: Progress | None = None,
             scope: frozenset[str] | None = None) -> Registry:
        return load(self.options.root, cache, progress, scope=scope)

    def load_more(self, registry: Registry, cache: ParseCache | None, unit_ids: frozenset[str]) -> Registry:
        return load_more(registry, cache, unit_ids)

    def run_rules(self, registry: Registry) -> list[Finding]:
        """The load findings and every rule's findings, each once, in report order."""
        ctx = self.context
        findings = list(registry.findings)
        for rule in all_rules():
            findings.extend(rule(registry, ctx))
        return sorted(set(findings), key=lambda f: f.sort_key)

    def run_base_rules(self, registry: Registry) -> list[Finding]:
        """The findings of the rules that compare the register with the base (a module's ``BASE_RULES``)."""
        ctx = self.context
        return [finding for rule in base_rules() for finding in rule(registry, ctx)]

    def run(self, registry: Registry, rules: list[Rule]) -> list[Finding]:
        """The findings of ``rules`` alone (no load findings): a sharded run's share of the unowned texts."""
        ctx = self.context
        return [finding for rule in rules for finding in rule(registry, ctx)]

    def save_memo(self, whole: bool, used: set[bytes] | None = None) -> None:
        """Save the clean-text memo once the rules are done: ``whole``, the run saw the whole register and
        keeps only what it saw clean; else it keeps the rest too. ``used``: what workers found clean."""
        if self.memo is None:
            return
        if used:
            self.memo.used |= used
        self.memo.save(prune=whole)

    def memo_used(self) -> set[bytes]:
        return set(self.memo.used) if self.memo is not None else set()
