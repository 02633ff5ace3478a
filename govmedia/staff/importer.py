"""A ledger (台账) -> a register: units, accounts, and the registration (存量登记) that records each.

A ledger lists accounts that exist, most of them opened years before the register. Each row becomes:

* an account running, closed or exited: ``account.yaml`` with what the row says, and a ``register``
  request recording it in that state (``recorded_status``, with the closure date when the row has one),
  decided by the stages of governance.yaml's ``chains.register`` with the comment 「依据原台账导入」;
* an account 申请中 (applying): a new account with a pending ``open`` request (it keeps every obligation);
* 未获批准 (rejected): nothing — an application that was refused is not an account.

Whether the result is valid is decided by the rules, not here: the files are written into a candidate
register (in a temporary folder, with the existing register when merging) and checked by the same engine
as ``govmedia check``. A row whose files have an error is left out and the error is reported at its sheet,
row and column; the others are checked again without it, until what remains passes.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from govmedia.findings.finding import Finding
from govmedia.register.context import Context
from govmedia.register.digest import request_digest
from govmedia.register.loader import load
from govmedia.run.engine import check
from govmedia.schemas import Account
from govmedia.schemas.common import ID_PATTERN
from govmedia.schemas.governance import Governance
from govmedia.staff.demo import dump
from govmedia.staff.import_docs import STATUS_WORDS, Reading, account_doc, platform_of, status_of, unit_doc
from govmedia.staff.import_map import finding_problem, key_lines
from govmedia.staff.ledger_cells import norm_header
from govmedia.staff.ledger_table import Problem, Row
from govmedia.staff.vocabulary import Vocabulary

NOTE = "依据原台账导入"
APPROVER_NAME = "原台账记载"
MAX_ROUNDS = 20  # each round leaves out at least one row; a ledger's rows interact little


@dataclass
class Options:
    today: date
    org: str = "org"
    unit: str | None = None  # host unit of rows that name none
    platform: str | None = None  # platform id of rows that name none
    status: str | None = None  # status of rows that declare none (a list of closures: closed)
    merge: Path | None = None  # an existing register to import into


@dataclass
class Result:
    files: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    units: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    skipped_rows: int = 0
    to_complete: int = 0  # existing accounts and units with dossier fields to complete (GM108)
    not_accounts: int = 0  # rows of rejected applications: not accounts, not imported
    same_rows: int = 0  # rows that repeat an account of an earlier row (a list naming it under two problems)


@dataclass
class _Unit:
    name: str
    unit_id: str
    first: Reading
    doc: dict[str, Any] | None  # None: a unit of the register merged into
    used_ids: set[str] = field(default_factory=set)


@dataclass
class _Planned:
    reading: Reading
    unit: _Unit
    status: str
    files: dict[str, str] = field(default_factory=dict)


def _reason(r: Reading) -> str:
    """The registration's reason: the ledger row, and the approval documents the ledger names."""
    numbers = [f"{label}{r.cell(key)}" for key, label in (("open_document_no", "开设批准文号 "),
                                                          ("end_document_no", "关停/退出批准文号 ")) if r.cell(key)]
    return f"{NOTE}（工作表“{r.row.sheet}”第 {r.row.number} 行{'；' if numbers else ''}{'；'.join(numbers)}）"


def _folders(rel: str) -> list[str]:
    """The folders of an account's file below its unit (a request folder, the account folder)."""
    parts = rel.split("/")
    return ["/".join(parts[:n]) for n in range(3, len(parts))]


def _render(rel: str, data: dict[str, Any], kind: str) -> str:
    return dump(data, kind, rel.count("/"))


