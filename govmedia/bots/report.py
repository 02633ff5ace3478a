"""The check the bot runs after each commit, and what it says in the issue or the merge request.

The check is the engine of ``govmedia check`` (with ``--base``: the history rules judge the merge request
against its target), run by the default branch's code over the branch's files as data. Comments are
Chinese (the users' language) with the English below a fold only where a message has it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from govmedia.bots import gitwork
from govmedia.findings.finding import Finding, printable
from govmedia.findings.message import Msg
from govmedia.register.context import Context
from govmedia.run.engine import check_findings

SIGNATURE = "🤖 govmedia 机器人"
MAX_LISTED = 30


def check(tree: Path, today: date, base: str | None) -> list[Finding]:
    """The findings on the files the branch changes (the rest of the register is the target's business)."""
    findings = check_findings(Context(root=tree, today=today, base=base, cache=False))
    if base is None:
        return findings
    changed = set(gitwork.changed_paths(tree, base))
    folders = {p.split("/requests/")[0] + "/" for p in changed if p.startswith("accounts/")}
    return [f for f in findings if f.path in changed or any(f.path.startswith(d) for d in folders)]


def findings_lines(findings: list[Finding]) -> list[str]:
    ordered = sorted(findings, key=lambda f: (f.severity != "error", f.sort_key))
    lines = [f"- {'❌' if f.severity == 'error' else '⚠️'} `{printable(f.path)}` 第 {f.line} 行 {f.code}："
             f"{printable(' '.join(f.zh.split()))}" for f in ordered[:MAX_LISTED]]
    if len(ordered) > MAX_LISTED:
        lines.append(f"- ……另有 {len(ordered) - MAX_LISTED} 条，请在合并请求的检查详情中查看。")
    return lines


def verdict(findings: list[Finding]) -> str:
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    if errors:
        return f"检查未通过：{errors} 个错误" + (f"，{warnings} 个警告" if warnings else "") + "。"
    return "检查通过 ✅" + (f"（{warnings} 个警告，请留意）" if warnings else "") + "。"


def problems_comment(problems: list[Msg]) -> Msg:
    zh = "\n".join([f"{SIGNATURE}：表单中有需要修改的地方，还没有生成名录文件。", "",
                    *[f"- {printable(p.zh)}" for p in problems], "",
                    "请点本议题右上角的 “…” → “Edit（编辑）”，改正后保存；机器人会重新办理。"])
    en = "\n".join(["govmedia bot: the form needs changes before any file is written:", "",
                    *[f"- {printable(p.en)}" for p in problems]])
    return Msg(zh, en)


def issue_comment(findings: list[Finding], files: list[str], number: int | None, account: str,
                  mark: str = "#") -> Msg:
    """``mark``: how the platform writes a merge request's number (GitHub #42, GitLab !42)."""
    where = f"合并请求 {mark}{number}" if number is not None else "分支"
    zh = [f"{SIGNATURE}：已根据表单为 {account} 生成名录文件，见{where}：", "",
          *[f"- `{rel}`" for rel in files], "", verdict(findings)]
    if findings:
        zh += ["", *findings_lines(findings), "",
               "请按上面的提示修改表单（议题右上角 “…” → “Edit”），机器人会更新合并请求。"]
    else:
        zh += ["", "下一步：各级审核人在合并请求页面依次点 “Approve（批准）”，机器人会把每一次批准记为审批文件。"]
    en = f"govmedia bot: files for {account} written ({len(files)}); {len(findings)} findings."
    return Msg("\n".join(zh), en)


def review_comment(head: str, findings: list[Finding], written: list[str]) -> Msg:
    zh = [f"{SIGNATURE}：{head}", ""]
    if written:
        zh += [*[f"- 已写入 `{rel}`" for rel in written], "", verdict(findings)]
        if findings:
            zh += ["", *findings_lines(findings)]
    en = f"govmedia bot: {len(written)} files written; {len(findings)} findings."
    return Msg("\n".join(zh).rstrip(), en)
