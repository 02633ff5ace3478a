"""Coverage-guided fuzzing of account values and register trees (tests/test_fuzz_register.py is the same
target under Hypothesis, run by the suite): a valid account gets fuzzed values in the fields that rules read
beyond the schema, or the register's tree gets a fuzzed shape (nesting, links, FIFOs, odd names), and
``engine.check`` must return findings, never raise.

    pip install atheris
    python fuzz/fuzz_register.py -max_total_time=300 fuzz/corpus/register
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

import atheris  # type: ignore[import-untyped]
import yaml

with atheris.instrument_imports(include=["govmedia"]):
    from govmedia.register.context import Context
    from govmedia.run.engine import check
    from govmedia.staff.demo import generate, write

TODAY = date(2026, 6, 1)
TEMPLATE = Path(tempfile.mkdtemp(prefix="govmedia-fuzz-template-"))
write(generate(3, TODAY), TEMPLATE)
WORK = Path(tempfile.mkdtemp(prefix="govmedia-fuzz-")) / "reg"
FIELDS = (("url",), ("platform_id",), ("name",), ("positioning",), ("verification", "subject"),
          ("undertaking", "name"), ("undertaking", "uscc"), ("national_system_id",), ("opened_on",), ("platform",))
PREFIXES = ("https://", "https://[", "https://weibo.com/", "http://", "")


def _fresh() -> Path:
    subprocess.run(["rm", "-rf", "--", str(WORK)], check=True)  # rmtree recurses: deep trees end it
    shutil.copytree(TEMPLATE, WORK, symlinks=True)
    return sorted(WORK.glob("accounts/*/*/account.yaml"))[0]


def _values(fdp: atheris.FuzzedDataProvider, account: Path) -> None:
    data = yaml.safe_load(account.read_text(encoding="utf-8"))
    for _ in range(fdp.ConsumeIntInRange(1, 3)):
        path = FIELDS[fdp.ConsumeIntInRange(0, len(FIELDS) - 1)]
        value = PREFIXES[fdp.ConsumeIntInRange(0, len(PREFIXES) - 1)] + fdp.ConsumeUnicodeNoSurrogates(60)
        node = data
        for key in path[:-1]:
            if not isinstance(node.get(key), dict):
                node[key] = {}
            node = node[key]
        node[path[-1]] = value
    account.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def _tree(fdp: atheris.FuzzedDataProvider, account: Path) -> None:
    places = [account.parent.parent, account.parent, account.parent / "requests", WORK / "announcements",
              WORK / "accounts", WORK / "policies"]
    for _ in range(fdp.ConsumeIntInRange(1, 4)):
        place = places[fdp.ConsumeIntInRange(0, len(places) - 1)]
        name = fdp.ConsumeBytes(fdp.ConsumeIntInRange(1, 40)).replace(b"/", b"_").replace(b"\0", b"_") or b"x"
        target = os.fsencode(place) + b"/" + name
        how = fdp.ConsumeIntInRange(0, 5)
        try:
            if how == 0:  # nested folders
                path = target
                for _ in range(fdp.ConsumeIntInRange(1, 300)):
                    os.mkdir(path)
                    path += b"/d"
            elif how == 1:
                os.mkfifo(target)
            elif how == 2:
                os.symlink(os.fsencode(place), target)  # a loop
            elif how == 3:
                os.symlink(b"/", target)
            elif how == 4:
                os.mkdir(target)
                with open(target + b"/account.yaml", "wb") as fh:
                    fh.write(fdp.ConsumeBytes(200))
            else:
                with open(target, "wb") as fh:
                    fh.write(fdp.ConsumeBytes(200))
        except OSError:
            continue  # a name the file system refuses, or one taken already


def one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    account = _fresh()
    (_values if fdp.ConsumeBool() else _tree)(fdp, account)
    _, findings = check(Context(root=WORK, today=TODAY, cache=False))
    for f in findings:
        assert f.line >= 1 and f.column >= 1 and f.code.startswith("GM"), f


def main() -> None:
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
