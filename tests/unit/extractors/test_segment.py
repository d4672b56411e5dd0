"""Structure: clause numbers, paragraphs across stray line breaks, sentences, chunks and unit notes."""

from __future__ import annotations

import pytest

from extractors.segment import chunks, find_notes, paragraphs, parse_note, sentences, squash, strip_marker


@pytest.mark.parametrize(
    ("line", "level", "marker"),
    [
        ("第五条 甲方应当……", "article", "第五条"),
        ("第一章 总 则", "chapter", "第一章"),
        ("一、总体要求", "l1", "一、"),
        ("（一）建立政务诚信专项督导机制。", "l2", "（一）"),
        ("1.及时承接落实行政权力事项。", "l3", "1."),
        ("2、乙方责任：", "l3", "2、"),
        ("1） 甲方将在园区注册。", "paren_num", "1）"),
        ("2.3.1 合同价款及其他计费指标", "dotted", "2.3.1"),
        ("Ｂ．乙方负责场地平整。", "alpha", "Ｂ．"),
        ("（ｃ）按期交付图纸。", "alpha", "（ｃ）"),
        ("（Ⅲ）配合竣工验收。", "alpha", "（Ⅲ）"),
        ("③按月报送进度。", "circled", "③"),
        ("— 按季度支付租金。", "dash", "—"),
        ("12.4.1 On or after Appointed Date", "dotted", "12.4.1"),
        ("a) Take all necessary permits", "alpha", "a)"),
        ("甲方应当支付。", None, None),
        ("4.10月底前，完成全市事项梳理。", "l3", "4."),
        ("3.2020年底前建成共享平台。", "l3", "3."),
        ("2.12 项目公司的设立", "dotted", "2.12"),
    ],
)
def test_clause_numbers(line: str, level: str | None, marker: str | None) -> None:
    got_level, got_marker, _ = strip_marker(line)
    assert (got_level, got_marker) == (level, marker)


def test_sentences_do_not_break_inside_quotes_or_brackets() -> None:
    text = "按照“公开为常态；不公开为例外”的原则推进。乙方（含其子公司；关联方）应当遵守。最后一句"
    got = [text[s.start : s.end] for s in sentences(text, 0, len(text))]
    assert got == [
        "按照“公开为常态；不公开为例外”的原则推进。",
        "乙方（含其子公司；关联方）应当遵守。",
        "最后一句",
    ]


def test_english_sentences_keep_abbreviations() -> None:
    text = "Take all Applicable Permits etc. which are required. The Company shall pay Rs. 10 crore. Done"
    got = [text[s.start : s.end] for s in sentences(text, 0, len(text), english=True)]
    assert got == [
        "Take all Applicable Permits etc. which are required.",
        "The Company shall pay Rs. 10 crore.",
        "Done",
    ]


@pytest.mark.parametrize("english", [False, True])
def test_english_sentences_of_a_bilingual_paragraph_end_by_the_english_rules(english: bool) -> None:
    text = "乙方应按期交付设备。Party B shall deliver the equipment to Xinhe Co. Ltd. on time. 甲方负责验收。"
    got = [text[s.start : s.end] for s in sentences(text, 0, len(text), english=english)]
    assert got == [
        "乙方应按期交付设备。",
        "Party B shall deliver the equipment to Xinhe Co. Ltd. on time.",
        "甲方负责验收。",
    ]


def test_chinese_full_stop_written_as_ascii_dot_ends_a_sentence() -> None:
    text = "有权代表政府签署本合同. 2.2.1 甲方系代表人民政府签订本合同."
    assert len(sentences(text, 0, len(text))) == 2


def test_chunks_split_at_commas_outside_quotes() -> None:
    text = "受理投诉部门应当按照“属地管理、分级负责，谁主管谁负责”的原则，自受理之日起10个工作日内，转交处理"
    got = [text[c.start : c.end] for c in chunks(text, 0, len(text))]
    assert len(got) == 3
    assert got[0].endswith("的原则，")


def test_a_line_break_after_a_comma_or_enumeration_mark_does_not_end_the_paragraph() -> None:
    text = (
        "2.2 安阳市人民政府授权甲方为本项目实施机构，负责本项目的项目准备、\n"
        "7 采购、执行、监督和移交等工作.\n2.3 乙方应当设立项目公司."
    )
    paras = paragraphs(text)
    assert [p.marker for p in paras] == ["2.2", "2.3"]
    assert "7 采购" in text[paras[0].start : paras[0].end]


