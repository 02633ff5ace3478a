"""What the verify page needs to recognise what a citizen pastes: the URL shapes of each platform.

A citizen holds a profile link, an article or video link, a short link from a share button, or share text
with such a link inside. Each shape says what the link identifies:

* ``id``: a platform id or public handle (an alias) of the account, in the first group;
* ``biz``: the ``__biz`` query value of a WeChat official account (every article link carries it);
* ``name``: an account name (Weibo's ``/n/<name>``): the name only, never proof of the account;
* ``content``: a post, article or video that does not name its account in the link: undecidable offline;
* ``short``: a short link that only the platform can resolve: undecidable offline.

The shapes are regular expressions in the common subset of Python's ``re`` and JavaScript (no lookbehind,
no named groups), matched against ``host + path`` of a link whose host has lost ``www.`` and ``m.``
prefixes and whose path has lost its trailing slash. tests/test_identify.py holds them against real links
(each with its source) and the browser test holds the page to the same answers.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

# (platform key, kind, pattern over "host/path"): the first match wins, so specific shapes come first.
SHAPES: tuple[tuple[str, str, str], ...] = (
    # WeChat: profile, article and home links carry __biz; /s/<token> is a short article link.
    ("wechat_official", "biz", r"^mp\.weixin\.qq\.com/(s|mp/profile_ext|mp/homepage|mp/getmasssendmsg)$"),
    ("wechat_official", "short", r"^mp\.weixin\.qq\.com/s/[A-Za-z0-9_-]+$"),
    ("wechat_channels", "id", r"^channels\.weixin\.qq\.com/profile/([A-Za-z0-9_-]+)$"),
    ("wechat_channels", "content", r"^channels\.weixin\.qq\.com/"),
    # Weibo: /u/<uid>, /<uid>, a post /<uid>/<mid> (names its author), a custom domain, /n/<name>.
    ("weibo", "short", r"^t\.cn/[A-Za-z0-9]+$"),
    ("weibo", "id", r"^weibo\.(com|cn)/(?:u/|profile/)?([1-9][0-9]{4,11})(?:/[A-Za-z0-9]+)?$"),
    ("weibo", "name", r"^weibo\.(com|cn)/n/([^/]+)$"),
    ("weibo", "content", r"^weibo\.(com|cn)/(status|detail|ttarticle|tv)/"),
    ("weibo", "id", r"^weibo\.com/([A-Za-z][A-Za-z0-9_.-]{3,30})$"),
    # Douyin: v.douyin.com short links (share buttons, share text); /user/<sec_uid>; videos and notes.
    ("douyin", "short", r"^v\.douyin\.com/[A-Za-z0-9_-]+$"),
    ("douyin", "id", r"^(?:douyin|iesdouyin)\.com/(?:share/)?user/([A-Za-z0-9_-]+)$"),
    ("douyin", "content", r"^(?:douyin|iesdouyin)\.com/(?:share/)?(video|note|jingxuan)"),
    # Toutiao: /c/user/token/<id>, /c/user/<number>; m.toutiao.com/is/<token> short links.
    ("toutiao", "short", r"^toutiao\.com/is/[A-Za-z0-9_-]+$"),
    ("toutiao", "id", r"^toutiao\.com/c/user/(?:token/)?([A-Za-z0-9_-]+)$"),
    ("toutiao", "content", r"^toutiao\.com/(article|a[0-9]|w|video|group)"),
    # Kuaishou: v.kuaishou.com and /f/ short links; /profile/<id>, live.kuaishou.com/u/<id>; videos.
    ("kuaishou", "short", r"^(v\.kuaishou\.com/[A-Za-z0-9_-]+|kuaishou\.com/f/[A-Za-z0-9_-]+)$"),
    ("kuaishou", "id", r"^(?:live\.)?kuaishou\.com/(?:profile|u)/([A-Za-z0-9_-]+)$"),
    ("kuaishou", "content", r"^(?:live\.)?kuaishou\.com/(short-video|photo|fw)"),
    # Bilibili: space.bilibili.com/<uid>, m.bilibili.com/space/<uid>; b23.tv short links; videos.
    ("bilibili", "short", r"^b23\.tv/[A-Za-z0-9_-]+$"),
    ("bilibili", "id", r"^(?:space\.bilibili\.com|bilibili\.com/space)/([1-9][0-9]{0,15})(?:/[a-z]+)*$"),
    ("bilibili", "content", r"^bilibili\.com/(video|read|opus)"),
    # Xiaohongshu: /user/profile/<24 hex>; xhslink.com short links; notes.
    ("xiaohongshu", "short", r"^xhslink\.com/[A-Za-z0-9/_-]+$"),
    ("xiaohongshu", "id", r"^xiaohongshu\.com/user/profile/([0-9a-f]{24})$"),
    ("xiaohongshu", "content", r"^xiaohongshu\.com/(explore|discovery)"),
)

# Where a citizen finds the account behind a link the page cannot resolve offline, per platform.
HOWTO: dict[str, str] = {
    "wechat_official": "在微信中打开这篇文章，点击标题下方的公众号名称进入公众号主页，点右上角「…」查看账号资料，"
                       "复制「微信号」到这里核验；也可以在电脑浏览器中打开文章，复制地址栏中带 __biz= 的完整链接再核验。",
    "wechat_channels": "在微信中打开视频号主页，复制视频号名称，或把主页链接粘贴到这里核验。",
    "weibo": "打开链接后点击博主头像进入主页，复制地址栏中 weibo.com/u/ 加数字的主页链接（或个性域名）到这里核验。",
    "douyin": "在抖音中打开链接，点击作者头像进入主页，复制头像下方的「抖音号」到这里核验；"
              "或在主页右上角「…」选择「分享主页」「复制链接」，在浏览器打开后把 douyin.com/user/… 链接粘贴到这里。",
    "toutiao": "打开链接后点击作者名称进入主页，复制地址栏中 toutiao.com/c/user/… 的主页链接到这里核验。",
    "kuaishou": "在快手中打开链接，点击作者头像进入主页，复制「快手号」到这里核验；"
                "或分享主页、复制链接，在浏览器打开后把 kuaishou.com/profile/… 链接粘贴到这里。",
    "bilibili": "打开链接后点击 UP 主头像进入空间，复制 UID（space.bilibili.com/ 后面的数字）到这里核验。",
    "xiaohongshu": "在小红书中打开链接，点击作者头像进入主页，复制「小红书号」到这里核验。",
}
GENERIC_HOWTO = "请在平台上打开链接，进入发布者的主页，复制主页链接或账号 ID 到这里核验。"

_FIRST_URL = re.compile(r"https?://[^\s<>\"'，。！？、；：“”‘’【】（）《》「」]+", re.IGNORECASE)


def first_url(text: str) -> str | None:
    """The first http(s) link in share text ("7.43 FuL:/ … https://v.douyin.com/iFDbjn2M/ 复制此链接…")."""
    m = _FIRST_URL.search(text)
    return m.group(0) if m else None


def bare_host(host: str) -> str:
    """A host without a trailing dot and without leading ``www.`` and ``m.`` labels, lowercased."""
    host = host.lower().rstrip(".")
    while host.startswith(("www.", "m.")):
        host = host.split(".", 1)[1]
    return host


def classify(url: str) -> tuple[str, str, str | None] | None:
    """(platform key, kind, identifier or None) of a link, or None when no shape fits. The browser does
    the same with the published shapes; this is the reference its tests are held to."""
    m = re.match(r"^[a-z][a-z0-9+.-]*://([^/?#]+)([^?#]*)(\?[^#]*)?", url.strip(), re.IGNORECASE)
    if not m:
        return None
    host = bare_host(m.group(1).rsplit("@", 1)[-1].split(":", 1)[0])
    key = f"{host}{m.group(2).rstrip('/')}"
    for platform, kind, pattern in SHAPES:
        found = re.search(pattern, key)
        if found is None:
            continue
        if kind == "biz":
            biz = re.search(r"(?:^|[?&])__biz=([^&#]+)", m.group(3) or "")
            if biz is None:
                return platform, "content", None
            return platform, kind, unquote(biz.group(1))
        value = found.groups()[-1] if kind in ("id", "name") and found.groups() else None
        return platform, kind, value
    return None


def published_shapes() -> list[dict[str, Any]]:
    """The shapes as the page reads them."""
    return [{"platform": p, "kind": k, "re": r} for p, k, r in SHAPES]
