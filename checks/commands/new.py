"""``govmedia new unit|account|request|approval|announcement``: write a new, valid file in the right place.

Asks in Chinese for what is missing when run at a terminal (choices from governance.yaml, each answer
checked as it is typed); in scripts every answer is a flag and ``--yes`` never asks. Files are
validated with the same models as ``govmedia check`` before anything is written, and nothing that
exists is ever overwritten. The pure parts (questions, checks, file texts) live in ``checks/scaffold.py``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, cast

from govmedia.schemas import Account, Announcement, Approval, Request
from govmedia.schemas.governance import Governance

from .. import scaffold as sc
from ..cli import EXIT_OK, EXIT_USAGE, add_common
from ..lifecycle import ACTION_LABELS, request_state
from ..loader import load
from ..registry import Registry, RequestRec

KINDS: dict[str, tuple[str, Callable[[sc.Env], sc.Form] | None]] = {
    "unit": ("登记一个主办单位（accounts/<单位>/unit.yaml）", sc.unit_form),
    "account": ("申请开设一个账号（account.yaml 和开设申请 request.yaml）", sc.account_form),
    "request": ("为已有账号提出变更、退出监管或注销关停申请", sc.request_form),
    "approval": ("记录一级审批意见（<层级>.yaml）", None),
    "announcement": ("起草一则公告（announcements/<日期>-<名称>.md）", sc.announcement_form),
}


class Abort(Exception):
    """The user ended the input (Ctrl-D) or the answers cannot make a valid file."""


def _dest(ask: sc.Ask) -> str:
    return "f_" + ask.flag.lstrip("-").replace("-", "_")


def _form_for_flags(kind: str) -> sc.Form:
    placeholder = sc.Env(Registry(root=Path(".")), cast(Governance, None), date.today())
    if kind == "approval":
        return sc.approval_form(placeholder, None, None)
    builder = KINDS[kind][1]
    assert builder is not None
    return builder(placeholder)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "new",
        help="按提示新建单位、账号、申请、审批或公告文件",
        description="新建一个合规的名录文件，放在正确的位置。在终端中运行时逐项提问；"
        "在脚本中用参数给出全部内容并加 --yes。",
    )
    kinds = p.add_subparsers(dest="kind", metavar="KIND", parser_class=type(p))
    kinds.required = True
    for kind, (help_text, _) in KINDS.items():
        sp = kinds.add_parser(kind, help=help_text, description=help_text)
        add_common(sp)
        sp.add_argument("--yes", "-y", action="store_true", help="不提问：缺少的必填项直接报错（用于脚本）")
        if kind == "approval":
            sp.add_argument(
                "--request",
                dest="request_folder",
                metavar="FOLDER",
                help="申请所在文件夹，如 accounts/<单位>/<账号>/requests/2026-05-01-open",
            )
        if kind == "request":
            sp.add_argument(
                "--set",
                dest="sets",
                action="append",
                default=[],
                metavar="字段=新值",
                help="变更申请要修改的字段，可重复，如 --set name=王益教育 --set url=https://…",
            )
        for ask in _form_for_flags(kind).asks:
            sp.add_argument(
                ask.flag,
                dest=_dest(ask),
                default=None,
                action="append" if ask.kind == "list" else "store",
                metavar=_metavar(ask),
                help=ask.zh + (f"（{ask.hint}）" if ask.hint else ""),
            )
        sp.set_defaults(func=run)


_METAVARS = {"date": "YYYY-MM-DD", "bool": "是|否", "int": "N", "list": "甲,乙", "choice": "编号"}


def _metavar(ask: sc.Ask) -> str:
    if ask.choices is not None:
        try:
            values = [v for v, _ in ask.choices({})]
        except Exception:  # choices that need the register (units, platforms): known only at run time
            values = []
        if 0 < len(values) <= 5:
            return "|".join(values)
    return _METAVARS.get(ask.kind, "值")


def _interactive(args: argparse.Namespace) -> bool:
    if args.yes:
        return False
    forced = os.environ.get("GOVMEDIA_INTERACTIVE")
    if forced is not None:
        return forced == "1"
    return sys.stdin.isatty()


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "，".join(str(v) for v in value)
    return str(value)


def _prompt(form: sc.Form, ask: sc.Ask, default: Any) -> Any:
    choices = ask.choices(form.values) if ask.choices else None
    if (choices and ask.kind == "choice") or (choices and len(choices) <= 30):
        print(f"{ask.zh}：", flush=True)
        for i, (choice, label) in enumerate(choices, 1):
            print(f"  {i}) {choice}  {label}")
    hint = f"（{ask.hint}）" if ask.hint else ""
    shown = f" [{_show(default)}]" if default not in (None, "", []) else ""
    while True:
        try:
            text = input(f"{ask.zh}{hint}{shown}：").strip()
        except EOFError:
            raise Abort(f"输入结束，还没有填写“{ask.zh}”：没有写入任何文件。") from None
        if not text and default not in (None, "", []):
            value: Any = default
        elif not text and not ask.required:
            return None
        elif choices and text.isdigit() and 1 <= int(text) <= len(choices):
            value = choices[int(text) - 1][0]
        else:
            value, problem = sc.parse(ask, text)
            if problem:
                print(f"  ✗ {problem}请重新输入。")
                continue
        problem = sc.check_answer(form, ask, value)
        if problem:
            print(f"  ✗ {problem}请重新输入。")
            continue
        return value


def fill(form: sc.Form, args: argparse.Namespace, interactive: bool) -> list[str]:
    """Answer every question from flags, defaults or prompts; return problems (missing flags first)."""
    missing: list[str] = []
    problems: list[str] = []
    for ask in form.asks:
        if ask.when is not None and not ask.when(form.values):
            continue
        raw = getattr(args, _dest(ask), None)
        default = ask.default(form.values) if ask.default else None
        value: Any = None
        if raw is not None:
            text = "，".join(raw) if isinstance(raw, list) else str(raw)
            value, problem = sc.parse(ask, text)
            problem = problem or sc.check_answer(form, ask, value)
            if problem:
                if not interactive:
                    problems.append(f"{ask.flag} {text}：{problem}")
                    continue
                print(f"{ask.flag} {text}：{problem}")
                value = _prompt(form, ask, default)
        elif interactive:
            value = _prompt(form, ask, default)
        elif default not in (None, "", []):
            value = default
            problem = sc.check_answer(form, ask, value)
            if problem:
                problems.append(f"{ask.flag}（默认值 {_show(value)}）：{problem}")
                continue
        elif ask.required:
            choices = ask.choices(form.values) if ask.choices and ask.kind == "choice" else []
            listed = "、".join(f"{v}（{label}）" for v, label in choices[:12])
            hint = ask.hint or (f"可选：{listed}" if listed else "")
            missing.append(f"  {ask.flag:<24} {ask.zh}" + (f"（{hint}）" if hint else ""))
            continue
        if value is not None:
            form.values[ask.key] = value
    if missing:
        problems.insert(
            0,
            "缺少以下必填项，请补上这些参数后重试（或去掉 --yes，在终端中按提示逐项填写）：\n" + "\n".join(missing),
        )
    return problems


def _write(root: Path, files: dict[str, str]) -> list[str]:
    existing = [rel for rel in files if (root / rel).exists()]
    if existing:
        raise Abort(
            "这些文件已经存在，不会覆盖：" + "、".join(existing) + "。如需修改，请直接编辑该文件，或换一个编号/日期。"
        )
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    return list(files)


def _next_steps(paths: list[str], reviewers: str) -> None:
    print("\n下一步：")
    print("  1. govmedia check            （检查整个名录，应当没有错误）")
    print(f"  2. git add {' '.join(paths)}")
    print('  3. git commit -m "…"         （pre-commit 会再检查一次）')
    print(f"  4. 推送分支，提交合并请求，由 {reviewers} 审核。")


def _reviewers(env: sc.Env, stage: str | None, unit_id: str | None) -> str:
    if stage is None:
        return "区政府办公室"
    who = env.reviewers_of(stage, unit_id)
    return f"{env.stage_title(stage)}（{'、'.join(who)}）" if who else env.stage_title(stage)


def _office(env: sc.Env) -> str:
    """The first stage that is not the unit's own: who reviews units and announcements."""
    for stage in env.governance.chain("open"):
        s = env.governance.stages.get(stage)
        if s is not None and not s.from_unit:
            return _reviewers(env, stage, None)
    return "区政府办公室"


