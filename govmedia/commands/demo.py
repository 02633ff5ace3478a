"""``govmedia demo``: write a complete, valid synthetic register (README.md, "CLI")."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path

from govmedia.commands import EXIT_OK, EXIT_USAGE, TODAY_ENV, iso_date
from govmedia.staff.demo import generate, write


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("demo", help="生成一个完整、合规的演示名录", description="生成演示名录：同样的 N 和日期总是得到同样的文件。")
    p.add_argument("--accounts", type=int, required=True, metavar="N", help="账号数量")
    p.add_argument("--out", required=True, help="输出目录（应为空或不存在）")
    p.add_argument("--today", type=iso_date, default=os.environ.get(TODAY_ENV) or None,
                   help=f"以哪一天为“今天”，YYYY-MM-DD（默认：环境变量 {TODAY_ENV}，否则今天）")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if args.accounts < 1 or args.accounts > 1_000_000:
        print("govmedia: --accounts 应在 1 到 1000000 之间", file=sys.stderr)
        return EXIT_USAGE
    if out.exists() and any(out.iterdir()):
        print(f"govmedia: 输出目录 {out} 不是空的：请换一个目录", file=sys.stderr)
        return EXIT_USAGE
    files = generate(args.accounts, args.today or date.today())
    write(files, out)
    print(f"已生成 {args.accounts} 个账号的演示名录：{out}（{len(files)} 个文件）", file=sys.stderr)
    return EXIT_OK
