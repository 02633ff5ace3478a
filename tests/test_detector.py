"""GM501's detector: families, evasions, context, the labelled real-world corpus, allow markers, speed."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govmedia.rules.content import BUILTIN_TERMS
from govmedia.rules.lib.contentscan import Term, markdown_markup, parse_terms, personal_data, unknown_sections
from govmedia.rules.lib.detector import THRESHOLD, Detector, Verdict, allow_markers, han_lookalikes
from govmedia.rules.lib.learned import model as learned_model

from .conftest import run_check
from .content_corpus import ALLOWED, HELD_OUT, SPLITS, load

TERMS = parse_terms(BUILTIN_TERMS.read_text(encoding="utf-8"), "builtin")
DETECTOR_MODEL = learned_model()
DETECTOR = Detector(TERMS, ALLOWED, DETECTOR_MODEL)  # as GM501 runs it: pattern families and learned model
PATTERNS = Detector(TERMS, ALLOWED)  # the pattern families alone


def families(verdicts: list[Verdict]) -> set[tuple[str, str]]:
    return {(s.family, s.via) for v in verdicts for s in v.signals}


# -- what the issue names -------------------------------------------------------------------------

SEED = "铜川市365bet人民政府办公室关于征求《铜川市365bet政务新媒体管理细则(征求意见稿)》意见的函"


@pytest.mark.parametrize(("text", "family", "via"), [
    (SEED, "brand", ""),  # the seed's defacement: the district name replaced by 365bet
    ("bat365", "brand", ""),
    ("欢迎访问 12BET", "bet-number", ""),  # not on the list: the digits-with-bet family
    ("188bet 官方入口", "bet-number", ""),
    ("澳门新葡亰", "brand", "lookalike"),
    ("威尼斯入官网", "brand", "lookalike"),
    ("皇冠休育", "brand", "lookalike"),
    ("aomen xinpujing", "brand", "pinyin"),
    ("jiuyou tiyu 官网入口", "brand", "pinyin"),
    ("ampj 官网入口", "brand", "initials"),
    ("足球投注平台", "term", ""),
    ("彩票网投", "term", ""),
    ("亚博足彩", "brand", ""),
    ("开云体育", "brand", ""),
    ("华体会", "brand", ""),
    ("乐鱼体育", "brand", ""),
    ("官网 www,xxx111,com", "domain", ""),
    ("官网：０７９．ｏｎｅ", "domain", ""),
    ("网址 376838 点 com", "domain", ""),
    ("國產精品久久久久久 一區二區三區", "term", ""),  # traditional script
    ("出黑咨询微：zxcvbnms2779 扣：1217771269", "contact", ""),
])
def test_the_named_spam_is_caught(text: str, family: str, via: str) -> None:
    """Caught by the detector as GM501 runs it, and seen by the pattern family that names it."""
    assert DETECTOR.scan(text), text
    assert (family, via) in families(PATTERNS.scan(text)), PATTERNS.scan(text)


@pytest.mark.parametrize("text", [
    "警方提醒：凡是要求先垫付资金的兼职刷单都是诈骗，陌生人让你加VX做任务，一定不要相信。",
    "刷单返利类诈骗高发，公安机关提醒：网上兼职刷单、加微信领红包都是骗局。",
    "不法分子通过QQ群、微信群发布“刷单”兼职信息，诱骗群众加VX下载APP。警方提醒广大群众提高警惕。",
    "区禁毒办、区公安分局联合开展“6·26”国际禁毒日宣传，举报电话：0919-3183110。",
    "2023年全区共销售体育彩票2.3亿元，筹集彩票公益金6100万元，用于全民健身。",
    "王益区体育局举办全民健身运动会，开展象棋、围棋等棋牌运动比赛。",
])
def test_government_and_police_prose_is_clean(text: str) -> None:
    assert DETECTOR.scan(text) == []


# Hand-written one-sentence government texts that the learned model reads as spam (a short sentence full of
# 体育, app, 官网, 平台, 网址 is what most short spam titles are made of). Strict: when a retrained model stops
# reporting one, the mark must go. docs/security.md names them as a known weakness.
MODEL_REPORTS = pytest.mark.xfail(strict=True, reason="the learned model reports this one-sentence text")


# -- families that generalise beyond the list ------------------------------------------------------


@pytest.mark.parametrize(("text", "family"), [
    ("智博体育app官网入口", "brand-shape"),  # a brand nobody listed, shaped as one
    ("【a 8 体 育 a p p 官 网 入 口】", "brand-shape"),  # spaced out: read on the folded text
    ("盛世国际娱乐开户 TG：yg3332", "brand-shape"),
    ("代办驾驶证 联系微：abc12345", "cert"),
    ("办证联系【TG客服:@xl9kf_bot】", "contact"),  # a messenger's 客服 and an @handle without digits
    ("公安办毕业证【178(电)7383(溦)9004同步】", "contact"),  # 电 and 溦 written between the digits
    ("武安办毕业证【╬溦542394562】", "contact"),  # 溦 for 微, the number straight after it
    ("公安办毕业证【╬溦542394562】", "scam"),  # 公安 here is a county (公安县), not the police's word
    ("银河娱乐官网注册送彩金", "term"),
    ("色综合天天-色综合天-色综合桃花网-色综合手机在线-国产亚洲精品自在线亚洲情侣-国产亚洲精品自在久久不卡", "keyword-list"),
    ("同城美女上门服务，微信：abc12345", "vice"),
    ("竞彩足球投注平台，赔率最高，注册下载", "term"),  # the words that a quotation explains, unquoted
    ("备用地址1：http://6kke.com/ (点击打开，即可观看，看完记得收藏)", "domain"),  # a site announcing its next address
    ("永久网址 abc123.top", "domain"),
    ("收益日结保底200+300=500元 一个月保底收15000元", "promise"),
    ("国产美女视频免费观看的网站_国产美女视频免费观看的网站高清在线", "keyword-list"),  # a title repeating itself
    ("（10个被黑9个出款成功）80%的解密出款成功", "promise"),  # a success rate claimed for a service
    ("三亚供卵试管婴儿包成功电话/微信136-2268-0810", "contact"),
    ("代孕包成功【１３６乀７０２７乀０００５電話/微信】吉林代孕,厦门供卵试管婴儿,三代试管婴儿选性别", "vice"),
    # a casino's name with its site code where a school's name stood (copied school sites)
    ("2月27日下午，9001cc金沙新学期工作会议在教学楼B222举行。", "bet-number"),
    ("刘望对金沙990活动大厅各项工作给予了肯定。", "bet-number"),
    ("9月20日上午，9728太阳集团于我校東校區召開黨政聯席會議。", "bet-number"),
    ("beat365中文官方网站研究生国家奖学金评审实施细则", "bet-number"),
])
def test_generalising_families_catch(text: str, family: str) -> None:
    assert DETECTOR.scan(text), text
    assert family in {f for f, _ in families(PATTERNS.scan(text))}, PATTERNS.scan(text)


GOV_SENTENCES = [
    "在腾讯体育App观看比赛直播。",  # one sign-up word after a category: not enough alone
    "国家体育总局官网发布通知。",
    "市体育局官方网站公布赛程。",
    "到车管所办理驾驶证补证业务。",  # 办理, 补办: a service hall's words
    "补办身份证需携带户口簿。",
    "代办驾驶证",  # a certificate alone is not enough
    "区政务服务热线：0919-2181509、12345",
    "联系电话：13812345678",
    # random ids in channel URLs hold "wx", "qq", "Vx": not messenger contacts
    "- 抖音号「王益发布」：<https://www.douyin.com/user/MS4wLjABAAAAwxl2PTKxUnoIrjPnjvJDJpZlmyE-qs3c> "
    "视频号：<https://channels.weixin.qq.com/profile/sphQQVwpXZaj2Cg> "
    "小程序：<https://wangyi.example/miniprogram/Vx7rnsR6bbh3Z1xq>",
    "今年9月,銀河娛樂澄清,旗下娛樂場與任何網上博彩或投注網站均無關係。",  # a licensed operator, named
    "在App“競彩足球”頁面可以進行球賽投注,賠率不同,朋友推薦下載。",  # a quotation names what it holds
    "他下载了名为“智博体育app官网”的软件并充值。",  # a brand shape in quotation marks is named
    # a warning passage: the sentences after the warning describe the game, on gambling words alone
    "据警方介绍,一些不法分子将休闲娱乐的小游戏变成网络赌博的新阵地。表面看似是娱乐的棋牌对决,暗藏赌局。"
    "庄家利用微信群建群组局,利用体育赛事结果进行网络投注赌博。这些平台通过机器荷官操控输赢,玩家无法提现,"
    "又以返利引导玩家传播平台。",
    "2016-2020年全民健身实施计划-梅州市-体育局-通知",
    "打造文化娱乐平台，丰富群众生活。",
    "县公安局民警介绍，有人以办毕业证为名，让受害人加微信转账。",
    "详情请登录宿迁妇女网公告栏http://www.sqwomen.org/。",  # a plain address, without 最新 or 备用
    "本站最新地址：https://www.wangyi.gov.cn/",  # an allowed domain
    "铜川市第一中学网站已迁移，最新网址：www.tcyz.com。",  # an office that moves gives its new address
    "企业应保障劳动者保底工资不低于2000元，日结工资当日发放。",
    "警方提醒：声称日赚500元、稳赚不赔的兼职都是诈骗。",
    "加强城市外围道路建设，桑拿天注意防暑。",
    "王益区人民政府办公室王益区人民政府办公室",  # a repeated heading alone is not spam
    "违约金从保证金中扣50000元，罚款另计。",  # 扣 before a figure is a deduction, not a QQ number
    "全区矛盾纠纷调解成功率达98%，群众满意度持续提升。",
    "市妇幼保健院辅助生殖中心临床妊娠成功率达50%，为不孕家庭助孕。",
    "严厉打击代孕、非法采供精卵和非医学需要的胎儿性别鉴定。",
    "2023金沙江文化旅游节在攀枝花开幕。",  # a year before a place name is not a casino's code
    "金沙县第二中学举行运动会。",
]
MODEL_REPORTED = {"在腾讯体育App观看比赛直播。", "打造文化娱乐平台，丰富群众生活。",
                  "他下载了名为“智博体育app官网”的软件并充值。"}


@pytest.mark.parametrize("text", GOV_SENTENCES)
def test_generalising_families_leave_government_prose(text: str) -> None:
    assert PATTERNS.scan(text) == []


@pytest.mark.parametrize("text", [pytest.param(t, marks=MODEL_REPORTS) if t in MODEL_REPORTED else t
                                  for t in GOV_SENTENCES])
def test_the_whole_detector_leaves_government_prose(text: str) -> None:
    assert DETECTOR.scan(text) == []


def test_a_warning_passage_still_reports_contacts() -> None:
    text = "警方提醒：网赌害人，远离网赌。出黑咨询微：zxcvbnms2779 扣：1217771269"
    assert ("contact", "") in families(DETECTOR.scan(text))


def test_sentence_end_is_a_boundary() -> None:
    """兼职。刷单 is not 兼职刷单; 澳门。葡京 split by a sentence end is still the brand."""
    verdicts = PATTERNS.scan("周末招聘兼职。刷单")
    assert ("term", "") not in families(verdicts)
    assert PATTERNS.scan("欢迎来到澳门。葡京")


@pytest.mark.parametrize("entry", [t for t in TERMS if t.weight < THRESHOLD and t.family != "allow"],
                         ids=lambda t: t.text)
def test_one_weak_word_never_fires(entry: Term) -> None:
    assert PATTERNS.scan(f"今天{entry.text}。") == []


def test_warning_context_stops_scam_words_not_brands_or_contacts() -> None:
    assert PATTERNS.scan("警惕网赌被黑出款诈骗") == []
    assert PATTERNS.scan("网赌被黑不给出款怎么办？专业出款") != []
    assert PATTERNS.scan("严禁赌博，澳门新葡京官网欢迎您")  # a brand is never softened
    assert PATTERNS.scan("警惕诈骗！微：zxcvbnms2779 扣：1217771269")  # nor two contacts


def test_a_warning_names_a_quoted_brand() -> None:
    """被植入链接后跳转至“开云体育”赌博网站: a warning sentence that quotes a brand names it. Unquoted, or
    quoted outside a warning, the brand counts; a brand-shaped name counts in a warning like a brand."""
    assert PATTERNS.scan("某公司小程序被植入链接后自动跳转至“开云体育”赌博网站主页，被依法警告并罚款。") == []
    assert PATTERNS.scan("某公司小程序被植入链接后自动跳转至开云体育赌博网站主页，被依法警告并罚款。") != []
    assert PATTERNS.scan("欢迎光临“开云体育”，天天有惊喜。") != []
    assert PATTERNS.scan("我市打击跨境赌博成效显著 维基体育官方入口") != []
    assert PATTERNS.scan("我市打击跨境赌博成效显著，群众满意") == []


def test_a_licensed_industry_report_names_its_operators() -> None:
    """Macau's regulator and the financial press name licensed operators (澳门赌场的毛收入, 威尼斯人的博彩收益):
    a sentence with a ``[report]`` word names its brands. The same brand offered, or beside a disguised address, counts."""
    assert PATTERNS.scan("根据澳门博彩监察协调局公布的首三个月博彩统计，澳门赌场的毛收入共有五百六十一亿澳门元。") == []
    assert PATTERNS.scan("澳博、威尼斯人及银河三家博彩公司的营业帐目显示，威尼斯人的博彩收益升逾一倍。") == []
    assert PATTERNS.scan("澳门赌场的毛收入共有五百六十一亿澳门元。威尼斯人官网，注册送彩金。") != []
    assert PATTERNS.scan("威尼斯人的博彩收益第一，网址 www,vns888,com") != []


def test_enforcement_news_warns() -> None:
    """A count of people arrested (拘21人) and what the police or a court did (捣破, 打掉, 判处) make a
    sentence police news; a brand, or the same gambling words without them, still count."""
    assert PATTERNS.scan("警旺角搗百家樂賭場拘21人 最老賭客78歲") == []
    assert PATTERNS.scan("警方捣破一个百家乐赌场") == []
    assert PATTERNS.scan("法院判处百家乐赌场负责人有期") == []
    assert PATTERNS.scan("旺角百家樂賭場21人在線 最老賭客78歲") != []  # no arrest: a casino's own line
    assert PATTERNS.scan("百家乐赌场欢迎您")
    assert PATTERNS.scan("拘21人 澳门新葡京官网欢迎您")  # a brand is never softened
    assert PATTERNS.scan("捕鱼3人场 百家乐赌场") != []  # 捕鱼 is a game, not an arrest


def test_digits_split_by_odd_marks_are_a_contact() -> None:
    """781乄372乄524: a messenger id written past filters; the same digits written plainly are not."""
    assert ("contact", "") in families(PATTERNS.scan("找妹子上门▋╋薇:781乄372乄524▋"))
    assert PATTERNS.scan("收费标准781乄372乄524")  # 10 on its own: no office writes a number so
    assert PATTERNS.scan("编号781-372-524，共三批") == []
    assert PATTERNS.scan("第781、372、524号决定") == []


def test_a_mobile_offered_as_a_wechat_id() -> None:
    """【132-0571-9740微信】 beside cash-out words; a mobile in an office's notice without them stays."""
    assert PATTERNS.scan("杭州花呗取现【132-0571-9740微信】扫码秒到账")
    assert PATTERNS.scan("联系人：王先生，13205719740微信同号，欢迎来电报名参加志愿服务") == []
    assert PATTERNS.scan("杭州花呗取现，咨询窗口") == []  # one cash-out word alone
    # a mobile between the phone's and the messenger's words, written with dashes: a solicitation's mark
    assert ("contact", "") in families(PATTERNS.scan("芜湖私家侦探找人寻址【電—131-6628-2258—微】"))
    assert PATTERNS.scan("芜湖私家侦探找人寻址") == []
    assert DETECTOR.scan("芜湖私家侦探找人寻址取证调查【電—131-6628-2258—微】")  # 调查 warns: the model reads it
    assert PATTERNS.scan("咨询电话：131-6628-2258（工作日）") == []


