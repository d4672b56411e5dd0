"""Structure cleanup: pure functions over strings, tested with tables of lines."""

from __future__ import annotations

import pytest

from extractors.reading.ocr import group_lines
from extractors.reading.sniff import decode_text
from extractors.reading.textclean import (
    Block,
    is_page_number,
    join_across_pages,
    join_wrapped_lines,
    ocr_punctuation,
    page_paragraphs,
    repair_pdfium_spacing,
    strip_running_lines,
    to_halfwidth,
)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("- 3 -", True),
        ("— 12 —", True),
        ("－３－", True),
        ("3", True),
        ("第 3 页 共 10 页", True),
        ("第3页", True),
        ("共10页 第3页", True),
        ("Page 3 of 10", True),
        ("3/10", True),
        ("第三条 甲方应当", False),
        ("2021年4月10日", False),
        ("3.及时承接落实", False),
        ("12345", False),
    ],
)
def test_page_numbers(line: str, expected: bool) -> None:
    assert is_page_number(line) is expected


def test_halfwidth_maps_only_digits_and_letters() -> None:
    assert to_halfwidth("（２０２１）第１２号，ＰＰＰ；１０％￥５") == "（2021）第12号，PPP；10％￥5"


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        pytest.param(
            [
                "甲方应当在本合同签订后三十日内向乙方交付土地，并",
                "协助乙方办理相关手续。",
                "乙方应当按期开工。",
            ],
            ["甲方应当在本合同签订后三十日内向乙方交付土地，并协助乙方办理相关手续。", "乙方应当按期开工。"],
            id="cjk-wrap-joined-without-space",
        ),
        pytest.param(
            ["第一条 本协议所称土地，是指位于某某镇的工业用地", "第二条 甲方应当提供土地"],
            ["第一条 本协议所称土地，是指位于某某镇的工业用地", "第二条 甲方应当提供土地"],
            id="clause-number-starts-a-paragraph",
        ),
        pytest.param(
            [
                "（一）规范精简审批，进一步提高行政效能和服务水平",
                "（二）推进简政放权，释放发展活力和市场潜力",
            ],
            [
                "（一）规范精简审批，进一步提高行政效能和服务水平",
                "（二）推进简政放权，释放发展活力和市场潜力",
            ],
            id="parenthesised-number",
        ),
        pytest.param(
            [
                "1.1 The Concessionaire shall undertake construction of the",
                "Project in accordance with Schedule 4.",
            ],
            ["1.1 The Concessionaire shall undertake construction of the Project in accordance with Schedule 4."],
            id="english-joined-with-space",
        ),
        pytest.param(
            [
                "各街道办事处，区政府各部门：",
                "现将方案印发给你们，请认真组织实施，加强统筹协调，",
                "确保落实。",
            ],
            ["各街道办事处，区政府各部门：", "现将方案印发给你们，请认真组织实施，加强统筹协调，确保落实。"],
            id="colon-ends-a-paragraph",
        ),
        pytest.param(
            ["某某市人民政府", "现将方案印发给你们，请认真组织实施，加强统筹协调，", "确保落实。"],
            ["某某市人民政府", "现将方案印发给你们，请认真组织实施，加强统筹协调，确保落实。"],
            id="short-line-ends-a-paragraph",
        ),
    ],
)
def test_join_wrapped_lines(lines: list[str], expected: list[str]) -> None:
    assert join_wrapped_lines(lines) == expected


def test_running_header_and_footer_removed_but_body_kept() -> None:
    bodies = ["土地交付", "规划审批", "开工建设", "竣工验收", "投产运营"]
    pages = [
        [Block(("某某区人民政府文件", f"第{n}条 甲方应当履行义务。", body, f"第 {n} 页 共 5 页"))]
        for n, body in enumerate(bodies, start=1)
    ]
    stripped = strip_running_lines(pages)
    assert [list(page[0].lines) for page in stripped] == [
        [f"第{n}条 甲方应当履行义务。", body] for n, body in enumerate(bodies, start=1)
    ]


