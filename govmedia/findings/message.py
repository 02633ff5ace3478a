"""Messages in two languages, and the catalog of what the staff tools say.

A :class:`Msg` keeps a message in Chinese and English until it is shown (as a finding keeps ``zh`` and
``en``); :func:`msg` picks one: Chinese unless ``--lang en``. What the register's rules say is in the findings
(govmedia/rules/); what the staff tools say around them — missing answers, files that exist, the next steps —
is in :data:`CATALOG`, one entry per message, so that library modules and commands share one wording and a
translator finds every sentence in one place. Entries are ``str.format`` templates: :func:`text` fills them.
"""

from __future__ import annotations

from typing import Any, NamedTuple


def msg(lang: str, zh: str, en: str) -> str:
    """The message in the user's language: Chinese unless ``--lang en``."""
    return zh if lang == "zh" else en


class Msg(NamedTuple):
    """A message kept in both languages until it is shown (like a finding's ``zh``/``en``)."""

    zh: str
    en: str

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def format(self, **values: Any) -> Msg:
        return Msg(self.zh.format(**values), self.en.format(**values))


CATALOG: dict[str, Msg] = {
    # -- answering a question ------------------------------------------------------------------------------
    "answer.bool": Msg("请回答 是 或 否（y/n）。", "Please answer yes or no (y/n)."),
    "answer.int": Msg("请填写一个整数，如 7。", "Please give a whole number, e.g. 7."),
    "answer.date": Msg("日期应写成 YYYY-MM-DD，如 {day}。", "Write the date as YYYY-MM-DD, e.g. {day}."),
    "answer.empty": Msg("{label}不能为空。", "{label} must not be empty."),
    "answer.choice": Msg("{label}应为以下之一：{listed}。", "{label} must be one of: {listed}."),
    "answer.unknown": Msg("不认识的项目 “{name}”：可填写的项目有 {known}。",
                          "unknown answer “{name}”: the answers are {known}."),
    "answer.retry": Msg("  ✗ {problem}请重新输入。", "  ✗ {problem} Please try again."),
    "answer.flag": Msg("{flag} {given}：{problem}", "{flag} {given}: {problem}"),
    "answer.default": Msg("{flag}（默认值 {given}）：{problem}", "{flag} (default {given}): {problem}"),
    "answer.ended": Msg("输入结束，还没有填写“{label}”。", "Input ended before “{label}” was answered."),
    "answer.missing": Msg(
        "缺少以下必填项，请补上这些参数后重试（或去掉 --yes，在终端中按提示逐项填写）：",
        "These required values are missing: add these options and try again (or leave out --yes and "
        "answer the questions at a terminal):"),
    "answer.safe_name": Msg("“{given}”不能用作文件或文件夹名：只能是一段名称，不能含 / 或 ..。",
                            "“{given}” cannot name a file or folder: it must be one name, without / or ..."),
    # -- choices that come from the register ---------------------------------------------------------------
    "unit.unknown": Msg("单位 {unit} 不在名录中：请先运行 govmedia new unit 登记主办单位。",
                        "The unit {unit} is not in the register: register the host unit first with govmedia new unit."),
    "unit.parent_unknown": Msg(
        "主管单位 {unit} 不在名录中：请填写已有单位的编号，或留空。",
        "The supervising unit {unit} is not in the register: give the id of an existing unit, or leave it empty."),
    "account.unknown": Msg(
        "账号 {ref} 不在名录中：请写成 单位编号/账号编号，如 wangyi-education/weibo。",
        "The account {ref} is not in the register: write unit-id/account-id, e.g. wangyi-education/weibo."),
    "account.broken": Msg("账号 {ref} 的 account.yaml 有错误：请先运行 govmedia check 修正。",
                          "The account.yaml of {ref} has errors: run govmedia check and fix them first."),
    "request.folder_missing": Msg(
        "缺少 --request：请给出申请所在的文件夹，如 --request accounts/wangyi-education/weibo/requests/2026-05-01-open。",
        "--request is missing: name the folder of the request, "
        "e.g. --request accounts/wangyi-education/weibo/requests/2026-05-01-open."),
    "request.folder_unknown": Msg(
        "{folder} 不是一个有效的申请文件夹（里面应有 request.yaml）：请检查路径，或先运行 govmedia check 修正其中的错误。",
        "{folder} is not a valid request folder (it should hold a request.yaml): check the path, "
        "or run govmedia check --lang en first and fix its errors."),
    "request.approved": Msg("{folder} 已经全部批准，不能再添加审批意见。",
                            "{folder} is approved by every stage: no further decision can be added."),
    "request.rejected": Msg("{folder} 已被驳回，不能再添加审批意见。", "{folder} was rejected: no further decision can be added."),
    "request.broken": Msg("{folder} 有错误，不能再添加审批意见。", "{folder} has errors: no further decision can be added."),
    "request.prompt_folder": Msg("申请所在文件夹（如 accounts/<单位>/<账号>/requests/2026-05-01-open）：",
                                 "Folder of the request (e.g. accounts/<unit>/<account>/requests/2026-05-01-open): "),
    # -- change requests (--set field=value) ---------------------------------------------------------------
    "change.none": Msg(
        "变更申请要写明改什么：请加 --set 字段=新值（可重复），如 --set name=王益教育。",
        "A change request must say what changes: add --set field=new value (repeatable), e.g. --set name=NewName."),
    "change.only": Msg("--set 只用于变更申请（--action change）。", "--set is only for change requests (--action change)."),
    "change.form": Msg("--set {item}：应写成 字段=新值，如 --set name=王益教育。",
                       "--set {item}: write field=new value, e.g. --set name=NewName."),
    "change.prompt": Msg("要修改哪些字段？每行写一项 字段=新值（如 name=王益教育），空行结束：",
                         "Which fields change? One field=new value per line (e.g. name=NewName), an empty line ends:"),
    "change.after": Msg("变更后的 {path}：{problem}", "{path} after the change: {problem}"),
    # -- the candidate register ----------------------------------------------------------------------------
    "files.exist": Msg(
        "这些文件已经存在，不会覆盖：{paths}。如需修改，请直接编辑该文件，或换一个编号/日期。",
        "These files exist already and are never overwritten: {paths}. To change one, edit it directly, "
        "or choose another id or date."),
    "files.outside": Msg("{path} 不在名录目录之内：不会写入。", "{path} is outside the register folder: it is not written."),
    "files.none": Msg("没有写入任何文件。", "No file was written."),
    "governance.broken": Msg(
        "policies/governance.yaml 缺失或有错误：请先运行 govmedia check 并按提示修正。",
        "policies/governance.yaml is missing or has errors: run govmedia check --lang en first and fix what it "
        "reports."),
    "finding.line": Msg("{path}:{line}:{column}: {code} {message}", "{path}:{line}:{column}: {code} {message}"),
    # -- what was written and what comes next --------------------------------------------------------------
    "done.unit": Msg("已新建主办单位：{path}", "New host unit: {path}"),
    "done.codeowners": Msg("已更新 {path}：本单位的开设申请由 {who} 审核。",
                           "Updated {path}: the unit's opening requests are reviewed by {who}."),
    "done.unit_next": Msg("接下来可以为它申请账号：{command}", "Next, apply for an account of this unit: {command}"),
    "done.account": Msg("已新建账号开设申请：{path}（状态：申请中 applying）",
                        "New account with its opening request: {path} (status: applying)"),
    "done.request": Msg("已新建{action_zh}申请：{path}", "New request for {action_en}: {path}"),
    "done.status": Msg("已把 {path} 的状态改为 {status}（{action_zh}审批期间的状态）。",
                       "Set the status of {path} to {status} (its status while the request is decided)."),
    "done.approval": Msg("已记录「{title}」的审批意见：{path}", "Recorded the decision of “{title}”: {path}"),
    "done.rejected": Msg("申请已被驳回：请把 {path} 的 status 改为 {status}，一并提交。",
                         "The request is rejected: set the status of {path} to {status} and commit it too."),
    "done.final": Msg("这是最后一级审批，申请已全部批准。请把 {path} 的 status 改为 {status}{extra}。",
                      "This was the last stage: the request is approved. Set the status of {path} to {status}{extra}."),
    "done.final_open": Msg("，填写 opened_on（开通日期）", ", fill in opened_on (the opening date)"),
    "done.final_change": Msg("，并把申请中的变更写进 {path}", ", and write the requested changes into {path}"),
    "done.announce": Msg("然后发布公告：{command}", "Then publish the announcement: {command}"),
    "done.announcement": Msg("已起草公告：{path}（请打开文件核对正文）",
                             "Drafted the announcement: {path} (open it and check the text; it stays in Chinese)"),
    "done.warnings": Msg("请留意（不妨碍写入）：", "Please note (the files are written all the same):"),
    "done.elsewhere": Msg("govmedia check 现在还会报告以下问题，请按下面的提示处理：",
                          "govmedia check now also reports these until the steps below are done:"),
    "next.title": Msg("\n下一步：", "\nNext steps:"),
    "next.check": Msg("  1. govmedia check            （检查整个名录，应当没有错误）",
                      "  1. govmedia check --lang en  (checks the whole register: expect no errors)"),
    "next.add": Msg("  2. git add {paths}", "  2. git add {paths}"),
    "next.commit": Msg('  3. git commit -m "…"         （pre-commit 会再检查一次）',
                       '  3. git commit -m "…"         (pre-commit checks again)'),
    "next.push": Msg("  4. 推送分支，提交合并请求，由 {reviewers} 审核。",
                     "  4. Push the branch and open a merge request, to be reviewed by {reviewers}."),
    "reviewers.office": Msg("区政府办公室", "the district government office"),
    "reviewers.named": Msg("{title}（{who}）", "“{title}” ({who})"),
    "reviewers.title": Msg("{title}", "“{title}”"),
    # -- words ---------------------------------------------------------------------------------------------
    "word.yes": Msg("是", "yes"),
    "word.no": Msg("否", "no"),
    "word.list_sep": Msg("，", ", "),
    "word.names_sep": Msg("、", ", "),
    "word.colon": Msg("：", ": "),
    "word.hint": Msg("（{hint}）", " ({hint})"),
    "word.one_of": Msg("可选：{listed}", "one of: {listed}"),
}


def text(key: str, **values: Any) -> Msg:
    """The catalog's message ``key`` with ``values`` filled in."""
    return CATALOG[key].format(**values) if values else CATALOG[key]