def test_cash_out_and_escort_words() -> None:
    assert PATTERNS.scan("花呗取现 白条套现 秒到账 132-0571-9740微信")
    assert PATTERNS.scan("警惕“花呗套现”“白条取现”诈骗，切勿轻信") == []
    assert PATTERNS.scan("学生妹 小姐兼职 包夜")
    assert PATTERNS.scan("警方依法查处一批小姐兼职、莞式服务等卖淫嫖娼违法活动") == []
    assert PATTERNS.scan("真人赌钱官方网站")
    assert PATTERNS.scan("公安机关提醒：所谓“真人赌钱”平台均为诈骗") == []


# Real profile ids are random letters: some contain "qq", "wx" or "vx" (a 1,000-account demo register's
# announcements, listing every account's link, were reported as spam before links were set apart).
_ID = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-", min_size=6, max_size=40)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(before=_ID, after=_ID, handle=st.sampled_from(["Qq", "wx", "VX", "qQ", "Wx"]))
def test_letters_of_a_link_are_not_a_contact(before: str, after: str, handle: str) -> None:
    line = (f"- 铜川市王益区示例单位一二号 快手「示例一二号发布」：<https://www.kuaishou.com/profile/{before}{handle}{after}>"
            f"；微信视频号「示例发布」：<https://www.douyin.com/user/MS4wLjABAAAA{handle}{after}>")
    assert PATTERNS.scan(line) == []


