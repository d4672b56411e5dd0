"""Document kind from the title's last word: written on titles that are not in any corpus document."""

import pytest

from extractors.model import DocumentKind
from extractors.pipeline import detect_kind


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("国有建设用地使用权出让合同\n出让人：某市自然资源局", DocumentKind.INVESTMENT_PROMOTION),
        ("新能源电池生产基地项目投资意向书\n", DocumentKind.INVESTMENT_PROMOTION),
        ("政府和社会资本合作（PPP）项目合同（示范文本）\n", DocumentKind.PPP),
        ("污水处理厂特许经营协议书（草案）\n", DocumentKind.PPP),
        # a contract whose preamble cites regulations is still a contract
        (
            "物流园区入园协议\n根据《招商引资优惠政策实施办法》《行政许可条例》，双方约定如下",
            DocumentKind.INVESTMENT_PROMOTION,
        ),
        # a regulation or notice about contracts is not a contract
        ("某县人民政府关于印发《招商引资项目履约监管办法》的通知\n", DocumentKind.POLICY_COMMITMENT),
        ("政府投资项目合同管理规定（试行）\n第一条", DocumentKind.POLICY_COMMITMENT),
        ("优化营商环境三年行动方案\n", DocumentKind.POLICY_COMMITMENT),
        ("PROJECT DEVELOPMENT AGREEMENT\nThis Agreement is made", DocumentKind.INVESTMENT_PROMOTION),
        # no telling title, but both parties defined at the head
        ("编号：2023-017\n甲方：某镇人民政府\n乙方：某某科技有限公司\n", DocumentKind.INVESTMENT_PROMOTION),
    ],
)
def test_title_decides_the_kind(text: str, kind: DocumentKind) -> None:
    assert detect_kind(text) == kind
