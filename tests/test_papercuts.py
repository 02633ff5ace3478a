"""What a newcomer meets first: messages that name the character to fix, a word on success, references to
documents inside the repository, and scripts that clean up after themselves."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from govmedia.dialect import yamlload
from govmedia.register.context import Context
from govmedia.run.engine import check
from tests.conftest import BASE_TODAY

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(("text", "line", "column", "named"), [
    ("name: 王益教育\nplatform：weibo\nurl: https://weibo.com/x\n", 2, 9, "U+FF1A FULLWIDTH COLON"),
    ("name：王益教育\nplatform: weibo\n", 1, 5, "U+FF1A FULLWIDTH COLON"),
    ("name: a\nverification:\n\u3000\u3000verified: true\n  subject: x\n", 3, 1, "U+3000 IDEOGRAPHIC SPACE"),
    ("name: a\nverification:\n\tverified: true\n", 3, 1, "U+0009 CHARACTER TABULATION"),
    ("name: a\nverification:\n  verified: true\n\t  subject: x\n", 4, 1, "U+0009 CHARACTER TABULATION"),
])
def test_syntax_error_names_the_character_and_the_fix(text: str, line: int, column: int, named: str) -> None:
    doc, findings = yamlload.parse(text, "a.yaml")
    assert doc is None
    [finding] = findings
    assert (finding.code, finding.line, finding.column) == ("GM002", line, column)
    assert named in finding.zh and named in finding.en
    assert "mapping values" not in finding.zh and "cannot start any token" not in finding.zh
    assert "请" in finding.zh  # says what to do


def test_other_syntax_errors_keep_the_parser_message() -> None:
    _, findings = yamlload.parse("title: 关于：开通\nx: [1\n", "a.yaml")
    assert findings[0].code == "GM002" and "FULLWIDTH" not in findings[0].zh


def test_slips_in_valid_yaml_are_named_by_the_schema_finding(make_register: Callable[..., Path]) -> None:
    root = make_register()
    account = root / "accounts/wangyi-education/weibo/account.yaml"
    account.write_text("name：王益教育\n", encoding="utf-8")
    unit = root / "accounts/wangyi-education/unit.yaml"
    unit.write_text(unit.read_text(encoding="utf-8") + "\u3000note: x\n", encoding="utf-8")
    _, findings = check(Context(root=root, today=BASE_TODAY, cache=False))
    mine = {f.path: f for f in findings if f.code == "GM010" and "U+" in f.zh}
    assert "U+FF1A FULLWIDTH COLON" in mine[account.relative_to(root).as_posix()].zh
    assert "U+3000 IDEOGRAPHIC SPACE" in mine[unit.relative_to(root).as_posix()].en


def _govmedia(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "govmedia", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env={**os.environ, "GOVMEDIA_LANG": "zh", "XDG_CACHE_HOME": str(cwd / ".c")})


@pytest.mark.parametrize("clone", [False, True])
def test_check_says_so_on_success(make_register: Callable[..., Path], clone: bool) -> None:
    """The same count in a clone (staged and untracked files alike) as in a plain folder."""
    root = make_register()
    if clone:
        subprocess.run(["git", "init", "-q", str(root)], check=True)
        subprocess.run(["git", "-C", str(root), "add", "accounts"], check=True)  # announcements stay untracked
        assert _govmedia("codeowners", cwd=root).returncode == 0  # fingerprinted by the scan, not counted
    files = sum(1 for top in ("accounts", "announcements", "policies") for p in (root / top).rglob("*")
                if p.is_file())
    ok = _govmedia("check", "--today", BASE_TODAY.isoformat(), cwd=root)
    assert ok.returncode == 0 and ok.stdout == ""
    assert ok.stderr.strip() == f"检查了 {files} 个文件：没有发现问题。"
    english = _govmedia("check", "--today", BASE_TODAY.isoformat(), "--lang", "en", cwd=root)
    assert english.stderr.strip() == f"checked {files} files: no problems found."
    as_json = _govmedia("check", "--today", BASE_TODAY.isoformat(), "--format", "json", cwd=root)
    assert as_json.stdout.strip() == "[]" and as_json.stderr == ""


def test_govmedia_today_pins_the_date(make_register: Callable[..., Path]) -> None:
    root = make_register()
    env = {**os.environ, "GOVMEDIA_TODAY": "2031-01-01", "XDG_CACHE_HOME": str(root / ".c")}
    late = subprocess.run([sys.executable, "-m", "govmedia", "check"], cwd=root, capture_output=True, text=True,
                          timeout=300, env=env)
    assert late.returncode == 1  # agreements and updates are years overdue at that date
    pinned = subprocess.run([sys.executable, "-m", "govmedia", "check", "--today", BASE_TODAY.isoformat()],
                            cwd=root, capture_output=True, text=True, timeout=300, env=env)
    assert pinned.returncode == 0  # --today wins
    bad = subprocess.run([sys.executable, "-m", "govmedia", "check"], cwd=root, capture_output=True, text=True,
                         timeout=60, env={**env, "GOVMEDIA_TODAY": "soon"})
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr


def _user_facing_texts() -> list[tuple[str, str]]:
    """Every string literal of the package (messages included), and every document a user reads."""
    out = []
    for path in sorted((REPO / "govmedia").rglob("*.py")):
        out.append((str(path.relative_to(REPO)), path.read_text(encoding="utf-8")))
    for path in [REPO / "README.md", REPO / "CONTRIBUTING.md", *sorted((REPO / "docs").glob("*.md"))]:
        if path.is_file():
            out.append((str(path.relative_to(REPO)), path.read_text(encoding="utf-8")))
    return out


def test_no_reference_to_documents_outside_the_repository() -> None:
    """"SPEC", a section sign or an issue number points to nothing a user of the repository can open."""
    pattern = re.compile(r"\bSPEC\b|SPEC §|\bissue \d+\b|\bissues? #\d+")
    hits = [f"{name}: {m.group()}" for name, text in _user_facing_texts() for m in pattern.finditer(text)]
    assert hits == []


def test_apt_waits_for_the_lock() -> None:
    setup = (REPO / "scripts" / "setup.sh").read_text(encoding="utf-8")
    calls = re.findall(r"\$sudo apt-get .*", setup)
    assert len(calls) == 2 and all(c.startswith('$sudo apt-get "${wait[@]}" ') for c in calls)
    assert re.search(r"wait=\(-o DPkg::Lock::Timeout=\d{3,}\)", setup)


def _serves_the_register(port: int) -> bool:
    """Whether the public site of the shipped register answers on ``port`` (not just anything listening)."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as page:
            return "王益区" in page.read().decode("utf-8", "replace")
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _stat(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def _descendants(root: int) -> set[int]:
    parents = {}
    for entry in Path("/proc").iterdir():
        fields = _stat(int(entry.name)) if entry.name.isdigit() else None
        if fields is not None:
            parents[int(entry.name)] = int(fields[1])
    out: set[int] = set()
    frontier = {root}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - out
        out |= frontier
    return out


def _alive(pids: set[int]) -> set[int]:
    return {pid for pid in pids if (fields := _stat(pid)) is not None and fields[0] != "Z"}


@pytest.mark.skipif(shutil.which("setsid") is None or not Path("/proc").is_dir(), reason="needs setsid and /proc")
def test_serve_stopped_by_its_pid_stops_the_server(tmp_path: Path) -> None:
    """scripts/serve.sh as written, in a copy of the repository whose installer step is a no-op (the test
    must not reinstall the environment other tests are using): `kill <PID>` leaves no mkdocs behind."""
    copy = tmp_path / "repo"
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout
    for name in listed.decode().split("\0"):
        if name and (REPO / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, copy / name)
    shutil.copy2(REPO / "scripts" / "serve.sh", copy / "scripts" / "serve.sh")
    (copy / "scripts" / "setup.sh").write_text("venv_install() { :; }\n", encoding="utf-8")
    (copy / ".venv").symlink_to(Path(sys.executable).parents[1])
    port = _free_port()
    env = {**os.environ, "GOVMEDIA_TODAY": "2026-12-07", "XDG_CACHE_HOME": str(tmp_path / "cache")}
    proc = subprocess.Popen(["bash", str(copy / "scripts" / "serve.sh"), "--dev-addr", f"127.0.0.1:{port}"],
                            cwd=copy, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started: set[int] = set()
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and proc.poll() is None and not _serves_the_register(port):
            time.sleep(1)
        assert proc.poll() is None, "serve.sh ended before serving"
        started = _descendants(proc.pid)
        assert started, "no server process under serve.sh"
        proc.send_signal(signal.SIGTERM)  # what `kill <PID>` does
        proc.wait(timeout=60)
        deadline = time.monotonic() + 30
        while _alive(started) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert _alive(started) == set(), "the server outlived serve.sh"
        assert not _serves_the_register(port)
    finally:
        if proc.poll() is None:
            proc.kill()
        for pid in _alive(started):
            os.kill(pid, signal.SIGKILL)
