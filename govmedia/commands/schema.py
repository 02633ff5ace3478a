"""``govmedia schema``: regenerate schemas/json/ from the pydantic models."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from govmedia.commands import EXIT_FINDINGS, EXIT_OK
from govmedia.schemas import MODELS
from govmedia.schemas.json_schema import render


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("schema", help="由 pydantic 模型生成 schemas/json/")
    p.add_argument("--out", default="schemas/json", help="输出目录（默认：schemas/json）")
    p.add_argument("--check", action="store_true", help="只检查是否与模型一致，不写文件")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    out = Path(args.out)
    stale = []
    for kind in MODELS:
        target = out / f"{kind}.schema.json"
        text = render(kind)
        if args.check:
            if not target.is_file() or target.read_text(encoding="utf-8") != text:
                stale.append(str(target))
        else:
            out.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    if stale:
        print("以下 JSON Schema 与模型不一致，请运行 govmedia schema：\n" + "\n".join(stale), file=sys.stderr)
        return EXIT_FINDINGS
    return EXIT_OK
