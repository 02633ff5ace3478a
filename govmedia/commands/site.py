"""``govmedia site build|serve``: build or preview the public site of a register with MkDocs.

MkDocs runs in a subprocess (``python -m mkdocs``): only ``govmedia/site/plugin.py`` imports mkdocs.
The plugin checks the register first and refuses to build while it has any error.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

import yaml

from govmedia.commands import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, add_common, say
from govmedia.dialect.files import read_regular
from govmedia.findings.message import msg


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("site", help="生成或预览公开网站", description="用 MkDocs 生成（build）或本地预览（serve）名录网站；名录有错误时拒绝生成。")
    p.add_argument("action", choices=("build", "serve"), help="build：生成到 --site-dir；serve：本地预览")
    add_common(p)
    p.add_argument("--site-dir", default=None, help="build 的输出目录（默认：根目录下的 site/）")
    p.add_argument("--dev-addr", default="127.0.0.1:8000", help="serve 的地址（默认 127.0.0.1:8000）")
    p.add_argument("--strict", action="store_true", help="build：把 MkDocs 的警告也当作错误")
    p.add_argument("--engine", choices=("mkdocs", "zensical"), default=None,
                   help="build：先把页面和数据生成为文件，再用 mkdocs 或 zensical 构建（两者得到同样的网站）；"
                        "不指定时由 MkDocs 插件直接生成")
    p.set_defaults(func=run)


def mkdocs_command(args: argparse.Namespace) -> list[str]:
    config = Path(args.root) / "mkdocs.yml"
    cmd = [sys.executable, "-m", "mkdocs", args.action, "--config-file", str(config)]
    if args.action == "build":
        if args.site_dir:
            cmd += ["--site-dir", str(Path(args.site_dir).resolve())]
        if args.strict:
            cmd.append("--strict")
    else:
        cmd += ["--dev-addr", args.dev_addr]
    return cmd


CONFIG_MAX_BYTES = 1 << 20


def docs_dir(config: Path) -> Path:
    """The docs_dir that mkdocs.yml names (MkDocs' default "docs"), found as MkDocs finds it: in the file or
    the files it INHERITs, with ``!ENV`` resolved. The YAML is composed, never constructed: it may hold tags
    (``!!python/name:``) that only MkDocs' own loader knows, and that must not run here."""
    root = config.parent
    for _ in range(8):  # INHERIT chains, bounded
        try:  # a regular file of bounded size: INHERIT may name a FIFO or /dev/zero
            node = yaml.compose(read_regular(str(config), CONFIG_MAX_BYTES).decode("utf-8"), Loader=yaml.SafeLoader)
        except (OSError, UnicodeDecodeError, yaml.YAMLError, RecursionError):
            return root  # MkDocs itself explains an unreadable configuration
        keys = {k.value: v for k, v in node.value if isinstance(k, yaml.ScalarNode)} if isinstance(
            node, yaml.MappingNode) else {}
        value = _scalar(keys.get("docs_dir"))
        if value is not None:
            return root / value
        inherit = _scalar(keys.get("INHERIT"))
        if inherit is None:
            break
        config = config.parent / inherit
    return root / "docs"


def _scalar(node: yaml.Node | None) -> str | None:
    """A scalar setting's text; ``!ENV NAME`` or ``!ENV [NAME, ..., default]`` as MkDocs resolves it."""
    if node is None:
        return None
    if node.tag == "!ENV":
        items = [node] if isinstance(node, yaml.ScalarNode) else list(node.value)
        names = [item.value for item in items if isinstance(item, yaml.ScalarNode)]
        for name in names[:-1] if len(names) > 1 else names:
            if name in os.environ:
                return os.environ[name]
        return names[-1] if len(names) > 1 else None
    return node.value if isinstance(node, yaml.ScalarNode) and node.value else None


def _site_installed() -> bool:
    """Whether the ``site`` extra is installed (the light install, the pre-commit hook's, has no MkDocs)."""
    try:
        return importlib.util.find_spec("mkdocs") is not None
    except (ImportError, ValueError):  # a broken or blocked installation
        return False


def run(args: argparse.Namespace) -> int:
    if not _site_installed():
        say("site", args.lang, msg(args.lang, "网站需要 site 附加组件：请运行 pip install 'govmedia[site]'（或 bash scripts/serve.sh）。",
                                   "the site needs the site extra: run pip install 'govmedia[site]' (or bash scripts/serve.sh)."))
        return EXIT_USAGE
    config = Path(args.root) / "mkdocs.yml"
    if not config.is_file():
        print(f"govmedia: 找不到 {config}：请用 --root 指向名录仓库根目录", file=sys.stderr)
        return EXIT_USAGE
    docs = docs_dir(config)
    if not docs.is_dir():
        say("site", args.lang, msg(
            args.lang,
            f"找不到 {docs}（mkdocs.yml 的 docs_dir）：请从模板仓库复制 site_docs/ 文件夹（其中只有一个 README.md），"
            "网站的每个页面都由名录生成。",
            f"{docs} (docs_dir of mkdocs.yml) does not exist: copy the site_docs/ folder of the template "
            "(it holds only a README.md); every page of the site is generated from the register."))
        return EXIT_USAGE
    if args.engine and args.action == "build":
        return build_files(args)
    env = dict(os.environ)
    if args.today:
        env["GOVMEDIA_TODAY"] = args.today.isoformat()
    try:
        done = subprocess.run(mkdocs_command(args), env=env, check=False)
    except KeyboardInterrupt:
        return EXIT_OK
    return EXIT_OK if done.returncode == 0 else EXIT_FINDINGS


def build_files(args: argparse.Namespace) -> int:
    """``site build --engine``: check, generate the pages and data as files, build them with the engine."""
    # Imported here: the site's modules need the `site` extra (segno, nh3 …), which a light install (the
    # pre-commit hook) lacks, and `govmedia --help` imports every command module.
    from govmedia.site.export import EngineError, build_with
    from govmedia.site.site import RefusedError, checked_site

    root = Path(args.root).resolve()
    out = Path(args.site_dir).resolve() if args.site_dir else root / "site"
    today = args.today or date.today()
    try:
        site = checked_site(root, today, None)
        with tempfile.TemporaryDirectory(prefix="govmedia-site-") as tmp:
            build_with(args.engine, site, today, Path(tmp) / "project", out)
    except (RefusedError, EngineError) as e:
        print(str(e), file=sys.stderr)
        return EXIT_FINDINGS
    say("site", args.lang, msg(args.lang, f"已用 {args.engine} 生成网站：{out}（{len(site.pages)} 个页面）",
                               f"site built with {args.engine}: {out} ({len(site.pages)} pages)"))
    return EXIT_OK
