"""Oracle for incremental checks: a cached run always reports exactly what a fresh run reports.

``govmedia check`` keeps the findings of a run under ``$XDG_CACHE_HOME/govmedia``. An incremental
engine reloads only the unit folders that changed (and whatever they are connected to) and reuses the
cached findings of every other unit; the danger is a stale or a missing finding. Every case below:

1. builds a demo register and runs the cached check once (this fills the cache);
2. applies a mutation, then runs the cached check and an uncached check: the two lists of findings
   must be equal, in full (path, line, column, code, severity, zh, en) and in order;
3. applies the next mutation (often the revert) on top of a cache that itself came from step 2, and
   compares again.

Each step also says which findings the mutation must produce (``has``), must not produce (``lacks``),
or that the register is back to its starting findings (``baseline``), so that a mutation that stops
doing anything is noticed instead of passing vacuously. The uncached run is the truth; the cached run is
the one being judged. Guards against a vacuous oracle:

- ``test_a_stale_engine_is_caught``: every case fails against an engine that serves the previous run's
  findings, or drops one finding;
- ``test_a_per_unit_engine_is_caught``: the cross-unit cases fail against an engine that recomputes only
  the edited unit folders (no linked units, no announcements) — the bug this file exists for;
- ``test_the_incremental_path_is_exercised``: with GOVMEDIA_TRACE, each step inside accounts/ is really
  answered by an incremental run (others by a full run, unchanged reruns from the result cache).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govmedia.findings.finding import Finding
from govmedia.register.context import Context
from govmedia.run import engine

TODAY = date(2026, 6, 1)
Row = tuple[str, int, int, str, str, str, str]
Runner = Callable[[Path], list[Finding]]

pytestmark = pytest.mark.usefixtures("cache_home")  # tests/conftest.py


# -- the oracle ----------------------------------------------------------------------------------------

def cached_run(root: Path) -> list[Finding]:
    return engine.check_findings(Context(root=root, today=TODAY, cache=True))


PROCESS_SCRIPT = """
import json, sys
from datetime import date
from pathlib import Path
from govmedia.register import cache
cache.RACY_NS = 0
from govmedia.register.context import Context
from govmedia.run.engine import check_findings
found = check_findings(Context(root=Path(sys.argv[1]), today=date.fromisoformat(sys.argv[2]), cache=True))
json.dump([[f.path, f.line, f.column, f.code, f.severity, f.zh, f.en] for f in found], sys.stdout)
"""


def process_run(root: Path) -> list[Finding]:
    """The cached run in a new process, as pre-commit runs it: nothing survives in memory between runs."""
    done = subprocess.run([sys.executable, "-c", PROCESS_SCRIPT, str(root), TODAY.isoformat()],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return [Finding(*item) for item in json.loads(done.stdout)]


def fresh_run(root: Path) -> list[Finding]:
    return engine.check_findings(Context(root=root, today=TODAY, cache=False))


def rows(findings: Sequence[Finding]) -> list[Row]:
    return [(f.path, f.line, f.column, f.code, f.severity, f.zh, f.en) for f in findings]


def short(items: Sequence[Row]) -> list[str]:
    return [f"{r[0]}:{r[1]}:{r[2]}:{r[3]}" for r in items]


def judge(root: Path, label: str, run: Runner = cached_run) -> list[Row]:
    """Cached run vs uncached run, in full; returns the truth (the uncached findings)."""
    got = rows(run(root))
    truth = rows(fresh_run(root))
    if got != truth:
        missing = [r for r in truth if r not in got]
        stale = [r for r in got if r not in truth]
        raise AssertionError(
            f"{label}: the cached run differs from a fresh run\n"
            f"  missing (fresh run has them): {short(missing)}\n"
            f"  stale (only the cached run has them): {short(stale)}\n"
            f"  order or text differs: {not missing and not stale}")
    return truth


# -- the register under test, and edits in the register's YAML dialect ---------------------------------

@dataclass
class Reg:
    root: Path
    pristine: Path  # the untouched demo register (shared, read only): restores copy from here

    def p(self, rel: str) -> Path:
        return self.root / rel

    def read(self, rel: str) -> str:
        return self.p(rel).read_text(encoding="utf-8")

    def write(self, rel: str, text: str) -> None:
        self.p(rel).parent.mkdir(parents=True, exist_ok=True)
        self.p(rel).write_text(text, encoding="utf-8")

    def replace(self, rel: str, old: str, new: str, count: int = 1) -> None:
        text = self.read(rel)
        assert old in text, f"{old!r} not in {rel}"
        self.write(rel, text.replace(old, new, count))

    def get(self, rel: str, dotted: str) -> Any:
        data: Any = yaml.safe_load(self.read(rel))
        for part in dotted.split("."):
            data = data[part]
        return data

    def set(self, rel: str, dotted: str, value: Any) -> None:
        """Rewrite one scalar field (``a`` or ``a.b``) in place; JSON scalars are valid YAML flow scalars."""
        lines = self.read(rel).split("\n")
        parts = dotted.split(".")
        start = 0
        for depth, part in enumerate(parts):
            pattern = re.compile(rf"^{'  ' * depth}{re.escape(part)}:( |$)")
            for i in range(start, len(lines)):
                if depth and i > start and lines[i] and not lines[i].startswith("  " * depth):
                    raise AssertionError(f"{dotted} not in {rel}")
                if pattern.match(lines[i]):
                    start = i
                    break
            else:
                raise AssertionError(f"{dotted} not in {rel}")
        indent = "  " * (len(parts) - 1)
        lines[start] = f"{indent}{parts[-1]}: {json.dumps(value, ensure_ascii=False)}"
        self.write(rel, "\n".join(lines))

    def append_line(self, rel: str, line: str) -> None:
        text = self.read(rel)
        self.write(rel, text.rstrip("\n") + "\n" + line + "\n")

    def remove(self, rel: str) -> None:
        path = self.p(rel)
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()

    def copy(self, src: str, dst: str) -> None:
        if self.p(src).is_dir():
            shutil.copytree(self.p(src), self.p(dst))
        else:
            self.p(dst).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(self.p(src), self.p(dst))

    def move(self, src: str, dst: str) -> None:
        self.p(src).rename(self.p(dst))

    def restore(self, rel: str) -> None:
        """Put back the pristine file or folder (removing whatever is there now)."""
        if self.p(rel).exists():
            self.remove(rel)
        src = self.pristine / rel
        if src.is_dir():
            shutil.copytree(src, self.p(rel))
        else:
            self.p(rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, self.p(rel))


def acc(unit_account: str) -> str:
    return f"accounts/{unit_account}/account.yaml"


def unit(unit_id: str) -> str:
    return f"accounts/{unit_id}/unit.yaml"


GOV_WEIBO = "wangyi-gov-office/weibo"  # 王益发布, weibo 4399624266, active, opened by a full chain
GOV_WEIBO_OPEN = "accounts/wangyi-gov-office/weibo/requests/2025-03-27-open"
GOV_WEIBO_ANN = "announcements/2025-04-08-wangyi-gov-office-weibo-opening.md"
DEMO1_WEIBO = "demo-unit-00001/weibo"  # 示例一号发布, weibo 2941135088, active
DEMO1_WEIBO_OPEN = "accounts/demo-unit-00001/weibo/requests/2024-06-15-open"
HEALTH_WEIBO_CLOSE_ANN = "announcements/2024-12-09-wangyi-health-weibo-close.md"
EDU_WEIBO = "wangyi-education/weibo"  # 王益教育, weibo 2182726496, active


# -- the cases -----------------------------------------------------------------------------------------

Mutation = Callable[[Reg], None]


@dataclass(frozen=True)
class Step:
    do: Mutation
    has: tuple[str, ...] = ()  # "GM105" or "GM304@announcements/..." (code at a path prefix)
    lacks: tuple[str, ...] = ()
    baseline: bool = False  # the findings are exactly those before the first step
    outside: bool = False  # edits files outside accounts/ (a full run); else an incremental run may answer


@dataclass(frozen=True)
class Case:
    id: str
    steps: tuple[Step, ...]
    n: int = 40
    marks: tuple[Any, ...] = field(default=())


def present(truth: list[Row], spec: str) -> bool:
    code, _, where = spec.partition("@")
    return any(r[3] == code and r[0].startswith(where) for r in truth)


def _set(rel: str, dotted: str, value: Any) -> Mutation:
    return lambda r: r.set(rel, dotted, value)


def _restore(*rels: str) -> Mutation:
    def do(r: Reg) -> None:
        for rel in rels:
            r.restore(rel)
    return do


def _both(*mutations: Mutation) -> Mutation:
    def do(r: Reg) -> None:
        for m in mutations:
            m(r)
    return do


def _rename_unit_accounts(unit_id: str, name: str) -> Mutation:
    def do(r: Reg) -> None:
        for path in sorted(r.p(f"accounts/{unit_id}").glob("*/account.yaml")):
            r.set(path.relative_to(r.root).as_posix(), "name", name)
    return do


def _second_live_account(r: Reg) -> None:
    r.copy(f"accounts/{DEMO1_WEIBO}", "accounts/demo-unit-00001/weibo-2")
    r.set(acc("demo-unit-00001/weibo-2"), "platform_id", "2941135089")
    r.set(acc("demo-unit-00001/weibo-2"), "url", "https://weibo.com/u/2941135089")


def _new_unit(r: Reg) -> None:
    r.copy(unit("demo-unit-00005"), unit("wangyi-new-unit"))
    r.set(unit("wangyi-new-unit"), "name", "铜川市王益区新设示例中心")
    r.set(unit("wangyi-new-unit"), "short_name", "新设中心")
    r.copy("accounts/demo-unit-00005/bilibili", "accounts/wangyi-new-unit/bilibili")
    r.set(acc("wangyi-new-unit/bilibili"), "name", "王益新设中心")
    r.set(acc("wangyi-new-unit/bilibili"), "platform_id", "1255431399")
    r.set(acc("wangyi-new-unit/bilibili"), "url", "https://space.bilibili.com/1255431399")
    r.set(acc("wangyi-new-unit/bilibili"), "verification.subject", "铜川市王益区新设示例中心")


def _copy_unit_unchanged(r: Reg) -> None:  # a clone: every id and name now registered twice
    r.copy("accounts/wangyi-education", "accounts/wangyi-education-2")


def _write_codeowners(r: Reg) -> None:
    from govmedia.cli import main

    assert main(["codeowners", "--root", str(r.root)]) == 0


def _stray_files(r: Reg) -> None:
    r.write("accounts/README.txt", "本目录存放各单位账号。\n")
    r.write("accounts/wangyi-health/notes.txt", "待办\n")


def _approval_text(edit: Callable[[str], str], rel: str = f"{GOV_WEIBO_OPEN}/city_office.yaml") -> Mutation:
    return lambda r: r.write(rel, edit(r.read(rel)))


def _add_announcement(r: Reg) -> None:
    text = r.read(GOV_WEIBO_ANN).replace("wangyi-gov-office/weibo", "wangyi-gov-office/weibo-2")
    r.write("announcements/2026-05-30-wangyi-gov-office-weibo-2-opening.md", text)


def _symlink(rel: str, target: str) -> Mutation:
    def do(r: Reg) -> None:
        if r.p(rel).is_dir() and not r.p(rel).is_symlink():
            shutil.rmtree(r.p(rel))
        elif r.p(rel).exists() or r.p(rel).is_symlink():
            r.p(rel).unlink()
        r.p(rel).symlink_to(target)
    return do


def _mkdirs(*rels: str) -> Mutation:
    def do(r: Reg) -> None:
        for rel in rels:
            r.p(rel).mkdir()
    return do


def _hardlink(rel: str, target: str) -> Mutation:
    def do(r: Reg) -> None:
        r.p(rel).unlink()
        os.link(r.p(target), r.p(rel))
    return do


def _same_size_rename(rel: str, old: str, new: str) -> Mutation:
    """Same byte length, old mtime: only ctime and the content tell."""
    def do(r: Reg) -> None:
        path = r.p(rel)
        before = path.stat()
        text = path.read_text(encoding="utf-8")
        edited = text.replace(old, new)
        assert edited != text and len(edited.encode()) == len(text.encode())
        with open(path, "r+b") as f:  # in place: a hard link's other name sees the edit too
            f.write(edited.encode())
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    return do


CASES: list[Case] = [
    # 1. exact name of another unit's account (王益发布), then back; then the victim renames instead
    Case("name-equals-other-unit", (
        Step(_set(acc(DEMO1_WEIBO), "name", "王益发布"), has=("GM105",)),
        Step(_restore(acc(DEMO1_WEIBO)), baseline=True),
    )),
    Case("name-equals-other-unit-then-victim-renames", (
        Step(_set(acc(DEMO1_WEIBO), "name", "王益发布"), has=("GM105",)),
        Step(_rename_unit_accounts("wangyi-gov-office", "王益政务服务"), lacks=("GM105@accounts/demo-unit-00001",)),
    )),
    Case("name-equals-other-unit-n60", (
        Step(_set(acc("huangbao-town/douyin"), "name", "健康王益"), has=("GM105",)),
        Step(_set(acc("huangbao-town/douyin"), "name", "黄堡镇发布"), baseline=True),
    ), n=60),
    # 2. look-alikes: traditional characters, full-width letters, Cyrillic і; containment
    Case("lookalike-traditional", (
        Step(_set(acc(DEMO1_WEIBO), "name", "王益發佈"), has=("GM105",)),
        Step(_set(acc(DEMO1_WEIBO), "name", "示例一号发布"), baseline=True),
    )),
    Case("lookalike-fullwidth", (
        Step(_set(acc("demo-unit-00002/douyin"), "name", "ｉ王益"), has=("GM105",)),
        Step(_restore(acc("demo-unit-00002/douyin")), baseline=True),
    )),
    Case("lookalike-cyrillic-i", (
        Step(_set(acc("demo-unit-00002/douyin"), "name", "\u0456王益"), has=("GM105",)),
        Step(_set(acc("demo-unit-00002/douyin"), "name", "i王益"), has=("GM105",)),
    )),
    Case("name-contains-other-unit-name", (
        Step(_set(acc("demo-unit-00003/kuaishou"), "name", "健康王益生活"), has=("GM105",)),
        Step(_rename_unit_accounts("wangyi-health", "王益卫健"), lacks=("GM105@accounts/demo-unit-00003",)),
    )),
    # 3. platform_id / url equal to another unit's account on the same platform, then the OTHER unit moves
    Case("duplicate-platform-id", (
        Step(_set(acc(DEMO1_WEIBO), "platform_id", "4399624266"), has=("GM101",)),
        Step(_both(_set(acc(GOV_WEIBO), "platform_id", "4399624277"),
                   _set(acc(GOV_WEIBO), "url", "https://weibo.com/u/4399624277")), lacks=("GM101",)),
    )),
    Case("duplicate-url", (
        Step(_set(acc(DEMO1_WEIBO), "url", "https://weibo.com/u/4399624266"), has=("GM101",)),
        Step(_both(_set(acc(GOV_WEIBO), "platform_id", "4399624277"),
                   _set(acc(GOV_WEIBO), "url", "https://weibo.com/u/4399624277")), lacks=("GM101",)),
    )),
    Case("duplicate-platform-id-then-other-file-breaks", (  # B's broken file must clear A's GM101
        Step(_set(acc(DEMO1_WEIBO), "platform_id", "4399624266"), has=("GM101@accounts/demo-unit-00001",)),
        Step(lambda r: r.append_line(acc(GOV_WEIBO), "name: 王益发布"),
             has=(f"GM003@{acc(GOV_WEIBO)}",), lacks=("GM101@accounts/demo-unit-00001",)),
        Step(_restore(acc(GOV_WEIBO)), has=("GM101@accounts/demo-unit-00001", "GM101@accounts/wangyi-gov-office")),
    )),
    Case("duplicate-platform-id-then-revert-n60", (
        Step(_set(acc("demo-unit-00004/bilibili"), "platform_id", "4830556611"), has=("GM101",)),
        Step(_restore(acc("demo-unit-00004/bilibili")), baseline=True),
    ), n=60),
    # 4. a second live account of one unit on the same platform
    Case("second-live-account", (
        Step(_second_live_account, has=("GM102",)),
        Step(_restore("accounts/demo-unit-00001"), baseline=True),
    )),
    Case("second-live-account-then-closed", (
        Step(_second_live_account, has=("GM102",)),
        Step(_set(acc("demo-unit-00001/weibo-2"), "status", "closed"), lacks=("GM102",)),
    )),
    # 5. a unit's own name (verification subject GM104, ownership GM105); its reviewers
    Case("unit-renamed", (
        Step(_set(unit("demo-unit-00002"), "name", "铜川市王益区示例单位二十号"), has=("GM104",)),
        Step(_restore(unit("demo-unit-00002")), baseline=True),
    )),
    Case("unit-takes-another-units-name", (
        Step(_set(unit("demo-unit-00002"), "name", "铜川市王益区人民政府办公室"), has=("GM104",)),
        Step(_set(unit("wangyi-gov-office"), "name", "铜川市王益区示例单位二号"), has=("GM104",)),
    )),
    Case("unit-yaml-broken", (
        Step(lambda r: r.write(unit("demo-unit-00003"), "name: [\n"), has=(f"GM002@{unit('demo-unit-00003')}",)),
        Step(_restore(unit("demo-unit-00003")), baseline=True),
    )),
    Case("account-folder-renamed", (
        Step(lambda r: r.move("accounts/wangyi-health/wechat-official", "accounts/wangyi-health/wechat-old"),
             has=("GM304@announcements/2024-11-22-wangyi-health-wechat-official-opening.md",)),
        Step(lambda r: r.move("accounts/wangyi-health/wechat-old", "accounts/wangyi-health/wechat-official"),
             baseline=True),
    )),
    Case("unit-reviewers", (
        Step(lambda r: r.replace(unit("wangyi-health"), "'@wangyi-gov/wangyi-health'", "'@wangyi-gov/someone-else'")),
        Step(lambda r: r.replace(unit("wangyi-health"), "reviewers:", "reviewers: []\nx_reviewers:"), has=("GM010",)),
    )),
    Case("codeowners-follows-reviewers", (  # GM604 on .github/CODEOWNERS depends on every unit's reviewers
        Step(_write_codeowners, lacks=("GM604",), outside=True),
        Step(lambda r: r.replace(unit("wangyi-health"), "'@wangyi-gov/wangyi-health'", "'@wangyi-gov/someone-else'"),
             has=("GM604@.github/CODEOWNERS",)),
        Step(_restore(unit("wangyi-health")), baseline=True),
    )),
    # 6. delete what an announcement names; restore; delete a whole unit
    Case("delete-announced-account", (
        Step(lambda r: r.remove("accounts/wangyi-health/weibo"), has=(f"GM304@{HEALTH_WEIBO_CLOSE_ANN}",)),
        Step(_restore("accounts/wangyi-health/weibo"), baseline=True),
    )),
    Case("delete-whole-unit", (
        Step(lambda r: r.remove("accounts/wangyi-education"), has=("GM304@announcements/",)),
        Step(lambda r: r.remove("accounts/demo-unit-00001"), has=("GM304@announcements/",)),
    )),
    # 7. a new unit; a unit folder with an invalid name; stray files
    Case("new-unit", (
        Step(_new_unit, has=("GM301@accounts/wangyi-new-unit",)),
        Step(_set(acc("wangyi-new-unit/bilibili"), "name", "王益文旅"), has=("GM105",)),
    )),
    Case("clone-of-a-unit", (
        Step(_copy_unit_unchanged, has=("GM101",)),
        Step(lambda r: r.remove("accounts/wangyi-education-2"), baseline=True),
    )),
    Case("invalid-unit-folder-name", (
        Step(lambda r: r.copy("accounts/demo-unit-00005", "accounts/Demo_Unit 6"), has=("GM020",)),
        Step(lambda r: r.remove("accounts/Demo_Unit 6"), baseline=True),
    )),
    Case("stray-files", (
        Step(_stray_files, has=("GM020@accounts/README.txt", "GM020@accounts/wangyi-health/notes.txt")),
        Step(lambda r: r.remove("accounts/README.txt"), lacks=("GM020@accounts/README.txt",),
             has=("GM020@accounts/wangyi-health/notes.txt",)),
    )),
    # the file system as an attacker uses it: links and empty folders
    Case("symlinked-account-file", (
        Step(_symlink(acc(DEMO1_WEIBO), "../../wangyi-gov-office/weibo/account.yaml"), has=("GM020",)),
        Step(_set(acc(GOV_WEIBO), "name", "王益发布厅")),
        Step(_restore(acc(DEMO1_WEIBO), acc(GOV_WEIBO)), baseline=True),
    )),
    Case("symlinked-unit-folder", (
        Step(_symlink("accounts/demo-unit-00009", "demo-unit-00001"), has=("GM020",)),
        Step(_set(acc(DEMO1_WEIBO), "name", "王益发布")),
        Step(lambda r: r.p("accounts/demo-unit-00009").unlink()),
    )),
    Case("hardlinked-account-file", (
        Step(_hardlink(acc(DEMO1_WEIBO), acc(GOV_WEIBO)), has=("GM101",)),
        Step(_same_size_rename(acc(GOV_WEIBO), "name: 王益发布", "name: 王益公布")),
        Step(_same_size_rename(acc(DEMO1_WEIBO), "name: 王益公布", "name: 王益发布")),
    )),
    Case("empty-folders", (
        Step(_mkdirs("accounts/wangyi-health/empty", "accounts/empty-unit")),
        Step(lambda r: r.write("accounts/wangyi-health/empty/account.yaml", r.read(acc("wangyi-health/weibo")))),
        Step(_both(lambda r: r.remove("accounts/wangyi-health/empty"), lambda r: r.remove("accounts/empty-unit")),
             baseline=True),
    )),
    Case("accounts-folder-gone", (
        Step(lambda r: r.remove("accounts"), has=("GM304",)),
        # the top folder itself becomes a file, then a folder again: a full run
        Step(lambda r: r.write("accounts", "not a folder\n"), has=("GM304",), outside=True),
        Step(_restore("accounts"), baseline=True, outside=True),
    )),
    Case("transitive-containment", (  # 健康王益 ⊂ 健康王益生活 ⊂ 健康王益生活服务, in three units
        Step(_set(acc("demo-unit-00003/kuaishou"), "name", "健康王益生活"), has=("GM105@accounts/demo-unit-00003",)),
        Step(_set(acc("demo-unit-00004/kuaishou"), "name", "健康王益生活服务"), has=("GM105@accounts/demo-unit-00004",)),
        Step(_rename_unit_accounts("wangyi-health", "王益卫健"), has=("GM105@accounts/demo-unit-00004",),
             lacks=("GM105@accounts/demo-unit-00003",)),
        Step(_set(acc("demo-unit-00003/kuaishou"), "name", "示例三号发布"), lacks=("GM105",)),
    )),
    # 8. broken approvals: YAML dialect, deletion, dates
    Case("approval-duplicate-key", (
        Step(_approval_text(lambda t: t + "decision: rejected\n"), has=("GM003",)),
        Step(_restore(f"{GOV_WEIBO_OPEN}/city_office.yaml"), baseline=True),
    )),
    Case("approval-tab", (
        Step(_approval_text(lambda t: t.replace("  name:", "\tname:", 1)), has=("GM002",)),
        Step(_approval_text(lambda t: t.replace("\tname:", "  name:", 1)), baseline=True),
    )),
    Case("approval-anchor", (
        Step(_approval_text(lambda t: t.replace("decision: approved", "decision: &d approved")), has=("GM004",)),
        Step(_approval_text(lambda t: t + "x: *d\n"), has=("GM004",)),
    )),
    Case("approval-deleted", (
        Step(lambda r: r.remove(f"{GOV_WEIBO_OPEN}/district_office.yaml"), has=("GM201",)),
        Step(_restore(f"{GOV_WEIBO_OPEN}/district_office.yaml"), baseline=True),
    )),
    Case("approval-before-request", (
        Step(_set(f"{DEMO1_WEIBO_OPEN}/unit_head.yaml", "decided_on", "2024-06-01"), has=("GM203",)),
        Step(_set(f"{DEMO1_WEIBO_OPEN}/unit_head.yaml", "decided_on", "2099-01-01"), has=("GM203",)),
        Step(_restore(f"{DEMO1_WEIBO_OPEN}/unit_head.yaml"), baseline=True),
    )),
    # 9. banned content in a public text, then removed
    Case("banned-365bet", (
        Step(_set(acc(EDU_WEIBO), "positioning", "发布教育信息。更多优惠请访问365bet。"), has=("GM501",)),
        Step(_restore(acc(EDU_WEIBO)), baseline=True),
    )),
    Case("banned-gambling-text", (
        Step(_set(acc(EDU_WEIBO), "positioning", "每日提供澳門 葡京博彩推荐，信誉保证。"), has=("GM501",)),
        Step(_set(acc(EDU_WEIBO), "positioning", "发布教育信息，回应群众关切。"), baseline=True),
    )),
    # 10. an account closes; its opening loses the final approval or gets it after the announcement
    Case("status-closed", (
        Step(_set(acc(GOV_WEIBO), "status", "closed"), has=("GM202",)),
        Step(_restore(acc(GOV_WEIBO)), baseline=True),
    )),
    Case("final-approval-deleted", (
        Step(lambda r: r.remove(f"{GOV_WEIBO_OPEN}/province_office.yaml"), has=("GM202",)),
        Step(_restore(f"{GOV_WEIBO_OPEN}/province_office.yaml"), baseline=True),
    )),
    Case("final-approval-after-announcement", (
        Step(_set(f"{GOV_WEIBO_OPEN}/province_office.yaml", "decided_on", "2025-04-20"),
             has=(f"GM303@{GOV_WEIBO_ANN}",)),
        Step(_set(f"{GOV_WEIBO_OPEN}/province_office.yaml", "decided_on", "2025-04-07"),
             lacks=("GM303",)),
    )),
    # 11. outside accounts/: announcements, governance, banned terms (a full run; the oracle still holds)
    Case("announcement-accounts-list", (
        Step(lambda r: r.replace(HEALTH_WEIBO_CLOSE_ANN, "- wangyi-health/weibo", "- wangyi-health/weibo-old"),
             has=(f"GM304@{HEALTH_WEIBO_CLOSE_ANN}",), outside=True),
        Step(_restore(HEALTH_WEIBO_CLOSE_ANN), baseline=True, outside=True),
    )),
    Case("announcement-added-then-account-appears", (
        Step(_add_announcement, has=("GM304@announcements/2026-05-30",), outside=True),
        Step(lambda r: r.copy("accounts/wangyi-gov-office/weibo", "accounts/wangyi-gov-office/weibo-2"),
             lacks=("GM304@announcements/2026-05-30",), has=("GM101", "GM102")),
    )),
    Case("governance-min-days", (
        Step(lambda r: r.replace("policies/governance.yaml", "announcement_min_days: 30", "announcement_min_days: 400"),
             has=("GM302",), outside=True),
        Step(_restore("policies/governance.yaml"), baseline=True, outside=True),
    )),
    Case("banned-terms-list", (
        Step(lambda r: r.append_line("policies/banned-terms.txt", "[term]\n王益教育"), has=("GM501@accounts/wangyi-education",), outside=True),
        Step(_restore("policies/banned-terms.txt"), baseline=True, outside=True),
    )),
    Case("banned-terms-list-then-account-edit", (
        Step(lambda r: r.append_line("policies/banned-terms.txt", "[term]\n回应群众关切"), has=("GM501",), outside=True),
        Step(_set(acc(EDU_WEIBO), "positioning", "发布教育信息。"), has=("GM501",),
             lacks=(f"GM501@{acc(EDU_WEIBO)}",)),
    )),
    # 12. two units at once; a unit folder renamed
    Case("two-units-at-once", (
        Step(_both(_set(acc(DEMO1_WEIBO), "name", "王益教育"),
                   _set(acc("wangyi-market-regulation/wechat-official"), "positioning", "365bet 官方合作")),
             has=("GM105", "GM501")),
        Step(_both(_restore(acc(DEMO1_WEIBO)), _rename_unit_accounts("wangyi-education", "王益教育发布")),
             has=("GM501",)),
    )),
    Case("unit-folder-renamed", (
        Step(lambda r: r.move("accounts/wangyi-education", "accounts/wangyi-edu"), has=("GM304@announcements/",)),
        Step(lambda r: r.move("accounts/wangyi-edu", "accounts/wangyi-education"), baseline=True),
    )),
    Case("unit-folder-swapped-names", (
        Step(_both(lambda r: r.move("accounts/demo-unit-00001", "accounts/tmp-unit"),
                   lambda r: r.move("accounts/demo-unit-00002", "accounts/demo-unit-00001"),
                   lambda r: r.move("accounts/tmp-unit", "accounts/demo-unit-00002")), has=("GM304",)),
        Step(_both(_restore("accounts/demo-unit-00001"), _restore("accounts/demo-unit-00002")), baseline=True),
    )),
]


@pytest.fixture
def reg_for(make_register: Callable[..., Path],
            demo_cache: Callable[[int, date], Path]) -> Callable[[int, str], Reg]:
    def make(n: int, name: str = "reg") -> Reg:
        return Reg(make_register(n=n, today=TODAY, name=name), demo_cache(n, TODAY))
    return make


def play(reg: Reg, case: Case, run: Runner = cached_run) -> None:
    start = judge(reg.root, f"{case.id} before any mutation", run)
    for i, step in enumerate(case.steps, 1):
        step.do(reg)
        label = f"{case.id} step {i}"
        truth = judge(reg.root, label, run)
        for spec in step.has:
            assert present(truth, spec), f"{label}: the mutation no longer produces {spec}: {short(truth)}"
        for spec in step.lacks:
            assert not present(truth, spec), f"{label}: expected no {spec}: {short(truth)}"
        if step.baseline:
            assert truth == start, f"{label}: not back to the starting findings: {short(truth)}"
        judge(reg.root, f"{label}, run again", run)  # the warm path over an incremental run's cache


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id, marks=c.marks) for c in CASES])
def test_cached_equals_fresh(case: Case, reg_for: Callable[[int, str], Reg]) -> None:
    play(reg_for(case.n, "reg"), case)


def traced(modes: list[str]) -> Runner:
    """The cached run, recording the GOVMEDIA_TRACE line(s) it prints (mode=full/incremental/cached)."""
    def run(root: Path) -> list[Finding]:
        buf = io.StringIO()
        with contextlib.redirect_stderr(buf):
            found = cached_run(root)
        modes.extend(re.findall(r"^govmedia: mode=(\w+)", buf.getvalue(), flags=re.MULTILINE))
        return found
    return run


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CASES])
def test_the_incremental_path_is_exercised(case: Case, reg_for: Callable[[int, str], Reg],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """The oracle judges incremental runs, not full runs in disguise: each step confined to accounts/ is
    answered incrementally, each other step by a full run, and each unchanged rerun from the result cache."""
    monkeypatch.setenv("GOVMEDIA_TRACE", "1")
    modes: list[str] = []
    play(reg_for(case.n, "reg"), case, traced(modes))
    if not modes:
        pytest.skip("this engine does not print GOVMEDIA_TRACE lines")
    expected = ["full"]
    for step in case.steps:
        expected += ["full" if step.outside else "incremental", "cached"]
    assert modes == expected


IN_NEW_PROCESSES = ("name-equals-other-unit-then-victim-renames", "duplicate-platform-id",
                    "delete-announced-account", "final-approval-after-announcement", "codeowners-follows-reviewers")


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CASES if c.id in IN_NEW_PROCESSES])
def test_cached_equals_fresh_across_processes(case: Case, reg_for: Callable[[int, str], Reg]) -> None:
    """The same oracle with every cached run in its own process (no in-memory state helps or hides)."""
    play(reg_for(case.n, "reg"), case, process_run)


# -- every case can fail: engines that serve stale or incomplete findings are caught ---------------------

def stale_engine() -> Runner:
    """Answers every cached run with the findings of the run before (a cache that never notices)."""
    previous: dict[Path, list[Finding]] = {}

    def run(root: Path) -> list[Finding]:
        now = cached_run(root)
        answer = previous.get(root, now)
        previous[root] = now
        return answer
    return run


def dropping_engine(root: Path) -> list[Finding]:
    """Loses the last finding of every cached run that has any (a unit whose findings were not merged)."""
    return cached_run(root)[:-1]


def per_unit_engine() -> Runner:
    """The bug this oracle exists for: after an edit confined to some unit folders, recompute only the
    findings in those folders and keep every other cached finding (no connected units, no announcements)."""
    memory: dict[Path, tuple[dict[str, bytes], list[Finding]]] = {}

    def in_units(path: str, units: set[str]) -> bool:
        return path.startswith("accounts/") and path.split("/")[1] in units

    def run(root: Path) -> list[Finding]:
        files = {p.relative_to(root).as_posix(): p.read_bytes() for top in ("accounts", "announcements", "policies")
                 for p in (root / top).rglob("*") if p.is_file()}
        now = cached_run(root)
        answer = now
        if root in memory:
            old_files, old_findings = memory[root]
            changed = {k for k in files.keys() | old_files.keys() if files.get(k) != old_files.get(k)}
            if all(k.startswith("accounts/") for k in changed):
                units = {k.split("/")[1] for k in changed}
                answer = sorted([f for f in old_findings if not in_units(f.path, units)]
                                + [f for f in now if in_units(f.path, units)], key=lambda f: f.sort_key)
        memory[root] = (files, answer)
        return answer
    return run


# Cases whose findings land outside the unit folders that were edited: a per-unit engine fails them.
CROSS_UNIT = ("name-equals-other-unit", "name-equals-other-unit-then-victim-renames", "name-equals-other-unit-n60",
              "lookalike-cyrillic-i", "name-contains-other-unit-name", "duplicate-platform-id", "duplicate-url",
              "duplicate-platform-id-then-other-file-breaks", "duplicate-platform-id-then-revert-n60",
              "clone-of-a-unit", "announcement-added-then-account-appears", "codeowners-follows-reviewers", "delete-announced-account",
              "delete-whole-unit", "new-unit", "account-folder-renamed", "approval-deleted", "final-approval-deleted",
              "final-approval-after-announcement", "two-units-at-once", "unit-folder-renamed",
              "unit-folder-swapped-names", "accounts-folder-gone", "empty-folders", "hardlinked-account-file",
              "symlinked-unit-folder", "transitive-containment")


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CASES if c.id in CROSS_UNIT])
def test_a_per_unit_engine_is_caught(case: Case, reg_for: Callable[[int, str], Reg]) -> None:
    with pytest.raises(AssertionError, match="differs from a fresh run"):
        play(reg_for(case.n, "per-unit"), case, per_unit_engine())


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CASES])
def test_a_stale_engine_is_caught(case: Case, reg_for: Callable[[int, str], Reg]) -> None:
    """Every case fails against a broken engine: no case passes vacuously."""
    for mutant, run in (("stale", stale_engine()), ("drops-one", dropping_engine)):
        with pytest.raises(AssertionError, match="differs from a fresh run"):
            play(reg_for(case.n, mutant), case, run)


# -- a random field of a random account takes another account's value ------------------------------------

FIELDS = ("name", "platform", "platform_id", "url", "status", "opened_on", "positioning",
          "verification.subject", "verification.verified", "undertaking.kind", "operations.update_cycle_days")


UNIT_FIELDS = ("name", "short_name", "kind")


@settings(max_examples=15, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_random_field_swap(data: st.DataObject, make_register: Callable[..., Path], tmp_path: Path) -> None:
    """One or two edits in a row (each on a cache left by the edit before), then all reverted: a field of
    an account (or of a unit.yaml) takes the value another account (unit) has for that field."""
    root = tmp_path / "hyp"
    if not root.exists():  # one register per test; its cache lives on across the examples
        make_register(n=40, today=TODAY, name="hyp")
    reg = Reg(root, root)
    start = judge(root, "start")
    accounts = sorted(p.relative_to(root).as_posix() for p in root.glob("accounts/*/*/account.yaml"))
    units = sorted(p.relative_to(root).as_posix() for p in root.glob("accounts/*/unit.yaml"))
    originals: dict[str, str] = {}
    try:
        for _ in range(data.draw(st.integers(1, 2), label="edits")):
            files, fields = (units, UNIT_FIELDS) if data.draw(st.integers(0, 4), label="kind") == 0 else (accounts, FIELDS)
            target = data.draw(st.sampled_from(files), label="target")
            source = data.draw(st.sampled_from([f for f in files if f != target]), label="source")
            name = data.draw(st.sampled_from([f for f in fields if _has(reg, target, f) and _has(reg, source, f)]),
                             label="field")
            originals.setdefault(target, reg.read(target))
            value = reg.get(source, name)
            reg.set(target, name, value)
            judge(root, f"{target}: {name} := {value!r} (from {source})")
    finally:
        for target, text in originals.items():
            reg.write(target, text)
    assert judge(root, "reverted") == start


def _has(reg: Reg, rel: str, dotted: str) -> bool:
    try:
        value = reg.get(rel, dotted)
    except (KeyError, TypeError):
        return False
    return not isinstance(value, (dict, list))


# -- the current cache (no incremental engine yet) is never stale in these situations --------------------

def test_current_result_cache_is_used_and_never_stale(reg_for: Callable[[int, str], Reg],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """An unchanged register is answered from the result cache; a revert to old bytes is re-checked."""
    reg = reg_for(40, "reg")
    start = judge(reg.root, "start")
    calls: list[Path] = []
    original = engine.check

    def counting(ctx: Context, *args: Any, **kwargs: Any) -> Any:
        calls.append(ctx.root)
        return original(ctx, *args, **kwargs)

    monkeypatch.setattr(engine, "check", counting)
    assert rows(cached_run(reg.root)) == start and calls == []  # served from the result cache
    reg.set(acc(DEMO1_WEIBO), "name", "王益发布")
    mutated = judge(reg.root, "impersonation")
    assert mutated != start
    reg.restore(acc(DEMO1_WEIBO))
    assert judge(reg.root, "revert") == start


def test_current_cache_sees_a_hidden_edit_in_another_unit(reg_for: Callable[[int, str], Reg]) -> None:
    """A same-size edit with the old mtime, in the unit that is impersonated, still changes the findings."""
    reg = reg_for(40, "reg")
    judge(reg.root, "start")
    reg.set(acc(DEMO1_WEIBO), "name", "王益发布")
    assert present(judge(reg.root, "impersonation"), "GM105")
    path = reg.p(acc(GOV_WEIBO))
    st_before = path.stat()
    text = path.read_text(encoding="utf-8")
    edited = text.replace("name: 王益发布", "name: 王益公布")  # same byte length
    assert len(edited.encode()) == len(text.encode())
    path.write_text(edited, encoding="utf-8")
    os.utime(path, ns=(st_before.st_atime_ns, st_before.st_mtime_ns))
    judge(reg.root, "victim renamed, mtime hidden")


def test_current_clean_memo_follows_the_term_list(reg_for: Callable[[int, str], Reg]) -> None:
    """Texts remembered as clean are scanned again when policies/banned-terms.txt gains a term."""
    reg = reg_for(40, "reg")
    judge(reg.root, "start")
    judge(reg.root, "warm")
    reg.append_line("policies/banned-terms.txt", "[term]\n便民服务")
    assert present(judge(reg.root, "new term"), "GM501@accounts/")
    reg.restore("policies/banned-terms.txt")
    assert not present(judge(reg.root, "term removed"), "GM501")


# -- the trace hook for the incremental engine ----------------------------------------------------------

def test_another_day(reg_for: Callable[[int, str], Reg]) -> None:
    """The date is part of every finding that counts days: a run on another day never reuses old findings."""
    reg = reg_for(40, "reg")
    later = date(2027, 6, 1)
    judge(reg.root, "start")
    reg.set(acc(EDU_WEIBO), "name", "王益发布")
    got = rows(engine.check_findings(Context(root=reg.root, today=later, cache=True)))
    assert got == rows(engine.check_findings(Context(root=reg.root, today=later, cache=False)))
    reg.restore(acc(EDU_WEIBO))
    judge(reg.root, "back to the first day, reverted")


def _cli(root: Path, home: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_CACHE_HOME": str(home), "GOVMEDIA_TRACE": "1"}
    return subprocess.run([sys.executable, "-m", "govmedia", "check", "--root", str(root),
                           "--today", TODAY.isoformat(), *extra],
                          env=env, capture_output=True, text=True, timeout=120, check=False)


def _modes(stderr: str) -> list[str]:
    return re.findall(r"^govmedia: mode=(\w+)", stderr, flags=re.MULTILINE)


def test_trace_reports_an_incremental_run(reg_for: Callable[[int, str], Reg], cache_home: Path) -> None:
    reg = reg_for(40, "reg")
    first = _cli(reg.root, cache_home)
    assert _modes(first.stderr) == ["full"], first.stderr
    assert _modes(_cli(reg.root, cache_home).stderr) == ["cached"]
    reg.set(acc(EDU_WEIBO), "positioning", "发布区教育局政务信息，回应群众关切。")
    edited = _cli(reg.root, cache_home)
    match = re.search(r"^govmedia: mode=incremental\b.* units=(\d+)\b", edited.stderr, flags=re.MULTILINE)
    assert match is not None, edited.stderr
    assert 1 <= int(match.group(1)) < 13  # the edited unit (and its connections), not all 13
    assert edited.stdout == _cli(reg.root, cache_home, "--no-cache").stdout