class Importer:
    def __init__(self, gov: Governance, gov_text: str, voc: Vocabulary, options: Options) -> None:
        self.gov = gov
        self.gov_text = gov_text
        self.voc = voc
        self.opt = options
        self.result = Result()
        self.units: dict[str, _Unit] = {}
        self.existing_units: dict[str, str] = {}  # unit name -> unit id, in the register merged into
        self.existing_ids: set[str] = set()
        self.existing_accounts: dict[str, set[str]] = {}
        self.refused_rows: dict[int, _Planned] = {}
        self.seen: dict[tuple[str, ...], int] = {}
        if options.merge is not None:
            self._read_existing(options.merge)

    def _read_existing(self, root: Path) -> None:
        registry = load(root)
        for uid, unit in registry.units.items():
            self.existing_ids.add(uid)
            if unit.record is not None:
                self.existing_units.setdefault(unit.record.model.name, uid)
        for acc in registry.accounts.values():
            self.existing_accounts.setdefault(acc.unit_id, set()).add(acc.account_id)

    # ------------------------------------------------------------ units

    def _unit_of(self, r: Reading) -> _Unit | None:
        name = r.cell("unit_name") or self.opt.unit or ""
        if not name:
            r.problem("unit_name", "主办单位未填写：请填写主办单位全称，或导入时用 --unit 指定这份台账的主办单位。",
                      "no host unit: write its full name, or give the ledger's host unit with --unit.")
            return None
        unit = self.units.get(name)
        if unit is None:
            unit = self._new_unit(r, name)
            self.units[name] = unit
        return unit

    def _new_unit(self, r: Reading, name: str) -> _Unit:
        if name in self.existing_units:
            uid = self.existing_units[name]
            return _Unit(name, uid, r, None, set(self.existing_accounts.get(uid, set())))
        taken = self.existing_ids | {u.unit_id for u in self.units.values()}
        given = r.cell("unit_id")
        if given and re.fullmatch(ID_PATTERN, given) and len(given) <= 64 and given not in taken:
            uid = given
        else:
            if given:
                r.note("unit_id", f"单位编号“{given}”不合规（只能用小写字母、数字和“-”）或已被使用：已改用自动编号。",
                       f"the unit id “{given}” is not valid (lowercase letters, digits, hyphens) or is taken: an "
                       "automatic id was used instead.")
            n = len(taken) + 1
            while f"unit-{n:02d}" in taken:
                n += 1
            uid = f"unit-{n:02d}"
        doc = unit_doc(r, uid, name, self.gov.jurisdiction.division_code, f"@{self.opt.org}/{uid}")
        return _Unit(name, uid, r, doc)

    def _parents(self) -> None:
        ids = {name: u.unit_id for name, u in self.units.items()} | self.existing_units
        for unit in self.units.values():
            parent = unit.first.cell("parent")
            if unit.doc is None or not parent:
                continue
            found = ids.get(parent) or (parent if parent in ids.values() else None)
            if found and found != unit.unit_id:
                unit.doc["parent"] = found
            else:
                unit.first.note("parent", f"主管单位“{parent}”不是这份台账或名录中的主办单位：已按“无”导入，"
                                "如需要请先登记主管单位，再在 unit.yaml 中填写 parent。",
                                f"the supervising unit “{parent}” is not a host unit of this ledger or register: "
                                "imported without one; register it first, then fill in parent in unit.yaml.")

    # ------------------------------------------------------------ rows

    def _account_id(self, r: Reading, unit: _Unit, platform: str) -> str:
        given = r.cell("account_id")
        if given and re.fullmatch(ID_PATTERN, given) and len(given) <= 64 and given not in unit.used_ids:
            unit.used_ids.add(given)
            return given
        base = platform.replace("_", "-")
        ident, n = base, 2
        while ident in unit.used_ids:
            ident, n = f"{base}-{n}", n + 1
        unit.used_ids.add(ident)
        return ident

    def _plan(self, row: Row) -> _Planned | None:
        r = Reading(row)
        if any(type(v).__name__ == "NoValue" for v in row.cells.values()):
            r.problem(None, "这一行有公式没有保存计算结果：请在 Excel 或 WPS 中打开台账、保存后再导入，或把公式改成数值。",
                      "a formula of this row has no saved result: open the ledger in Excel or WPS, save it and "
                      "import it again, or replace the formula by its value.")
            self._drop(r)
            return None
        name, platform = platform_of(r, self.voc, self.opt.platform)
        unit = self._unit_of(r)
        declared = status_of(r, self.opt.status)
        opened_on, ended_on = r.date("opened_on"), r.date("ended_on")
        doc = account_doc(r, name, platform or "", unit.name if unit else "")  # every problem at once
        if unit is None or platform is None or declared is None or any(p.error for p in r.problems):
            self._drop(r)
            return None
        if self._repeated(r, unit, platform, name, doc_keys=(r.cell("platform_id"), r.cell("url"))):
            return None
        if declared == "rejected":
            r.note("status", "未获批准的申请不是账号：这一行未导入。", "a rejected application is not an account: not imported.")
            self.result.problems.extend(r.problems)
            self.result.not_accounts += 1
            return None
        if opened_on:
            doc["opened_on"] = opened_on
        planned = _Planned(r, unit, declared)
        base = f"accounts/{unit.unit_id}/{self._account_id(r, unit, platform)}"
        if declared == "applying":
            planned.files |= self._open_request(r, unit, base)
        else:
            planned.status = self._recorded(r, declared, ended_on)
            planned.files |= self._registration(r, base, planned.status, ended_on)
        doc["status"] = planned.status
        rel = f"{base}/account.yaml"
        text = _render(rel, {k: doc[k] for k in Account.model_fields if k in doc}, "account")
        head, _, body = text.partition("\n")
        planned.files[rel] = f"{head}\n# {NOTE}（工作表“{row.sheet}”第 {row.number} 行）\n{body}"
        return planned

    def _repeated(self, r: Reading, unit: _Unit, platform: str, name: str, doc_keys: tuple[str, str]) -> bool:
        """A row naming the same account as an earlier row (same unit, platform, name, id and address) is
        that account: a list names an account once under each problem it found."""
        key = (unit.name, platform, norm_header(name), *doc_keys)
        first = self.seen.setdefault(key, r.row.number)
        if first == r.row.number:
            return False
        r.note("name", f"与第 {first} 行是同一个账号（单位、平台和名称都相同）：只登记一次。",
               f"the same account as row {first} (same unit, platform and name): recorded once.")
        self.result.problems.extend(r.problems)
        self.result.same_rows += 1
        return True

    def _drop(self, r: Reading) -> None:
        self.result.problems.extend(r.problems)
        self._skipped(r.row)

    def _skipped(self, row: Row) -> None:
        self.result.problems.append(Problem(
            row.number, None, "这一行没有导入：改正上面的问题后重新导入。",
            "this row was not imported: correct the problems above and import again.", row.sheet))
        self.result.skipped_rows += 1

    def _recorded(self, r: Reading, declared: str, ended_on: str | None) -> str:
        if declared in ("closed", "exited"):
            return declared
        if ended_on:
            r.note("ended_on", "状态是在用，但填写了关停/退出日期：已按在用登记，日期未记入。",
                   "the status is running but a closure date is given: recorded as active, the date left out.")
        if declared != "active":
            r.note("status", f"台账中的状态是“{STATUS_WORDS[declared]}”：审批中的申请不在台账里，已按“正常运行”登记；"
                   "请用 govmedia new request 重新提交这份申请。",
                   f"the ledger says “{declared}”: a pending request is not in a ledger, so the account was "
                   "recorded as active; submit that request again with govmedia new request.")
        return "active"

    def _registration(self, r: Reading, base: str, status: str, ended_on: str | None) -> dict[str, str]:
        day = self.opt.today.isoformat()
        folder = f"{base}/requests/{day}-register"
        request: dict[str, Any] = {
            "action": "register", "submitted_on": day,
            "applicant": {"name": APPROVER_NAME, "title": self.gov.stages[self.gov.chain("register")[0]].title},
            "reason": _reason(r), "recorded_status": status,
        }
        if status != "active" and ended_on:
            request["ended_on"] = ended_on
        files = {f"{folder}/request.yaml": _render(f"{folder}/request.yaml", request, "request")}
        document_no = r.cell("open_document_no") or r.cell("end_document_no")
        for stage in self.gov.chain("register"):
            spec = self.gov.stages[stage]
            approval: dict[str, Any] = {
                "decision": "approved", "decided_on": day,
                # one record per stage, not one person deciding every stage (separation of duties)
                "approver": {"name": f"{APPROVER_NAME}（{spec.title}）", "title": spec.title},
            }
            if spec.requires_document and document_no:
                approval["document_no"] = document_no
            approval["comment"] = NOTE
            approval["request_digest"] = request_digest(request)  # the decision binds the request it approves
            files[f"{folder}/{stage}.yaml"] = _render(f"{folder}/{stage}.yaml", approval, "approval")
        return files

    def _open_request(self, r: Reading, unit: _Unit, base: str) -> dict[str, str]:
        day = self.opt.today.isoformat()
        leader = (unit.doc or {}).get("leader_in_charge") or {"name": APPROVER_NAME, "title": unit.name[:64]}
        rel = f"{base}/requests/{day}-open/request.yaml"
        return {rel: _render(rel, {"action": "open", "submitted_on": day, "applicant": leader}, "request")}

    # ------------------------------------------------------------ the check

    def _candidate(self, tmp: Path, planned: Iterable[_Planned]) -> dict[str, str]:
        """The files the ledger adds, by path, written into the candidate register ``tmp`` (the first time,
        with the register merged into or the governance.yaml of the import)."""
        if not (tmp / "policies").exists():
            if self.opt.merge is not None:
                for part in ("accounts", "announcements", "policies"):
                    if (self.opt.merge / part).is_dir():
                        shutil.copytree(self.opt.merge / part, tmp / part, symlinks=True, dirs_exist_ok=True)
            else:
                (tmp / "policies").mkdir()
                (tmp / "policies" / "governance.yaml").write_text(self.gov_text, encoding="utf-8")
        added: dict[str, str] = {}
        kept = list(planned)
        for unit in {id(p.unit): p.unit for p in kept}.values():
            if unit.doc is not None:
                rel = f"accounts/{unit.unit_id}/unit.yaml"
                added[rel] = _render(rel, unit.doc, "unit")
        for p in kept:
            added |= p.files
        for rel, text in added.items():
            if not (tmp / rel).exists():
                (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
                (tmp / rel).write_text(text, encoding="utf-8")
        return added

    def _round(self, tmp: Path, planned: list[_Planned], before: dict[str, str]) -> tuple[list[Finding], dict[str, str]]:
        """Check the candidate register without the files of the rows left out since ``before``."""
        added = self._candidate(tmp, planned)
        for rel in set(before) - set(added):
            (tmp / rel).unlink()
            folder = (tmp / rel).parent
            while folder != tmp and not any(folder.iterdir()):  # no empty folder left behind
                folder.rmdir()
                folder = folder.parent
        _, findings = check(Context(root=tmp, today=self.opt.today))
        ours = set(added) | {folder for rel in added for folder in _folders(rel)}
        return [f for f in findings if f.path in ours or f.path == "policies/governance.yaml"], added

    def _owners(self, planned: list[_Planned]) -> dict[str, list[_Planned]]:
        owners: dict[str, list[_Planned]] = {}
        for p in planned:
            for path in {*p.files, *(folder for rel in p.files for folder in _folders(rel))}:
                owners.setdefault(path, []).append(p)
            owners.setdefault(f"accounts/{p.unit.unit_id}/unit.yaml", []).append(p)
        return owners

    def _settle(self, planned: list[_Planned]) -> tuple[list[_Planned], list[Finding], dict[str, str]]:
        """Check, leave out the rows with errors, check again: until the rest passes."""
        refused: dict[int, list[Finding]] = {}
        texts: dict[str, str] = {}  # every file written in a round, to find a finding's line in
        added: dict[str, str] = {}
        with tempfile.TemporaryDirectory(prefix="govmedia-import-") as name:
            for _ in range(MAX_ROUNDS):
                findings, added = self._round(Path(name), planned, added)
                owners = self._owners(planned)
                bad = {id(p): p for f in findings if f.severity == "error" for p in owners.get(f.path, [])}
                if not bad:
                    self._report_refused(refused, texts)
                    return planned, findings, added
                texts |= added
                for f in findings:
                    for p in owners.get(f.path, []):
                        if id(p) in bad and f.severity == "error":
                            refused.setdefault(id(p), []).append(f)
                self.refused_rows |= bad
                planned = [p for p in planned if id(p) not in bad]
        self._report_refused(refused, texts)
        for p in planned:  # never reached by a real ledger: each round leaves out every row with an error
            self.result.problems.append(Problem(p.reading.row.number, None, "检查没有在限定的轮数内结束：这一行未导入。",
                                                "the check did not settle within its rounds: row not imported.",
                                                p.reading.row.sheet))
            self._skipped(p.reading.row)
        return [], [], {}

    def _report_refused(self, refused: dict[int, list[Finding]], texts: dict[str, str]) -> None:
        for key, findings in refused.items():
            p = self.refused_rows[key]
            self.result.problems.extend(p.reading.problems)
            for f in sorted(set(findings), key=lambda f: f.sort_key):
                self.result.problems.append(finding_problem(f, p.reading, key_lines(texts, f.path)))
            self._skipped(p.reading.row)

    def run(self, rows: list[Row]) -> Result:
        planned = [p for p in (self._plan(row) for row in rows) if p is not None]
        self._parents()
        kept, findings, added = self._settle(planned)
        owners = self._owners(kept)
        for p in kept:
            self.result.problems.extend(p.reading.problems)
            self.result.statuses[p.status] = self.result.statuses.get(p.status, 0) + 1
        for f in findings:
            if f.code == "GM108":
                self.result.to_complete += 1
                continue
            target = owners.get(f.path, [])
            if target:
                self.result.problems.append(finding_problem(f, target[0].reading, key_lines(added, f.path)))
        self.result.files = added
        self.result.units = sum(1 for rel in added if rel.endswith("/unit.yaml"))
        return self.result


def write_files(files: dict[str, str], root: Path) -> None:
    """Add the files of an import to an existing register (never over a file that is there)."""
    for rel, text in sorted(files.items()):
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "x", encoding="utf-8") as fh:
            fh.write(text)
