"""What the public may see: the register reduced to the fields the schemas mark ``x-public``.

Everything the site and the open-data files show goes through this module. A field reaches the
public only if its pydantic model says so (``json_schema_extra={"x-public": True}``); the allowlist
is read from the models, never written out a second time. Derived labels (unit name, platform label,
status label, "still official") are added by name here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from pydantic import BaseModel

from govmedia.register.lifecycle import STATUS_LABELS
from govmedia.register.registry import Registry
from govmedia.schemas import Account, Announcement, Unit
from govmedia.schemas.account import OPEN_STATUSES, PUBLISHED_STATUSES, STATUSES
from govmedia.schemas.common import ACTIONS

# Published accounts that still speak for their unit; closed and exited ones stay findable, marked.
OFFICIAL_STATUSES = OPEN_STATUSES
# The published statuses in lifecycle order (tables, open data), from the schema's own list.
PUBLISHED_ORDER = tuple(s for s in STATUSES if s in PUBLISHED_STATUSES)
UNIT_KIND_LABELS = {
    "administrative_organ": "行政机关",
    "public_institution": "事业单位",
    "internal_body": "内设机构",
}
ANNOUNCEMENT_KIND_LABELS = {"opening": "开设", "change": "变更", "exit": "退出监管", "close": "注销关停"}


@cache
def public_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """Names of the fields of ``model`` marked ``x-public``, in declaration order."""
    names = []
    for name, info in model.model_fields.items():
        extra = info.json_schema_extra
        if isinstance(extra, dict) and extra.get("x-public") is True:
            names.append(name)
    return tuple(names)


def public_values(instance: BaseModel) -> dict[str, Any]:
    """The public fields of ``instance`` as JSON-ready values (dates as ISO strings)."""
    return instance.model_dump(mode="json", include=set(public_fields(type(instance))))


@dataclass(frozen=True)
class PubPlatform:
    platform_id: str
    label: str
    hosts: tuple[str, ...]
    # Ids that cannot contain capitals (numbers, hex, lowercase) are compared without case in URLs.
    case_insensitive: bool


@dataclass(frozen=True)
class PubUnit:
    unit_id: str
    values: dict[str, Any]  # public fields of unit.yaml only

    @property
    def name(self) -> str:
        return str(self.values["name"])

    @property
    def short_name(self) -> str:
        return str(self.values["short_name"])


@dataclass(frozen=True)
class PubAccount:
    unit_id: str
    account_id: str
    values: dict[str, Any]  # public fields of account.yaml only
    unit_name: str
    unit_short_name: str
    platform_label: str
    status_label: str
    official: bool

    @property
    def ref(self) -> str:
        return f"{self.unit_id}/{self.account_id}"

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def as_dict(self) -> dict[str, Any]:
        """The open-data row: ids, public fields, derived labels."""
        return {
            "unit_id": self.unit_id,
            "account_id": self.account_id,
            **self.values,
            "unit_name": self.unit_name,
            "unit_short_name": self.unit_short_name,
            "platform_label": self.platform_label,
            "status_label": self.status_label,
            "official": self.official,
        }


@dataclass(frozen=True)
class PubAnnouncement:
    stem: str  # <YYYY-MM-DD>-<slug>: the file name without .md, and the page name
    values: dict[str, Any]  # public front-matter fields
    body: str  # Markdown, rendered with the safe set only
    current: bool  # the build date is inside [published_on, display_until]

    @property
    def published_on(self) -> date:
        return date.fromisoformat(self.values["published_on"])

    def __getitem__(self, key: str) -> Any:
        return self.values[key]


@dataclass(frozen=True)
class PubPolicy:
    stem: str
    title: str
    text: str


@dataclass
class Public:
    """The public view of one register at one build date."""

    today: date
    jurisdiction: str
    portal_url: str
    demo: bool
    platforms: dict[str, PubPlatform]
    stages: dict[str, tuple[str, bool]]  # stage id -> (title, requires_document)
    chains: dict[str, list[str]]  # action -> stage ids
    announcement_min_days: int
    units: dict[str, PubUnit] = field(default_factory=dict)
    accounts: list[PubAccount] = field(default_factory=list)
    announcements: list[PubAnnouncement] = field(default_factory=list)  # newest first
    policies: list[PubPolicy] = field(default_factory=list)
    site_info: dict[str, Any] = field(default_factory=dict)  # governance.yaml ``site``: footer, logo, address

    def unit_accounts(self) -> dict[str, list[PubAccount]]:
        out: dict[str, list[PubAccount]] = {u: [] for u in self.units}
        for acc in self.accounts:
            out.setdefault(acc.unit_id, []).append(acc)
        return out


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, (status, status))[0]


def _case_insensitive(id_pattern: str) -> bool:
    return "A-Z" not in id_pattern and not re.search(r"[A-Z]", re.sub(r"\\.", "", id_pattern))


_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)


def policy_title(stem: str, text: str) -> str:
    m = _HEADING.search(text)
    return m.group(1) if m else stem


# The public data of some unit folders: (unit id, public unit fields) and (unit id, account id, public
# account fields) of the accounts that are published. Plain data: a sharded check (govmedia/run/sharded.py)
# computes it in its workers, chunk by chunk, and hands it over instead of the register.
Part = tuple[list[tuple[str, dict[str, Any]]], list[tuple[str, str, dict[str, Any]]]]


def public_part(registry: Registry) -> Part:
    """The public data of the unit folders ``registry`` holds (its ``extract`` for govmedia/run/engine.py ``check_all``)."""
    units = [(uid, public_values(u.record.model)) for uid, u in registry.units.items() if u.record is not None]
    accounts = [(acc.unit_id, acc.account_id, public_values(rec.model)) for acc, rec in registry.valid_accounts()
                if rec.model.status in PUBLISHED_STATUSES]
    return units, accounts


def build_public(registry: Registry, today: date, parts: list[Part] | None = None) -> Public:
    """Reduce a checked register to what is published at ``today``. ``parts``: the public data of the unit
    folders when ``registry`` does not hold them (a sharded check); by default taken from ``registry``."""
    if registry.governance is None:
        raise ValueError("the register has no valid governance.yaml")
    gov = registry.governance.model
    platforms = {
        pid: PubPlatform(pid, p.label, tuple(p.url_hosts), _case_insensitive(p.id_pattern))
        for pid, p in gov.platforms.items()
    }
    pub = Public(
        today=today,
        jurisdiction=gov.jurisdiction.name,
        portal_url=gov.jurisdiction.portal_url,
        demo=gov.demo,
        site_info=gov.site.model_dump(),
        platforms=platforms,
        stages={sid: (s.title, s.requires_document) for sid, s in gov.stages.items()},
        # every request action, existing accounts' registration last (after the lifecycle's own four)
        chains={action: list(gov.chain(action)) for action in sorted(ACTIONS, key=lambda a: a == "register")},
        announcement_min_days=gov.announcement_min_days,
    )
    parts = [public_part(registry)] if parts is None else parts
    for unit_id, unit_values in sorted((u for units, _ in parts for u in units), key=lambda u: u[0]):
        pub.units[unit_id] = PubUnit(unit_id, unit_values)
    platform_order = {pid: i for i, pid in enumerate(platforms)}
    status_order = {s: i for i, s in enumerate(STATUSES)}
    rows: list[PubAccount] = []
    for unit_id, account_id, values in (a for _, accounts in parts for a in accounts):
        unit = pub.units.get(unit_id)
        if unit is None:
            continue
        platform = platforms.get(values["platform"])
        rows.append(PubAccount(
            unit_id=unit_id,
            account_id=account_id,
            values=values,
            unit_name=unit.name,
            unit_short_name=unit.short_name,
            platform_label=platform.label if platform else values["platform"],
            status_label=status_label(values["status"]),
            official=values["status"] in OFFICIAL_STATUSES,
        ))
    rows.sort(key=lambda a: (a.unit_id, platform_order.get(a["platform"], 99),
                             status_order.get(a["status"], 99), a.account_id))
    pub.accounts = rows
    for ann in registry.announcements:
        model_a: Announcement = ann.record.model
        if model_a.published_on > today:  # not yet published
            continue
        pub.announcements.append(PubAnnouncement(
            stem=f"{ann.published_on.isoformat()}-{ann.slug}",
            values=public_values(model_a),
            body=ann.body,
            current=model_a.published_on <= today <= model_a.display_until,
        ))
    pub.announcements.sort(key=lambda a: (a["published_on"], a.stem), reverse=True)
    for text in sorted(registry.policies, key=lambda t: t.path):
        stem = text.path.rsplit("/", 1)[-1].removesuffix(".md")
        pub.policies.append(PubPolicy(stem, policy_title(stem, text.text), text.text))
    return pub


# The public fields of each document kind, for the open-data description page.
PUBLIC_MODELS: dict[str, type[BaseModel]] = {"unit": Unit, "account": Account, "announcement": Announcement}