def _fail(problems: list[str]) -> int:
    for problem in problems:
        print(f"govmedia new：{problem}", file=sys.stderr)
    print("没有写入任何文件。", file=sys.stderr)
    return EXIT_USAGE


def _validated(pairs: list[tuple[str, type[Any], dict[str, Any]]]) -> list[str]:
    problems = []
    for label, model, doc in pairs:
        problems += [f"{label}：{m}" for m in sc.validate_document(model, doc)]
    return problems


def run(args: argparse.Namespace) -> int:
    root = Path(args.root)
    if not root.is_dir():
        return _fail([f"找不到名录目录 {root}：请在名录仓库的根目录运行，或用 --root 指定。"])
    registry = load(root)
    if registry.governance is None:
        return _fail(["policies/governance.yaml 缺失或有错误：请先运行 govmedia check 并按提示修正。"])
    env = sc.Env(registry, registry.governance.model, args.today or date.today())
    interactive = _interactive(args)
    try:
        return _KIND_RUN[args.kind](env, args, interactive)
    except Abort as exc:
        return _fail([str(exc)])


def _run_unit(env: sc.Env, args: argparse.Namespace, interactive: bool) -> int:
    form = sc.unit_form(env)
    problems = fill(form, args, interactive)
    if problems:
        return _fail(problems)
    files = sc.unit_files(form.values)
    paths = _write(env.registry.root, files)
    print(f"已新建主办单位：{paths[0]}")
    owners = _update_codeowners(env.registry.root)
    if owners:
        print(f"已更新 {owners}：本单位的开设申请由 {'、'.join(form.values['doc.reviewers'])} 审核。")
        paths.append(owners)
    print(f"接下来可以为它申请账号：govmedia new account --unit {form.values['id']}")
    _next_steps(paths, _office(env))
    return EXIT_OK


