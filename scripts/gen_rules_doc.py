"""Writes docs/rules.md from the code table (govmedia/findings/codes.py) and the example cases (tests/cases/).

    python scripts/gen_rules_doc.py          # write
    python scripts/gen_rules_doc.py --check  # exit 1 when docs/rules.md is stale (a test runs this)
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from govmedia.findings.codes import CODES

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "docs" / "rules.md"

HEADER = """<!-- generated from govmedia/findings/codes.py and tests/cases/ by `python scripts/gen_rules_doc.py`: do not edit -->
# 规则一览 / Rule codes

`govmedia check` 的每条发现都带一个规则编号。严重程度：**错误**（E）使检查失败、网站拒绝构建；**警告**（W）只提示。
每条规则的示例来自 `tests/cases/<编号>/`：反例（应报告）和正例（必须保持干净），测试会逐个运行它们。

Every finding carries one of these codes. Errors (E) fail the check and stop the site build; warnings (W) only
inform. Examples are the cases under `tests/cases/<CODE>/`, each run by the test suite.

| 编号 code | 级别 | 细则 article | 规则 | rule | 示例 examples |
|---|---|---|---|---|---|
"""


def _examples(code: str) -> str:
    folder = ROOT / "tests" / "cases" / code
    items = []
    for path in sorted(folder.glob("*.yaml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        negative = any(e.get("code") == code for e in spec.get("expect") or [])
        mark = "✗" if negative else "✓"
        desc = str(spec.get("description", path.stem)).replace("|", "\\|")
        items.append(f"{mark} [{desc}](../tests/cases/{code}/{path.name})")
    if code.startswith("GM6"):
        items.append("见 tests/test_history*.py（真实 git 仓库）")
    return "<br>".join(items[:4]) + (f"<br>…（共 {len(items)} 例）" if len(items) > 4 else "")


def render() -> str:
    rows = []
    for c in CODES.values():
        sev = "E" if c.severity == "error" else "W"
        if c.code in ("GM102", "GM406"):
            sev = "E/W"
        rows.append(f"| {c.code} | {sev} | {c.article or '—'} | {c.zh} | {c.en} | {_examples(c.code)} |")
    footer = "\n\n✗ 反例：应报告该规则。✓ 正例：合规的输入，必须不报告。\n"
    return HEADER + "\n".join(rows) + footer


def main() -> int:
    text = render()
    if "--check" in sys.argv[1:]:
        if not TARGET.is_file() or TARGET.read_text(encoding="utf-8") != text:
            print("docs/rules.md is stale: run python scripts/gen_rules_doc.py", file=sys.stderr)
            return 1
        return 0
    TARGET.parent.mkdir(exist_ok=True)
    TARGET.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
