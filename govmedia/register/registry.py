"""The in-memory register: every document, loaded once, with positions. Rules only read this."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from govmedia.dialect.yamlload import Document, Pos
from govmedia.findings.finding import Finding
from govmedia.schemas import Account, Announcement, Approval, Governance, Request, Unit

M = TypeVar("M", bound=BaseModel)


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
    # An incremental run (govmedia/run/incremental.py) loads only some unit folders: ``scope`` names them, and
    # rules that look up other units skip what is out of scope. None: the whole register.
    scope: frozenset[str] | None = None
    # Per-unit intermediate results of rules that combine every unit (GM604): ``carry[rule][unit_id]`` is
    # written by the rule for each unit it saw; ``carried`` is what an incremental run hands the rule for
    # the units it did not load (cached from the previous run).
    carry: dict[str, dict[str, Any]] = field(default_factory=dict)
    carried: dict[str, dict[str, Any]] = field(default_factory=dict)
    # The published texts that no unit owns (governance.yaml's, announcements', policies/) that the content
    # rules scan: every n-th from the k-th for (k, n), none for None. A sharded run (govmedia/run/sharded.py) scans
    # them in n shares beside its chunks of unit folders, which skip them, as its final run does.
    base_texts: tuple[int, int] | None = (0, 1)

    def in_scope(self, unit_id: str) -> bool:
        return self.scope is None or unit_id in self.scope

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
