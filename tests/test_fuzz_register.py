"""Hostile account values and hostile register trees: findings, never an internal error.

Random bytes (tests/test_fuzz_check.py) rarely make an account that passes the schema, so the rules behind the
schema never see them. Here valid accounts get hostile values for the fields that rules parse further (a url
that fits the schema's pattern but is no URL, such as ``https://[x``), and valid registers get hostile trees
(folders nested 1,100 deep, symbolic-link loops, a file where a folder belongs and the reverse, names that are
not UTF-8, FIFOs). In process, any exception fails the test; through ``govmedia check``, exit 2 (internal error)
does. fuzz/fuzz_register.py is the same target for a coverage-guided fuzzer.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from govmedia.register.context import Context
from govmedia.register.walk import MAX_PARTS
from govmedia.run.engine import check
from govmedia.staff.demo import generate, write

TODAY = date(2026, 6, 1)
# Fields that rules read beyond the schema: hosts, identifiers, names compared across the register, dates.
TEXT_FIELDS = (("url",), ("platform_id",), ("name",), ("positioning",), ("verification", "subject"),
               ("undertaking", "name"), ("undertaking", "uscc"), ("operations", "responsible", "overall"),
               ("national_system_id",), ("opened_on",), ("platform",))
URL_LIKE = st.from_regex(r"\Ahttps://[^\s<>\"'`]{1,60}\Z")
HOSTILE_URLS = st.sampled_from([
    "https://[x", "https://[::1", "https://]x[", "https://ｅｘ％２ｅ.com", "https://a@b@weibo.com",
    "https://weibo.com:99999/x", "https://weibo.com:-1", "https://%5B", "https://[v1.x]/", "https://xn--/",
    "https://xn--zz.com", "https://.", "https://..weibo.com", "https://weibo.com.", "https://-a-.com",
    "https://" + "a." * 200 + "com", "https://\u2100.com", "https://[fe80::1%25eth0]/",
])
VALUES = URL_LIKE | HOSTILE_URLS | st.text(max_size=80) | st.integers() | st.none() | st.booleans() \
    | st.lists(st.text(max_size=5), max_size=3)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile-template")
    write(generate(3, TODAY), root)
    return root


@contextmanager
def copy_of(template: Path) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "reg"
        shutil.copytree(template, root, symlinks=True)
        try:
            yield root
        finally:  # shutil.rmtree recurses: 1,100 nested folders would end it in a RecursionError
            subprocess.run(["rm", "-rf", "--", str(root)], check=True)


def first_account(root: Path) -> Path:
    return sorted(root.glob("accounts/*/*/account.yaml"))[0]


def set_field(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for key in path[:-1]:
        child = data.get(key)
        if not isinstance(child, dict):
            child = data[key] = {}
        data = child
    data[path[-1]] = value


def check_in_process(root: Path) -> None:
    _, findings = check(Context(root=root, today=TODAY, cache=False))
    for f in findings:
        assert f.line >= 1 and f.column >= 1 and f.code.startswith("GM"), f


def check_cli(root: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "govmedia", "check", "--root", str(root), "--today", TODAY.isoformat(), *extra],
        capture_output=True, text=True, timeout=300, check=False,
        env={**os.environ, "XDG_CACHE_HOME": str(root.parent / "cache")})
    assert proc.returncode in (0, 1), proc.stderr
    assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr
    return proc


# -- account values -------------------------------------------------------------------------------------

@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(TEXT_FIELDS), VALUES), min_size=1, max_size=3))
@example([(("url",), "https://[x")])
@example([(("url",), "https://ｅｘ％２ｅ.com")])
def test_hostile_account_values(template: Path, changes: list[tuple[tuple[str, ...], Any]]) -> None:
    with copy_of(template) as root:
        account = first_account(root)
        data = yaml.safe_load(account.read_text(encoding="utf-8"))
        for path, value in changes:
            set_field(data, path, value)
        account.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        check_in_process(root)


def test_url_that_is_no_url_is_a_finding(template: Path) -> None:
    """``https://[x`` fits the schema's pattern; it used to end the run with exit 2."""
    with copy_of(template) as root:
        account = first_account(root)
        data = yaml.safe_load(account.read_text(encoding="utf-8"))
        data["url"] = "https://[x"
        account.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        proc = check_cli(root)
        assert proc.returncode == 1
        assert "GM107" in proc.stdout and "GM502" in proc.stdout


