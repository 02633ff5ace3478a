"""Which files changed: checks/cache.scan (stat every file) against checks/gitscan.git_scan (ask git's index).

    .venv/bin/python benchmarks/scan.py                      # 10,000 accounts in /tmp/gitscan-bench
    .venv/bin/python benchmarks/scan.py --accounts 1000 --dir /tmp/scan-1000 --repeat 5

Generates a register with `govmedia demo` (reused if DIR/reg is already a committed repository),
commits it, then times (median of --repeat) both scanners with a warm `previous` map (previous_ns far in
the future, so that scan() reuses every unchanged hash), with nothing changed and with one modified
file, beside the git commands git_scan runs. With --check it also times `govmedia check` end to end
(a new process each time, with the cache) using each scanner: nothing changed (the result cache answers)
and one file modified (what the pre-commit hook runs). Prints a table.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from govmedia.register.cache import FileMap, scan
from govmedia.register.gitscan import git_scan

BIN = Path(sys.executable).parent
TODAY = "2026-11-30"
CHECK_TODAY = "2026-06-01"
# `govmedia check` with git_scan switched off (argv[1] == "scan") or left on ("git")
RUNNER = ("import sys\nfrom govmedia.register import gitscan\n"
          "if sys.argv[1] == 'scan':\n    gitscan.git_scan = lambda root, previous: None\n"
          "from govmedia.cli import main\nsys.exit(main(sys.argv[2:]))")
GIT = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.org", "-c", "commit.gpgsign=false"]


def prepare(accounts: int, folder: Path) -> Path:
    root = folder / "reg"
    done = subprocess.run(["git", "rev-parse", "--verify", "-q", "HEAD"], cwd=root, capture_output=True,
                          check=False) if root.is_dir() else None
    if done is not None and done.returncode == 0:
        return root
    if not root.exists():
        subprocess.run([str(BIN / "govmedia"), "demo", "--accounts", str(accounts), "--today", TODAY,
                        "--out", str(root)], check=True)
    subprocess.run([*GIT, "init", "-q", "-b", "main"], cwd=root, check=True)
    subprocess.run([*GIT, "add", "-A"], cwd=root, check=True)
    subprocess.run([*GIT, "commit", "-q", "-m", "demo register"], cwd=root, check=True)
    return root


def median(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def end_to_end(root: Path, target: Path, repeat: int) -> list[tuple[str, float]]:
    """govmedia check with each scanner, each with its own cache folder, run alternately."""
    original = target.read_bytes()
    runs: list[Callable[[], object]] = []
    with tempfile.TemporaryDirectory() as home:
        for scanner in ("scan", "git"):
            env = {**os.environ, "XDG_CACHE_HOME": os.path.join(home, scanner)}
            cmd = [sys.executable, "-c", RUNNER, scanner, "check", "--today", CHECK_TODAY, "--root", str(root),
                   str(target.relative_to(root))]

            def run(cmd: list[str] = cmd, env: dict[str, str] = env) -> None:
                proc = subprocess.run(cmd, cwd=root, env=env, capture_output=True, check=False)
                if proc.returncode not in (0, 1):
                    raise SystemExit(proc.stderr.decode(errors="replace"))

            run()  # fill the caches
            runs.append(run)
        warm = pair(runs[0], runs[1], repeat)
        edits = iter(range(10**9))

        def edit_then(run: Callable[[], object]) -> Callable[[], object]:
            def go() -> None:
                target.write_bytes(original + f"# edit {next(edits)}\n".encode())
                run()
            return go

        try:
            modified = pair(edit_then(runs[0]), edit_then(runs[1]), repeat)
        finally:
            target.write_bytes(original)
    return [("check, nothing changed (scan)", warm[0]), ("check, nothing changed (git_scan)", warm[1]),
            ("check, one file modified (scan)", modified[0]), ("check, one file modified (git_scan)", modified[1])]


def pair(a: Callable[[], object], b: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Medians of a and b, run alternately so that a change in the machine's load hits both alike."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for fn, into in ((a, times[0]), (b, times[1])):
            start = time.perf_counter()
            fn()
            into.append(time.perf_counter() - start)
    return statistics.median(times[0]), statistics.median(times[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/gitscan-bench"))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--check", action="store_true", help="also time govmedia check end to end")
    args = parser.parse_args()
    root = prepare(args.accounts, args.dir)
    far = time.time_ns() + 10**15  # scan() trusts every stat key (no racy window)

    prev_scan: FileMap = scan(root, {}, 0)
    got = git_scan(root, {})
    if got is None:
        print("git_scan gave no answer for", root)
        return 1
    prev_git: FileMap = got
    assert {k: v[1] for k, v in prev_git.items()} == {k: v[1] for k, v in prev_scan.items()}
    n = len(prev_scan)
    tops = ["accounts", "announcements", "policies"]

    def git(*cmd: str) -> Callable[[], object]:
        return lambda: subprocess.run(["git", *cmd, "--", *tops], cwd=root, capture_output=True, check=True)

    rows: list[tuple[str, float]] = []
    a, b = pair(lambda: scan(root, prev_scan, far), lambda: git_scan(root, prev_git), args.repeat)
    rows += [("scan(), nothing changed", a), ("git_scan(), nothing changed", b)]
    rows.append(("  git ls-files -s -v -z", median(git("ls-files", "-s", "-v", "-z"), args.repeat)))
    rows.append(("  git diff-files --name-only -z", median(git("diff-files", "--name-only", "-z"), args.repeat)))
    rows.append(("  git ls-files --others --directory -z",
                 median(git("ls-files", "--others", "--directory", "-z"), args.repeat)))

    target = root / sorted(rel for rel in prev_scan if rel.endswith("/account.yaml"))[0]
    original = target.read_bytes()
    try:
        target.write_bytes(original + b"# edited\n")
        a, b = pair(lambda: scan(root, prev_scan, far), lambda: git_scan(root, prev_git), args.repeat)
        rows += [("scan(), one file modified", a), ("git_scan(), one file modified", b)]
    finally:
        target.write_bytes(original)
    if args.check:
        rows.extend(end_to_end(root, target, args.repeat))

    print(f"register: {root} ({args.accounts} accounts, {n} files); median of {args.repeat}; "
          f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}")
    print(f"{'measurement':<40} {'seconds':>8}")
    for name, seconds in rows:
        print(f"{name:<40} {seconds:>8.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
