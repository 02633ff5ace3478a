"""The CI definitions are valid YAML, safe for merge requests from strangers, and run the same
commands as .ci/run (scripts/test.sh) plus the history rules and a strict site build."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
CHECK = REPO / ".github/workflows/check.yml"
PAGES = REPO / ".github/workflows/pages.yml"
GITLAB = REPO / ".gitlab-ci.yml"


def _load(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
    on = workflow.get("on", workflow.get(True))  # PyYAML (YAML 1.1) reads the key `on` as True
    assert isinstance(on, dict)
    return on


def _commands(path: Path) -> str:
    """Every shell command of a workflow or GitLab file, one string."""
    data = _load(path)
    parts: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("run", "script", "before_script"):
                    parts.extend(value if isinstance(value, list) else [value])
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(data)
    return "\n".join(str(p) for p in parts)


def _test_script_commands() -> list[str]:
    """The commands .ci/run runs through scripts/test.sh: pre-commit and pytest."""
    assert "scripts/test.sh" in (REPO / ".ci/run").read_text(encoding="utf-8")
    lines = (REPO / "scripts/test.sh").read_text(encoding="utf-8").splitlines()
    # a leading VAR=value (the pinned date of the hooks' run) is the step's environment in the workflows
    cmds = [re.sub(r"^(?:[A-Z_]+=\S+\s+)+", "", ln.strip()).replace(' "$@"', "") for ln in lines
            if re.match(r"^\s*(?:[A-Z_]+=\S+\s+)*(pre-commit|pytest)\b", ln)]
    assert len(cmds) >= 2
    return cmds


@pytest.mark.parametrize("path", [CHECK, PAGES, GITLAB], ids=lambda p: p.name)
def test_valid_yaml_without_secrets(path: Path) -> None:
    data = _load(path)
    assert "${{ secrets" not in path.read_text(encoding="utf-8") and "$secrets" not in path.read_text(encoding="utf-8")
    if path != GITLAB:
        assert "pull_request_target" not in _triggers(data)


def test_check_runs_on_pull_request_read_only() -> None:
    wf = _load(CHECK)
    assert "pull_request" in _triggers(wf)
    assert wf["permissions"] == {"contents": "read"}
    assert all("permissions" not in job for job in wf["jobs"].values())
    for step in (s for job in wf["jobs"].values() for s in job["steps"]):
        if str(step.get("uses", "")).startswith("actions/checkout"):
            assert step["with"]["persist-credentials"] is False
            assert step["with"]["fetch-depth"] == 0


@pytest.mark.parametrize("path", [CHECK, GITLAB], ids=lambda p: p.name)
def test_same_commands_as_ci_run(path: Path) -> None:
    commands = _commands(path)
    for cmd in _test_script_commands():
        assert cmd in commands, cmd
    assert "mkdocs build --strict" in commands
    assert re.search(r'/opt/trusted/venv/bin/govmedia check --root "\$[A-Z_]+" --base "\$BASE_SHA"', commands)


def test_check_annotates_the_merge_request() -> None:
    commands = _commands(CHECK)
    assert re.search(r'govmedia check --root "\$GITHUB_WORKSPACE" --base "\$BASE_SHA" --format github', commands)
    assert "${{" not in commands  # untrusted values reach scripts through env, never by interpolation


def _gate_commands(job: dict[str, Any]) -> str:
    steps = job.get("steps")
    if steps is not None:
        return "\n".join(str(s.get("run", "")) for s in steps)
    return "\n".join(str(c) for c in [*job.get("before_script", []), *job["script"]])


@pytest.mark.parametrize("path,job", [(CHECK, "gate"), (GITLAB, "history")], ids=["github", "gitlab"])
def test_the_gate_runs_the_base_branchs_govmedia(path: Path, job: str) -> None:
    """The merge-request gate installs govmedia from the base commit into its own environment and runs it
    outside the checkout: the merge request's own code (an edited rule) never judges the merge request."""
    data = _load(path)
    spec = data["jobs"][job] if path == CHECK else data[job]
    commands = _gate_commands(spec)
    assert 'git archive --format=tar "$BASE_SHA" | tar -x -C /opt/trusted/src' in commands
    assert "pip install -q --disable-pip-version-check /opt/trusted/src" in commands
    assert "-e ." not in commands and "-e '.[" not in commands and ".venv/bin" not in commands
    assert "python -m govmedia" not in commands
    if path == CHECK:
        assert spec["if"] == "github.event_name == 'pull_request'"
        assert spec["steps"][-1]["working-directory"] == "/opt/trusted"
        assert spec["steps"][-1]["env"]["BASE_SHA"] == "${{ github.event.pull_request.base.sha }}"
    else:
        assert spec["before_script"] == []
        assert "cd /opt/trusted #" in path.read_text(encoding="utf-8")


def test_gitlab_code_quality_report() -> None:
    data = _load(GITLAB)
    assert '--format gitlab > "$WORK/gl-code-quality-report.json"' in _commands(GITLAB)
    assert data["history"]["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
    assert data["pages"]["artifacts"]["paths"] == ["public"]


def test_pages_deploys_main_only_and_daily() -> None:
    wf = _load(PAGES)
    on = _triggers(wf)
    assert on["push"]["branches"] == ["main"]
    assert on["schedule"] and "pull_request" not in on
    assert all(job["if"] == "github.ref == 'refs/heads/main'" for job in wf["jobs"].values())
    assert wf["env"]["TZ"] == "Asia/Shanghai"
    assert "mkdocs build --strict" in _commands(PAGES)
    deploy = wf["jobs"]["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