def test_a_repeated_line_on_few_pages_is_kept() -> None:
    pages = [[Block(("附件", f"正文{n}", "内容"))] for n in range(5)]
    pages[0] = [Block(("关于印发方案的通知", "正文", "内容"))]
    stripped = strip_running_lines(pages)
    assert stripped[0][0].lines[0] == "关于印发方案的通知"


def test_table_rows_are_never_running_lines() -> None:
    pages = [[Block(("序号 任务 责任单位",), joinable=False), Block((f"正文{n}",))] for n in range(4)]
    assert strip_running_lines(pages)[0][0].lines == ("序号 任务 责任单位",)


def test_pdfium_spacing_repair_keeps_real_spaces() -> None:
    text = "2018 年 10 月 16 日\r\n第一条 为了"
    generated = {4, 6, 9, 11, 14}  # the spaces pdfium made up, around 年 月 日
    assert repair_pdfium_spacing(text, lambda i: i in generated) == "2018年10月16日\n第一条 为了"
    assert repair_pdfium_spacing("2018 年 10 月") == "2018年10月"
    assert repair_pdfium_spacing("Schedule 4 and 5") == "Schedule 4 and 5"


def test_ocr_punctuation_restores_full_width_next_to_cjk() -> None:
    assert (
        ocr_punctuation("(牵头单位:区司法局;责任单位:区政府有关部门)")
        == "（牵头单位：区司法局；责任单位：区政府有关部门）"
    )
    assert ocr_punctuation("济政办发[2021]4号") == "济政办发〔2021〕4号"
    assert ocr_punctuation("Schedule (4), clause 3: done") == "Schedule (4), clause 3: done"


def test_ocr_boxes_grouped_into_lines_left_to_right() -> None:
    boxes = [
        (100, 130, 400, "第二段"),
        (10, 40, 300, "右边"),
        (12, 41, 20, "左边，"),
        (100, 131, 20, "第一段"),
    ]
    assert group_lines(boxes) == ["左边，右边", "第一段第二段"]


@pytest.mark.parametrize(
    "data",
    [
        pytest.param("纯中文没有任何英文字符".encode("utf-16-le"), id="utf-16-le-all-cjk"),
        pytest.param("合同\r\n甲方".encode("gbk"), id="gbk"),
    ],
)
def test_decode_text_without_bom(data: bytes) -> None:
    text = decode_text(data)
    assert text is not None
    assert "甲方" in text or "纯中文" in text


def test_time_budget_interrupts_pure_python_spinning() -> None:
    from extractors.reading.pdf import _time_budget, _TooSlow

    def spin_under_budget() -> None:
        with _time_budget(0.05):
            while True:
                pass

    with pytest.raises(_TooSlow):
        spin_under_budget()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\ue001\ue002\ue003 \ue004", True),  # private use: glyph ids of a font without a map
        ("\ufffd\ufffd\ufffd", True),
        ("\x14\x11\x0f\x13\x13\x13 yuan", True),  # digits as glyph ids are control characters
        ("3DUW\\$VKDOOSD\\WKHVXEVLG\\RIWKHDJUHHPHQWEHIRUHWKHGDWH", True),  # shifted letters, no spaces
        ("ÏîÄ¿Í¶×ÊºÏ×÷Ð­ÒéÊé", True),  # GBK read as Latin-1
        ("ՀԽՀԾՕՌՉՈԳՉԱԽԸՉՀՉԶԹ", True),  # letters of a script no agreement here is written in
        ("甲方应当（一）", False),
        ("第一条 甲方应当于2025年12月31日前向乙方支付补助资金100万元，详见附件①。", False),
        ("Party A shall pay the subsidy of RMB 1,000,000 (one million yuan) before 31 December 2025.", False),
        ("The café and the résumé of Müller are annexed to this Agreement as Schedule 3.", False),
        ("项目名称：“智造小镇”—— 一期；面积≈120㎡×3；★重点项目", False),
        ("https://www.gov.cn/zhengce/content/2021-01/01/content_5576000.htm", False),
        ("", False),
    ],
)
def test_unreadable_text(text: str, expected: bool) -> None:
    from extractors.reading.textclean import unreadable

    assert unreadable(text) is expected