def _update_codeowners(root: Path) -> str | None:
    """A new unit's reviewers own its unit_head approvals (GM604): regenerate CODEOWNERS if the
    register keeps one and this installation can generate it (``govmedia codeowners``)."""
    try:
        from .. import codeowners  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return None
    target = getattr(codeowners, "TARGET", ".github/CODEOWNERS")
    locations = getattr(codeowners, "LOCATIONS", (target,))
    if not any((root / loc).is_file() for loc in locations):
        return None
    registry = load(root)
    if registry.governance is None or any(u.record is None for u in registry.units.values()):
        return None
    text = codeowners.generate(registry.governance.model, codeowners.unit_reviewers(registry))
    path = root / target
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")
    return str(target)


def _run_account(env: sc.Env, args: argparse.Namespace, interactive: bool) -> int:
    form = sc.account_form(env)
    problems = fill(form, args, interactive)
    if problems:
        return _fail(problems)
    doc = sc.nested(form.values, "doc.")
    doc["status"] = "applying"
    request = {
        "action": "open",
        "submitted_on": form.values["date"],
        "applicant": {"name": form.values["applicant.name"], "title": form.values["applicant.title"]},
    }
    problems = _validated([("account.yaml", Account, doc), ("request.yaml", Request, request)])
    problems += sc.platform_problems(env.governance, doc["platform"], doc["platform_id"], doc["url"])
    if problems:
        return _fail(problems)
    paths = _write(env.registry.root, sc.account_files(form.values))
    print(f"已新建账号开设申请：{paths[0]}（状态：申请中 applying）")
    first = env.governance.chain("open")[0]
    _next_steps(paths, _reviewers(env, first, form.values["unit"]))
    return EXIT_OK


def _run_request(env: sc.Env, args: argparse.Namespace, interactive: bool) -> int:
    form = sc.request_form(env)
    problems = fill(form, args, interactive)
    if problems:
        return _fail(problems)
    ref = form.values["account"]
    acc = env.registry.accounts[ref]
    assert acc.record is not None
    action = form.values["doc.action"]
    doc = sc.nested(form.values, "doc.")
    current = dict(acc.record.doc.data)
    if action == "change":
        sets = list(args.sets)
        if not sets and interactive:
            print("要修改哪些字段？每行写一项 字段=新值（如 name=王益教育），空行结束：")
            while True:
                try:
                    line = input("> ").strip()
                except EOFError:
                    break
                if not line:
                    break
                sets.append(line)
        if not sets:
            return _fail(["变更申请要写明改什么：请加 --set 字段=新值（可重复），如 --set name=王益教育。"])
        changes, problems = sc.build_changes(current, sets, set(env.registry.units))
        if problems:
            return _fail(problems)
        doc["changes"] = changes
        after = sc.apply_changes(current, changes)
        problems = _validated([("变更后的 account.yaml", Account, after)])
        p = after.get("platform", "")
        problems += sc.platform_problems(env.governance, str(p), after.get("platform_id"), after.get("url"))
        if problems:
            return _fail(problems)
    elif args.sets:
        return _fail(["--set 只用于变更申请（--action change）。"])
    problems = _validated([("request.yaml", Request, doc)])
    if problems:
        return _fail(problems)
    files = sc.request_files(form.values, doc)
    # The account's status follows its pending request (SPEC §2): active -> changing/exiting/closing.
    account_path = env.registry.root / acc.path
    new_status = sc.pending_status(action)
    old_text = account_path.read_text(encoding="utf-8")
    paths = _write(env.registry.root, files)
    account_path.write_text(sc.set_status(old_text, new_status), encoding="utf-8", newline="\n")
    print(f"已新建{ACTION_LABELS[action][0]}申请：{paths[0]}")
    print(f"已把 {acc.path} 的状态改为 {new_status}（{ACTION_LABELS[action][0]}审批期间的状态）。")
    first = env.governance.chain(action)[0]
    _next_steps([*paths, acc.path], _reviewers(env, first, acc.unit_id))
    return EXIT_OK


