"""Rule families. Each module ``checks/rules/<family>.py`` exports ``RULES``: functions from the
loaded register (and the run's context) to findings. Modules are discovered, not listed, so that
adding a family touches no shared file.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable

from govmedia.findings.finding import Finding
from govmedia.register.context import Context
from govmedia.register.registry import Registry

Rule = Callable[[Registry, Context], Iterable[Finding]]


def all_rules() -> list[Rule]:
    return _collect("RULES")


def base_rules() -> list[Rule]:
    """The rules that compare the register with ``--base`` (a module's ``BASE_RULES``, also in its
    ``RULES``): without a base they report nothing, with one they need only the unit folders that changed."""
    return _collect("BASE_RULES")


def _collect(name: str) -> list[Rule]:
    rules: list[Rule] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        rules.extend(getattr(module, name, ()))
    return rules