def test_a_contact_beside_a_link_still_counts() -> None:
    assert ("contact", "加vx:abc12345") in {(s.family, s.label) for v in PATTERNS.scan(
        "详见 https://www.example.com/a 加vx：abc12345 真人百家乐") for s in v.signals}


def test_platform_words_need_vice_in_the_sentence() -> None:
    assert PATTERNS.scan("请登录官网注册，下载app，网址见通知。") == []
    assert PATTERNS.scan("百家乐老虎机官网注册下载") != []


def test_a_finding_says_family_span_and_score() -> None:
    text = "第一段正常。\n\n欢迎 澳 門 新 葡 亰 光临，官网入口"
    (verdict,) = PATTERNS.scan(text)
    assert verdict.score >= THRESHOLD and text[verdict.start : verdict.end].startswith("欢迎")
    brand = next(s for s in verdict.signals if s.family == "brand")
    assert text[brand.start : brand.end] == "新 葡 亰" and brand.via == "lookalike" and brand.weight == 10


def test_lookalike_table_is_generated_data() -> None:
    table = han_lookalikes()
    assert "亰" in table["京"] and "休" in table["体"] and "入" in table["人"]
    assert len(table) > 1000


def test_register_brand_list_is_configurable() -> None:
    terms = parse_terms("[brand]\n王益快钱\n[vice]\n快钱 5\n[warning]\n提醒\n", "policies/banned-terms.txt")
    assert [(t.family, t.weight) for t in terms] == [("brand", 10), ("vice", 5), ("warning", 0)]
    detector = Detector(terms)
    assert families(detector.scan("wangyi kuaiqian")) == {("brand", "pinyin")}
    assert detector.scan("快钱") == []


