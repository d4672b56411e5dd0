"""The review walk-through's contract: both parties defined on one line, the government's duties
mis-attributed by the extractor, and one clause it does not propose; the company
has a duty of its own whose date has passed."""

from __future__ import annotations

from tests.pdfs import make_pdf

ONE_LINE_PARTIES = "甲方：某镇人民政府（以下简称甲方）乙方：某某科技有限公司（以下简称乙方）"
LAND = "甲方应于本协议签订之日起30日内向乙方交付项目用地"
SUBSIDY = "甲方应当在2026年6月30日前向乙方支付产业扶持资金200万元"
MISSED = "项目配套道路的修通时间为2026年9月30日，组织实施单位为甲方"
STARTED = "乙方应于2026年4月30日前取得施工许可证并开工建设"  # the company's own duty, long past
LINES = [
    "招商引资协议书",
    ONE_LINE_PARTIES,
    "第一条 乙方承诺在某镇投资建设智能装备项目，总投资不低于8000万元。",
    f"第二条 {LAND}。",
    f"第三条 {SUBSIDY}。",
    "第四条 乙方应于2027年6月30日前建成投产。",
    f"第五条 {MISSED}。",
    f"第六条 {STARTED}。",
]
SIGNED_ON = "2026-01-10"


def contract_pdf() -> bytes:
    return make_pdf([LINES])
