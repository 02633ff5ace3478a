"""A ledger row as the documents it describes: the account.yaml and unit.yaml fields its cells give.

Only reading lives here: a cell that is not a date, a yes/no that is neither, a platform or status
word that is not known, an id that a spreadsheet rounded. Whether the documents are valid and
complete is the rules' question (``govmedia check`` on the candidate register, govmedia/staff/importer.py);
nothing is invented for a cell the ledger leaves empty.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from govmedia.staff.ledger_cells import (
    STATUS_VARIANTS,
    UNIT_KIND_VARIANTS,
    bool_of,
    date_of,
    days_of,
    lookup,
    lost_digits,
    norm_header,
    text_of,
)
from govmedia.staff.ledger_columns import HEADERS, INTERACTION_WORDS, UNDERTAKING_LABELS, UNIT_KIND_LABELS
from govmedia.staff.ledger_table import Problem, Row
from govmedia.staff.vocabulary import Vocabulary

_MONTH = re.compile(r"^\d{4}\s*[-/.年]\s*\d{1,2}\s*月?$")
_LIST_SEP = re.compile(r"[、,，;；/\s]+")
_REVIEWER_SEP = re.compile(r"[、,，;；\s]+")  # @group/subgroup keeps its slash
UNDERTAKING_VARIANTS = {norm_header(k): v for k, v in {
    "自行运营": "internal", "自行运维": "internal", "本单位": "internal", "自主运营": "internal",
    "委托运营": "entrusted", "第三方运营": "entrusted", "委托": "entrusted", "委托第三方": "entrusted",
}.items()}
STATUS_WORDS = {"applying": "申请中", "rejected": "未获批准", "active": "正常运行", "changing": "变更中",
                "exiting": "退出监管中", "closing": "注销关停中", "closed": "已注销关停", "exited": "已退出监管"}


@dataclass
class Reading:
    """What one row says, and what could not be read."""

    row: Row
    problems: list[Problem] = field(default_factory=list)

    def cell(self, key: str) -> str:
        return text_of(self.row.cells.get(key))

    def column(self, key: str) -> str:
        return self.row.headers.get(key, HEADERS.get(key, key))

    def problem(self, key: str | None, zh: str, en: str, error: bool = True) -> None:
        self.problems.append(Problem(self.row.number, self.column(key) if key else None, zh, en,
                                     self.row.sheet, error))

    def note(self, key: str | None, zh: str, en: str) -> None:
        self.problem(key, zh, en, error=False)

    def date(self, key: str) -> str | None:
        """A date cell as ISO text (whether it is after today is GM203's question, on the candidate)."""
        if _MONTH.match(self.cell(key)):  # 2020年11月: a day would be invented
            self.note(key, f"“{self.cell(key)}”只有年月：日期未记入，留待补全。",
                      f"“{self.cell(key)}” gives only a month: the date is left to be completed.")
            return None
        value, problem = date_of(self.row.cells.get(key))
        if problem:
            self.problem(key, *problem)
        return value

    def yes_no(self, key: str) -> bool | None:
        text = self.cell(key)
        if not text:
            return None
        value = bool_of(text)
        if value is None:
            self.problem(key, f"“{text}”应为“是”或“否”。", f"“{text}” must be “是” (yes) or “否” (no).")
        return value

    def identifier(self, key: str) -> str | None:
        raw = self.row.cells.get(key)
        if lost_digits(raw):
            self.problem(key, f"“{text_of(raw)}”是被表格软件当作数字保存的长编号，末几位可能已经丢失："
                         "请把这一列设为“文本”格式，重新填写完整的编号后再导入。",
                         f"“{text_of(raw)}” is a long id that the spreadsheet stored as a number, so its last "
                         "digits may be lost: format the column as text, write the full id again and import.")
            return None
        return self.cell(key) or None


def split_list(text: str, separators: re.Pattern[str] = _LIST_SEP) -> list[str]:
    return [part for part in separators.split(text) if part]


def platform_of(reading: Reading, voc: Vocabulary, default: str | None) -> tuple[str, str | None]:
    """(the account's name, its platform id): from the platform column, a suffix of the name, or the
    default platform of the import. A platform word that is not known is a problem."""
    name, from_name = voc.split_suffix(reading.cell("name"))
    written = reading.cell("platform")
    platform = voc.platform(written) if written else None
    if written and platform is None:
        choices = "、".join(voc.labels.values())
        reading.problem("platform", f"平台“{written}”无法识别：应为 {choices} 之一；本地区的其他叫法可加到 "
                        "governance.yaml 中该平台的 ledger_names。",
                        f"the platform “{written}” is not known: write one of {', '.join(voc.labels)}, or add "
                        "this name to the platform's ledger_names in governance.yaml.")
        return name, None
    if platform and from_name and platform != from_name:
        reading.problem("name", f"名称后写的平台（{voc.labels[from_name]}）与平台列（{voc.labels[platform]}）不一致：请核对。",
                        f"the platform after the name ({from_name}) differs from the platform column ({platform}).")
        return name, None
    found = platform or from_name or default
    if found is None:
        reading.problem("platform", "平台未填写，名称后也没有写明平台（如“武定警方(新浪微博)”）：请补上平台，"
                        "或导入时用 --platform 指定这份台账的默认平台。",
                        "no platform: neither a platform column nor one written after the name (e.g. "
                        "“武定警方(新浪微博)”); add it, or give the ledger's platform with --platform.")
    return name, found


def status_of(reading: Reading, default: str | None) -> str | None:
    """The status the row declares (a status word, or closed when only a closure date is given)."""
    text = reading.cell("status")
    if text:
        found = lookup(text, STATUS_WORDS, STATUS_VARIANTS)
        if found is None:
            reading.problem("status", f"状态“{text}”无法识别：应为 {'、'.join(STATUS_WORDS.values())} 之一。",
                            f"the status “{text}” is not known: write one of {', '.join(STATUS_WORDS)}.")
        return found
    if default:
        return default
    return "closed" if reading.cell("ended_on") else "active"


def _verification(r: Reading, unit_name: str) -> dict[str, Any] | None:
    subject, verified = r.cell("subject"), r.yes_no("verified")
    if not subject and verified is None:
        return None
    return {"verified": True if verified is None else verified, "subject": subject or unit_name}


def _undertaking(r: Reading) -> dict[str, Any] | None:
    name, kind_text = r.cell("undertaking_name"), r.cell("undertaking_kind")
    if not name and not kind_text:
        return None
    kind = lookup(kind_text, UNDERTAKING_LABELS, UNDERTAKING_VARIANTS) if kind_text else None
    if kind_text and kind is None:
        r.problem("undertaking_kind", f"运营方式“{kind_text}”应为 本单位自行运营 或 委托第三方运营。",
                  f"“{kind_text}” must be “本单位自行运营” (by the unit) or “委托第三方运营” (entrusted).")
    kind = kind or ("entrusted" if r.cell("agreement_signed") else "internal")
    out: dict[str, Any] = {"kind": kind, "name": name or r.cell("unit_name")}
    if r.cell("undertaking_uscc"):
        out["uscc"] = r.cell("undertaking_uscc")
    if kind == "entrusted" and r.cell("agreement_signed"):
        out["agreement"] = {
            "signed_on": r.date("agreement_signed"), "expires_on": r.date("agreement_expires"),
            "confidentiality": r.yes_no("agreement_confidentiality"),
            "qualification_reviewed": r.yes_no("agreement_qualification"),
        }
    return out


def _interaction(r: Reading) -> dict[str, bool] | None:
    text = r.cell("interaction")
    if not text:
        return None
    if text in ("全部", "均开启", "全部开启", "是", "已开启"):
        return {k: True for k, _ in INTERACTION_WORDS}
    return {k: word in text for k, word in INTERACTION_WORDS}


def _operations(r: Reading) -> dict[str, Any] | None:
    cycle_text, overall, review = r.cell("update_cycle"), r.cell("overall"), r.yes_no("review")
    cycle = days_of(cycle_text) if cycle_text else None
    if cycle_text and cycle is None:
        r.problem("update_cycle", f"更新周期“{cycle_text}”应为天数，如 7。",
                  f"the update cycle “{cycle_text}” must be a number of days, e.g. 7.")
    if cycle is None or not overall or review is None:
        if cycle_text or overall:
            r.note("update_cycle", "更新周期、总负责人和发布前审核要一起填写才能记入账号，这一行不全：已留待补全。",
                   "the update cycle, the overall responsible person and the review are recorded together; "
                   "this row lacks one, so they are left to be completed.")
        return None
    responsible: dict[str, Any] = {"overall": overall, "columns": split_list(r.cell("columns"))}
    if r.cell("backup"):
        responsible["backup"] = r.cell("backup")
    return {"update_cycle_days": cycle, "responsible": responsible, "review_before_publish": review}


def _app(r: Reading) -> dict[str, Any] | None:
    icp, mlps_text = r.cell("icp"), r.cell("mlps")
    if not icp and not mlps_text:
        return None
    mlps = days_of(mlps_text.removesuffix("级").replace("三", "3").replace("二", "2").replace("四", "4"))
    if mlps_text and mlps is None:
        r.problem("mlps", f"等保级别“{mlps_text}”应为 1 到 5 的数字，如 3。",
                  f"the protection level “{mlps_text}” must be a number from 1 to 5, e.g. 3.")
    return {k: v for k, v in (("icp_filing", icp or None), ("mlps_level", mlps)) if v is not None}


def account_doc(r: Reading, name: str, platform: str, unit_name: str) -> dict[str, Any]:
    """account.yaml as far as the row says it (status and opened_on are set by the importer)."""
    doc: dict[str, Any] = {"name": name, "platform": platform}
    optional: dict[str, Any] = {
        "platform_id": r.identifier("platform_id"),
        "url": r.cell("url") or None,
        "aliases": split_list(r.cell("aliases")) or None,
        "wechat_biz": r.cell("wechat_biz") or None,
        "positioning": r.cell("positioning") or None,
        "verification": _verification(r, unit_name),
        "undertaking": _undertaking(r),
        "interaction": _interaction(r),
        "operations": _operations(r),
        "national_system_id": r.identifier("national_system_id"),
        "app": _app(r),
    }
    doc |= {k: v for k, v in optional.items() if v is not None}
    return doc


def unit_doc(r: Reading, unit_id: str, name: str, division_code: str, reviewer: str) -> dict[str, Any]:
    """unit.yaml as far as the first row of the unit says it (parent is resolved by the importer)."""
    kind_text = r.cell("unit_kind")
    kind = lookup(kind_text, UNIT_KIND_LABELS, UNIT_KIND_VARIANTS) if kind_text else None
    if kind_text and kind is None:
        r.problem("unit_kind", f"单位性质“{kind_text}”无法识别：应为 行政机关、事业单位 或 内设机构。",
                  f"the kind of unit “{kind_text}” is not known: write 行政机关, 事业单位 or 内设机构.")
    doc: dict[str, Any] = {"name": name, "short_name": r.cell("unit_short_name") or name}
    if r.cell("unit_uscc"):
        doc["uscc"] = r.cell("unit_uscc")
    if kind:
        doc["kind"] = kind
    doc["parent"] = None
    doc["division_code"] = r.cell("division_code") or division_code
    leader, title = r.cell("leader_name"), r.cell("leader_title")
    if leader and title:
        doc["leader_in_charge"] = {"name": leader, "title": title}
    elif leader or title:
        r.note("leader_name", "分管负责同志的姓名和职务要一起填写：这一项已留待补全。",
               "the leader's name and title go together: left to be completed.")
    doc["reviewers"] = split_list(r.cell("unit_reviewers"), _REVIEWER_SEP) or [reviewer]
    return doc