def test_a_misspelt_section_of_the_register_list_is_a_finding(make_register: Callable[..., Path]) -> None:
    """[reprot] names no family: a GM010 finding on its line names the sections; its entries stay in the
    section above, and the header itself is no term."""
    root = make_register()
    (root / "policies" / "banned-terms.txt").write_text(
        "[brand]\n王益快钱\n\n[reprot]  # 报道用语\n毛收入\n", encoding="utf-8")
    found = [f for f in run_check(root) if f.path == "policies/banned-terms.txt"]
    assert [(f.code, f.line) for f in found] == [("GM010", 4)], found
    assert "[reprot]" in found[0].zh and "[report]" in found[0].zh and "[report]" in found[0].en
    assert [(t.text, t.family) for t in parse_terms("[brand]\n王益快钱\n[reprot]\n毛收入\n", "x")] == [
        ("王益快钱", "brand"), ("毛收入", "brand")]
    assert unknown_sections("[brand]\n[report]\n[ warning ]\n# [nothing]\n") == []


# -- personal data: institutions are not persons ----------------------------------------------------


@pytest.mark.parametrize("text", [
    "报料邮箱：wangyifabu@163.com",
    "舉報郵箱:whdjdxy9983@163.com",
    "联系人:谢巧荣, 电话:2280723, 电子邮箱:mzquntike@163.com。",
    "来信请寄 office@wangyi.gov.cn",
    "区政务服务热线：0919-2181509、12345",
])
def test_public_contacts_are_not_personal_data(text: str) -> None:
    assert personal_data(text, ("gov.cn",)) == []


