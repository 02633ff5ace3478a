"""`govmedia check` as README.md describes it: formats, exit codes, PATH filtering, languages."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from govmedia.cli import main

ACCOUNT = "accounts/wangyi-education/weibo/account.yaml"


def govmedia(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "govmedia", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=120)


@pytest.fixture
def broken(make_register: Callable[..., Path]) -> Path:
    root = make_register()
    path = root / ACCOUNT
    path.write_text(path.read_text(encoding="utf-8") + "status: closed\n", encoding="utf-8")
    (root / "accounts/wangyi-health/unit.yaml").write_bytes(b"\xef\xbb\xbfname: x\n")
    return root


def test_clean_register_exits_0(make_register: Callable[..., Path]) -> None:
    root = make_register()
    result = govmedia("check", "--root", str(root), "--today", "2026-06-01")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


def test_text_format(broken: Path) -> None:
    result = govmedia("check", "--root", str(broken), "--today", "2026-06-01")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("accounts/wangyi-education/weibo/account.yaml:")
    assert any(line.startswith(f"{ACCOUNT}:") and " GM003 " in line for line in lines)
    assert any(line.startswith("accounts/wangyi-health/unit.yaml:1:1: GM001 ") for line in lines)
    assert "Traceback" not in result.stderr
    assert lines == sorted(lines, key=lambda s: (s.split(":")[0], int(s.split(":")[1])))


def test_json_format(broken: Path) -> None:
    result = govmedia("check", "--root", str(broken), "--today", "2026-06-01", "--format", "json")
    items = json.loads(result.stdout)
    assert {tuple(sorted(i)) for i in items} == {("code", "column", "line", "message", "path", "severity")}
    assert {i["code"] for i in items} >= {"GM001", "GM003"}


def test_github_format(broken: Path) -> None:
    result = govmedia("check", "--root", str(broken), "--today", "2026-06-01", "--format", "github")
    assert any(line.startswith(f"::error file={ACCOUNT},line=") and "title=GM003::" in line
               for line in result.stdout.splitlines())


def test_gitlab_format(broken: Path) -> None:
    result = govmedia("check", "--root", str(broken), "--today", "2026-06-01", "--format", "gitlab")
    items = json.loads(result.stdout)
    assert all({"description", "check_name", "fingerprint", "severity", "location"} <= set(i) for i in items)
    assert len({i["fingerprint"] for i in items}) == len(items)


def test_english(broken: Path) -> None:
    result = govmedia("check", "--root", str(broken), "--today", "2026-06-01", "--lang", "en")
    assert "duplicate key 'status'" in result.stdout


def test_paths_limit_reporting(broken: Path) -> None:
    result = govmedia("check", "accounts/wangyi-health", "--today", "2026-06-01", cwd=broken)
    assert result.returncode == 1
    assert all(line.startswith("accounts/wangyi-health/") for line in result.stdout.splitlines())
    clean = govmedia("check", "--root", str(broken), "--today", "2026-06-01",
                     str(broken / "accounts/huangbao-town"))
    assert clean.returncode == 0 and clean.stdout == ""


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert govmedia("check", "--format", "xml").returncode == 2
    assert govmedia("check", "--today", "2026-13-01").returncode == 2
    missing = govmedia("check", "--root", str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "Traceback" not in missing.stderr


def test_internal_error_is_exit_2_without_traceback(monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    import govmedia.commands.check as check_cmd

    def boom(ctx: object, progress: object = None, plan: object = None) -> None:
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(check_cmd, "check_outcome", boom)
    assert main(["check", "--root", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "内部错误" in err and "Traceback" not in err


def test_empty_directory_reports_missing_governance(tmp_path: Path) -> None:
    result = govmedia("check", "--root", str(tmp_path))
    assert result.returncode == 1 and "policies/governance.yaml:1:1: GM020" in result.stdout


def test_symlinks_are_refused(make_register: Callable[..., Path], tmp_path: Path) -> None:
    root = make_register()
    secret = tmp_path / "secret.yaml"
    secret.write_text("name: secret\n", encoding="utf-8")
    target = root / "accounts/wangyi-health/unit.yaml"
    target.unlink()
    target.symlink_to(secret)
    result = govmedia("check", "--root", str(root), "--today", "2026-06-01")
    assert result.returncode == 1 and "accounts/wangyi-health/unit.yaml:1:1: GM020" in result.stdout
    assert "secret" not in result.stdout


def test_schema_files_are_current() -> None:
    """schemas/json/ is generated from the models; this fails when someone forgets `govmedia schema`."""
    root = Path(__file__).resolve().parents[1]
    result = govmedia("schema", "--check", "--out", str(root / "schemas" / "json"))
    assert result.returncode == 0, result.stderr


def test_rules_doc_is_current() -> None:
    root = Path(__file__).resolve().parents[1]
    result = subprocess.run([sys.executable, str(root / "scripts" / "gen_rules_doc.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_shipped_register_is_clean() -> None:
    root = Path(__file__).resolve().parents[1]
    result = govmedia("check", "--root", str(root), "--today", "2026-11-30")
    assert result.returncode == 0, result.stdout


def test_only_the_named_command_is_imported() -> None:
    """`govmedia check` imports neither the models nor the site; help still lists every command."""
    code = ("import sys; from govmedia.cli import build_parser; build_parser(['check', '--help']); "
            "print(sorted(m for m in sys.modules if m.startswith(('pydantic', 'govmedia.commands', "
            "'govmedia.schemas', 'openpyxl', 'mkdocs'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "govmedia.commands.check" in out
    assert "govmedia.commands.new" not in out and "govmedia.schemas" not in out and "openpyxl" not in out
    listing = govmedia("--help").stdout
    for command in ("check", "demo", "schema", "codeowners", "new", "report", "export", "import", "site"):
        assert command in listing
    assert govmedia("import", "--help").returncode == 0
    assert govmedia("nosuchcommand").returncode == 2


@pytest.mark.parametrize("fmt", ["text", "json", "github", "gitlab"])
def test_hostile_file_names_cannot_forge_or_break_the_report(make_register: Callable[..., Path], fmt: str) -> None:
    """A name with a newline (a forged second report line) or bytes that are not UTF-8 is reported, printably,
    in every format, under a strict UTF-8 output, with exit 1 (a finding) and no internal error."""
    import os

    root = make_register()
    forged = "x\nunit.yaml:1:1: GM000 all good"  # a name cannot hold "/", but it can hold a newline
    (root / "accounts/wangyi-health" / forged).write_text("x", encoding="utf-8")
    os.mkdir(os.path.join(os.fsencode(root), b"accounts/\xff\xfe"))
    env = {**os.environ, "PYTHONIOENCODING": "utf-8:strict", "LC_ALL": "C.UTF-8"}
    done = subprocess.run([sys.executable, "-m", "govmedia", "check", "--root", str(root), "--today", "2026-06-01",
                           "--no-cache", "--format", fmt], capture_output=True, text=True, env=env)
    assert done.returncode == 1, done.stderr
    assert "internal error" not in done.stderr
    out = done.stdout.replace("\\\\", "\\")  # JSON escapes the backslash of \u000a
    assert not [line for line in out.splitlines() if line.lstrip().startswith("unit.yaml:1:1: GM000")]
    assert "x\\u000aunit.yaml" in out
    assert "\\udcff\\udcfe" in out
    if fmt == "text":
        assert all(line.startswith("accounts/") for line in done.stdout.splitlines())
