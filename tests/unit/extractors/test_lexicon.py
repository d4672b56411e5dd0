"""Each entry of the shared lexicon and of the word lists in extractors/data, on a sentence of its own."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from extractors import DocumentKind, ExtractOptions, extract, lexicon
from extractors.deadlines import resolve_deadline
from extractors.lexicon import AGENT_VERBS, COMPOUNDS, HAVE_TO, MUST, PRINCIPAL_LABELS, SHALL, load_words, mask
from extractors.parties import _SUBJECT_MODAL, GOVERNMENT_ACTORS, is_actor, role_of_name, subject_of
from extractors.rules import (
    BARE_SPLIT_MODAL,
    BY_WHOM,
    DUTY_VERBS,
    PERMISSION,
    STRONG_MODAL,
    DocumentMode,
    _government_act,
    _subject,
)


@pytest.mark.parametrize(("word", "compound"), [(w, c) for w, cs in COMPOUNDS.items() for c in cs])
def test_every_compound_is_masked_and_keeps_its_length(word: str, compound: str) -> None:
    text = f"甲{compound}乙"
    masked = mask(text, [word])
    assert len(masked) == len(text)
    assert compound not in masked


@pytest.mark.parametrize(
    "sentence",
    [
        "企业确需加速折旧的，报税务机关备案。",
        "所需经费列入年度预算。",
        "甲方对乙方的家庭纠纷不负责任。",
        "乙方不同意变更的，按原合同执行。",
        "乙方收取的保证金按年计息。",
        "项目的建设需要占用集体土地。",
    ],
)
def test_compounds_are_not_duty_markers(sentence: str) -> None:
    assert STRONG_MODAL.search(sentence) is None


@pytest.mark.parametrize(
    ("sentence", "marker"),
    [
        ("乙方需按期办理登记。", "需"),
        ("区财政局负责拨付补贴资金。", "负责"),
        ("甲方同意出让该地块。", "同意"),
        ("乙方保证按期竣工。", "保证"),
    ],
)
def test_the_markers_themselves_still_count(sentence: str, marker: str) -> None:
    found = STRONG_MODAL.search(sentence)
    assert found is not None
    assert found.group(0) == marker


@pytest.mark.parametrize(
    ("sentence", "is_permission"),
    [
        ("该地块的所有权归国家。", False),
        ("因不可抗力造成损失的，双方互不承担责任。", False),
        ("乙方有权查阅相关资料。", True),
        ("乙方可向甲方申请延期。", True),
        ("乙方对厂房拥有完全的经营管理权。", True),
    ],
)
def test_permission_markers(sentence: str, is_permission: bool) -> None:
    assert (PERMISSION.search(sentence) is not None) is is_permission


@pytest.mark.parametrize(
    ("phrase", "kind"),
    [
        ("承办单位应当在规定期限内答复", "none"),
        ("逾期超过法定期限的，予以退回", "none"),
        ("市统计局应当定期发布统计数据", "recurring"),
    ],
)
def test_periodic_only_for_the_word_itself(phrase: str, kind: str) -> None:
    assert resolve_deadline(phrase).kind != "recurring" if kind == "none" else resolve_deadline(phrase).kind == kind


def test_a_clause_with_only_a_compound_is_no_obligation() -> None:
    text = (
        "某市促进条例\n第一条 为了促进发展，制定本条例。\n"
        "第二条 企业确需延期的，报市商务局备案。\n第三条 市商务局应当公开备案结果。\n"
    )
    result = extract(
        text.encode("utf-8"), ExtractOptions(kind=DocumentKind.POLICY_COMMITMENT, signed_on=date(2020, 1, 1))
    )
    assert [o.text for o in result.obligations] == ["市商务局应当公开备案结果"]


# --------------------------------------------------------------------------------------------- shared entries
@pytest.mark.parametrize("verb", AGENT_VERBS)
def test_every_agent_verb_makes_the_by_phrase_the_actor(verb: str) -> None:
    clause = f"由县交通运输局{verb}道路养护的有关事项"
    assert subject_of(clause) == "县交通运输局"
    by = BY_WHOM.search(f"养护费用，{clause}")
    assert by is not None
    assert by.group(1) == "县交通运输局"


def test_a_by_phrase_without_an_agent_verb_names_no_actor() -> None:
    assert BY_WHOM.search("由于天气原因工期顺延") is None


_CONTRACT = DocumentMode(english=False, regulation=False, plan=False, contract=True, year=None)


@pytest.mark.parametrize("label", PRINCIPAL_LABELS)
def test_every_principal_label_is_a_clause_subject(label: str) -> None:
    assert _subject(f"在验收合格后，{label}应当按期结清全部价款", _CONTRACT, "应当") == label


@pytest.mark.parametrize("label", [lab for lab in PRINCIPAL_LABELS if lab != "甲乙双方"])
def test_a_principal_label_owns_what_its_attribute_states(label: str) -> None:
    assert _subject(f"{label}年纳税额应当逐年增长", _CONTRACT, "应当") == label


@pytest.mark.parametrize(
    ("sentence", "duty"),
    [
        ("区财政局负责拨付补贴资金。", True),
        ("项目负责人应在现场。", True),  # the duty is 应, not 负责
        ("项目负责人名单附后。", False),
        ("请与负责同志联系。", False),
        ("由负责审批的部门另行通知。", False),
        ("乙方需按期办理登记。", True),
        ("满足企业的融资需求。", False),
        ("按需配置办公用房。", False),
    ],
)
def test_responsible_and_need_markers(sentence: str, duty: bool) -> None:
    assert (STRONG_MODAL.search(sentence) is not None) is duty


# --------------------------------------------------------------------------------------------- data files
@pytest.mark.parametrize("actor", GOVERNMENT_ACTORS)
def test_every_government_actor_is_a_government_body(actor: str) -> None:
    assert is_actor(actor)
    assert role_of_name(actor) == "government"


_PREPOSITIONS = ("对", "向", "在")


@pytest.mark.parametrize(
    "verb",
    [v for v in DUTY_VERBS if v not in _PREPOSITIONS],
)
def test_every_duty_verb_after_a_government_body_is_its_task(verb: str) -> None:
    assert _government_act(f"镇人民政府{verb}本镇小微企业的服务工作")


@pytest.mark.parametrize("preposition", _PREPOSITIONS)
def test_every_duty_preposition_after_a_government_body_opens_its_task(preposition: str) -> None:
    assert _government_act(f"镇人民政府{preposition}本镇小微企业开展服务")


def test_a_government_body_that_is_described_has_no_task() -> None:
    assert not _government_act("镇人民政府是本镇的行政机关")


@pytest.mark.parametrize("sentence", ["本办法所称主管部门指县级以上人民政府商务主管部门", "乡镇人民政府指本县各乡镇"])
def test_the_copula_zhi_still_defines_while_zhidao_assigns(sentence: str) -> None:
    assert not _government_act(sentence)
    assert _government_act("县人民政府指导乡镇做好企业服务工作")


def test_load_words_skips_comments_and_blank_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "words.txt").write_text("# a comment\n\n甲  # the first\n乙\n", "utf-8")
    monkeypatch.setattr(lexicon, "DATA", tmp_path)
    assert load_words("words.txt") == ("甲", "乙")


@pytest.mark.parametrize(
    "clause", ["丙方租用甲方的库房堆货的，堆放期间不收费", "乙方住甲方的招待所的，住宿期间免收房费"]
)
def test_a_whole_de_condition_is_not_the_subject_of_its_clause(clause: str) -> None:
    """'X…的，' states the case the clause covers; the clause names nobody: it takes the list lead or default."""
    assert _subject(clause, _CONTRACT, None) is None


# 应 / 要 / 须: one definition each (extractors.lexicon), read alike by every pattern that looks for a modal
MODAL_CASES = [
    (SHALL, "承租人应按月交纳租金", True),
    (SHALL, "区政府应于年底前完成", True),
    (SHALL, "提供相应的配套条件", False),
    (SHALL, "与之对应的补贴标准", False),
    (SHALL, "主管部门应对申报材料进行形式审查", True),
    (SHALL, "积极应对市场风险", False),
    (SHALL, "供应商名录每年更新", False),
    (SHALL, "建立应急处置机制", False),
    (SHALL, "应收账款质押登记", False),
    (SHALL, "及时回应群众关切", False),
    (SHALL, "乙方验收时应邀请监理单位参加", True),
    (SHALL, "专家应邀出席论证会", False),
    (HAVE_TO, "各镇街要加强巡查", True),
    (HAVE_TO, "主要任务分解如下", False),
    (HAVE_TO, "按照上级要求执行", False),
    (HAVE_TO, "会议纪要印发各单位", False),
    (HAVE_TO, "必要时可以延期", False),
    (MUST, "变更须经双方同意", True),
    (MUST, "办事须知张贴于大厅", False),
]


@pytest.mark.parametrize(("marker", "text", "is_modal"), MODAL_CASES, ids=[c[1] for c in MODAL_CASES])
def test_modal_markers_and_the_words_that_contain_them(marker: str, text: str, is_modal: bool) -> None:
    assert bool(re.search(marker, text)) is is_modal


@pytest.mark.parametrize(("marker", "text", "is_modal"), MODAL_CASES, ids=[c[1] for c in MODAL_CASES])
def test_every_modal_pattern_reads_the_markers_alike(marker: str, text: str, is_modal: bool) -> None:
    """A duty's modal, a split point's and the modal that ends a subject agree on 应/要/须 (they had drifted:
    the subject's 应 took 应急 and 相应, the split's 要 took 主要)."""
    assert bool(STRONG_MODAL.search(text)) is is_modal
    assert bool(BARE_SPLIT_MODAL.search(text)) is is_modal
    if marker is not HAVE_TO:  # the subject's own modal list names no 要
        assert bool(_SUBJECT_MODAL.search(text)) is is_modal


@pytest.mark.parametrize("word", lexicon.NOT_AGENCY)
def test_every_not_agency_word_stops_by_x_naming_an_actor(word: str) -> None:
    from extractors.rules import by_agent

    assert by_agent(f"该项费用由乙方{word}相关事项") is None
    assert by_agent("该项费用由乙方另行核算") == "乙方"


@pytest.mark.parametrize("word", lexicon.COMPETENCES)
def test_every_competence_after_by_x_is_a_power_not_a_duty(word: str) -> None:
    from extractors.rules import by_agent

    assert by_agent(f"该职位由董事会{word}") is None
    assert by_agent(f"该职位由董事会另行{word}") is None


@pytest.mark.parametrize("officer", lexicon.OFFICERS)
def test_every_officer_acts_after_by(officer: str) -> None:
    from extractors.rules import by_agent

    assert by_agent(f"年度报告由{officer}组织编写") == officer


@pytest.mark.parametrize("verb", lexicon.PAYMENT_VERBS)
def test_every_payment_verb_makes_a_bare_period_an_instalment(verb: str) -> None:
    deadline = resolve_deadline(f"6个月后{verb}第二期款项", date(2021, 3, 1))
    assert (deadline.kind, deadline.anchor) == ("relative", "other")


@pytest.mark.parametrize(
    "sentence", ["由于乙方提供的资料有误，工期顺延。", "经由甲方转交的文件，视为送达。", "缘由乙方承担。"]
)
def test_by_in_because_and_reason_names_no_agent(sentence: str) -> None:
    assert BY_WHOM.search(sentence) is None