@pytest.mark.parametrize("text", ["联系张三 zhangsan@163.com", "张科长手机 13909190000", "报料热线：13909190000",
                                  "张三的邮箱是zhangsan@163.com，欢迎来信"])
def test_personal_contacts_still_are(text: str) -> None:
    assert personal_data(text, ("gov.cn",)) != []


# -- the labelled corpus --------------------------------------------------------------------------

CORPUS = load()


def rates(split: str) -> tuple[float, float]:
    spam = [p for p in CORPUS if p.split == split and p.label == "spam"]
    clean = [p for p in CORPUS if p.split == split and p.label == "clean"]
    recall = sum(1 for p in spam if DETECTOR.scan(p.text)) / len(spam)
    fp = sum(1 for p in clean if DETECTOR.scan(p.text)) / len(clean)
    return recall, fp


def test_corpus_is_labelled_with_sources() -> None:
    assert {(p.label, p.split) for p in CORPUS} == {(a, b) for a in ("spam", "clean") for b in SPLITS}
    assert all(p.source.startswith(("http", "generated from http")) for p in CORPUS)
    assert all(p.split == "tune" for p in CORPUS if p.source.startswith("generated"))


def test_corpus_tune_split() -> None:
    """The text the detector was built and the learned model trained on (so not a measure of either)."""
    recall, fp = rates("tune")
    assert recall >= 0.95 and fp <= 0.01, (recall, fp)