# -- register trees -------------------------------------------------------------------------------------

def nest(folder: Path, depth: int) -> Path:
    """``depth`` folders inside each other below ``folder`` (made relative to a descriptor: the full path of
    the innermost may be longer than the system allows), with a YAML file at the bottom."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        for _ in range(depth):
            with suppress(FileExistsError):
                os.mkdir("d", dir_fd=fd)
            inner = os.open("d", os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
        out = os.open("x.yaml", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644, dir_fd=fd)
        os.write(out, b"name: x\n")
        os.close(out)
    finally:
        os.close(fd)
    return folder


def _replace(path: Path, make: str) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()
    if make == "folder":
        (path / "inside").mkdir(parents=True)
    elif make == "fifo":
        os.mkfifo(path)
    elif make == "loop":
        path.symlink_to(path.parent)
    elif make == "outside":
        path.symlink_to("/etc/hostname" if path.suffix else "/")
    elif make == "dangling":
        path.symlink_to(path.parent / "nowhere")


def apply(root: Path, op: tuple[str, Any], account: Path) -> None:
    """Apply ``op`` to the register at ``root`` around its ``account`` (chosen before any op)."""
    kind, arg = op
    unit = account.parent.parent
    requests = account.parent / "requests"
    places = {"unit": unit, "account": account.parent, "requests": requests,
              "request": min(requests.glob("*-open"), default=requests), "announcements": root / "announcements"}
    if kind == "nest":
        where, depth = arg
        nest(places[where], depth)
    elif kind == "replace":
        target, make = arg
        files = {"account.yaml": account, "unit.yaml": unit / "unit.yaml", "requests": account.parent / "requests",
                 "accounts": root / "accounts", "announcements": root / "announcements",
                 "governance": root / "policies" / "governance.yaml", "account": account.parent}
        _replace(files[target], make)
    elif kind == "name":
        where, name = arg
        parent = places[where]
        if parent.is_dir():
            raw = os.fsencode(parent) + b"/" + name
            os.mkdir(raw)
            with open(raw + b"/account.yaml", "wb") as fh:
                fh.write(b"name: x\n")


NAMES = st.sampled_from([b"\xff\xfe", b"a\nb", b"x" * 255, b"...", b"-", b"2026-01-01-open", b"\xe2\x80\xae",
                         b"A", b"a b", b".git", b"requests"])
OPS = st.one_of(
    st.tuples(st.just("nest"), st.tuples(st.sampled_from(["unit", "account", "requests", "request",
                                                          "announcements"]),
                                         st.sampled_from([1, 5, MAX_PARTS, 40, 1100]))),
    st.tuples(st.just("replace"), st.tuples(st.sampled_from(["account.yaml", "unit.yaml", "requests", "accounts",
                                                             "announcements", "governance", "account"]),
                                            st.sampled_from(["folder", "fifo", "loop", "outside", "dangling"]))),
    st.tuples(st.just("name"), st.tuples(st.sampled_from(["unit", "account", "requests", "request"]), NAMES)),
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(st.lists(OPS, min_size=1, max_size=3))
@example([("nest", ("unit", 1100))])
@example([("replace", ("requests", "loop"))])
@example([("replace", ("account.yaml", "fifo"))])
def test_hostile_trees(template: Path, ops: list[tuple[str, Any]]) -> None:
    with copy_of(template) as root:
        account = first_account(root)
        for op in ops:
            try:
                apply(root, op, account)
            except OSError:  # the op does not fit the tree an earlier op left (e.g. its folder is gone)
                continue
        check_in_process(root)


@pytest.mark.parametrize("where", ["unit", "request"])
def test_deep_nesting_through_the_cli(template: Path, where: str) -> None:
    """1,100 nested folders under a unit used to give a RecursionError; with the cache (scan and git scan) too."""
    with copy_of(template) as root:
        apply(root, ("nest", (where, 1100)), first_account(root))
        first = check_cli(root)
        assert first.returncode == 1 and "GM020" in first.stdout  # the stray folder is reported
        assert check_cli(root).stdout == first.stdout  # from the cache
        subprocess.run(["git", "init", "-q"], cwd=root, check=True)
        subprocess.run(["git", "add", "-A"], cwd=root, check=True)
        assert check_cli(root).stdout == first.stdout  # the cache's git scan
        assert check_cli(root, "--no-cache").stdout == first.stdout
