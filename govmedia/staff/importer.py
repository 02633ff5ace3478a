"""A ledger (台账) -> a register: units, accounts, and the requests the register needs to believe them.

A ledger lists accounts but not their approvals. What we write (docs/ledger.md explains why):

* an account the ledger says is running (正常运行, or 变更中/退出监管中/注销关停中: the pending request
  is not in a ledger) becomes ``active`` when the ledger has its 开通日期 and, if the chain needs official
  documents, its 开设批准文号: a complete ``open`` request whose decisions all carry the comment
  「依据原台账导入」 and an opening announcement; without that data it becomes ``applying``;
* 已注销关停 / 已退出监管 accounts also get the close/exit chain, from 关停/退出/驳回日期 and its 文号;
* 未获批准 accounts get an open request rejected at the first stage on the 驳回日期;
* 申请中 accounts get a pending open request dated --today.

Every problem is reported with its row and column; rows with errors are left out, the rest is written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from pydantic import BaseModel, ValidationError

from govmedia.findings.message import Msg
from govmedia.register.digest import request_digest
from govmedia.register.lifecycle import STATUS_LABELS
from govmedia.schemas import Account, Announcement, Approval, Request, Unit
from govmedia.schemas.account import OPEN_STATUSES
from govmedia.schemas.governance import Governance
from govmedia.staff import ledger as lg
from govmedia.staff.scaffold import ID_RE, explain, platform_problems, render, uscc_problem

NOTE = "依据原台账导入"
APPROVER_NAME = "原台账记载"
# account.yaml field path -> ledger column key (to name the column of a schema problem)
FIELD_COLUMN = {
    "name": "name",
    "platform": "platform",
    "platform_id": "platform_id",
    "url": "url",
    "status": "status",
    "opened_on": "opened_on",
    "positioning": "positioning",
    "verification.subject": "subject",
    "verification.verified": "verified",
    "undertaking.kind": "undertaking_kind",
    "undertaking.name": "undertaking_name",
    "undertaking.uscc": "undertaking_uscc",
    "undertaking.agreement.signed_on": "agreement_signed",
    "undertaking.agreement.expires_on": "agreement_expires",
    "undertaking.agreement.confidentiality": "agreement_confidentiality",
    "undertaking.agreement.qualification_reviewed": "agreement_qualification",
    "interaction": "interaction",
    "operations.update_cycle_days": "update_cycle",
    "operations.responsible.overall": "overall",
    "operations.responsible.columns": "columns",
    "operations.responsible.backup": "backup",
    "operations.review_before_publish": "review",
    "national_system_id": "national_system_id",
    "app.icp_filing": "icp",
    "app.mlps_level": "mlps",
    "app": "icp",
}
UNIT_FIELD_COLUMN = {
    "name": "unit_name",
    "short_name": "unit_short_name",
    "uscc": "unit_uscc",
    "kind": "unit_kind",
    "division_code": "division_code",
    "leader_in_charge.name": "leader_name",
    "leader_in_charge.title": "leader_title",
    "reviewers": "unit_reviewers",
    "parent": "parent",
}


@dataclass
class Result:
    files: dict[str, str] = field(default_factory=dict)
    problems: list[lg.Problem] = field(default_factory=list)
    units: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    skipped_rows: int = 0


@dataclass
class _Unit:
    key: str
    first_row: lg.Row
    unit_id: str = ""
    doc: dict[str, Any] = field(default_factory=dict)
    ok: bool = False
    used_ids: set[str] = field(default_factory=set)


def _column(row: lg.Row, key: str) -> str:
    return row.headers.get(key, lg.HEADERS.get(key, key))


def _problem(row: lg.Row, key: str | None, zh: str, en: str, error: bool = True) -> lg.Problem:
    return lg.Problem(row.number, _column(row, key) if key else None, zh, en, row.sheet, error)


def _msg_problem(row: lg.Row, key: str | None, msg: Msg, error: bool = True) -> lg.Problem:
    return _problem(row, key, msg.zh, msg.en, error)


def _uscc_problems(row: lg.Row, key: str, value: str) -> list[lg.Problem]:
    """The problem of a filled-in USCC cell whose check digit or format is wrong (none if empty or right)."""
    bad = uscc_problem(value) if value else None
    return [_problem(row, key, f"“{value}”：{bad.zh}", f"“{value}”: {bad.en}")] if bad else []


def _in_list(values: Iterable[str], lang: str) -> str:
    items = list(values)
    return "、".join(items) if lang == "zh" else ", ".join(f"“{v}”" for v in items)


def _schema_problems(
    model: type[BaseModel], doc: dict[str, Any], row: lg.Row, columns: dict[str, str]
) -> list[lg.Problem]:
    try:
        model.model_validate(doc)
    except ValidationError as exc:
        out = []
        for err in exc.errors(include_url=False):
            loc = ".".join(str(p) for p in err["loc"])
            key = next(
                (columns[k] for k in sorted(columns, key=len, reverse=True) if loc == k or loc.startswith(k + ".")),
                None,
            )
            text = explain(dict(err), _column(row, key) if key else loc or "(整行)", model)
            out.append(
                _problem(
                    row,
                    key,
                    text.zh + ("请在台账中补上或改正。" if key else ""),
                    text.en + (" Add or correct it in the ledger." if key else ""),
                )
            )
        return out
    return []


class Importer:
    def __init__(self, gov: Governance, today: date, org: str) -> None:
        self.gov = gov
        self.today = today
        self.org = org
        self.result = Result()
        self.units: dict[str, _Unit] = {}
        self.seen: dict[tuple[str, str], int] = {}
        self.live: dict[tuple[str, str], int] = {}  # (unit_id, platform) -> row of its live account

    # ------------------------------------------------------------ units

    def _unit_key(self, row: lg.Row) -> str:
        return lg.text_of(row.cells.get("unit_id")) or lg.text_of(row.cells.get("unit_name"))

    def _units(self, rows: list[lg.Row]) -> None:
        n = 0
        for row in rows:
            key = self._unit_key(row)
            if key and key not in self.units:
                self.units[key] = _Unit(key, row)
        names = {lg.text_of(u.first_row.cells.get("unit_name")): u for u in self.units.values()}
        taken: set[str] = set()
        for unit in self.units.values():
            given = lg.text_of(unit.first_row.cells.get("unit_id"))
            if given and ID_RE.match(given) and len(given) <= 64 and given not in taken:
                unit.unit_id = given
            else:
                if given:
                    self.result.problems.append(
                        _problem(
                            unit.first_row,
                            "unit_id",
                            f"单位编号“{given}”不合规（只能用小写字母、数字和“-”）或重复：已改用自动编号。",
                            f"The unit id “{given}” is not valid (lowercase letters, digits and hyphens only) or "
                            "is used twice: an automatic id was used instead.",
                            error=False,
                        )
                    )
                n += 1
                while f"unit-{n:02d}" in taken:
                    n += 1
                unit.unit_id = f"unit-{n:02d}"
            taken.add(unit.unit_id)
        for unit in self.units.values():
            self._unit_doc(unit, names)

    def _unit_doc(self, unit: _Unit, names: dict[str, _Unit]) -> None:
        row = unit.first_row
        cell = row.cells.get
        kind_text = lg.text_of(cell("unit_kind"))
        kind = lg.lookup(kind_text, lg.UNIT_KIND_LABELS, lg.UNIT_KIND_VARIANTS) if kind_text else None
        problems: list[lg.Problem] = []
        kinds_en = "“行政机关”, “事业单位” or “内设机构”"
        if not kind_text:
            problems.append(
                _problem(
                    row,
                    "unit_kind",
                    "单位性质未填写：请填 行政机关、事业单位 或 内设机构。",
                    f"The kind of unit is empty: write {kinds_en}.",
                )
            )
        elif kind is None:
            problems.append(
                _problem(
                    row,
                    "unit_kind",
                    f"单位性质“{kind_text}”无法识别：应为 行政机关、事业单位 或 内设机构。",
                    f"The kind of unit “{kind_text}” is not recognised: write {kinds_en}.",
                )
            )
        parent_text = lg.text_of(cell("parent"))
        parent = None
        if parent_text:
            found = names.get(parent_text) or next((u for u in self.units.values() if u.unit_id == parent_text), None)
            if found is not None and found is not unit:
                parent = found.unit_id
            else:
                problems.append(
                    _problem(
                        row,
                        "parent",
                        f"主管单位“{parent_text}”不在这份台账的主办单位中：已按“无”导入，"
                        "如需要请先导入主管单位，再在 unit.yaml 中填写 parent。",
                        f"The supervising unit “{parent_text}” is not a host unit of this ledger: imported without "
                        "one; if needed, import the supervising unit first, then fill in parent in unit.yaml.",
                        error=False,
                    )
                )
        name = lg.text_of(cell("unit_name"))
        reviewers = [
            r for r in lg.text_of(cell("unit_reviewers")).replace("，", "、").replace(",", "、").split("、") if r
        ]
        doc: dict[str, Any] = {
            "name": name,
            "short_name": lg.text_of(cell("unit_short_name")) or name,
            "uscc": lg.text_of(cell("unit_uscc")),
            "kind": kind or kind_text,
            "parent": parent,
            "division_code": lg.text_of(cell("division_code")) or self.gov.jurisdiction.division_code,
            "leader_in_charge": {
                "name": lg.text_of(cell("leader_name")),
                "title": lg.text_of(cell("leader_title")),
            },
            "reviewers": reviewers or [f"@{self.org}/{unit.unit_id}"],
        }
        problems += [
            p
            for p in _schema_problems(Unit, doc, row, UNIT_FIELD_COLUMN)
            if not (kind is None and p.column == _column(row, "unit_kind"))
        ]
        problems += _uscc_problems(row, "unit_uscc", doc["uscc"])
        unit.doc = doc
        unit.ok = not any(p.error for p in problems)
        self.result.problems.extend(problems)
        if unit.ok:
            rel = f"accounts/{unit.unit_id}/unit.yaml"
            self.result.files[rel] = render(rel, doc, "unit")
            self.result.units += 1

    # ------------------------------------------------------------ accounts

    def _interaction(self, row: lg.Row) -> tuple[dict[str, bool] | None, lg.Problem | None]:
        text = lg.text_of(row.cells.get("interaction"))
        if not text:
            return None, _problem(
                row,
                "interaction",
                "互动功能未填写：请写明开启了哪些，如“评论、留言、私信”，都没有开启写“无”。",
                "The interaction features are empty: name those that are on, e.g. “评论、留言、私信” "
                "(comments, messages, private messages), or write “无” (none).",
            )
        if text in ("全部", "均开启", "全部开启", "是"):
            return {k: True for k, _ in lg.INTERACTION_WORDS}, None
        return {k: word in text for k, word in lg.INTERACTION_WORDS}, None

    def _bool(self, row: lg.Row, key: str, default: bool | None, problems: list[lg.Problem]) -> bool | None:
        raw = row.cells.get(key)
        if lg.text_of(raw) == "":
            if default is None:
                problems.append(_problem(row, key, "未填写：请填“是”或“否”。", "Empty: write “是” (yes) or “否” (no)."))
            return default
        value = lg.bool_of(raw)
        if value is None:
            text = lg.text_of(raw)
            problems.append(
                _problem(row, key, f"“{text}”应为“是”或“否”。", f"“{text}” must be “是” (yes) or “否” (no).")
            )
        return value

    def _date(self, row: lg.Row, key: str, problems: list[lg.Problem]) -> str | None:
        value, problem = lg.date_of(row.cells.get(key))
        if problem:
            problems.append(_problem(row, key, *problem))
        return value

    def account(self, row: lg.Row) -> None:
        cell = row.cells.get
        problems: list[lg.Problem] = []
        for key, raw in row.cells.items():
            if isinstance(raw, lg._NoValue):
                problems.append(
                    _problem(
                        row,
                        key,
                        f"公式 {raw} 没有保存计算结果：请在 Excel 或 WPS 中打开台账、保存后再导入，或把公式改成数值。",
                        f"The formula {raw} has no saved result: open the ledger in Excel or WPS, save it and "
                        "import it again, or replace the formula by its value.",
                    )
                )
        if problems:
            self._skip(row, problems)
            return
        unit = self.units.get(self._unit_key(row))
        if unit is None:
            self._skip(
                row,
                [
                    _problem(
                        row,
                        "unit_name",
                        "主办单位未填写：请填写主办单位全称。",
                        "The host unit is empty: write its full name.",
                    )
                ],
            )
            return
        if not unit.ok:
            problems.append(
                _problem(
                    row,
                    "unit_name",
                    f"主办单位“{unit.key}”的信息有误（见第 {unit.first_row.number} 行的提示），"
                    "改正后这一行的账号才能导入。",
                    f"The host unit “{unit.key}” has errors (see the notes on row {unit.first_row.number}): "
                    "correct them, then this row's account can be imported.",
                )
            )
        platform_text = lg.text_of(cell("platform"))
        labels = {pid: p.label for pid, p in self.gov.platforms.items()}
        platform = lg.lookup(platform_text, labels, lg.PLATFORM_VARIANTS) if platform_text else None
        if platform is None:
            choices, choices_en = _in_list(labels.values(), "zh"), _in_list(labels.values(), "en")
            problems.append(
                _problem(
                    row,
                    "platform",
                    f"平台“{platform_text}”无法识别：应为 {choices} 之一。"
                    if platform_text
                    else f"平台未填写：请填写 {choices} 之一。",
                    f"The platform “{platform_text}” is not recognised: write one of {choices_en}."
                    if platform_text
                    else f"The platform is empty: write one of {choices_en}.",
                )
            )
        status_text = lg.text_of(cell("status"))
        status_labels = {k: v[0] for k, v in STATUS_LABELS.items()}
        declared = lg.lookup(status_text, status_labels, lg.STATUS_VARIANTS) if status_text else None
        if status_text and declared is None:
            problems.append(
                _problem(
                    row,
                    "status",
                    f"状态“{status_text}”无法识别：应为 {'、'.join(status_labels.values())} 之一。",
                    f"The status “{status_text}” is not recognised: write one of "
                    f"{_in_list(status_labels.values(), 'en')}.",
                )
            )
        opened_on = self._date(row, "opened_on", problems)
        ended_on = self._date(row, "ended_on", problems)
        for key, day in (("opened_on", opened_on), ("ended_on", ended_on)):
            if day and day > self.today.isoformat():
                problems.append(
                    _problem(
                        row,
                        key,
                        f"日期 {day} 晚于今天（{self.today}）：请核对，名录只记录已经发生的事。",
                        f"The date {day} is after today ({self.today}): check it; the register records only "
                        "what has happened.",
                    )
                )
        for key in ("open_document_no", "end_document_no"):
            number = lg.text_of(cell(key))
            if len(number) > 64 or "\n" in number:
                problems.append(
                    _problem(
                        row,
                        key,
                        "文号应为一行、不超过 64 个字符，如 陕政办函〔2025〕9号。",
                        "A document number is one line of at most 64 characters, e.g. “陕政办函〔2025〕9号”.",
                    )
                )
        if declared is None and not status_text:
            declared = "active" if opened_on else "applying"
        interaction, problem = self._interaction(row)
        if problem:
            problems.append(problem)
        cycle_text = lg.text_of(cell("update_cycle"))
        cycle = lg.days_of(cell("update_cycle"))
        if cycle is None:
            problems.append(
                _problem(
                    row,
                    "update_cycle",
                    f"更新周期“{cycle_text}”应为天数，如 7。" if cycle_text else "更新周期未填写：请填写天数，如 7。",
                    f"The update cycle “{cycle_text}” must be a number of days, e.g. 7."
                    if cycle_text
                    else "The update cycle is empty: write a number of days, e.g. 7.",
                )
            )
        live = declared in OPEN_STATUSES or declared in ("closed", "exited")
        verified = self._bool(row, "verified", live, problems)
        review = self._bool(row, "review", None, problems)
        unit_name = str(unit.doc["name"])
        und_kind_text = lg.text_of(cell("undertaking_kind"))
        und_kind = lg.lookup(
            und_kind_text,
            lg.UNDERTAKING_LABELS,
            {
                norm: k
                for norm, k in (
                    (lg.norm_header("自行运营"), "internal"),
                    (lg.norm_header("委托运营"), "entrusted"),
                    (lg.norm_header("第三方运营"), "entrusted"),
                    (lg.norm_header("委托"), "entrusted"),
                )
            },
        )
        if und_kind is None:
            if und_kind_text:
                problems.append(
                    _problem(
                        row,
                        "undertaking_kind",
                        f"运营方式“{und_kind_text}”应为 本单位自行运营 或 委托第三方运营。",
                        f"The way the account is run, “{und_kind_text}”, must be “本单位自行运营” (by the unit) "
                        "or “委托第三方运营” (entrusted).",
                    )
                )
            und_kind = "entrusted" if lg.text_of(cell("agreement_signed")) else "internal"
        undertaking: dict[str, Any] = {
            "kind": und_kind,
            "name": lg.text_of(cell("undertaking_name")) or unit_name,
        }
        if lg.text_of(cell("undertaking_uscc")):
            undertaking["uscc"] = lg.text_of(cell("undertaking_uscc"))
            problems += _uscc_problems(row, "undertaking_uscc", undertaking["uscc"])
        if und_kind == "entrusted":
            undertaking["agreement"] = {
                "signed_on": self._date(row, "agreement_signed", problems),
                "expires_on": self._date(row, "agreement_expires", problems),
                "confidentiality": self._bool(row, "agreement_confidentiality", None, problems),
                "qualification_reviewed": self._bool(row, "agreement_qualification", None, problems),
            }
        columns = [
            c for c in lg.text_of(cell("columns")).replace("，", "、").replace(",", "、").split("、") if c.strip()
        ]
        responsible: dict[str, Any] = {"overall": lg.text_of(cell("overall")), "columns": columns}
        if lg.text_of(cell("backup")):
            responsible["backup"] = lg.text_of(cell("backup"))
        doc: dict[str, Any] = {
            "name": lg.text_of(cell("name")),
            "platform": platform or platform_text,
            "platform_id": lg.text_of(cell("platform_id")),
            "url": lg.text_of(cell("url")),
            "status": "applying",
            "positioning": lg.text_of(cell("positioning")),
            "verification": {"verified": verified, "subject": lg.text_of(cell("subject")) or unit_name},
            "undertaking": undertaking,
            "interaction": interaction or {k: True for k, _ in lg.INTERACTION_WORDS},
            "operations": {
                "update_cycle_days": cycle or 1,
                "responsible": responsible,
                "review_before_publish": review if review is not None else True,
            },
        }
        if lg.text_of(cell("national_system_id")):
            doc["national_system_id"] = lg.text_of(cell("national_system_id"))
        icp, mlps_text = lg.text_of(cell("icp")), lg.text_of(cell("mlps"))
        p = self.gov.platforms.get(str(platform))
        app_like = bool(p and (p.app_like or platform in ("app", "mini_program")))
        if icp or mlps_text or app_like:
            mlps = lg.days_of(mlps_text.removesuffix("级").replace("三", "3").replace("二", "2").replace("四", "4"))
            if mlps_text and mlps is None:
                problems.append(
                    _problem(
                        row,
                        "mlps",
                        f"等保级别“{mlps_text}”应为 1 到 5 的数字，如 3。",
                        f"The protection level “{mlps_text}” must be a number from 1 to 5, e.g. 3.",
                    )
                )
            doc["app"] = {k: v for k, v in (("icp_filing", icp or None), ("mlps_level", mlps)) if v is not None}
        problems += [  # an unknown platform is said once, not again as a pattern mismatch
            p
            for p in _schema_problems(Account, doc, row, FIELD_COLUMN)
            if not (platform is None and p.column == _column(row, "platform"))
        ]
        if platform:
            for message in platform_problems(self.gov, platform, doc["platform_id"] or None, doc["url"] or None):
                problems.append(_msg_problem(row, "url" if "网址" in message.zh else "platform_id", message))
            dup = (platform, doc["platform_id"])
            if doc["platform_id"] and dup in self.seen:
                problems.append(
                    _problem(
                        row,
                        "platform_id",
                        f"与第 {self.seen[dup]} 行是同一个账号（平台和账号ID相同）：请删除重复的一行。",
                        f"The same account as row {self.seen[dup]} (same platform and account id): "
                        "delete the duplicate row.",
                    )
                )
            unit_platform = (unit.unit_id, platform)
            if declared not in ("closed", "exited", "rejected") and unit_platform in self.live:
                label = self.gov.platforms[platform].label
                problems.append(_problem(
                    row, "platform",
                    f"本单位在{label}已有在用账号（第 {self.live[unit_platform]} 行）：原则上一个单位在同一平台只开设一个账号"
                    "（第七条（一））。请把两个账号合并为一行，或把其中已停用的一个的状态写为“已注销关停”。",
                    f"The unit already has a live account on “{label}” (row {self.live[unit_platform]}): a unit "
                    "opens one account per platform (Article 7(1)). Merge the two rows, or write the status of "
                    "the one no longer used as “已注销关停” (closed).",
                ))
        if any(p.error for p in problems):
            self._skip(row, problems)
            return
        self.result.problems.extend(problems)
        assert platform is not None and declared is not None
        self.seen[(platform, doc["platform_id"])] = row.number
        if declared not in ("closed", "exited", "rejected"):
            self.live[(unit.unit_id, platform)] = row.number
        try:
            self._write(row, unit, doc, declared, opened_on, ended_on)
        except ValidationError as exc:  # a value that fits the account but not a request or approval
            self._skip(
                row,
                [
                    _msg_problem(row, None, explain(dict(err), ".".join(map(str, err["loc"])) or "(整行)", None))
                    for err in exc.errors(include_url=False)
                ],
            )

    def _skip(self, row: lg.Row, problems: list[lg.Problem]) -> None:
        self.result.problems.extend(problems)
        self.result.problems.append(
            lg.Problem(
                row.number,
                None,
                "这一行没有导入：改正上面的问题后重新导入。",
                "This row was not imported: correct the problems above and import again.",
                row.sheet,
            )
        )
        self.result.skipped_rows += 1

    def _account_id(self, row: lg.Row, unit: _Unit, platform: str) -> str:
        given = lg.text_of(row.cells.get("account_id"))
        if given and ID_RE.match(given) and len(given) <= 64 and given not in unit.used_ids:
            unit.used_ids.add(given)
            return given
        base = platform.replace("_", "-")
        ident, n = base, 2
        while ident in unit.used_ids:
            ident, n = f"{base}-{n}", n + 1
        unit.used_ids.add(ident)
        return ident

    # ------------------------------------------------------------ files

    def _chain_files(
        self,
        folder: str,
        action: str,
        day: str,
        applicant: dict[str, str],
        document_no: str,
        extra: dict[str, Any],
        reject: bool = False,
    ) -> dict[str, str]:
        request = {"action": action, "submitted_on": day, "applicant": applicant, **extra}
        files = {f"{folder}/request.yaml": render(f"{folder}/request.yaml", request, "request")}
        for stage in self.gov.chain(action):
            s = self.gov.stages[stage]
            approval: dict[str, Any] = {
                "decision": "rejected" if reject else "approved",
                "decided_on": day,
                # one record per stage, not one person deciding every stage (separation of duties)
                "approver": {"name": f"{APPROVER_NAME}（{s.title}）", "title": s.title},
            }
            if s.requires_document:
                approval["document_no"] = document_no
            approval["comment"] = NOTE
            approval["request_digest"] = request_digest(request)  # the decision binds the request it approves
            Approval.model_validate(approval)
            rel = f"{folder}/{stage}.yaml"
            files[rel] = render(rel, approval, "approval")
            if reject:
                break
        Request.model_validate(request)
        return files

    def _needs_document(self, action: str) -> bool:
        return any(self.gov.stages[s].requires_document for s in self.gov.chain(action))

    def _write(
        self,
        row: lg.Row,
        unit: _Unit,
        doc: dict[str, Any],
        declared: str,
        opened_on: str | None,
        ended_on: str | None,
    ) -> None:
        cell = row.cells.get
        account_id = self._account_id(row, unit, doc["platform"])
        base = f"accounts/{unit.unit_id}/{account_id}"
        leader = dict(unit.doc["leader_in_charge"])
        open_no = lg.text_of(cell("open_document_no"))
        end_no = lg.text_of(cell("end_document_no"))
        files: dict[str, str] = {}
        status = "applying"
        open_ok = bool(opened_on) and (bool(open_no) or not self._needs_document("open"))
        missing_open = [
            lg.HEADERS[k]
            for k, v in (("opened_on", opened_on), ("open_document_no", open_no))
            if not v and (k == "opened_on" or self._needs_document("open"))
        ]
        if declared == "rejected":
            if not ended_on:
                self._skip(
                    row,
                    [
                        _problem(
                            row,
                            "ended_on",
                            "未获批准的账号需要填写驳回日期，才能如实记录这次申请。",
                            "A rejected account needs the date of the rejection, to record the request truly.",
                        )
                    ],
                )
                return
            files |= self._chain_files(
                f"{base}/requests/{ended_on}-open", "open", ended_on, leader, "", {}, reject=True
            )
            status = "rejected"
        elif declared in ("closed", "exited"):
            action = "close" if declared == "closed" else "exit"
            lacking = missing_open + [
                lg.HEADERS[k]
                for k, v in (("ended_on", ended_on), ("end_document_no", end_no))
                if not v and (k == "ended_on" or self._needs_document(action))
            ]
            if lacking:
                self._skip(
                    row,
                    [
                        _problem(
                            row,
                            None,
                            f"{STATUS_LABELS[declared][0]}的账号需要填写{'、'.join(lacking)}，"
                            "才能如实记录开设和关停/退出的审批。",
                            f"A {STATUS_LABELS[declared][1]} account needs {_in_list(lacking, 'en')}, to record "
                            "the approvals of its opening and of its closure or exit truly.",
                        )
                    ],
                )
                return
            assert opened_on and ended_on
            if ended_on < opened_on:
                self._skip(
                    row,
                    [
                        _problem(
                            row,
                            "ended_on",
                            f"关停/退出日期 {ended_on} 早于开通日期 {opened_on}：请核对。",
                            f"The closure or exit date {ended_on} is before the opening date {opened_on}: check them.",
                        )
                    ],
                )
                return
            files |= self._chain_files(f"{base}/requests/{opened_on}-open", "open", opened_on, leader, open_no, {})
            extra: dict[str, Any] = {"reason": NOTE}
            if action == "exit":
                extra["basis_document"] = {
                    "title": f"{NOTE}（机构编制批复）",
                    "document_no": end_no or NOTE,
                    "issued_on": ended_on,
                }
            folder = f"{base}/requests/{ended_on}-{action}"
            files |= self._chain_files(folder, action, ended_on, leader, end_no, extra)
            doc["opened_on"] = opened_on
            status = declared
        elif declared in OPEN_STATUSES and open_ok:
            assert opened_on
            files |= self._chain_files(f"{base}/requests/{opened_on}-open", "open", opened_on, leader, open_no, {})
            doc["opened_on"] = opened_on
            status = "active"
            files |= self._announcement(unit, account_id, doc, opened_on)
            if declared != "active":
                self.result.problems.append(
                    _problem(
                        row,
                        "status",
                        f"台账中的状态是“{STATUS_LABELS[declared][0]}”：审批中的申请不在台账里，已按“正常运行”导入；"
                        "请用 govmedia new request 重新提交这份申请。",
                        f"The ledger's status is “{STATUS_LABELS[declared][0]}” ({STATUS_LABELS[declared][1]}): "
                        "a pending request is not in a ledger, so the account was imported as active; submit "
                        "that request again with govmedia new request.",
                        error=False,
                    )
                )
        else:
            day = self.today.isoformat()
            files[f"{base}/requests/{day}-open/request.yaml"] = render(
                f"{base}/requests/{day}-open/request.yaml",
                {"action": "open", "submitted_on": day, "applicant": leader},
                "request",
            )
            if declared != "applying":
                self.result.problems.append(
                    _problem(
                        row,
                        None,
                        f"台账中的状态是“{STATUS_LABELS[declared][0]}”，但缺少{'、'.join(missing_open)}："
                        "已按“申请中”导入，开设申请待各级审批；补齐台账后重新导入即可按“正常运行”导入。",
                        f"The ledger's status is “{STATUS_LABELS[declared][0]}” ({STATUS_LABELS[declared][1]}) but "
                        f"{_in_list(missing_open, 'en')} is missing: imported as applying, its opening request "
                        "waiting for every stage; complete the ledger and import again to import it as active.",
                        error=False,
                    )
                )
        doc["status"] = status
        ordered = {k: doc[k] for k in Account.model_fields if k in doc}
        Account.model_validate(ordered)
        rel = f"{base}/account.yaml"
        text = render(rel, ordered, "account")
        head, _, body = text.partition("\n")
        files[rel] = f"{head}\n# {NOTE}（工作表“{row.sheet}”第 {row.number} 行）\n{body}"
        self.result.files |= files
        self.result.statuses[status] = self.result.statuses.get(status, 0) + 1

    def _announcement(self, unit: _Unit, account_id: str, doc: dict[str, Any], opened_on: str) -> dict[str, str]:
        start = date.fromisoformat(opened_on)
        slug = f"{unit.unit_id}-{account_id}-opening"[:64].rstrip("-")
        label = self.gov.platforms[doc["platform"]].label
        front = {
            "title": f"关于「{doc['name']}」政务新媒体账号开通的公告",
            "kind": "opening",
            "accounts": [f"{unit.unit_id}/{account_id}"],
            "published_on": opened_on,
            "display_until": (start + timedelta(days=self.gov.announcement_min_days)).isoformat(),
        }
        Announcement.model_validate(front)
        from govmedia.staff.scaffold import announcement_text

        body = (
            f"{unit.doc['name']}的{label}「{doc['name']}」经审核批准，于 {opened_on} 开通。\n\n"
            f"（{NOTE}：本公告依据原台账补录。）\n"
        )
        return {f"announcements/{opened_on}-{slug}.md": announcement_text(front, body)}

    def run(self, rows: list[lg.Row]) -> Result:
        present = lg.known_columns(rows)
        for key in (
            "name",
            "platform",
            "platform_id",
            "url",
            "unit_name",
            "unit_uscc",
            "unit_kind",
            "positioning",
            "update_cycle",
            "overall",
            "interaction",
            "review",
            "leader_name",
            "leader_title",
        ):
            if key not in present:
                self.result.problems.append(
                    lg.Problem(
                        None,
                        lg.HEADERS[key],
                        "台账缺少这一列：请加上这一列并逐行填写（列名可参照 govmedia export 导出的台账）。",
                        "The ledger lacks this column: add it and fill it in on every row (the headers of "
                        "govmedia export show the names).",
                    )
                )
        self._units(rows)
        for row in rows:
            self.account(row)
        return self.result