def _find_request(env: sc.Env, folder: str) -> RequestRec | None:
    root = env.registry.root.resolve()
    path = Path(folder)
    full = (path if path.is_absolute() else Path.cwd() / path).resolve()
    try:
        rel = full.relative_to(root).as_posix()
    except ValueError:
        rel = path.as_posix().strip("/")
    if (env.registry.root / rel).is_file():
        rel = rel.rsplit("/", 1)[0]
    for acc in env.registry.accounts.values():
        for req in acc.requests:
            if req.folder == rel:
                return req
    return None


def _run_approval(env: sc.Env, args: argparse.Namespace, interactive: bool) -> int:
    folder = args.request_folder
    if folder is None and interactive:
        try:
            folder = input("申请所在文件夹（如 accounts/<单位>/<账号>/requests/2026-05-01-open）：").strip()
        except EOFError:
            folder = None
    if not folder:
        return _fail(
            [
                "缺少 --request：请给出申请所在的文件夹，"
                "如 --request accounts/wangyi-education/weibo/requests/2026-05-01-open。"
            ]
        )
    req = _find_request(env, folder)
    if req is None or req.request is None:
        return _fail(
            [
                f"{folder} 不是一个有效的申请文件夹（里面应有 request.yaml）：请检查路径，"
                "或先运行 govmedia check 修正其中的错误。"
            ]
        )
    chain = env.governance.chain(req.action)
    state = request_state(req, chain)
    if state.state != "pending":
        word = {"approved": "已经全部批准", "rejected": "已被驳回", "broken": "有错误"}[state.state]
        return _fail([f"{req.folder} {word}，不能再添加审批意见。"])
    form = sc.approval_form(env, req, state.next_stage)
    problems = fill(form, args, interactive)
    if problems:
        return _fail(problems)
    doc = sc.nested(form.values, "doc.")
    problems = _validated([(f"{form.values['stage']}.yaml", Approval, doc)])
    decided = date.fromisoformat(doc["decided_on"])
    if (state.decided_on and decided < state.decided_on) or decided < req.submitted_on:
        problems.append(f"审批日期 {decided} 早于申请日期或上一级审批日期：请核对日期（--date）。")
    if problems:
        return _fail(problems)
    paths = _write(env.registry.root, sc.approval_files(req.folder, form.values))
    stage = form.values["stage"]
    print(f"已记录「{env.stage_title(stage)}」的审批意见：{paths[0]}")
    acc_path = req.folder.split("/requests/")[0] + "/account.yaml"
    unit_id = req.folder.split("/")[1]
    later = chain[chain.index(stage) + 1 :]
    if doc["decision"] == "rejected":
        status = "rejected" if req.action == "open" else "active"
        print(f"申请已被驳回：请把 {acc_path} 的 status 改为 {status}，一并提交。")
        _next_steps([paths[0], acc_path], _office(env))
    elif later:
        _next_steps(paths, _reviewers(env, later[0], unit_id))
    else:
        final = {"open": "active", "change": "active", "exit": "exited", "close": "closed"}[req.action]
        print(
            f"这是最后一级审批，申请已全部批准。请把 {acc_path} 的 status 改为 {final}"
            + ("，填写 opened_on（开通日期）" if req.action == "open" else "")
            + (f"，并把申请中的变更写进 {acc_path}" if req.action == "change" else "")
            + "。"
        )
        kind = sc.ACTION_TO_KIND[req.action]
        ref = req.folder.split("/requests/")[0].removeprefix("accounts/")
        print(f"然后发布公告：govmedia new announcement --kind {kind} --account {ref}")
        _next_steps([paths[0], acc_path], _office(env))
    return EXIT_OK


def _run_announcement(env: sc.Env, args: argparse.Namespace, interactive: bool) -> int:
    form = sc.announcement_form(env)
    problems = fill(form, args, interactive)
    if problems:
        return _fail(problems)
    front = sc.nested(form.values, "doc.")
    problems = _validated([("公告", Announcement, front)])
    start, until = date.fromisoformat(front["published_on"]), date.fromisoformat(front["display_until"])
    days = env.governance.announcement_min_days
    if (until - start).days < days:
        problems.append(
            f"公示期不足 {days} 天（第七条（三））：请把 --until 设为 {start.isoformat()} 之后至少 {days} 天。"
        )
    if problems:
        return _fail(problems)
    paths = _write(env.registry.root, sc.announcement_files(env, form.values))
    print(f"已起草公告：{paths[0]}（请打开文件核对正文）")
    _next_steps(paths, _office(env))
    return EXIT_OK


_KIND_RUN: dict[str, Callable[[sc.Env, argparse.Namespace, bool], int]] = {
    "unit": _run_unit,
    "account": _run_account,
    "request": _run_request,
    "approval": _run_approval,
    "announcement": _run_announcement,
}
