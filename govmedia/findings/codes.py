"""The one table of rule codes. docs/rules.md, the implementation and the tests agree with it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]
Lang = Literal["zh", "en"]


@dataclass(frozen=True)
class Code:
    code: str
    severity: Severity
    article: str  # 第N条 it enforces, or "" for file-format rules
    zh: str
    en: str


def _c(code: str, sev: str, article: str, zh: str, en: str) -> Code:
    return Code(code, "error" if sev == "E" else "warning", article, zh, en)


_TABLE = [
    _c("GM001", "E", "", "文件不可读：非 UTF-8、带 BOM、含控制字符或不可见格式字符",
       "file unreadable: not UTF-8, BOM, control or invisible format characters"),
    _c("GM002", "E", "", "YAML 语法错误", "YAML syntax error"),
    _c("GM003", "E", "", "重复的键（两处行号均给出）", "duplicate key (both lines named)"),
    _c("GM004", "E", "", "禁用的 YAML 构造：锚点、别名、合并键、显式标签、多个文档",
       "forbidden YAML construct: anchor, alias, merge key, explicit tag, several documents"),
    _c("GM006", "E", "", "文件过大或嵌套过深", "file too large or nested too deeply"),
    _c("GM010", "E", "", "不符合数据结构：缺少、多余、类型错误或格式错误的字段",
       "schema violation: missing, unknown, mistyped or malformed field"),
    _c("GM020", "E", "", "目录结构错误：文件位置不对、编号与目录名不一致、未知的审核环节或事项",
       "layout: file in the wrong place, id differs from folder/file name, unknown stage or action"),
    _c("GM101", "E", "第九条", "同一平台上重复登记同一账号 ID 或网址",
       "same platform_id (or url) registered twice on one platform"),
    _c("GM102", "E", "第七条（一）", "同一单位在同一平台有两个在用账号（都是存量登记的账号时为警告）",
       "a unit has two live accounts on one platform (a warning when all were recorded as existing)"),
    _c("GM103", "W", "第九条", "同一单位在不同平台的账号名称不一致",
       "one unit's accounts carry different names on different platforms"),
    _c("GM104", "E", "第九条", "认证主体与主办单位名称不一致",
       "verification subject differs from the host unit's name"),
    _c("GM105", "E", "第九条", "账号名称与其他单位账号易混淆（疑似仿冒）",
       "name confusable with another unit's account (impersonation)"),
    _c("GM107", "E", "第九条", "网址域名或账号 ID 格式与平台不符",
       "url host or platform_id format does not fit the platform"),
    _c("GM108", "W", "第九条", "存量账号或其单位的档案待补全（统一社会信用代码、功能定位、更新周期、责任人、互动功能等）",
       "an existing account (or its unit) recorded from a ledger lacks dossier fields still to be completed"),
    _c("GM109", "E", "第七条、第九条", "新开设的账号或单位缺少必填的档案字段",
       "a new account (or unit) lacks a dossier field every new account must have"),
    _c("GM201", "E", "第七条（二）、第八条", "审核顺序错误，或前一环节未批准即审批",
       "approval out of chain order, or a stage approved before an earlier stage"),
    _c("GM202", "E", "第七条、第八条", "账号状态与申请记录不符",
       "declared status not supported by the requests"),
    _c("GM203", "E", "第七条（二）、第八条", "日期顺序错误：早于提交或前一环节，或晚于今天",
       "dates out of order: before submission or the previous stage, or after --today"),
    _c("GM204", "E", "第七条（二）", "同一申请在驳回之后仍有审批记录",
       "a decision recorded after a rejection in the same request"),
    _c("GM205", "E", "第七条（二）、第八条", "需要正式文件的环节缺少文号",
       "approval at a stage with requires_document has no document_no"),
    _c("GM206", "E", "第七条（二）、第八条", "审核环节不属于该事项的审核链",
       "stage not part of the request's chain"),
    _c("GM207", "E", "第七条（二）、第八条", "审批未绑定它所批准的申请：request_digest 与申请内容不符（申请在审批后被修改），或新增审批缺少它",
       "approval does not bind its request: request_digest differs from the request (edited after the decision) or is "
       "missing in a new approval"),
    _c("GM208", "E", "第七条（二）", "同一人审批了同一申请的多个环节（职责分离）",
       "one person decided several stages of one request (separation of duties)"),
    _c("GM209", "E", "第七条（二）", "开通日期早于开设申请的最终批准日期",
       "opened_on is before the final approval of the open request"),
    _c("GM301", "E", "第七条（三）", "在用账号缺少开通公告", "active account without an opening announcement"),
    _c("GM302", "E", "第七条（三）", "公告展示时间少于规定天数",
       "announcement displayed for fewer than announcement_min_days days"),
    _c("GM303", "E", "第七条（三）", "开通公告早于最终批准日期发布",
       "opening announcement published before the final approval"),
    _c("GM304", "E", "第七条（三）", "公告引用了不存在的账号", "announcement names an unknown account"),
    _c("GM401", "E", "第六条", "委托承办缺少有效协议或协议已过期",
       "entrusted undertaking without a valid agreement, or agreement expired"),
    _c("GM402", "E", "第十三条（一）", "在用账号未开启评论、留言或私信",
       "active account with comments, messages or private messages off"),
    _c("GM403", "E", "第十五条（二）", "更新周期超过规定天数", "update cycle longer than max_update_cycle_days"),
    _c("GM404", "E", "第十五条（一）（二）", "缺少总负责人、栏目责任人或 AB 岗",
       "missing overall responsible person, column responsible or backup"),
    _c("GM405", "E", "第五条、第十七条", "移动客户端或小程序缺少 ICP 备案号或等级保护级别",
       "app or mini program without ICP filing or MLPS level"),
    _c("GM406", "E", "", "统一社会信用代码格式错误（错误）或校验位不符（警告）",
       "USCC malformed (error) or check digit mismatch (warning)"),
    _c("GM501", "E", "第十一条（二）", "公开文字中一段内容按多类信号评分疑似赌博、色情或广告垃圾信息",
       "a passage of published text scores as gambling, porn or advertising spam"),
    _c("GM502", "E", "第十一条（二）", "链接不是 https 或指向允许范围以外的域名",
       "link that is not https or points outside allowed_link_domains"),
    _c("GM503", "E", "第十七条", "纯文本处含原始 HTML、属性注入或 HTML 特殊字符",
       "raw HTML, attribute injection or HTML-special characters where plain text is required"),
    _c("GM504", "E", "第十一条（二）", "公开文字中含个人信息（手机号、身份证号、电子邮箱）",
       "personal data (mobile number, ID number, e-mail) in published text"),
    _c("GM601", "E", "第七条、第八条", "已存在的申请或审批记录被修改或删除（只增不改）",
       "an approval or request that exists at --base was modified or deleted (append-only)"),
    _c("GM602", "E", "第七条、第八条", "账号状态变化不符合生命周期", "status transition not allowed by the lifecycle"),
    _c("GM603", "E", "第八条（一）", "未经完整的变更申请即修改账号字段，或批准的变更未照批准内容写入",
       "an account field changed without a complete change request, or an approved change not applied exactly"),
    _c("GM604", "E", "第七条（二）", "CODEOWNERS 未把各环节的审批文件交给该环节的审核人",
       "CODEOWNERS does not give each stage's approval files to that stage's reviewers"),
    _c("GM605", "E", "第七条（二）", "未经完整的治理变更申请即修改 governance.yaml 或单位的审核人、签名人、名称",
       "governance.yaml or a unit's reviewers, signers or identity changed without a complete policy request"),
    _c("GM606", "E", "第七条（二）、第八条", "同一文号批准了多个申请",
       "one document number (文号) approves more than one request"),
    _c("GM607", "E", "第七条（三）", "合并请求中新增的公告日期早于该合并请求",
       "an announcement added in a merge request is dated before the merge request"),
]

CODES: dict[str, Code] = {c.code: c for c in _TABLE}
