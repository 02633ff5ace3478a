"""Answers in, files and findings out: the form machinery without a terminal.

Usage (a bot handling an issue form, or any script)::

    from govmedia.register.loader import load
    from govmedia.staff.candidate import Checker
    from govmedia.staff.draft import draft, env_for

    registry = load(root)
    env = env_for(registry, today)                  # None: governance.yaml is missing or broken
    checker = Checker(registry, today)              # reuse it for several drafts of one register
    result = draft("account", {"unit": "huangbao-town", "platform": "weibo", ...}, env, checker)
    result.ok            # nothing missing or unparsable, and no error the rules would report
    result.files.texts   # {relative path: text} to write (result.files.replaced: files it rewrites)
    result.problems      # answers that could not be used: Problem(field, message, given)
    result.findings      # what govmedia check would newly report about these files: errors refuse them
    result.elsewhere     # what it would newly report about other files: the next steps (an account's status
                         # once its last approval is recorded), not a refusal
    result.field_of(f)   # the answer a finding is about (its name), where one is

``kind`` is a key of :data:`govmedia.staff.forms.FORMS` (unit, account, request, approval, announcement).
A request event (open, change, exit, close …) goes through :func:`draft_action`, which picks the form.
Answers are keyed by field name (the command-line flag without ``--``, ``-`` as ``_``): text as typed in a
form (``"是"``, ``"2026-06-01"``, ``"甲,乙"``, a choice as its id or its label) or values already typed (``True``,
``7``, a list). A request's action picks its extra fields (:data:`govmedia.staff.forms.ACTIONS`); a change
request lists its edits under ``set`` (``["name=新名称"]``). The result's messages are the findings' own
(zh and en), plus the form's for missing or unparsable answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from govmedia.findings.finding import Finding
from govmedia.findings.message import Msg, text
from govmedia.register.registry import Registry
from govmedia.staff import scaffold
from govmedia.staff.candidate import Checker, inside, located, positions
from govmedia.staff.fields import Env, Field, Values, empty, not_a_choice, parse, safe_name, shown
from govmedia.staff.forms import ACTIONS, FORMS, Form


@dataclass(frozen=True)
class Problem:
    """An answer that could not be used: which (None: the form as a whole), why, and the text given."""

    field: str | None
    message: Msg
    given: str | None = None
    from_default: bool = False  # ``given`` is the field's default, not an answer


@dataclass
class Draft:
    form: Form
    values: Values
    files: scaffold.Files | None = None
    problems: list[Problem] = field(default_factory=list)
    missing: list[Field] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # on the files, and the folders they name
    elsewhere: list[Finding] = field(default_factory=list)  # on other files: what the next steps must settle
    blame: dict[Finding, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.missing and not any(f.severity == "error" for f in self.findings)

    def field_of(self, finding: Finding) -> str | None:
        return self.blame.get(finding)

    def refused(self) -> dict[str, list[Msg]]:
        """Per field, what stops it (missing answers aside): unusable answers and error findings."""
        out: dict[str, list[Msg]] = {}
        for p in self.problems:
            if p.field is not None:
                out.setdefault(p.field, []).append(p.message)
        for f in self.findings:
            name = self.blame.get(f)
            if name is not None and f.severity == "error":
                out.setdefault(name, []).append(Msg(f"{f.code} {f.zh}", f"{f.code} {f.en}"))
        return out


def env_for(registry: Registry, today: Any, lang: str = "zh") -> Env | None:
    return Env(registry, registry.governance.model, today, lang) if registry.governance is not None else None


def asked(form: Form, f: Field, env: Env, values: Values) -> bool:
    """Whether the form asks ``f`` given the answers so far (its condition, and the action's own fields)."""
    action = ACTIONS.get(str(values.get("action")))
    if f.per_action and (action is None or f.name not in action.asks):
        return False
    if action is not None and f.name in action.skips:
        return False
    return f.when is None or bool(f.when(env, values))


def required(f: Field, values: Values) -> bool:
    """Whether ``f`` must be answered: the field's own rule, unless the chosen action leaves it optional."""
    action = ACTIONS.get(str(values.get("action")))
    return f.required and not (action is not None and f.name in action.optional)


def default(f: Field, env: Env, values: Values) -> Any:
    return f.default(env, values) if f.default is not None else None


def accept(f: Field, env: Env, values: Values, given: Any, numbered: bool = False) -> tuple[Any, Msg | None]:
    """``given`` (text, or a value already typed) as the answer to ``f``: parsed, a choice resolved, a reference
    into the register looked up. This is about asking only; the documents are judged by the rules."""
    choices = f.choices(env, values) if f.choices is not None else None
    if isinstance(given, str):
        value, problem = parse(f, given, choices, numbered)
        if problem is not None:
            return None, problem
    else:
        value = given
        if f.type == "choice" and choices is not None and value not in [v for v, _ in choices]:
            return None, not_a_choice(f, choices)
    if empty(value):
        if not required(f, values):
            return None, None
        return None, Msg(text("answer.empty", label=f.zh).zh, text("answer.empty", label=f.label("en")).en)
    if not f.to and f.type == "str" and f.refers is None:  # names a file or folder (an id, a file name)
        problem = safe_name(value)
        if problem is not None:
            return None, problem
    problem = f.refers(env, values, value) if f.refers is not None else None
    return (None, problem) if problem is not None else (value, None)


def document_problem(form: Form, f: Field, env: Env, checker: Checker, values: Values) -> Msg | None:
    """What the document model says about ``f``'s answer in the document built so far (its GM0xx finding),
    leaving aside the fields not answered yet; for an answer that names a file, what the loader says about
    that name (GM020)."""
    if f.place:
        try:
            rel = f.place.format(**{k: str(v) for k, v in values.items()})
        except KeyError:
            return None
        said = checker.layout(rel)
        return Msg(f"{said[0].code} {said[0].zh}", f"{said[0].code} {said[0].en}") if said else None
    if not f.to or f.document not in ("unit", "account", "request", "approval"):
        return None
    doc = scaffold.documents(form.kind, values).get(f.document, {})
    rel = f"accounts/x/{f.document}.yaml"
    for loc, finding in checker.document(rel, f.document, scaffold.render(rel, doc, f.document)):
        if loc is not None and tuple(str(p) for p in loc[: len(f.path)]) == f.path:
            return Msg(f"{finding.code} {finding.zh}", f"{finding.code} {finding.en}")
    return None


def resolve(form: Form, env: Env, answers: Mapping[str, Any], checker: Checker) -> Draft:
    """Every question answered from ``answers`` or its default: the values, and what is missing or unusable."""
    result = Draft(form, {})
    values = result.values
    known = {f.name for f in form.fields} | {"set", "changes"}
    for name in answers:
        if name not in known:
            result.problems.append(Problem(None, text("answer.unknown", name=name, known=", ".join(sorted(known)))))
    for f in form.fields:
        if not asked(form, f, env, values):
            continue
        given = answers.get(f.name)
        from_default = empty(given)
        if from_default:
            given = default(f, env, values)
        if empty(given):
            if required(f, values):
                result.missing.append(f)
            continue
        value, problem = accept(f, env, values, given)
        problem = problem or (document_problem(form, f, env, checker, {**values, f.name: value}) if value is not None else None)
        if problem is not None:
            result.problems.append(Problem(f.name, problem, _given(given), from_default))
            continue
        values[f.name] = value
    changes(result, env, answers)
    return result


def _given(value: Any) -> str:
    return shown(value, "zh") if not isinstance(value, str) else value


def changes(result: Draft, env: Env, answers: Mapping[str, Any]) -> None:
    """A change request's edits: ``set`` lines (field=value) or a ``changes`` mapping."""
    sets, mapping = answers.get("set") or [], answers.get("changes")
    action = ACTIONS.get(str(result.values.get("action")))
    if result.form.kind != "request" or action is None:
        return
    if not action.changes:
        if sets or mapping:
            result.problems.append(Problem("set", text("change.only")))
        return
    if isinstance(mapping, dict) and mapping:
        result.values["changes"] = mapping
        return
    built, problems = scaffold.build_changes(env, str(result.values.get("account")), [str(s) for s in sets])
    result.problems += [Problem("set", p) for p in problems]
    if not sets:
        result.problems.append(Problem("set", text("change.none")))
    elif built:
        result.values["changes"] = built


def check(result: Draft, env: Env, checker: Checker) -> Draft:
    """Build the files of an answered form and ask the rules about them (nothing is written)."""
    if result.problems or result.missing:
        return result
    files = scaffold.files_of(result.form.kind, env, result.values)
    result.files = files
    root = env.registry.root
    outside = [rel for rel in files.texts if not inside(rel, root)]
    if outside:
        result.problems.append(Problem(_path_field(result.form), text("files.outside", path=outside[0])))
        return result
    existing = [rel for rel in files.texts if rel not in files.replaced and (root / rel).exists()]
    if existing:
        name = _path_field(result.form)
        given = str(result.values.get(name)) if name else None
        result.problems.append(Problem(name, text("files.exist", paths="、".join(existing)), given))
        return result
    for finding in checker.gained(files.texts):
        on_files = any(finding.path == rel or rel.startswith(finding.path + "/") for rel in files.texts)
        (result.findings if on_files else result.elsewhere).append(finding)
    for finding in result.findings:
        name = _blame(result, finding)
        if name is not None:
            result.blame[finding] = name
    _after_change(result, env, checker)
    return result


def _path_field(form: Form) -> str | None:
    names = [f.name for f in form.fields]
    return next((n for n in ("id", "slug", "stage", "date") if n in names), None)


def _blame(result: Draft, finding: Finding) -> str | None:
    """The answer a finding on the candidate files is about: the field written where it points, the answer that
    named a folder it points at, or the form's field for the document."""
    files, form = result.files, result.form
    assert files is not None
    if finding.code in form.codes:
        return form.codes[finding.code]
    if finding.path in files.texts:
        kind = files.kinds[finding.path]
        loc = located(finding, positions(finding.path, files.texts[finding.path]))
        best = [f for f in form.fields if f.document == kind and loc is not None and tuple(loc[: len(f.path)]) == f.path]
        if best:
            return max(best, key=lambda f: len(f.path)).name
        return form.blame.get(f"{kind}.{loc[0]}" if loc else kind) or form.blame.get(kind)
    segment = finding.path.rsplit("/", 1)[-1]
    for f in form.fields:
        if not f.to and str(result.values.get(f.name)) == segment and any(
                rel.startswith(finding.path + "/") for rel in files.texts):
            return f.name
    return None


def _after_change(result: Draft, env: Env, checker: Checker) -> None:
    """A change request is judged on the account as it will be too: what the rules would say about it then."""
    after = scaffold.account_after(env, result.values)
    if after is None or any(f.severity == "error" for f in result.findings):
        return
    rel, content = after
    before = {(f.path, f.code, f.zh) for f in checker.before}
    for f in checker.gained({rel: content}):
        if f.path == rel and (f.path, f.code, f.zh) not in before:
            said = Finding(f.path, f.line, f.column, f.code, f.severity,
                           text("change.after", path=rel, problem=f.zh).zh, text("change.after", path=rel, problem=f.en).en)
            result.findings.append(said)
            result.blame[said] = "set"


def draft(kind: str, answers: Mapping[str, Any], env: Env, checker: Checker) -> Draft:
    """The files a form of ``kind`` answered by ``answers`` would write, and what the rules say about them."""
    return check(resolve(FORMS[kind], env, answers, checker), env, checker)


def form_for(action: str) -> str:
    """The form that files a request of ``action``: ``account`` when it brings a new account (opening, and any
    action marked ``new_account``), else ``request``. Unknown actions are the request form's to refuse."""
    spec = ACTIONS.get(action)
    return "account" if spec is not None and spec.new_account else "request"


def draft_action(action: str, answers: Mapping[str, Any], env: Env, checker: Checker) -> Draft:
    """A request event (an issue form's open, change, exit, close …): :func:`draft` of the right form."""
    return draft(form_for(action), {**answers, "action": action}, env, checker)
