"""``govmedia report``: the supervision report of a month, quarter or year (第十五条（六）, 第十八条, 第十"
"九条)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from govmedia.commands import EXIT_OK, EXIT_USAGE, add_common
from govmedia.register.context import Context
from govmedia.run.engine import check
from govmedia.staff.report import as_json, build, markdown, parse_period, period_of


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "report", help="生成监管报告（每月检查、每季度通报、年度考核）",
        description="待审批的申请及等待时间、即将到期的委托协议、本期结束展示的公告、账号统计和当前全部检查问题。")
    add_common(p)
    p.add_argument("--period", default=None, metavar="YYYY-MM|YYYY-Qn|YYYY",
                   help="报告期：月（2026-11）、季度（2026-Q4）或年（2026）；默认：今天所在的月份")
    p.add_argument("--format", choices=("md", "json"), default="md", help="输出格式（默认 md）")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    root = Path(args.root)
    if not root.is_dir():
        print(f"govmedia: 找不到名录目录 {root}", file=sys.stderr)
        return EXIT_USAGE
    today = args.today or date.today()
    try:
        period = parse_period(args.period) if args.period else period_of(today)
    except ValueError:
        print(f"govmedia: 报告期应为 YYYY-MM、YYYY-Qn 或 YYYY：{args.period!r}", file=sys.stderr)
        return EXIT_USAGE
    registry, findings = check(Context(root=root, today=today))
    data = build(registry, findings, today, period, args.lang)
    sys.stdout.write(as_json(data) if args.format == "json" else markdown(data, args.lang))
    return EXIT_OK
