"""Rule families. Each module ``govmedia/rules/<family>.py`` exports ``RULES``: functions from the
loaded register (and the run's context) to findings. Modules are discovered, not listed, so that
adding a family touches no shared file (docs/architecture.md, "Adding a rule").

A module may also declare, for the run machinery (which never imports a rule module by name):

- ``BASE_RULES``: those of its rules that compare the register with ``--base``;
- ``TEXT_RULES``: those that scan the published texts no unit folder owns (announcements, policy pages);
- ``LINKS``: how its rules tie one unit folder's findings to other unit folders (:class:`Links`).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable
from functools import cache
from types import ModuleType
from typing import NamedTuple

from govmedia.findings.finding import Finding
from govmedia.register.context import Context
from govmedia.register.registry import Registry
from govmedia.schemas import Account

Rule = Callable[[Registry, Context], Iterable[Finding]]


class Links(NamedTuple):
    """How a rule family links unit folders: a finding about one unit may depend on another unit's files
    only through these keys, so that a run over part of the register knows which units to load together.

    ``keys(account)``: the link keys of one account (strings that start with a tag of the family's own,
    e.g. ``"id\\0"``); two units that hold an equal key are checked together. ``related(keys)``: given every
    link key of the register, the keys each one is linked to without being equal (e.g. a name contained in
    another), or None."""

    keys: Callable[[Account], Iterable[str]]
    related: Callable[[Iterable[str]], dict[str, list[str]]] | None = None


def all_rules() -> list[Rule]:
    return _collect("RULES")


def base_rules() -> list[Rule]:
    """The rules that compare the register with ``--base`` (a module's ``BASE_RULES``, also in its
    ``RULES``): without a base they report nothing, with one they need only the unit folders that changed."""
    return _collect("BASE_RULES")


def text_rules() -> list[Rule]:
    """The rules that scan the published texts no unit folder owns (a module's ``TEXT_RULES``, also in its
    ``RULES``): a sharded run spreads those texts over its workers."""
    return _collect("TEXT_RULES")


def all_links() -> list[Links]:
    """Every family's :class:`Links` (a module's ``LINKS``)."""
    return [links for module in _modules() if isinstance(links := getattr(module, "LINKS", None), Links)]


@cache
def _modules() -> tuple[ModuleType, ...]:
    return tuple(importlib.import_module(f"{__name__}.{info.name}")
                 for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name)
                 if not info.name.startswith("_") and not info.ispkg)


def _collect(name: str) -> list[Rule]:
    rules: list[Rule] = []
    for module in _modules():
        rules.extend(getattr(module, name, ()))
    return rules
