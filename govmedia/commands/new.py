"""``govmedia new unit|account|request|approval|announcement``: write a new, valid file in the right place.

Asks (in Chinese, or in English with ``--lang en``) for what is missing when run at a terminal (choices from governance.yaml, each answer
checked as it is typed); in scripts every answer is a flag and ``--yes`` never asks. Files are
validated with the same models as ``govmedia check`` before anything is written, and nothing that
exists is ever overwritten. The pure parts live in ``govmedia/staff/forms.py`` (the questions) and ``govmedia/staff/scaffold.py`` (checks, file texts).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, cast

from govmedia.cli import EXIT_OK, EXIT_USAGE, Msg, add_common, missing_root, msg, say
from govmedia.register.digest import request_digest
from govmedia.register.lifecycle import ACTION_LABELS, request_state
from govmedia.register.loader import load
from govmedia.register.registry import Registry, RequestRec
from govmedia.schemas import Account, Announcement, Approval, Request
from govmedia.schemas.governance import Governance
from govmedia.staff import forms
from govmedia.staff import scaffold as sc

KINDS: dict[str, tuple[str, Callable[[sc.Env], sc.Form] | None]] = {
    "unit": ("登记一个主办单位（accounts/<单位>/unit.yaml）", forms.unit_form),
    "account": ("申请开设一个账号（account.yaml 和开设申请 request.yaml）", forms.account_form),
    "request": ("为已有账号提出变更、退出监管或注销关停申请", forms.request_form),
    "approval": ("记录一级审批意见（<层级>.yaml）", None),
    "announcement": ("起草一则公告（announcements/<日期>-<名称>.md）", forms.announcement_form),
}


class Abort(Exception):
    """The user ended the input (Ctrl-D) or the answers cannot make a valid file."""

    def __init__(self, message: Msg) -> None:
        super().__init__(message.zh)
        self.message = message


class Unanswered(Exception):
    """Questions a non-interactive run left unanswered or answered wrongly (already in the user's language)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _dest(ask: sc.Ask) -> str:
    return "f_" + ask.flag.lstrip("-").replace("-", "_")


def _form_for_flags(kind: str) -> sc.Form:
    placeholder = sc.Env(Registry(root=Path(".")), cast(Governance, None), date.today())
    if kind == "approval":
        return forms.approval_form(placeholder, None, None)
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


def _show(value: Any, lang: str = "zh") -> str:
    if isinstance(value, bool):
        return msg(lang, "是" if value else "否", "yes" if value else "no")
    if isinstance(value, list):
        return msg(lang, "，", ", ").join(str(v) for v in value)
    return str(value)


def _hint(ask: sc.Ask, lang: str) -> str:
    hint = ask.hint_in(lang)
    return msg(lang, f"（{hint}）", f" ({hint})") if hint else ""


def _retry(problem: Msg, lang: str) -> str:
    return msg(lang, f"  ✗ {problem.zh}请重新输入。", f"  ✗ {problem.en} Please try again.")


def _prompt(form: sc.Form, ask: sc.Ask, default: Any, lang: str = "zh") -> Any:
    choices = ask.choices(form.values) if ask.choices else None
    label = ask.label(lang)
    colon = msg(lang, "：", ": ")
    if (choices and ask.kind == "choice") or (choices and len(choices) <= 30):
        print(f"{label}{colon}", flush=True)
        for i, (choice, choice_label) in enumerate(choices, 1):
            print(f"  {i}) {choice}  {choice_label}")
    shown = f" [{_show(default, lang)}]" if default not in (None, "", []) else ""
    while True:
        try:
            text = input(f"{label}{_hint(ask, lang)}{shown}{colon}").strip()
        except EOFError:
            raise Abort(
                Msg(
                    f"输入结束，还没有填写“{ask.zh}”。",
                    f"Input ended before “{ask.label('en')}” was answered.",
                )
            ) from None
        if not text and default not in (None, "", []):
            value: Any = default
        elif not text and not ask.required:
            return None
        elif choices and text.isdigit() and 1 <= int(text) <= len(choices):
            value = choices[int(text) - 1][0]
        else:
            value, problem = sc.parse(ask, text)
            if problem:
                print(_retry(problem, lang))
                continue
        problem = sc.check_answer(form, ask, value)
        if problem:
            print(_retry(problem, lang))
            continue
        return value


def fill(form: sc.Form, args: argparse.Namespace, interactive: bool) -> list[str]:
    """Answer every question from flags, defaults or prompts; return problems (missing flags first)."""
    lang: str = getattr(args, "lang", "zh")
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
                said = msg(lang, f"{ask.flag} {text}：{problem.zh}", f"{ask.flag} {text}: {problem.en}")
                if not interactive:
                    problems.append(said)
                    continue
                print(said)
                value = _prompt(form, ask, default, lang)
        elif interactive:
            value = _prompt(form, ask, default, lang)
        elif default not in (None, "", []):
            value = default
            problem = sc.check_answer(form, ask, value)
            if problem:
                problems.append(
                    msg(
                        lang,
                        f"{ask.flag}（默认值 {_show(value)}）：{problem.zh}",
                        f"{ask.flag} (default {_show(value, lang)}): {problem.en}",
                    )
                )
                continue
        elif ask.required:
            choices = ask.choices(form.values) if ask.choices and ask.kind == "choice" else []
            if lang == "zh":
                listed = "、".join(f"{v}（{label}）" for v, label in choices[:12])
                hint = ask.hint or (f"可选：{listed}" if listed else "")
                missing.append(f"  {ask.flag:<24} {ask.zh}" + (f"（{hint}）" if hint else ""))
            else:
                listed = ", ".join(v for v, _ in choices[:12])
                hint = ask.hint_in(lang) or (f"one of: {listed}" if listed else "")
                missing.append(f"  {ask.flag:<24} {ask.label(lang)}" + (f" ({hint})" if hint else ""))
            continue
        if value is not None:
            form.values[ask.key] = value
    if missing:
        problems.insert(
            0,
            msg(
                lang,
                "缺少以下必填项，请补上这些参数后重试（或去掉 --yes，在终端中按提示逐项填写）：",
                "These required values are missing: add these options and try again (or leave out --yes and "
                "answer the questions at a terminal):",
            )
            + "\n"
            + "\n".join(missing),
        )
    return problems


def _write(root: Path, files: dict[str, str]) -> list[str]:
    existing = [rel for rel in files if (root / rel).exists()]
    if existing:
        raise Abort(
            Msg(
                "这些文件已经存在，不会覆盖：" + "、".join(existing) + "。如需修改，请直接编辑该文件，或换一个编号/日期。",
                "These files exist already and are never overwritten: " + ", ".join(existing)
                + ". To change one, edit it directly, or choose another id or date.",
            )
        )
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    return list(files)


def _next_steps(paths: list[str], reviewers: str, lang: str) -> None:
    if lang == "zh":
        print("\n下一步：")
        print("  1. govmedia check            （检查整个名录，应当没有错误）")
        print(f"  2. git add {' '.join(paths)}")
        print('  3. git commit -m "…"         （pre-commit 会再检查一次）')
        print(f"  4. 推送分支，提交合并请求，由 {reviewers} 审核。")
        return
    print("\nNext steps:")
    print("  1. govmedia check --lang en  (checks the whole register: expect no errors)")
    print(f"  2. git add {' '.join(paths)}")
    print('  3. git commit -m "…"         (pre-commit checks again)')
    print(f"  4. Push the branch and open a merge request, to be reviewed by {reviewers}.")


def _reviewers(env: sc.Env, stage: str | None, unit_id: str | None) -> str:
    if stage is None:
        return msg(env.lang, "区政府办公室", "the district government office")
    who = env.reviewers_of(stage, unit_id)
    title = env.stage_title(stage)
    if env.lang == "zh":
        return f"{title}（{'、'.join(who)}）" if who else title
    return f"“{title}” ({', '.join(who)})" if who else f"“{title}”"


def _office(env: sc.Env) -> str:
    """The first stage that is not the unit's own: who reviews units and announcements."""
    for stage in env.governance.chain("open"):
        s = env.governance.stages.get(stage)
        if s is not None and not s.from_unit:
            return _reviewers(env, stage, None)
    return _reviewers(env, None, None)


def _filled(form: sc.Form, args: argparse.Namespace, interactive: bool) -> sc.Form:
    """``form`` with every question answered, or :class:`Unanswered` with what is missing or wrong."""
    problems = fill(form, args, interactive)
    if problems:
        raise Unanswered(problems)
    return form


def _fail(problems: list[str], lang: str) -> int:
    for problem in problems:
        say("new", lang, problem)
    print(msg(lang, "没有写入任何文件。", "No file was written."), file=sys.stderr)
    return EXIT_USAGE


def _fail_msgs(problems: list[Msg], lang: str) -> int:
    return _fail([p.get(lang) for p in problems], lang)


def _validated(pairs: list[tuple[str, str, type[Any], dict[str, Any]]], lang: str) -> list[str]:
    """Model problems of (zh label, en label, model, document), as "label: problem" in ``lang``."""
    problems = []
    for zh, en, model, doc in pairs:
        problems += [msg(lang, f"{zh}：{m.zh}", f"{en}: {m.en}") for m in sc.validate_document(model, doc)]
    return problems


def run(args: argparse.Namespace) -> int:
    lang: str = args.lang
    root = Path(args.root)
    problem = missing_root(root)
    if problem is not None:
        return _fail([problem.get(lang)], lang)
    registry = load(root)
    if registry.governance is None:
        return _fail(
            [
                msg(
                    lang,
                    "policies/governance.yaml 缺失或有错误：请先运行 govmedia check 并按提示修正。",
                    "policies/governance.yaml is missing or has errors: run govmedia check --lang en first and "
                    "fix what it reports.",
                )
            ],
            lang,
        )
    env = sc.Env(registry, registry.governance.model, args.today or date.today(), lang)
    interactive = _interactive(args)
    try:
        return _KIND_RUN[args.kind](env, args, interactive)
    except Abort as exc:
        return _fail([exc.message.get(lang)], lang)
    except Unanswered as exc:
        return _fail(exc.problems, lang)


def _run_unit(env: sc.Env, args: argparse.Namespace, interactive: bool) -> int:
    lang = env.lang
    form = _filled(forms.unit_form(env), args, interactive)
    files = sc.unit_files(form.values)
    paths = _write(env.registry.root, files)
    print(msg(lang, f"已新建主办单位：{paths[0]}", f"New host unit: {paths[0]}"))
    owners = _update_codeowners(env.registry.root)
    if owners:
        who = form.values["doc.reviewers"]
        print(
            msg(
                lang,
                f"已更新 {owners}：本单位的开设申请由 {'、'.join(who)} 审核。",
                f"Updated {owners}: the unit's opening requests are reviewed by {', '.join(who)}.",
            )
        )
        paths.append(owners)
    command = f"govmedia new account --unit {form.values['id']}"
    print(msg(lang, f"接下来可以为它申请账号：{command}", f"Next, apply for an account of this unit: {command}"))
    _next_steps(paths, _office(env), lang)
    return EXIT_OK


def _update_codeowners(root: Path) -> str | None:
    """A new unit's reviewers own its unit_head approvals (GM604): regenerate CODEOWNERS if the
    register keeps one and this installation can generate it (``govmedia codeowners``)."""
    from govmedia.history import codeowners

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
    lang = env.lang
    form = _filled(forms.account_form(env), args, interactive)
    doc = sc.nested(form.values, "doc.")
    doc["status"] = "applying"
    request = {
        "action": "open",
        "submitted_on": form.values["date"],
        "applicant": {"name": form.values["applicant.name"], "title": form.values["applicant.title"]},
    }
    problems = _validated(
        [("account.yaml", "account.yaml", Account, doc), ("request.yaml", "request.yaml", Request, request)], lang
    )
    problems += [
        p.get(lang) for p in sc.platform_problems(env.governance, doc["platform"], doc["platform_id"], doc["url"])
    ]
    if problems:
        return _fail(problems, lang)
    paths = _write(env.registry.root, sc.account_files(form.values))
    print(
        msg(
            lang,
            f"已新建账号开设申请：{paths[0]}（状态：申请中 applying）",
            f"New account with its opening request: {paths[0]} (status: applying)",
        )
    )
    first = env.governance.chain("open")[0]
    _next_steps(paths, _reviewers(env, first, form.values["unit"]), lang)
    return EXIT_OK


def _run_request(env: sc.Env, args: argparse.Namespace, interactive: bool) -> int:
    lang = env.lang
    form = _filled(forms.request_form(env), args, interactive)
    ref = form.values["account"]
    acc = env.registry.accounts[ref]
    assert acc.record is not None
    action = form.values["doc.action"]
    doc = sc.nested(form.values, "doc.")
    current = dict(acc.record.doc.data)
    if action == "change":
        sets = list(args.sets)
        if not sets and interactive:
            print(
                msg(
                    lang,
                    "要修改哪些字段？每行写一项 字段=新值（如 name=王益教育），空行结束：",
                    "Which fields change? One field=new value per line (e.g. name=NewName), an empty line ends:",
                )
            )
            while True:
                try:
                    line = input("> ").strip()
                except EOFError:
                    break
                if not line:
                    break
                sets.append(line)
        if not sets:
            return _fail(
                [
                    msg(
                        lang,
                        "变更申请要写明改什么：请加 --set 字段=新值（可重复），如 --set name=王益教育。",
                        "A change request must say what changes: add --set field=new value (repeatable), "
                        "e.g. --set name=NewName.",
                    )
                ],
                lang,
            )
        changes, set_problems = sc.build_changes(current, sets, set(env.registry.units))
        if set_problems:
            return _fail_msgs(set_problems, lang)
        doc["changes"] = changes
        after = sc.apply_changes(current, changes)
        problems = _validated([("变更后的 account.yaml", "account.yaml after the change", Account, after)], lang)
        p = after.get("platform", "")
        problems += [
            m.get(lang)
            for m in sc.platform_problems(env.governance, str(p), after.get("platform_id"), after.get("url"))
        ]
        if problems:
            return _fail(problems, lang)
    elif args.sets:
        return _fail(
            [msg(lang, "--set 只用于变更申请（--action change）。", "--set is only for change requests (--action change).")],
            lang,
        )
    problems = _validated([("request.yaml", "request.yaml", Request, doc)], lang)
    if problems:
        return _fail(problems, lang)
    files = sc.request_files(form.values, doc)
    # The account's status follows its pending request (SPEC §2): active -> changing/exiting/closing.
    account_path = env.registry.root / acc.path
    new_status = sc.pending_status(action)
    old_text = account_path.read_text(encoding="utf-8")
    paths = _write(env.registry.root, files)
    account_path.write_text(sc.set_status(old_text, new_status), encoding="utf-8", newline="\n")
    zh_action, en_action = ACTION_LABELS[action]
    print(msg(lang, f"已新建{zh_action}申请：{paths[0]}", f"New request for {en_action}: {paths[0]}"))
    print(
        msg(
            lang,
            f"已把 {acc.path} 的状态改为 {new_status}（{zh_action}审批期间的状态）。",
            f"Set the status of {acc.path} to {new_status} (its status while the request is decided).",
        )
    )
    first = env.governance.chain(action)[0]
    _next_steps([*paths, acc.path], _reviewers(env, first, acc.unit_id), lang)
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
    lang = env.lang
    folder = args.request_folder
    if folder is None and interactive:
        try:
            folder = input(
                msg(
                    lang,
                    "申请所在文件夹（如 accounts/<单位>/<账号>/requests/2026-05-01-open）：",
                    "Folder of the request (e.g. accounts/<unit>/<account>/requests/2026-05-01-open): ",
                )
            ).strip()
        except EOFError:
            folder = None
    if not folder:
        return _fail(
            [
                msg(
                    lang,
                    "缺少 --request：请给出申请所在的文件夹，"
                    "如 --request accounts/wangyi-education/weibo/requests/2026-05-01-open。",
                    "--request is missing: name the folder of the request, "
                    "e.g. --request accounts/wangyi-education/weibo/requests/2026-05-01-open.",
                )
            ],
            lang,
        )
    req = _find_request(env, folder)
    if req is None or req.request is None:
        return _fail(
            [
                msg(
                    lang,
                    f"{folder} 不是一个有效的申请文件夹（里面应有 request.yaml）：请检查路径，"
                    "或先运行 govmedia check 修正其中的错误。",
                    f"{folder} is not a valid request folder (it should hold a request.yaml): check the path, "
                    "or run govmedia check --lang en first and fix its errors.",
                )
            ],
            lang,
        )
    chain = env.governance.chain(req.action)
    state = request_state(req, chain)
    if state.state != "pending":
        word = {
            "approved": ("已经全部批准", "is approved by every stage"),
            "rejected": ("已被驳回", "was rejected"),
            "broken": ("有错误", "has errors"),
        }[state.state]
        return _fail(
            [
                msg(
                    lang,
                    f"{req.folder} {word[0]}，不能再添加审批意见。",
                    f"{req.folder} {word[1]}: no further decision can be added.",
                )
            ],
            lang,
        )
    form = _filled(forms.approval_form(env, req, state.next_stage), args, interactive)
    doc = sc.nested(form.values, "doc.")
    name = f"{form.values['stage']}.yaml"
    problems = _validated([(name, name, Approval, doc)], lang)
    decided = date.fromisoformat(doc["decided_on"])
    if (state.decided_on and decided < state.decided_on) or decided < req.submitted_on:
        problems.append(
            msg(
                lang,
                f"审批日期 {decided} 早于申请日期或上一级审批日期：请核对日期（--date）。",
                f"The decision date {decided} is before the request or the previous decision: check it (--date).",
            )
        )
    if problems:
        return _fail(problems, lang)
    # the decision binds the request it approves: a request edited afterwards no longer matches it
    form.values["doc.request_digest"] = request_digest(req.request.doc.data)
    paths = _write(env.registry.root, sc.approval_files(req.folder, form.values))
    stage = form.values["stage"]
    title = env.stage_title(stage)
    print(msg(lang, f"已记录「{title}」的审批意见：{paths[0]}", f"Recorded the decision of “{title}”: {paths[0]}"))
    acc_path = req.folder.split("/requests/")[0] + "/account.yaml"
    unit_id = req.folder.split("/")[1]
    later = chain[chain.index(stage) + 1 :]
    if doc["decision"] == "rejected":
        status = "rejected" if req.action == "open" else "active"
        print(
            msg(
                lang,
                f"申请已被驳回：请把 {acc_path} 的 status 改为 {status}，一并提交。",
                f"The request is rejected: set the status of {acc_path} to {status} and commit it too.",
            )
        )
        _next_steps([paths[0], acc_path], _office(env), lang)
    elif later:
        _next_steps(paths, _reviewers(env, later[0], unit_id), lang)
    else:
        final = {"open": "active", "change": "active", "exit": "exited", "close": "closed"}[req.action]
        if lang == "zh":
            print(
                f"这是最后一级审批，申请已全部批准。请把 {acc_path} 的 status 改为 {final}"
                + ("，填写 opened_on（开通日期）" if req.action == "open" else "")
                + (f"，并把申请中的变更写进 {acc_path}" if req.action == "change" else "")
                + "。"
            )
        else:
            print(
                f"This was the last stage: the request is approved. Set the status of {acc_path} to {final}"
                + (", fill in opened_on (the opening date)" if req.action == "open" else "")
                + (f", and write the requested changes into {acc_path}" if req.action == "change" else "")
                + "."
            )
        kind = sc.ACTION_TO_KIND[req.action]
        ref = req.folder.split("/requests/")[0].removeprefix("accounts/")
        command = f"govmedia new announcement --kind {kind} --account {ref}"
        print(msg(lang, f"然后发布公告：{command}", f"Then publish the announcement: {command}"))
        _next_steps([paths[0], acc_path], _office(env), lang)
    return EXIT_OK


def _run_announcement(env: sc.Env, args: argparse.Namespace, interactive: bool) -> int:
    lang = env.lang
    form = _filled(forms.announcement_form(env), args, interactive)
    front = sc.nested(form.values, "doc.")
    problems = _validated([("公告", "announcement", Announcement, front)], lang)
    start, until = date.fromisoformat(front["published_on"]), date.fromisoformat(front["display_until"])
    days = env.governance.announcement_min_days
    if (until - start).days < days:
        problems.append(
            msg(
                lang,
                f"公示期不足 {days} 天（第七条（三））：请把 --until 设为 {start.isoformat()} 之后至少 {days} 天。",
                f"The announcement is shown for less than {days} days (Article 7(3)): set --until to at least "
                f"{days} days after {start.isoformat()}.",
            )
        )
    if problems:
        return _fail(problems, lang)
    paths = _write(env.registry.root, sc.announcement_files(env, form.values))
    print(
        msg(
            lang,
            f"已起草公告：{paths[0]}（请打开文件核对正文）",
            f"Drafted the announcement: {paths[0]} (open it and check the text; it stays in Chinese)",
        )
    )
    _next_steps(paths, _office(env), lang)
    return EXIT_OK


_KIND_RUN: dict[str, Callable[[sc.Env, argparse.Namespace, bool], int]] = {
    "unit": _run_unit,
    "account": _run_account,
    "request": _run_request,
    "approval": _run_approval,
    "announcement": _run_announcement,
}