def test_paragraph_cut_by_a_page_break_goes_back_to_its_first_page() -> None:
    full = "为加快推进政府职能转变，打造市场化、法治化的一流营商环境，根据有关文件"
    pages = [
        [Block(("一、总体要求", full))],
        [Block(("要求，结合实际，制定本方案。", "二、重点任务"))],
        [Block(("序号 任务",), joinable=False), Block(("正文",))],
    ]
    paragraphs = [page_paragraphs(blocks, 72) for blocks in pages]
    join_across_pages(pages, paragraphs, 72)
    assert paragraphs == [
        ["一、总体要求", full + "要求，结合实际，制定本方案。"],
        ["二、重点任务"],
        ["序号 任务", "正文"],
    ]


_WRAPPED = "本合同所称项目用地，是指位于某某县城东工业园区内的国有建设用地使用"  # 33 CJK characters: a full line


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        pytest.param(
            [
                "某某县人民政府办公室关于印发某某县二〇二〇年度工作安排的通知",
                "各乡镇人民政府，县直有关单位：",
                _WRAPPED,
                "权。",
            ],
            [
                "某某县人民政府办公室关于印发某某县二〇二〇年度工作安排的通知",
                "各乡镇人民政府，县直有关单位：",
                _WRAPPED + "权。",
            ],
            id="a-title-the-next-character-would-have-fitted-after",
        ),
        pytest.param(
            [
                "出租方（甲方）：某某市机关事务管理局　　法定代表人：张某某",
                "承租方（乙方）：某某科技有限公司",
                _WRAPPED,
                "权。",
            ],
            [
                "出租方（甲方）：某某市机关事务管理局　　法定代表人：张某某",
                "承租方（乙方）：某某科技有限公司",
                _WRAPPED + "权。",
            ],
            id="form-lines-ending-in-a-name",
        ),
        pytest.param(
            [
                "甲方：某某县城东工业园区管理委员会　住所：某某县人民路",
                "乙方：某某新材料科技有限公司",
                _WRAPPED,
                "权。",
            ],
            [
                "甲方：某某县城东工业园区管理委员会　住所：某某县人民路",
                "乙方：某某新材料科技有限公司",
                _WRAPPED + "权。",
            ],
            id="party-lines-apart",
        ),
        pytest.param(
            [_WRAPPED, "本合同所称项目用地，是指位于某某县城东工业园区内的国有建设用地", "（以下简称项目用地）。"],
            [_WRAPPED + "本合同所称项目用地，是指位于某某县城东工业园区内的国有建设用地（以下简称项目用地）。"],
            id="an-opening-bracket-travels-with-its-character",
        ),
        pytest.param(
            [_WRAPPED, "　　权，该地块四至范围以附图为准，甲方应当于六月底前完成该宗土地的", "交付。"],
            [_WRAPPED + "权，该地块四至范围以附图为准，甲方应当于六月底前完成该宗土地的交付。"],
            id="an-indented-first-line-still-wraps",
        ),
    ],
)
def test_a_line_break_where_the_next_piece_would_have_fitted_is_the_authors(
    lines: list[str], expected: list[str]
) -> None:
    assert join_wrapped_lines(lines) == expected


def test_the_space_a_word_processor_puts_around_digits_counts() -> None:
    lines = ["甲方办理，租期为2021年3月1日至2041年2月、2051年1月、2061年1月", "28日。"]
    assert join_wrapped_lines(lines, full_width=70) == ["".join(lines)]