# The held-out split's figures as measured (docs/security.md), held so that they cannot silently worsen.
# Training never reads it (scripts/train_gm501.py reads the tune split only); it was collected apart from all
# tuning and measured once, counts only, with the model as shipped. Neither target is met on it: recall is
# below 95 %, and false positives (5 of 286) are above 1 %.
RECALL_FLOOR = {"blind6": 0.77}
FALSE_POSITIVE_CEILING = {"blind6": 0.018}


def test_every_held_out_split_has_its_figures() -> None:
    assert set(RECALL_FLOOR) == set(FALSE_POSITIVE_CEILING) == set(HELD_OUT)


@pytest.mark.parametrize("split", HELD_OUT)
def test_corpus_held_out_split(split: str) -> None:
    recall, fp = rates(split)
    assert recall >= RECALL_FLOOR[split] and fp <= FALSE_POSITIVE_CEILING[split], (recall, fp)


# -- allow markers, through the whole check -------------------------------------------------------


def _announce(root: Path, body: str) -> Path:
    ann = sorted((root / "announcements").glob("*.md"))[0]
    front, _ = ann.read_text(encoding="utf-8").rsplit("---\n", 1)
    ann.write_text(front + "---\n\n" + body, encoding="utf-8")
    return ann


def test_finding_message_and_allow_marker(make_register: Callable[..., Path]) -> None:
    root = make_register()
    ann = _announce(root, "正文。\n\n皇冠休育官网入口，注册送彩金。\n")
    (finding,) = [f for f in run_check(root) if f.code == "GM501"]
    assert finding.path.endswith(ann.name) and "得分" in finding.zh and "形近字" in finding.zh
    assert "皇冠体育" in finding.zh and "lookalike" in finding.en and "threshold 10" in finding.en
    _announce(root, '<!-- govmedia: allow GM501 "皇冠休育官网入口，注册送彩金" 演练用的样例（张三 2026-12-01） -->\n\n'
                    "皇冠休育官网入口，注册送彩金。\n")
    assert [f for f in run_check(root) if f.code in ("GM501", "GM503")] == []


