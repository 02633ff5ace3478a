"""Load once, check many: the register is loaded one time and every rule reads it."""

from __future__ import annotations

from .context import Context
from .findings import Finding
from .loader import load
from .registry import Registry
from .rules import all_rules


def run_rules(registry: Registry, ctx: Context) -> list[Finding]:
    findings = list(registry.findings)
    for rule in all_rules():
        findings.extend(rule(registry, ctx))
    return sorted(set(findings), key=lambda f: f.sort_key)


def check(ctx: Context) -> tuple[Registry, list[Finding]]:
    registry = load(ctx.root)
    return registry, run_rules(registry, ctx)


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)
