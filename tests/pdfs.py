"""Build small PDFs in tests (reportlab's built-in CID font STSong-Light needs no font file)."""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

_FONT = "STSong-Light"


def make_pdf(pages: list[list[str]]) -> bytes:
    """One list of lines per page."""
    if _FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(_FONT))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=True)
    _, height = A4
    for lines in pages:
        c.setFont(_FONT, 11)
        y = height - 60
        for line in lines:
            c.drawString(50, y, line)
            y -= 18
        c.showPage()
    c.save()
    return buf.getvalue()


AGREEMENT_LINES = [
    "项目投资合作协议书",
    "甲方：佛山市南海区人民政府",
    "乙方：广东某某新材料有限公司",
    "第一条 乙方承诺在南海区投资建设新材料生产基地，总投资不低于5000万元。",
    "第二条 甲方应于本协议签订之日起30日内向乙方交付项目用地。",
    "第三条 甲方应当在2025年12月31日前向乙方支付产业扶持资金300万元。",
    "第四条 乙方应于2026年6月30日前建成投产。",
    "第五条 甲方有权对乙方的投资进度进行监督检查。",
]


def agreement_pdf(extra: str = "") -> bytes:
    return make_pdf([[*AGREEMENT_LINES, extra] if extra else AGREEMENT_LINES])
