"""The in-memory register: every document, loaded once, with positions. Rules only read this."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from govmedia.dialect.yamlload import Document, Pos
from govmedia.findings.finding import Finding
from govmedia.schemas import Account, Announcement, Approval, Governance, Request, Unit

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")
UnitFilter = Callable[[str], bool]


@dataclass
class Record(Generic[M]):
    """One valid document: where it is, what it says, and where each field is written."""

    path: str  # relative to the root, forward slashes
    model: M
    doc: Document

    def pos(self, *loc: str | int) -> Pos:
        return self.doc.pos(tuple(loc))


@dataclass
class RequestRec:
    """``accounts/<unit>/<account>/requests/<date>-<action>/``: an application and its decisions."""

    folder: str  # relative path of the folder
    submitted_on: date  # from the folder name
    action: str  # from the folder name
    request: Record[Request] | None  # None when request.yaml is missing or invalid
    approvals: dict[str, Record[Approval]] = field(default_factory=dict)  # stage -> decision
    broken: bool = False  # some file in the folder did not load

    @property
    def path(self) -> str:
        return f"{self.folder}/request.yaml"


@dataclass
class AccountRec:
    unit_id: str
    account_id: str
    record: Record[Account] | None
    requests: list[RequestRec] = field(default_factory=list)  # sorted by (date, action)

    @property
    def ref(self) -> str:
        return f"{self.unit_id}/{self.account_id}"

    @property
    def path(self) -> str:
        return f"accounts/{self.unit_id}/{self.account_id}/account.yaml"


@dataclass
class UnitRec:
    unit_id: str
    record: Record[Unit] | None
    accounts: dict[str, AccountRec] = field(default_factory=dict)

    @property
    def path(self) -> str:
        return f"accounts/{self.unit_id}/unit.yaml"


@dataclass
class AnnouncementRec:
    slug: str
    published_on: date  # from the file name
    record: Record[Announcement]
    body: str
    body_line: int


@dataclass
class TextFile:
    """A published prose file (policies/*.md): scanned by the content rules."""

    path: str
    text: str


@dataclass
class Registry:
    root: Path
    governance: Record[Governance] | None = None
    units: dict[str, UnitRec] = field(default_factory=dict)
    accounts: dict[str, AccountRec] = field(default_factory=dict)  # "<unit>/<account>" -> rec
    announcements: list[AnnouncementRec] = field(default_factory=list)
    policies: list[TextFile] = field(default_factory=list)
    banned_terms: TextFile | None = None  # policies/banned-terms.txt, when present and readable
    findings: list[Finding] = field(default_factory=list)  # found while loading
    broken: set[str] = field(default_factory=set)  # paths that did not load
    # Indexes that rules derive from the register, computed once per run and shared (e.g. the list of
    # published texts that all four content rules scan). Keyed by the deriving function's name.
    derived: dict[str, Any] = field(default_factory=dict)
    # The CODEOWNERS files of the repository (the locations GitHub and GitLab read, in that order), each
    # that is a regular file: its text, or None when it is unreadable, not UTF-8 or over CODEOWNERS_MAX_BYTES.
    codeowners: dict[str, str | None] = field(default_factory=dict)
    # How much of the register a run sees (set by the run machinery, read through the methods below; rules
    # never look at these fields, see docs/architecture.md "Partial registers"):
    # ``scope``: the unit folders loaded (None: all of them); ``carry``: per-unit results of this run,
    # rule key -> unit id -> value; ``carried``: those of earlier runs, for the units out of scope;
    # ``unowned_share``: of the items no unit folder owns, every n-th from the k-th for (k, n), none for None.
    scope: frozenset[str] | None = None
    carry: dict[str, dict[str, Any]] = field(default_factory=dict)
    carried: dict[str, dict[str, Any]] = field(default_factory=dict)
    unowned_share: tuple[int, int] | None = (0, 1)

    def in_scope(self, unit_id: str) -> bool:
        """True when this registry holds the unit folder ``unit_id`` (if it exists at all)."""
        return self.scope is None or unit_id in self.scope

    def lacks_unit(self, unit_id: str) -> bool:
        """True when the register has no unit folder ``unit_id``; never for one this registry did not load."""
        return unit_id not in self.units and self.in_scope(unit_id)

    def lacks_account(self, ref: str) -> bool:
        """True when the register has no account ``<unit>/<account>``; never for a unit folder this registry
        did not load (a partial register cannot tell)."""
        return ref not in self.accounts and self.in_scope(ref.split("/", 1)[0])

    def unit_results(self, key: str, compute: Callable[[UnitFilter], dict[str, T]]) -> dict[str, T]:
        """A rule's results per unit (plain data), for the whole register.

        ``compute(wanted)`` returns the results of the units for which ``wanted(unit_id)`` is true (their
        folders are loaded); the results of the other units are those of the run that last saw them. In a
        one-process run of the whole register ``wanted`` is always true. ``key`` names the rule's results."""
        fresh = {uid: value for uid, value in compute(self.in_scope).items() if self.in_scope(uid)}
        self.carry[key] = fresh
        earlier = {uid: value for uid, value in self.carried.get(key, {}).items() if not self.in_scope(uid)}
        return {**earlier, **fresh}

    def unowned(self, items: Iterable[T]) -> Iterator[T]:
        """Of ``items`` that no unit folder owns (one per file of policies/, announcements/ and
        governance.yaml, in register order), those this registry's run checks: all of them, unless the run
        shares them out (a sharded run scans them beside its chunks of unit folders)."""
        if self.unowned_share is None:
            return iter(())
        first, step = self.unowned_share
        return itertools.islice(items, first, None, step)

    def valid_accounts(self) -> list[tuple[AccountRec, Record[Account]]]:
        """The accounts whose account.yaml loaded, in register order (worked out again once accounts change)."""
        known = self.derived.get("valid_accounts")
        if known is not None and known[0] is self.accounts and known[1] == len(self.accounts):
            return list(known[2])
        valid = [(a, a.record) for a in self.accounts.values() if a.record is not None]
        self.derived["valid_accounts"] = (self.accounts, len(self.accounts), valid)
        return list(valid)

    def unit_name(self, unit_id: str) -> str | None:
        unit = self.units.get(unit_id)
        return unit.record.model.name if unit and unit.record else None
