"""The lifecycle (``govmedia/register/lifecycle.py`` TRANSITIONS) as Markdown: a table and a Mermaid diagram.

docs/reviewers.md carries the rendering between ``<!-- lifecycle:begin -->`` and
``<!-- lifecycle:end -->``; a test fails when it drifts from the table. Regenerate with
``python -m govmedia.staff.lifecycle_doc docs/reviewers.md``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from govmedia.register.lifecycle import ACTION_LABELS, APPROVED_STATUS, PENDING_STATUS, STATUS_LABELS, TRANSITIONS

BEGIN = "<!-- lifecycle:begin (generated from govmedia/register/lifecycle.py: python -m govmedia.staff.lifecycle_doc) -->"
END = "<!-- lifecycle:end -->"


def edge_label(before: str | None, after: str) -> str:
    """Why an account moves from ``before`` to ``after``, in Chinese."""
    for action, pending in PENDING_STATUS.items():
        name = ACTION_LABELS[action][0]
        if after == pending:
            return f"提交{name}申请" if before is None or before == "active" else f"重新提交{name}申请"
        if before == pending and after == APPROVED_STATUS[action]:
            return f"{name}申请全部批准"
        if before == pending:
            return f"{name}申请未获批准"
    return ""


def _status(status: str | None) -> str:
    return "（新账号）" if status is None else f"{STATUS_LABELS[status][0]} `{status}`"


def render() -> str:
    lines = ["| 现在的状态 | 可以变为 | 原因 |", "|---|---|---|"]
    for before, targets in TRANSITIONS.items():
        if not targets:
            lines.append(f"| {_status(before)} | —（最终状态，不再变化） | |")
        for after in sorted(targets):
            lines.append(f"| {_status(before)} | {_status(after)} | {edge_label(before, after)} |")
    lines += ["", "```mermaid", "stateDiagram-v2"]
    for status, (zh, _en) in STATUS_LABELS.items():
        lines.append(f'    state "{zh} {status}" as {status}')
    for before, targets in TRANSITIONS.items():
        for after in sorted(targets):
            lines.append(f"    {before or '[*]'} --> {after}: {edge_label(before, after)}")
    for before, targets in TRANSITIONS.items():
        if before is not None and not targets:
            lines.append(f"    {before} --> [*]")
    lines.append("```")
    return "\n".join(lines)


def block() -> str:
    return f"{BEGIN}\n{render()}\n{END}"


def update(text: str) -> str:
    """``text`` with the generated block replaced (or appended when missing)."""
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        return text.rstrip("\n") + "\n\n" + block() + "\n"
    return text[:start] + block() + text[end + len(END):]


def main(argv: list[str] | None = None) -> int:
    for name in argv if argv is not None else sys.argv[1:]:
        path = Path(name)
        path.write_text(update(path.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