def test_rows_of_a_table_drawn_in_box_characters_stay_lines() -> None:
    rows = [
        "│单位名称　　│简称　　　│地址　　　　　　│所有制性质　│经营范围　│",
        "├──────┼─────┼────────┼──────┼─────┤",
        "│　　　　　　│甲方　　　│　　　　　　　　│　　　　　　│　　　　　│",
        "├──────┼─────┼────────┼──────┼─────┤",
        "│　　　　　　│乙方　　　│　　　　　　　　│　　　　　　│　　　　　│",
    ]
    assert join_wrapped_lines([_WRAPPED + "权：", *rows, "各方应当按照下表填写。"]) == [
        _WRAPPED + "权：",
        *rows,
        "各方应当按照下表填写。",
    ]


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        pytest.param(
            [
                "第三十条 采购人有下列情形之一的，依照政府采购法第七十一条、",
                "第七十八条的规定追究法律责任：",
                "（一）未按照规定编制采购需求的；",
            ],
            [
                "第三十条 采购人有下列情形之一的，依照政府采购法第七十一条、第七十八条的规定追究法律责任：",
                "（一）未按照规定编制采购需求的；",
            ],
            id="an-article-number-referred-to",
        ),
        pytest.param(
            [
                "为做好拖欠企业账款清理工作，根据《某某市人民政府办公厅关于",
                "印发专项行动方案的通知》要求，制定本方案。",
            ],
            ["为做好拖欠企业账款清理工作，根据《某某市人民政府办公厅关于印发专项行动方案的通知》要求，制定本方案。"],
            id="a-title-quoted-in-a-sentence",
        ),
        pytest.param(
            ["第一条 本协议所称土地，是指位于某某镇的工业用地", "第二条 甲方应当提供土地"],
            ["第一条 本协议所称土地，是指位于某某镇的工业用地", "第二条 甲方应当提供土地"],
            id="an-article-still-starts-a-paragraph",
        ),
    ],
)
def test_a_clause_number_after_a_line_cut_in_mid_sentence_is_a_reference(lines: list[str], expected: list[str]) -> None:
    assert join_wrapped_lines(lines) == expected


def test_a_bracket_still_open_at_the_end_of_a_full_line_carries_on() -> None:
    lines = [
        "（三）建设信用平台。依托市信用平台开展信用监管，加强跟踪监管。（牵头单位：",
        "县发改局、县市场监管局，责任单位：各乡镇人民政府）",
    ]
    assert join_wrapped_lines(lines) == ["".join(lines)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("丙方：X-X\ufffe人-民-政-府", "丙方：X-X-\n人-民-政-府"),
        ("the Concessionaire shall imple\ufffement the works", "the Concessionaire shall imple-\nment the works"),
    ],
)
def test_pdfium_line_end_hyphen_becomes_hyphen_and_line_break(text: str, expected: str) -> None:
    assert repair_pdfium_spacing(text) == expected


def test_a_hyphen_at_a_line_end_is_kept_in_cjk_and_mends_an_english_word() -> None:
    assert join_wrapped_lines([_WRAPPED + "-", "人-民-政-府"]) == [_WRAPPED + "-人-民-政-府"]
    english = ["The Concessionaire shall, at its cost and expense, imple-", "ment the works."]
    assert join_wrapped_lines(english) == ["The Concessionaire shall, at its cost and expense, implement the works."]


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        pytest.param(
            [
                "某某市人民政府办公厅关于印发某某市优化营商环境三年行动方案的通知",
                "各区县人民政府，市政府各部门：",
                "现将方案印发给你们。",
            ],
            [
                "某某市人民政府办公厅关于印发某某市优化营商环境三年行动方案的通知",
                "各区县人民政府，市政府各部门：",
                "现将方案印发给你们。",
            ],
            id="a-title-ends-its-paragraph",
        ),
        pytest.param(
            [
                "某某市人民政府关于印发《某某市加强政务诚信建设实施方案》的通知",
                "各区县人民政府，市政府各部门：",
                "现将方案印发给你们。",
            ],
            [
                "某某市人民政府关于印发《某某市加强政务诚信建设实施方案》的通知",
                "各区县人民政府，市政府各部门：",
                "现将方案印发给你们。",
            ],
            id="a-title-with-a-quoted-title",
        ),
        pytest.param(
            ["各部门要按照《某某市人民政府关于进一步加强安全生产工作的通知", "》要求，落实工作责任制。"],
            ["各部门要按照《某某市人民政府关于进一步加强安全生产工作的通知》要求，落实工作责任制。"],
            id="a-title-quoted-in-a-sentence-goes-on",
        ),
    ],
)
def test_the_title_of_an_official_document_ends_its_line(lines: list[str], expected: list[str]) -> None:
    assert join_wrapped_lines(lines) == expected
