"""read_pages on well-formed PDFs, DOCX and text files built by the fixtures."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from extractors import EmptyDocument, EncryptedDocument, Limits, Page
from extractors.reading import DOCX, PDF, TEXT, read_pages
from tests.reading_builders import docx_file, encrypted_pdf, form_pdf, scanned_pdf, table_pdf, text_pdf

LIMITS = Limits(timeout_seconds=60)


def document_text(pages: list[Page]) -> str:
    return "\n".join(page.text for page in pages)


def test_text_pdf_pages_carry_numbers_offsets_and_text() -> None:
    data = text_pdf([["第一条 甲方应当于2021年10月31日前完成土地交付。"], ["第二条 乙方应当按时足额缴纳土地出让金。"]])
    media_type, pages = read_pages(data, LIMITS)
    assert media_type == PDF
    assert [p.number for p in pages] == [1, 2]
    text = document_text(pages)
    for page in pages:
        assert text[page.start : page.start + len(page.text)] == page.text
    assert "甲方应当于2021年10月31日前完成土地交付。" in pages[0].text  # no pdfium spaces around digits
    assert "第二条 乙方" in pages[1].text  # a space in the content stream is kept
    assert not any(p.ocr for p in pages)


def test_a_lone_cjk_glyph_that_pdfium_drops_is_still_read() -> None:
    _, pages = read_pages(text_pdf([["第一行内容，后面一行只有一个字", "例"], ["。"]]), LIMITS)
    assert pages[0].text.endswith("例")
    assert pages[1].text == "。"


def test_title_and_addressee_stay_apart_and_a_hyphen_at_a_line_end_stays() -> None:
    full = "本合同所称项目用地，是指位于某某县城东工业园区内的国有建设用地使用权"
    lines = [
        "某某县人民政府办公室关于印发某某县二〇二〇年度工作安排的通知",  # "各" would have fitted after it
        "各乡镇人民政府，县直有关单位：",
        full,
        "，由甲方依法出让。",
        "丙方：X-X国家森林公园管理委员会与某某县城东工业园区管委会和X-X-",  # pdfium: U+FFFE, no line break
        "人-民-政-府签订本协议。",
        full,
        full,
        "，由甲方依法出让。",
    ]
    _, pages = read_pages(text_pdf([lines]), LIMITS)
    assert pages[0].text.split("\n")[:4] == [
        lines[0],
        lines[1],
        full + "，由甲方依法出让。",
        "丙方：X-X国家森林公园管理委员会与某某县城东工业园区管委会和X-X-人-民-政-府签订本协议。",
    ]


def test_progress_reaches_the_caller_from_the_child() -> None:
    calls: list[tuple[int, int]] = []
    read_pages(text_pdf([["一"], ["二"], ["三"]]), LIMITS, lambda done, total: calls.append((done, total)))
    assert calls == [(0, 3), (1, 3), (2, 3), (3, 3)]  # the page count first, before any page is read


def test_wrapped_lines_are_joined_and_paragraphs_kept() -> None:
    data = text_pdf(
        [
            [
                "一、总体要求",
                "为加快推进政府职能转变，打造市场化、法治化的一流营商环境，根据有关文件要",
                "求，结合我区实际，制定本方案。",
                "1.及时承接落实国务院和省、市政府取消、下放和改变管理方式的行政权力事项，",
                "保障各承接事项有效落实。",
                "2.严格落实行政许可设定审查制度。",
            ]
        ]
    )
    _, pages = read_pages(data, LIMITS)
    assert pages[0].text.split("\n") == [
        "一、总体要求",
        "为加快推进政府职能转变，打造市场化、法治化的一流营商环境，根据有关文件要求，结合我区实际，制定本方案。",
        "1.及时承接落实国务院和省、市政府取消、下放和改变管理方式的行政权力事项，保障各承接事项有效落实。",
        "2.严格落实行政许可设定审查制度。",
    ]


def test_running_headers_and_page_numbers_are_removed() -> None:
    pages_in = [[f"第{n}条 甲方应当履行第{n}项义务。"] for n in range(1, 6)]
    data = text_pdf(pages_in, header="某某市人民政府文件", footer="- {page} -")
    _, pages = read_pages(data, LIMITS)
    text = document_text(pages)
    assert "某某市人民政府文件" not in text
    assert not re.search(r"-\s*\d\s*-", text)
    assert [p.text for p in pages] == [f"第{n}条 甲方应当履行第{n}项义务。" for n in range(1, 6)]


def test_task_division_table_becomes_rows_and_page_text_in_row_order() -> None:
    rows = [
        ["序号", "工作任务", "责任单位", "完成时限"],
        ["1", "建立政务诚信监督机制，定期开展督导检查", "市发展改革局", "2021年12月底前"],
        ["2", "编制并公布行政备案事项清单", "区司法局", "2021年6月底前"],
    ]
    data = table_pdf(["附件", "重点任务分工表"], rows, ["各单位要按时报送进展情况。"])
    _, pages = read_pages(data, LIMITS)
    (page,) = pages
    assert len(page.tables) == 1
    assert [list(row) for row in page.tables[0]] == rows
    lines = page.text.split("\n")
    row_lines = [lines.index(" ".join(row)) for row in rows]
    assert row_lines == sorted(row_lines)
    assert lines.index("重点任务分工表") < row_lines[0]
    assert lines.index("各单位要按时报送进展情况。") > row_lines[-1]


def test_scanned_pages_are_ocrd_and_marked() -> None:
    data = scanned_pdf(["12.4.1 The Concessionaire shall complete the works", "by 31 October 2021."])
    _, pages = read_pages(data, LIMITS)
    assert pages[0].ocr
    assert pages[0].text == "12.4.1 The Concessionaire shall complete the works by 31 October 2021."


def test_scans_without_ocr_fail_with_a_reason() -> None:
    data = scanned_pdf(["Article 1. Party A shall perform."])
    with pytest.raises(EmptyDocument, match="OCR"):
        read_pages(data, LIMITS, ocr=False)


def test_password_protected_pdf() -> None:
    with pytest.raises(EncryptedDocument, match="密码"):
        read_pages(encrypted_pdf(text_pdf([["保密"]])), LIMITS)


def test_owner_password_only_pdf_is_read() -> None:
    _, pages = read_pages(encrypted_pdf(text_pdf([["公开的内容"]]), user_password=""), LIMITS)
    assert pages[0].text == "公开的内容"


def test_docx_paragraphs_and_tables_in_document_order() -> None:
    data = docx_file(
        [
            "合作投资协议书",
            "甲方应当提供土地。",
            [["任务", "责任单位", "时限"], ["完成土地平整", "管委会", "2022年3月"]],
            "乙方应当按期开工。",
        ]
    )
    media_type, pages = read_pages(data, LIMITS)
    assert media_type == DOCX
    assert pages[0].text.split("\n") == [
        "合作投资协议书",
        "甲方应当提供土地。",
        "任务 责任单位 时限",
        "完成土地平整 管委会 2022年3月",
        "乙方应当按期开工。",
    ]
    assert pages[0].tables == ((("任务", "责任单位", "时限"), ("完成土地平整", "管委会", "2022年3月")),)


TEXT_SAMPLE = "第一条 甲方应当于２０２１年１０月前支付款项（人民币１００万元）；\nＰａｒｔｙ Ａ shall pay."


@pytest.mark.parametrize(
    "encoded",
    [
        pytest.param(TEXT_SAMPLE.encode("utf-8"), id="utf-8"),
        pytest.param(TEXT_SAMPLE.encode("utf-8-sig"), id="utf-8-bom"),
        pytest.param(TEXT_SAMPLE.encode("utf-16"), id="utf-16-bom"),
        pytest.param(TEXT_SAMPLE.encode("utf-16-le"), id="utf-16-le"),
        pytest.param(TEXT_SAMPLE.encode("utf-16-be"), id="utf-16-be"),
        pytest.param(TEXT_SAMPLE.encode("gb18030"), id="gb18030"),
        pytest.param(TEXT_SAMPLE.replace("Ｐａｒｔｙ Ａ", "甲方").encode("gbk"), id="gbk"),
    ],
)
def test_text_files_in_chinese_encodings(encoded: bytes) -> None:
    media_type, (page,) = read_pages(encoded, LIMITS)
    assert media_type == TEXT
    assert page.text.startswith("第一条 甲方应当于2021年10月前支付款项（人民币100万元）；\n")
    assert page.text.endswith(("Party A shall pay.", "甲方 shall pay."))


def test_form_only_pdf_reads_its_field_values() -> None:
    # reportlab writes form fields in its standard fonts only, hence English values
    fields = {"party": "Party A: Example Technology Co., Ltd.", "amount": "Total investment CNY 650 million"}
    _, (page,) = read_pages(form_pdf(fields), LIMITS)
    assert page.text.split("\n") == list(fields.values())
    assert not page.ocr


def test_an_unguarded_script_gets_clean_stdout(tmp_path: Path) -> None:
    """The parsing child neither re-runs the caller's script (no ``if __name__ == "__main__"`` needed)
    nor prints on the caller's stdout, which ``--json`` output goes to."""
    pdf = tmp_path / "doc.pdf"
    pdf.write_bytes(text_pdf([["第一条 甲方应当履行义务。"]]))
    script = tmp_path / "unguarded.py"
    script.write_text(
        "from extractors import Limits\n"
        "from extractors.reading import read_pages\n"
        f"_, pages = read_pages(open({str(pdf)!r}, 'rb').read(), Limits())\n"
        "print(repr(pages[0].text))\n",
        encoding="utf-8",
    )
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout == repr("第一条 甲方应当履行义务。") + "\n"
