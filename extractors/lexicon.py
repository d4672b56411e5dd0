"""The lexicon the rule modules share (``rules``, ``parties``), defined once, and the word lists in
``extractors/data`` they load (``load_words``).

* ``COMPOUNDS``: words that are not the marker they contain — 需 in 需要, 有权 in 所有权, 定期 in 规定期限 …
  A Chinese marker is one or two characters, so a plain search finds it inside longer words that mean
  something else; ``mask`` blanks those compounds out (same length, so offsets stay valid) before a marker
  pattern is searched.
* ``AGENT_VERBS``: the verbs after which ``由X…`` names the body that acts (由乙方承担, 由区政府负责).
* ``PRINCIPAL_LABELS``: the labels of the principal parties a clause subject may be (甲方, 项目公司 …).
* ``RESPONSIBLE``, ``NEED``: the duty markers 负责 and 需 with the words around them that make them another.
* ``NOT_BODY_WORDS``: words that hold a one-character head of a government body's name (局, 厅, 委), a
  government word (审计) or a party noun (法人) but name no such body — 布局, 委托方, 审计师, 执法人员 —,
  masked before a name's side is read.

Each entry has a test on a sentence of its own (``tests/unit/extractors/test_lexicon.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

__all__ = [
    "AGENT_VERBS",
    "COMPETENCES",
    "COMPOUNDS",
    "HAVE_TO",
    "MUST",
    "NEED",
    "NOT_AGENCY",
    "NOT_BODY_WORDS",
    "OFFICERS",
    "PAYMENT_VERBS",
    "PRINCIPAL_LABELS",
    "RESPONSIBLE",
    "SHALL",
    "MaskedPattern",
    "alternation",
    "load_words",
    "mask",
]

DATA = Path(__file__).parent / "data"


def load_words(name: str) -> tuple[str, ...]:
    """The words of a lexicon file in ``extractors/data`` (one a line, ``#`` comments)."""
    lines = (DATA / name).read_text("utf-8").splitlines()
    return tuple(w for w in (line.split("#", 1)[0].strip() for line in lines) if w)


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of ``words`` as written, in their order."""
    return "|".join(words)


#: 由X承担 / 由X负责 …: the verbs after which the 由-phrase names the body that acts
AGENT_VERBS = (
    "承担", "负责", "承继", "支付", "返还", "提供", "办理", "缴纳", "给予", "补偿", "赔偿", "组织", "实施", "协调",
    "完成", "责令", "依法",
)  # fmt: skip
#: what follows 由X when X does not act: 由X组成 (content), 由X解释, a cause (由X原因造成, 由X引起)
NOT_AGENCY = ("组成", "构成", "解释", "原因", "过错", "引起", "造成", "导致", "产生", "所", "的", "作为")
#: what 由X does when the clause gives X a power, not a duty: an appointment (董事长由甲方委派, 由董事会聘请)
#: or a decision (由董事会决定, 由双方协商决定) — possibly after an adverb (另行, 协商)
COMPETENCES = (
    "委派", "推荐", "聘请", "聘任", "任命", "选举", "提名", "担任", "决定", "讨论", "审议", "批准", "判决", "裁决",
)  # fmt: skip
#: the verbs of a payment: an instalment of a schedule pays (12个月后支付第二期, 6个月后付清余款)
PAYMENT_VERBS = ("支付", "付清", "付给", "付款", "缴纳", "缴清", "交纳", "返还", "退还", "偿还", "归还", "拨付")
#: the officers of a contract's company who act in its clauses (由董事长召集, 由总经理组织编制)
OFFICERS = ("董事长", "副董事长", "总经理", "副总经理", "经理", "厂长", "总会计师", "审计师")
#: the principal parties' labels that a clause's subject may be (the one it owes a duty as)
PRINCIPAL_LABELS = ("甲乙双方", "甲方", "乙方", "丙方", "项目公司", "社会资本方")
#: 负责 as a duty, not in 负责同志/负责人 or a relative clause (负责…的部门)
RESPONSIBLE = r"负责(?!同志|人)(?![^，。；]{0,25}?的(?:部门|机构|单位|同志|人员|领导))"
#: 需 as a duty, not in 所需/必需/急需/按需/无需 or 需求
NEED = r"(?<![所必急按无])需(?!求)"
#: 应 as a modal, not in 相应/对应/供应/响应/适应/反应/效应/答应/理应/回应 or
#: 应收/应付/应用/应急/应届/应诉/应对/应变/应聘/应征/应邀/应试; 应对X进行/予以… is 应 + 对X (应付给/应付清 and
#: 应邀请 are duties)
SHALL = (
    r"(?<![相对供响适反效答理回])应(?![收用急届诉变聘征试]|邀(?!请)|付(?!\s*[给清还])"
    r"|对(?![^，。；]{1,30}?(?:进行|予以|作出|实施|开展|加强)))"
)
#: 要 as a modal, not in 重要/主要/需要/纪要/摘要/纲要/提要/只要/必要/首要/不要/想要/简要/概要/扼要/机要 or
#: 要求/要点/要素/要件/要闻/要是/要么/要害/要职/要务/要领/要旨
HAVE_TO = r"(?<![重主需纪摘纲提只必首不想简概扼机])要(?![求点素件闻是么害职务领旨])"
#: 须 as a modal, not in 须知 (必须 is a marker of its own)
MUST = r"(?<!必)须(?!知)"

#: words that contain a government head (局, 厅, 委, 审计) but are no body: a layout, a lessor, an auditor
NOT_BODY_WORDS = (
    "布局", "格局", "大局", "全局", "结局", "开局", "僵局", "时局", "定局", "残局", "骗局", "棋局", "局部", "局面",
    "局限", "局势", "委托", "委派", "委任", "委屈", "委婉", "餐厅", "客厅", "大厅", "展厅", "审计师", "审计员",
    "执法人",
)  # fmt: skip

#: marker → compounds that contain it but are another word
COMPOUNDS: dict[str, tuple[str, ...]] = {
    "需": ("需要", "确需", "所需", "急需", "亟需", "必需", "无需"),
    "有权": ("所有权",),
    "可": ("不可抗力", "许可", "认可", "不可", "可能", "可行", "可靠", "可持续"),
    "可以": ("不可以",),
    "定期": ("规定期限", "法定期限", "约定期限", "限定期", "确定期限", "规定期间", "约定期间", "法定期间"),
    "负责": ("不负责任", "不负责"),
    "同意": ("不同意",),
    "保证": ("保证金", "保证人", "保证书", "保证期", "保证合同", "保证方式"),
    "要": ("需要", "重要", "主要", "要求", "要点", "摘要", "纲要", "必要", "首要"),
}

_PATTERNS: dict[str, re.Pattern[str]] = {
    word: re.compile("|".join(sorted(map(re.escape, compounds), key=len, reverse=True)))
    for word, compounds in COMPOUNDS.items()
}


def mask(text: str, words: Iterable[str] | None = None) -> str:
    """``text`` with the compounds of ``words`` (all markers if None) replaced by spaces of the same length."""
    for word in COMPOUNDS if words is None else words:
        pattern = _PATTERNS[word]
        if word in text:
            text = pattern.sub(lambda m: " " * len(m.group(0)), text)
    return text


class MaskedPattern:
    """A marker pattern searched on the text with its markers' compounds masked (``search``/``match`` only)."""

    def __init__(self, pattern: re.Pattern[str], words: Iterable[str] | None = None) -> None:
        self.pattern = pattern
        self.words = tuple(COMPOUNDS if words is None else words)

    def search(self, text: str) -> re.Match[str] | None:
        return self.pattern.search(mask(text, self.words))

    def match(self, text: str) -> re.Match[str] | None:
        return self.pattern.match(mask(text, self.words))

    def finditer(self, text: str) -> Iterable[re.Match[str]]:
        return self.pattern.finditer(mask(text, self.words))


#: the addressee line of a notice or plan, alone on its line: 各乡镇人民政府，县直各单位：
ADDRESSEE_LINE = re.compile(r"^\s*各[^\n：:。]{1,60}[：:]\s*$", re.M)
