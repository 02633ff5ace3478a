"""After a form: write its files (never over an existing one) and say what was done and what comes next."""

from __future__ import annotations

from pathlib import Path

from govmedia.findings.message import text
from govmedia.history import codeowners
from govmedia.register.lifecycle import ACTION_LABELS, APPROVED_STATUS, PENDING_STATUS
from govmedia.register.loader import load
from govmedia.staff.draft import Draft
from govmedia.staff.fields import Env
from govmedia.staff.forms import ACTION_TO_KIND, find_request
from govmedia.staff.scaffold import Files


def write(root: Path, files: Files) -> list[str]:
    """Write ``files`` under ``root``: new files exclusively (an existing one is never overwritten: the
    :class:`FileExistsError` carries the message in both languages), replaced ones in place."""
    existing = [rel for rel in files.texts if rel not in files.replaced and (root / rel).exists()]
    if existing:
        message = text("files.exist", paths="、".join(existing))
        raise FileExistsError(message.zh, message.en)
    for rel, content in files.texts.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w" if rel in files.replaced else "x", encoding="utf-8", newline="\n") as fh:
            fh.write(content)
    return [rel for rel in files.texts if rel not in files.replaced] + files.replaced


def update_codeowners(root: Path) -> str | None:
    """A new unit's reviewers own its unit_head approvals (GM604): regenerate CODEOWNERS when the register
    keeps one and every unit loads."""
    if not any((root / loc).is_file() for loc in codeowners.LOCATIONS):
        return None
    registry = load(root)
    if registry.governance is None or any(u.record is None for u in registry.units.values()):
        return None
    content = codeowners.generate(registry.governance.model, codeowners.unit_reviewers(registry))
    path = root / codeowners.TARGET
    if path.is_file() and path.read_text(encoding="utf-8") == content:
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8", newline="\n")
    return codeowners.TARGET


def reviewers(env: Env, stage: str | None, unit_id: str | None) -> str:
    if stage is None:
        return text("reviewers.office").get(env.lang)
    who = env.reviewers_of(stage, unit_id)
    sep = text("word.names_sep").get(env.lang)
    title = env.stage_title(stage)
    key = "reviewers.named" if who else "reviewers.title"
    return text(key, title=title, who=sep.join(who)).get(env.lang)


def office(env: Env) -> str:
    """The first stage that is not the unit's own: who reviews units and announcements."""
    for stage in env.governance.chain("open"):
        s = env.governance.stages.get(stage)
        if s is not None and not s.from_unit:
            return reviewers(env, stage, None)
    return reviewers(env, None, None)


def next_steps(paths: list[str], who: str, lang: str) -> list[str]:
    return [text("next.title").get(lang), text("next.check").get(lang),
            text("next.add", paths=" ".join(paths)).get(lang), text("next.commit").get(lang),
            text("next.push", reviewers=who).get(lang)]


def _unit(result: Draft, env: Env, paths: list[str]) -> list[str]:
    lang, root = env.lang, env.registry.root
    lines = [text("done.unit", path=paths[0]).get(lang)]
    owners = update_codeowners(root)
    if owners:
        who = text("word.names_sep").get(lang).join(result.values.get("reviewers") or [])
        lines.append(text("done.codeowners", path=owners, who=who).get(lang))
        paths.append(owners)
    lines.append(text("done.unit_next", command=f"govmedia new account --unit {result.values['id']}").get(lang))
    return lines + next_steps(paths, office(env), lang)


def _account(result: Draft, env: Env, paths: list[str]) -> list[str]:
    first = env.governance.chain(str(result.values.get("action") or "open"))[0]
    return [text("done.account", path=paths[0]).get(env.lang),
            *next_steps(paths, reviewers(env, first, str(result.values["unit"])), env.lang)]


def _request(result: Draft, env: Env, paths: list[str]) -> list[str]:
    lang, action = env.lang, str(result.values["action"])
    acc = env.registry.accounts[str(result.values["account"])]
    zh, en = ACTION_LABELS[action]
    first = env.governance.chain(action)[0]
    return [text("done.request", action_zh=zh, action_en=en, path=paths[0]).get(lang),
            text("done.status", path=acc.path, status=PENDING_STATUS[action], action_zh=zh).get(lang),
            *next_steps(paths, reviewers(env, first, acc.unit_id), lang)]


def _approval(result: Draft, env: Env, paths: list[str]) -> list[str]:
    lang, values = env.lang, result.values
    req = find_request(env, values["request"])
    assert req is not None
    stage, action = str(values["stage"]), req.action
    chain = env.governance.chain(action)
    lines = [text("done.approval", title=env.stage_title(stage), path=paths[0]).get(lang)]
    acc_path = req.folder.split("/requests/")[0] + "/account.yaml"
    later = chain[chain.index(stage) + 1:] if stage in chain else []
    if values.get("decision") == "rejected":
        status = "rejected" if action == "open" else "active"
        lines.append(text("done.rejected", path=acc_path, status=status).get(lang))
        return lines + next_steps([paths[0], acc_path], office(env), lang)
    if later:
        return lines + next_steps(paths, reviewers(env, later[0], req.folder.split("/")[1]), lang)
    extra = text("done.final_open").get(lang) if action == "open" else ""
    extra += text("done.final_change", path=acc_path).get(lang) if action == "change" else ""
    lines.append(text("done.final", path=acc_path, status=APPROVED_STATUS[action], extra=extra).get(lang))
    ref = req.folder.split("/requests/")[0].removeprefix("accounts/")
    command = f"govmedia new announcement --kind {ACTION_TO_KIND[action]} --account {ref}"
    lines.append(text("done.announce", command=command).get(lang))
    return lines + next_steps([paths[0], acc_path], office(env), lang)


def _announcement(result: Draft, env: Env, paths: list[str]) -> list[str]:
    return [text("done.announcement", path=paths[0]).get(env.lang), *next_steps(paths, office(env), env.lang)]


DONE = {"unit": _unit, "account": _account, "request": _request, "approval": _approval,
        "announcement": _announcement}


def after_writing(result: Draft, env: Env, paths: list[str], warnings: list[str], elsewhere: list[str]) -> None:
    """Print what was written, the findings that do not stop it (warnings on the files, and what the check
    now reports on other files until the next steps are done), and the next steps."""
    lines = DONE[result.form.kind](result, env, list(paths))
    if elsewhere:
        lines[1:1] = [text("done.elsewhere").get(env.lang), *(f"  {w}" for w in elsewhere)]
    if warnings:
        lines[1:1] = [text("done.warnings").get(env.lang), *(f"  {w}" for w in warnings)]
    print("\n".join(lines))
