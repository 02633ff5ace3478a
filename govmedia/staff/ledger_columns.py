"""The columns of a ledger (台账): one key per column, the header ``govmedia export`` writes, its width.

The other headers that mean a column are data, in governance.yaml ``ledger.headers`` (docs/ledger.md).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int = 14


COLUMNS: tuple[Column, ...] = (
    Column("seq", "序号", 6),
    Column("name", "账号名称", 18),
    Column("platform", "平台", 12),
    Column("platform_id", "账号ID/原始ID", 30),
    Column("aliases", "微信号", 18),
    Column("wechat_biz", "公众号biz", 20),
    Column("url", "网址", 40),
    Column("unit_name", "主办单位", 28),
    Column("unit_uscc", "主办单位统一社会信用代码", 22),
    Column("unit_kind", "单位性质", 10),
    Column("parent", "主管单位", 24),
    Column("undertaking_name", "承办单位", 24),
    Column("subject", "认证主体", 28),
    Column("opened_on", "开通日期", 12),
    Column("status", "状态", 10),
    Column("positioning", "功能定位", 40),
    Column("update_cycle", "更新周期（天）", 10),
    Column("overall", "总负责人", 14),
    Column("interaction", "互动功能", 16),
    Column("icp", "ICP备案号", 18),
    Column("mlps", "等保级别", 8),
    Column("verified", "是否认证", 8),
    Column("undertaking_kind", "运营方式", 14),
    Column("undertaking_uscc", "承办单位统一社会信用代码", 22),
    Column("agreement_signed", "委托协议签订日期", 12),
    Column("agreement_expires", "委托协议到期日期", 12),
    Column("agreement_confidentiality", "协议含保密条款", 8),
    Column("agreement_qualification", "已审核承办单位资质", 8),
    Column("columns", "栏目责任人", 24),
    Column("backup", "备岗人员", 14),
    Column("review", "发布前审核", 8),
    Column("national_system_id", "全国系统编号", 16),
    Column("open_document_no", "开设批准文号", 22),
    Column("ended_on", "关停/退出/驳回日期", 12),
    Column("end_document_no", "关停/退出批准文号", 22),
    Column("unit_short_name", "单位简称", 12),
    Column("division_code", "行政区划代码", 10),
    Column("leader_name", "分管负责同志", 10),
    Column("leader_title", "分管负责同志职务", 14),
    Column("unit_reviewers", "单位审核人", 24),
    Column("unit_id", "单位编号", 22),
    Column("account_id", "账号编号", 16),
    Column("note", "备注", 30),
)
HEADERS = {c.key: c.header for c in COLUMNS}
UNIT_KIND_LABELS = {
    "administrative_organ": "行政机关",
    "public_institution": "事业单位",
    "internal_body": "内设机构",
}
UNDERTAKING_LABELS = {"internal": "本单位自行运营", "entrusted": "委托第三方运营"}
INTERACTION_WORDS = (("comments", "评论"), ("messages", "留言"), ("private_messages", "私信"))
SUMMARY_SHEET = "台账"
# The columns an import reads (序号 and 备注 are read past: they say nothing about the account).
IMPORT_HEADERS = {c.key: c.header for c in COLUMNS if c.key not in ("seq", "note")}