def test_wrapped_pdf_lines_are_joined_and_offsets_map_back() -> None:
    lines = [
        "一二三四五六七八九十" * 3 + "甲方应当在本协议签订之日起三十",
        "日内支付土地出让金。",
        *(["乙方应当按时开工建设并且保证工程质量符合国家标准要求的规定"] * 8),
    ]
    text = "\n".join(lines)
    clean, index = squash(text)
    assert "三十日内" in clean
    assert len(index) == len(clean)
    assert all(clean[i] == text[index[i]] for i in range(len(clean)) if clean[i] != " ")


def test_spaces_between_cjk_characters_are_squashed() -> None:
    clean, _ = squash("则由安阳市人民政 府承担相关的权利和 义务")
    assert clean == "则由安阳市人民政府承担相关的权利和义务"


@pytest.mark.parametrize(
    ("content", "units"),
    [
        ("市发展改革局、市财政局按职责分工分别负责", ("市发展改革局", "市财政局")),
        ("市人力资源社会保障局负责", ("市人力资源社会保障局",)),
        (
            "市发展改革局、人行佛山市中心支行及其他有关部门，镇级以上人民政府按职责分工分别负责",
            ("市发展改革局", "人行佛山市中心支行", "镇级以上人民政府"),
        ),
        (
            "牵头单位：省政府办公厅、省发展改革委；配合单位：各市政府",
            ("省政府办公厅", "省发展改革委", "各市政府"),
        ),
        (
            "牵头单位：区政府办公室，责任单位：区政府有关部门，各街道（功能区）",
            ("区政府办公室", "区政府有关部门", "各街道（功能区）"),
        ),
        ("责任单位：市市场监管局；完成时限：2021年6月底前", ("市市场监管局",)),
        ("责任单位：市住建局，时间：2020年底", ("市住建局",)),
        ("责任单位：区商务局、区财政局，各街道按职责分工负责。", ("区商务局", "区财政局", "各街道")),
        ("牵头单位：区文旅局。完成时限：2021年3月底前", ("区文旅局",)),
        ("责任主体：县教育局、县财政局", ("县教育局", "县财政局")),
        ("配合处室：财务处；牵头处室：规划处", ("规划处", "财务处")),
        ("以下统称受理投诉部门", None),
        ("即：增值税地方政府留成部分50%返还给企业", None),
    ],
)
def test_responsible_unit_notes(content: str, units: tuple[str, ...] | None) -> None:
    assert parse_note(content) == units


def test_notes_are_found_with_nested_brackets() -> None:
    text = "完善社会监督机制。〔牵头单位：区政府办公室，责任单位：各街道（功能区）〕下一项任务。"
    notes = find_notes(text, 0, len(text))
    assert len(notes) == 1
    assert text[notes[0].start] == "〔"
    assert notes[0].units[0] == "区政府办公室"


@pytest.mark.parametrize(
    ("content", "units"),
    [
        ("市发展改革委牵头，市财政局、市商务局配合", ("市发展改革委", "市财政局", "市商务局")),
        ("各区政府负责，市直有关部门配合", ("各区政府", "市直有关部门")),
        ("由乙方负责", None),
    ],
)
def test_notes_with_lead_and_cooperating_roles(content: str, units: tuple[str, ...] | None) -> None:
    assert parse_note(content) == units


def test_a_note_written_as_a_sentence_after_the_task_is_found() -> None:
    text = "推行工程建设项目联合验收，十个工作日内办结。责任单位：市住建局、市规划局，时间：2020年底。下一项任务。"
    (note,) = find_notes(text, 0, len(text))
    assert text[note.start : note.end] == "责任单位：市住建局、市规划局，时间：2020年底。"
    assert note.units == ("市住建局", "市规划局")


def test_a_note_line_after_a_full_line_of_wrapped_text_starts_a_paragraph() -> None:
    full = "推进全县农村供水管网改造提升工程建设并建立长效管护机制"  # as long as the layout's lines
    lines = [
        *([full + "。"] * 8),
        "（二）完善管护。" + full + "。",
        "责任单位：县水利局",
        "完成时限：2021年底前",
    ]
    text = "\n".join(lines)
    bodies = [text[p.start : p.end] for p in paragraphs(text)]
    assert bodies[-2:] == ["责任单位：县水利局", "完成时限：2021年底前"]


@pytest.mark.parametrize(
    ("content", "units"),
    [
        ("Lead unit: City Commerce Bureau; cooperating units: City Finance Bureau, City Tax Bureau",
         ("City Commerce Bureau", "City Finance Bureau", "City Tax Bureau")),
        ("Responsible units: City Housing and Urban-Rural Development Bureau",
         ("City Housing and Urban-Rural Development Bureau",)),
        ("before the Appointed Date", None),
        ("Lead unit: City Commerce Bureau; see Annex 2", None),
    ],
)  # fmt: skip
def test_english_responsible_unit_notes(content: str, units: tuple[str, ...] | None) -> None:
    assert parse_note(content) == units
