"""``govmedia bot issue|review|gitlab-sync|daily|templates``: the click flow's bot (govmedia/bots/).

Each verb reads an event payload (the file ``$GITHUB_EVENT_PATH`` names) or asks the API, works in a
scratch worktree of ``--repo`` (a clone whose ``origin`` is the register), and prints what it says
on the platform. Without ``--api-url`` nothing is posted: the branch is still written and pushed (tests
use a local bare remote). Tokens come from the environment only: ``GOVMEDIA_BOT_TOKEN`` (else
``GITHUB_TOKEN``), ``GOVMEDIA_MEMBERS_TOKEN`` for reading team membership, ``GOVMEDIA_GITLAB_TOKEN``.
Exit 0 when the event was handled (a refusal is handled), 2 when it could not be.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path

from govmedia.bots import daily, gitlab, issue, issueform, review
from govmedia.bots.forge import Api, ApiError, GitHub, GitLab
from govmedia.bots.gitwork import GitError
from govmedia.bots.payload import PayloadError, load_event, text
from govmedia.commands import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, add_lang, iso_date, say
from govmedia.findings.message import Msg


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("bot", help="网页上点击即办：议题表单生成合并请求，网页审核记为审批文件",
                       description="把议题表单变成合并请求、把网页上的审核记为审批文件（由工作流在默认分支的代码中运行）。")
    verbs = p.add_subparsers(dest="verb", metavar="VERB", required=True)
    for name, helptext in (("issue", "议题表单事件 → 合并请求"), ("review", "合并请求审核事件 → 审批文件")):
        v = verbs.add_parser(name, help=helptext)
        v.add_argument("event", type=Path, help="事件文件（$GITHUB_EVENT_PATH）")
        _common(v)
    g = verbs.add_parser("gitlab-sync", help="GitLab：读取议题和合并请求的批准，按计划同步")
    _common(g)
    g.add_argument("--project", required=True, help="GitLab 项目编号或路径（$CI_PROJECT_ID）")
    d = verbs.add_parser("daily", help="每日全量检查：开启或更新一个议题，按单位列出待办事项")
    _common(d)
    d.add_argument("--platform", choices=("github", "gitlab"), default="github")
    d.add_argument("--project", help="GitLab 项目编号或路径")
    t = verbs.add_parser("templates", help="由 .github/ISSUE_TEMPLATE 生成 .gitlab/issue_templates")
    t.add_argument("--root", default=".", help="名录仓库根目录")
    t.add_argument("--check", action="store_true", help="只检查是否最新")
    add_lang(t)
    p.set_defaults(func=run)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--repo", default=".", help="名录仓库的克隆（origin 指向名录仓库；默认当前目录）")
    p.add_argument("--base", help="默认分支（默认从事件中读取，否则 main）")
    p.add_argument("--api-url", help="接口地址，如 https://api.github.com 或 https://gitlab.example.gov.cn/api/v4；"
                   "不给则不发评论（试运行）")
    p.add_argument("--github-repo", help="owner/name（默认从事件中读取）")
    p.add_argument("--today", type=iso_date, default=None, help="检查日期 YYYY-MM-DD（默认：今天）")
    add_lang(p)


def _github(args: argparse.Namespace, data: dict[str, object] | None, members: bool = False) -> GitHub | None:
    if not args.api_url:
        return None
    repo = args.github_repo or text(data, "repository", "full_name")
    env = os.environ
    token = env.get("GOVMEDIA_BOT_TOKEN") or env.get("GITHUB_TOKEN", "")
    if members:
        token = env.get("GOVMEDIA_MEMBERS_TOKEN") or token
    return GitHub(Api(args.api_url, token, "github"), repo)


def _base(args: argparse.Namespace, data: dict[str, object] | None) -> str:
    return str(args.base or text(data, "repository", "default_branch", required=False) or "main")


def _issue(args: argparse.Namespace, today: date) -> str:
    data = load_event(args.event)
    return issue.run(Path(args.repo), issue.github_event(data), _base(args, data), today, _github(args, data)).comment.zh


def _review(args: argparse.Namespace, today: date) -> str:
    data = load_event(args.event)
    rev = review.github_event(data)
    teams = _github(args, data, members=True)

    def member(handle: str) -> bool | None:
        if teams is None or "/" not in handle:
            return None
        org, team = handle[1:].split("/", 1)
        return teams.in_team(org, team, rev.login)

    return review.run(Path(args.repo), rev, member, today, _github(args, data)).comment.zh


def _gitlab(args: argparse.Namespace, today: date) -> str:
    if not args.api_url:
        raise PayloadError(Msg("gitlab-sync 需要 --api-url（如 $CI_API_V4_URL）。", "gitlab-sync needs --api-url."))
    gl = GitLab(Api(args.api_url, os.environ.get("GOVMEDIA_GITLAB_TOKEN", ""), "gitlab"), args.project)
    done = gitlab.sync(Path(args.repo), gl, args.base or "main", today)
    return "\n\n".join(o.comment.zh for o in done if o.comment.zh)


def _daily(args: argparse.Namespace, today: date) -> str:
    forge: GitHub | GitLab | None = None
    if args.api_url and args.platform == "gitlab":
        forge = GitLab(Api(args.api_url, os.environ.get("GOVMEDIA_GITLAB_TOKEN", ""), "gitlab"), args.project or "")
    elif args.api_url:
        forge = _github(args, {"repository": {"full_name": args.github_repo or os.environ.get("GITHUB_REPOSITORY")}})
    return daily.run(Path(args.repo), today, forge)[1]


def _templates(args: argparse.Namespace) -> int:
    root = Path(args.root)
    stale = 0
    for rel, body in issueform.gitlab_templates(root).items():
        path = root / rel
        if path.is_file() and path.read_text(encoding="utf-8") == body:
            continue
        if args.check:
            say("bot", args.lang, f"{rel} 与 .github/ISSUE_TEMPLATE 不一致：请运行 govmedia bot templates 并提交。"
                if args.lang == "zh" else f"{rel} is out of date: run govmedia bot templates and commit it.")
            stale += 1
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body, encoding="utf-8", newline="\n")
    return EXIT_FINDINGS if stale else EXIT_OK


def run(args: argparse.Namespace) -> int:
    if args.verb == "templates":
        return _templates(args)
    today = args.today or date.today()
    verbs = {"issue": _issue, "review": _review, "gitlab-sync": _gitlab, "daily": _daily}
    try:
        said = verbs[args.verb](args, today)
    except (PayloadError, GitError, ApiError) as exc:
        say("bot", args.lang, exc.message.get(args.lang))
        return EXIT_USAGE
    except (KeyError, TypeError) as exc:  # an API answer without the fields its documentation promises
        say("bot", args.lang, Msg(f"接口的回答缺少预期的字段（{exc}）：未完成。",
                                  f"an API answer lacks an expected field ({exc}): not done.").get(args.lang))
        return EXIT_USAGE
    if said:
        sys.stdout.write(said.rstrip("\n") + "\n")
    return EXIT_OK
