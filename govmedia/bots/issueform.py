"""Issue forms as data: the forms under ``.github/ISSUE_TEMPLATE/`` (read from the default branch), the
answers in an issue's body, and the same forms as GitLab issue templates.

GitHub renders a submitted form as Markdown: one ``### <label>`` heading per field, then the answer
(``_No response_`` when left empty; ``- [X] option`` / ``- [ ] option`` for checkboxes). A GitLab
template is the same headings with the answer written under each. The body is only ever split into
strings keyed by the form's field ids; what they mean is decided by the scaffolding and the rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

FORMS_DIR = ".github/ISSUE_TEMPLATE"
GITLAB_DIR = ".gitlab/issue_templates"
# The label a form puts on its issue -> the request it asks for.
LABEL_ACTIONS = {"开设": "open", "变更": "change", "退出监管": "exit", "注销关停": "close", "存量登记": "register"}
NO_RESPONSE = "_No response_"
MAX_BODY = 65536  # GitHub's limit for an issue body
MAX_FORM_BYTES = 256 * 1024
_CHECKBOX = re.compile(r"^\s*[-*]\s*\[([ xX])\]\s*(.*?)\s*$")
_COMMENT = re.compile(r"<!--.*?-->", re.S)


@dataclass(frozen=True)
class FormField:
    id: str
    label: str
    kind: str  # input | textarea | dropdown | checkboxes
    options: tuple[str, ...] = ()
    description: str = ""
    placeholder: str = ""
    required: bool = False


@dataclass(frozen=True)
class IssueForm:
    path: str
    name: str
    description: str
    title: str
    label: str
    fields: tuple[FormField, ...]

    @property
    def action(self) -> str:
        return LABEL_ACTIONS[self.label]


def _field(item: dict[str, Any]) -> FormField | None:
    kind = item.get("type")
    attrs = item.get("attributes") or {}
    if kind == "markdown" or not isinstance(attrs, dict):
        return None
    options: list[str] = []
    for option in attrs.get("options") or []:
        options.append(str(option.get("label") if isinstance(option, dict) else option))
    required = bool((item.get("validations") or {}).get("required"))
    return FormField(str(item.get("id") or ""), str(attrs.get("label") or ""), str(kind), tuple(options),
                     str(attrs.get("description") or ""), str(attrs.get("placeholder") or ""), required)


def load_forms(root: Path) -> list[IssueForm]:
    """Every issue form of the register whose label names a request (``LABEL_ACTIONS``)."""
    forms = []
    folder = root / FORMS_DIR
    for path in sorted(folder.glob("*.yml")) if folder.is_dir() else []:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > MAX_FORM_BYTES:
            continue
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError):
            continue  # a broken form is the check's and the platform's business; the bot ignores it
        if not isinstance(data, dict) or "body" not in data:
            continue
        label = next((lab for lab in data.get("labels") or [] if lab in LABEL_ACTIONS), None)
        if label is None:
            continue
        fields = tuple(f for f in (_field(i) for i in data["body"] if isinstance(i, dict)) if f is not None)
        forms.append(IssueForm(path.relative_to(root).as_posix(), str(data.get("name", "")),
                               str(data.get("description", "")), str(data.get("title", "")), label, fields))
    return forms


def form_for(forms: list[IssueForm], labels: list[str]) -> IssueForm | None:
    """The form whose label the issue carries (one only: an issue with two form labels is ambiguous)."""
    hits = [f for f in forms if f.label in labels]
    return hits[0] if len(hits) == 1 else None


def parse_body(form: IssueForm, body: str) -> dict[str, str]:
    """The answers in ``body``, by field id: text as written (trimmed), checkboxes as 是/否 (a field of one
    option) or the checked options one per line. Headings are matched in the form's order, so an answer
    cannot open a field that comes before it; a field whose heading is absent is unanswered."""
    text = _COMMENT.sub("", body[:MAX_BODY].replace("\r\n", "\n").replace("\r", "\n"))
    lines = text.split("\n")
    headings = [f"### {f.label}" for f in form.fields]
    starts: list[tuple[int, int]] = []  # (field index, line index of its heading)
    at = 0
    for index, heading in enumerate(headings):
        for line_no in range(at, len(lines)):
            if lines[line_no].strip() == heading:
                starts.append((index, line_no))
                at = line_no + 1
                break
    answers: dict[str, str] = {}
    for n, (index, line_no) in enumerate(starts):
        end = starts[n + 1][1] if n + 1 < len(starts) else len(lines)
        chunk = lines[line_no + 1 : end]
        answers[form.fields[index].id] = _answer(form.fields[index], chunk)
    return answers


def _answer(field: FormField, chunk: list[str]) -> str:
    if field.kind == "checkboxes":
        checked = []
        for line in chunk:
            m = _CHECKBOX.match(line)
            if m and m.group(1) in "xX" and m.group(2) in field.options:
                checked.append(m.group(2))
        if len(field.options) == 1:
            return "是" if checked else "否"
        return "\n".join(checked)
    value = "\n".join(chunk).strip()
    return "" if value == NO_RESPONSE else value


def gitlab_template(form: IssueForm) -> str:
    """The form as a GitLab issue template (GitLab has no forms): the same headings, the guidance as HTML
    comments (invisible once submitted), the choices listed, and the label set by a quick action."""
    out = [
        f"<!-- generated from {form.path} by `govmedia bot templates`: edit that file, then run it again -->",
        f"<!-- {form.name}：{form.description.strip()} -->",
        f"<!-- 标题请写成：{form.title} -->",
        "",
    ]
    for f in form.fields:
        out.append(f"### {f.label}")
        out.append("")
        hints = [h for h in (f.description.strip().rstrip("。"), ("必填" if f.required else "可不填")) if h]
        if f.kind == "dropdown":
            hints.append("从中选一项照抄：" + "、".join(f.options))
        out.append(f"<!-- {'；'.join(hints)} -->")
        if f.kind == "checkboxes":
            out += [f"- [ ] {o}" for o in f.options]
        elif f.placeholder:
            out.append(f"<!-- 例：{' '.join(f.placeholder.split())} -->")
        out.append("")
    out.append(f'/label ~"{form.label}"')
    return "\n".join(out) + "\n"


def gitlab_templates(root: Path) -> dict[str, str]:
    """``.gitlab/issue_templates/<name>.md`` for every form (the name is the form's file name)."""
    return {f"{GITLAB_DIR}/{Path(f.path).stem}.md": gitlab_template(f) for f in load_forms(root)}