def test_allow_marker_needs_a_reason_and_covers_only_its_text(make_register: Callable[..., Path]) -> None:
    root = make_register()
    _announce(root, '<!-- govmedia: allow GM501 "皇冠休育" -->\n\n皇冠休育官网。\n')
    assert [f.code for f in run_check(root) if f.code in ("GM501", "GM503")] == ["GM501"]
    _announce(root, '<!-- govmedia: allow GM501 "皇冠休育" 样例 -->\n\n皇冠休育。bat365\n')
    (finding,) = [f for f in run_check(root) if f.code == "GM501"]
    assert "bat365" in finding.zh


def test_allow_marker_in_a_yaml_comment(make_register: Callable[..., Path]) -> None:
    root = make_register()
    account = sorted((root / "accounts").glob("*/*/account.yaml"))[0]
    text = account.read_text(encoding="utf-8")
    spam = "positioning: 365路公交线路查询，bat365\n"
    lines = [spam if line.startswith("positioning:") else line for line in text.splitlines(keepends=True)]
    account.write_text("".join(lines), encoding="utf-8")
    assert [f.code for f in run_check(root) if f.code == "GM501"] == ["GM501"]
    account.write_text('# govmedia: allow GM501 "bat365" 公交 bat365 路线名（审核：李四）\n' + "".join(lines),
                       encoding="utf-8")
    assert [f.code for f in run_check(root) if f.code == "GM501"] == []


def test_markers_parse() -> None:
    assert allow_markers('# govmedia: allow GM501 "365路" 公交线路\nx: 1\n') == [("365路", "公交线路")]
    assert allow_markers('<!-- govmedia: allow GM501 “皇冠” 历史地名 -->') == [("皇冠", "历史地名")]
    assert allow_markers('# govmedia: allow GM501 "365路"\n') == []
    assert markdown_markup('<!-- govmedia: allow GM501 "x" 理由 -->') == []
    assert markdown_markup("<!-- 别的注释 -->") != []


# -- speed: linear in the length of the text ------------------------------------------------------

PIECES = ["澳门", "新葡京", "www", ",", "，", "点", "com", "365", "bet", "bat", "微：", "qq", "1", "a", "。", "\n",
          "\n\n", "官网", "体育", "百家乐", " ", "·", "警惕", "代开", "发票", "电", "13812345678", "经理", "亰", "z",
          "智博", "app", "入口", "办", "驾驶证", "日结", "80%", "成功", "“", "”", "-", "乀", "溦", "备用地址："]


def _per_kb(text: str) -> float:
    """Seconds per KB, the best of three rounds (a shared machine's other work only ever adds time)."""
    repeat = max(1, 100_000 // len(text))
    rounds = []
    for _ in range(3):
        started = time.perf_counter()
        for _ in range(repeat):
            DETECTOR.scan(text)
        rounds.append((time.perf_counter() - started) / repeat / (len(text) / 1024))
    return min(rounds)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), min_size=3, max_size=40))
def test_scan_time_is_linear_in_length(pieces: list[str]) -> None:
    """Time per KB at 100 KB stays within a small factor of the time per KB at 1 KB, for hostile mixes of
    the detector's own triggers (no regular-expression blow-up, no quadratic step)."""
    unit = "".join(pieces)
    small = (unit * (1 + 1024 // len(unit)))[:1024]
    large = (unit * (1 + 102_400 // len(unit)))[:102_400]
    DETECTOR.scan(small)
    assert _per_kb(large) < 4 * _per_kb(small) + 200e-6


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=8)), max_size=30), st.booleans())
def test_scan_is_total(pieces: list[str], name: bool) -> None:
    """Any text: no exception, passages and signals inside the text, every verdict at THRESHOLD or more."""
    text = "".join(pieces)
    for verdict in DETECTOR.scan(text, name=name):
        assert 0 <= verdict.start <= verdict.end <= len(text)
        assert verdict.score >= THRESHOLD or (verdict.probability or 0) >= DETECTOR_MODEL.threshold
        assert all(verdict.start <= s.start < s.end <= len(text) for s in verdict.signals)
