"""Benchmarks of docs/performance.md: prints medians and ratios as a table. Not a test: run it by hand.

    .venv/bin/python benchmarks/run.py                   # 1,000 and 10,000 accounts
    .venv/bin/python benchmarks/run.py --sizes 1000 10000 100000 --repeat 3 --site

For each size it generates a register with `govmedia demo`, then measures, each --repeat times:
  cold      govmedia check --no-cache (every file parsed, validated and checked)
  cjs       check-jsonschema validating the same documents against schemas/json (schema only, no rules):
            every YAML file, and each announcement's front matter; every one must pass, or the run stops
  warm      govmedia check with the cache, nothing changed
  one-file  govmedia check <one changed file> with the cache (what the pre-commit hook runs)
  pre-commit  a real `pre-commit run --files <file>` with the repo's govmedia-check hook
  merge request  govmedia check --no-cache --base HEAD with one changed file (what CI runs on a merge request)
  site      mkdocs build (with --site), and the peak memory of its whole process tree (workers included, PSS)
and prints medians, the ratio check-jsonschema / cold, and whether each target of docs/performance.md is met.
One untimed cold run comes first: every measurement then finds the register's files in the page cache.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

TODAY = "2026-06-01"
BIN = Path(sys.executable).parent
REPO = Path(__file__).resolve().parents[1]
TARGETS = {  # (size, measurement) -> seconds
    (10_000, "cold"): 15.0,
    (10_000, "warm"): 1.0,
    (10_000, "pre-commit"): 1.5,
    (10_000, "site"): 60.0,
    (100_000, "site"): 600.0,
}
SITE_MEMORY_MB = {100_000: 2048}



def shipped_hook() -> str:
    """A local copy of the govmedia-check hook of .pre-commit-hooks.yaml, dated like every measurement."""
    (hook,) = [h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
               if h["id"] == "govmedia-check"]
    hook = {**hook, "entry": f"{hook['entry']} --today {TODAY}", "language": "system"}
    return yaml.safe_dump({"repos": [{"repo": "local", "hooks": [hook]}]}, allow_unicode=True, sort_keys=False)

def tree_pss_kb(pid: int) -> int:
    """Memory (KB) of ``pid`` and all its descendants now, as proportional set size: a page that forked
    workers share with their parent counts once, split between them, not once per process as RSS would."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as f:
                    ppid = int(f.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/smaps_rollup", "rb") as f:
                total += next(int(line.split()[1]) for line in f if line.startswith(b"Pss:"))
        except (OSError, IndexError, ValueError, StopIteration):
            pass
        todo.extend(children.get(current, ()))
    return total


def timed(cmd: list[str], cwd: Path, env: dict[str, str], ok: tuple[int, ...] = (0,),
          sample: bool = False) -> tuple[float, int]:
    """Wall time and, with ``sample``, the peak memory (KB, proportional set size) of the command's whole
    process tree, sampled every 0.1 s. The demo registers are clean, so every command must succeed (exit 0), or the
    figure is worthless."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = 0
    if sample:
        import threading

        def watch() -> None:
            nonlocal peak
            while proc.poll() is None:
                peak = max(peak, tree_pss_kb(proc.pid))
                time.sleep(0.1)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
    out, err = proc.communicate()
    elapsed = time.perf_counter() - start
    if sample:
        watcher.join()
    if proc.returncode not in ok:
        said = (out + err).decode("utf-8", "replace")[-3000:]
        raise SystemExit(f"{' '.join(cmd[:4])} … failed ({proc.returncode}): {said}")
    return elapsed, peak


def median(cmd: list[str], cwd: Path, env: dict[str, str], repeat: int, before: object = None) -> float:
    times = []
    for _ in range(repeat):
        if callable(before):
            before()
        times.append(timed(cmd, cwd, env)[0])
    return statistics.median(times)


def cjs_files(root: Path, scratch: Path) -> list[tuple[str, list[str]]]:
    """Every document of the register by kind, as paths check-jsonschema can read: the YAML files, and each
    announcement's front matter copied into ``scratch`` (check-jsonschema does not read Markdown)."""
    groups: dict[str, list[str]] = {"governance": ["policies/governance.yaml"], "unit": [], "account": [],
                                    "request": [], "approval": [], "announcement": []}
    kinds = {"unit.yaml": "unit", "account.yaml": "account", "request.yaml": "request"}
    for path in sorted((root / "accounts").rglob("*.yaml")):
        groups[kinds.get(path.name, "approval")].append(str(path.relative_to(root)))
    scratch.mkdir(parents=True, exist_ok=True)
    for path in sorted((root / "announcements").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        front = text.split("---\n", 2)[1] if text.startswith("---\n") else ""
        target = scratch / f"{path.stem}.yaml"
        target.write_text(front, encoding="utf-8")
        groups["announcement"].append(str(target))
    return [(kind, files) for kind, files in groups.items() if files]


def run_cjs(root: Path, env: dict[str, str], scratch: Path) -> float:
    """check-jsonschema over every document; it must accept every one (the demo register is valid, so a
    refusal is a schema that disagrees with the models, and the comparison would be meaningless)."""
    total = 0.0
    for kind, files in cjs_files(root, scratch):
        schema = root / "schemas" / "json" / f"{kind}.schema.json"
        for i in range(0, len(files), 5000):  # stay under the argument-length limit
            cmd = [str(BIN / "check-jsonschema"), "--schemafile", str(schema), *files[i:i + 5000]]
            total += timed(cmd, root, env)[0]
    return total


def report(rows: list[tuple[Any, ...]]) -> None:
    """The table of figures, the targets met or not, and the growth between sizes."""
    print()
    print("| accounts | files | cold check | check-jsonschema | ratio | warm | one file | pre-commit | merge request "
          "| mkdocs build |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size, files, cold, cjs, warm, one, pc, mr, site, peak in rows:
        ratio = cjs / cold if cold else float("nan")
        site_s = f"{site:.1f} s ({peak / 1024:.0f} MB)" if site == site else "—"
        print(f"| {size:,} | {files:,} | {cold:.2f} s | {cjs:.1f} s | {ratio:.1f}× | {warm:.2f} s | {one:.2f} s "
              f"| {pc:.2f} s | {mr:.2f} s | {site_s} |")
    print()
    for size, _files, cold, cjs, warm, _one, pc, _mr, site, peak in rows:
        measured = {"cold": cold, "warm": warm, "pre-commit": pc, "site": site}
        for (tsize, name), limit in TARGETS.items():
            if tsize == size and measured[name] == measured[name]:
                verdict = "met" if measured[name] < limit else "NOT met"
                print(f"target {name} at {size:,} accounts < {limit:g} s: {measured[name]:.2f} s — {verdict}")
        if size in SITE_MEMORY_MB and site == site:
            limit_mb = SITE_MEMORY_MB[size]
            print(f"target site memory at {size:,} accounts < {limit_mb} MB: {peak / 1024:.0f} MB — "
                  f"{'met' if peak / 1024 < limit_mb else 'NOT met'}")
        if size == 10_000 and cjs == cjs:
            print(f"target cold >= 10× faster than check-jsonschema: {cjs / cold:.1f}× — "
                  f"{'met' if cjs / cold >= 10 else 'NOT met'}")
    if len(rows) > 1:
        base = rows[0]
        for row in rows[1:]:
            print(f"growth {base[0]:,} -> {row[0]:,} accounts: cold ×{row[2] / base[2]:.1f} "
                  f"(accounts ×{row[0] / base[0]:.0f})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--site", action="store_true", help="also time mkdocs build")
    parser.add_argument("--no-cjs", action="store_true", help="skip check-jsonschema (slow)")
    parser.add_argument("--keep", help="generate registers under this folder and keep them")
    args = parser.parse_args()

    work = Path(args.keep or tempfile.mkdtemp(prefix="govmedia-bench-"))
    env = {**os.environ, "XDG_CACHE_HOME": str(work / "cache"), "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
           "GOVMEDIA_TODAY": TODAY}
    env.pop("CI", None)
    # As on a staff member's machine, Python keeps the bytecode of the modules it compiles (this sandbox sets
    # PYTHONDONTWRITEBYTECODE, which would add ~0.1 s of compiling to every measured run).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    rows: list[tuple[Any, ...]] = []
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.python_implementation()} "
          f"{platform.python_version()}, {platform.platform()}")
    for size in args.sizes:
        root = work / f"reg-{size}"
        if not root.exists():
            subprocess.run([str(BIN / "govmedia"), "demo", "--accounts", str(size), "--out", str(root),
                            "--today", TODAY], check=True, env=env, stderr=subprocess.DEVNULL)
        files = sum(1 for p in root.rglob("*") if p.is_file() and "schemas" not in p.parts)
        check = [str(BIN / "govmedia"), "check", "--today", TODAY]
        shutil.rmtree(work / "cache", ignore_errors=True)
        timed([*check, "--no-cache"], root, env)  # untimed: reads the files into the page cache
        cold = median([*check, "--no-cache"], root, env, args.repeat)
        timed(check, root, env)  # fill the cache
        warm = median(check, root, env, args.repeat)
        # A register is a git repository: commit it, as a staff member's clone would be.
        if not (root / ".git").exists():
            git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid"]
            subprocess.run(["git", "init", "-q"], cwd=root, check=True)
            subprocess.run(["git", "add", "-A"], cwd=root, check=True)
            subprocess.run([*git, "commit", "-q", "-m", "register"], cwd=root, check=True)
        if not (root / ".github" / "CODEOWNERS").exists():  # a merge request without one is a finding (GM604)
            subprocess.run([str(BIN / "govmedia"), "codeowners", "--root", str(root)], check=True, env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            subprocess.run(["git", "add", "-A", ".github"], cwd=root, check=True)
            subprocess.run(["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "commit",
                            "-q", "-m", "codeowners"], cwd=root, check=True)
        timed(check, root, env)  # the cache after the commit (git's index is now the change detector)
        unit_dir = root / "accounts" / sorted(os.listdir(root / "accounts"))[-1]
        target = next(p for p in sorted(unit_dir.iterdir()) if p.is_dir()) / "account.yaml"
        rel = str(target.relative_to(root))
        original = target.read_bytes()
        counter = iter(range(10**6))

        def touch(target: Path = target, original: bytes = original, rel: str = rel) -> None:
            """One staged edit of one account file, as `git commit` would check it."""
            target.write_bytes(original + f"# edit {next(counter)}\n".encode())  # noqa: B023
            subprocess.run(["git", "add", rel], cwd=root, check=True)  # noqa: B023

        one = median([*check, rel], root, env, args.repeat, before=touch)
        # A real pre-commit run of the hook other registers use (.pre-commit-hooks.yaml) on one staged file;
        # ``language: system`` with this environment's govmedia, instead of an environment pre-commit builds.
        (root / ".pre-commit-config.yaml").write_text(shipped_hook(), encoding="utf-8")
        pc = median([str(BIN / "pre-commit"), "run", "--files", rel], root, env, args.repeat, before=touch)
        mr = median([*check, "--no-cache", "--base", "HEAD"], root, env, args.repeat, before=touch)
        target.write_bytes(original)
        subprocess.run(["git", "add", rel], cwd=root, check=True)
        cjs = float("nan") if args.no_cjs else run_cjs(root, env, work / f"front-{size}")
        site = float("nan")
        peak = 0
        if args.site:
            site, peak = timed([str(BIN / "mkdocs"), "build", "-q", "-d", str(work / f"site-{size}")], root, env,
                               sample=True)
        rows.append((size, files, cold, cjs, warm, one, pc, mr, site, peak))

    report(rows)
    print(f"\nregisters in {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
