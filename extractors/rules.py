"""Which clauses are obligations, and whose: the rule layer of ``extractors.pipeline.annotate``.

Granularity follows the annotation conventions: one item per clause. A sentence (split at 。；) is cut
into comma chunks, and the chunks are grouped into clauses; a new clause starts at

* a new modal after one already seen (``应当…，不得…``), or a connector with its own modal (``以及…负责``);
* a new subject with its own modal (``…体系，上级政府要…``);
* a different concrete deadline (``…3天内支付…，余款在领取土地证前付清``), in contracts only after a modal;
* in English, ``provided that`` / ``subject to`` and ``, and … shall``.

A clause is an obligation when it has a deontic marker (应当/须/不得/负责/承诺/shall/must …) and no mere
permission (有权/可以/may), or — without a modal — when it is a task of a policy plan (followed by a
responsible-unit note), a directive of a covering notice (请认真组织实施), an item of a duty section
(甲方责任：), a liability clause (由X责令改正), a regulation's assignment of a task to a government body
(X对…进行监督检查), or a contract commitment (由甲方返还, 余款在…前全部付清).
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from extractors.deadlines import effective_on_signing, resolve_deadline
from extractors.lexicon import (
    ADDRESSEE_LINE,
    AGENT_VERBS,
    COMPETENCES,
    HAVE_TO,
    MUST,
    NEED,
    NOT_AGENCY,
    OFFICERS,
    PRINCIPAL_LABELS,
    RESPONSIBLE,
    SHALL,
    MaskedPattern,
    alternation,
    load_words,
    mask,
)
from extractors.model import Deadline, DocumentKind, Party, Role
from extractors.parties import (
    EN_LETTER_LABELS,
    EN_PARTY,
    GOV_WORDS,
    PUBLIC_NAMES,
    ROLE_NOUNS,
    ends_in_head,
    english_party_at,
    english_subject,
    is_actor,
    role_of_name,
    subject_of,
)
from extractors.segment import (
    NOTE_HEADS,
    TIME_FIELD,
    Note,
    Paragraph,
    Span,
    chunks,
    find_notes,
    paragraphs,
    parse_note,
    sentences,
)

__all__ = ["DocumentMode", "Finding", "document_mode", "find_obligations"]

# --------------------------------------------------------------------------------------------- lexicon
STRONG_MODAL = MaskedPattern(
    re.compile(
        rf"应当|{SHALL}|{MUST}|必须(?!的)|务必|有责任|"
        rf"{NEED}|"
        rf"{HAVE_TO}|"
        rf"负总责|{RESPONSIBLE}|承诺|"
        r"(?<!提供)(?<!作为)保证(?![金书期人])|确保|不得|不准(?!确)|不许(?!可)|严禁|禁止|(?<!经)同意(?!的)|给予|授予|有义务|负有[^，。；]{0,30}?(?:义务|责任)|"
        r"由[^，。；]{1,30}?承担|(?<!不)承担(?!的)[^，。；]{0,12}(?:费用|责任|损失|成本|风险|(?<!权利和)(?<!权利与)(?<!权利、)(?<!权利)义务)|(?<=方)将(?!其)|(?<=方)将其(?=[^，。；]{0,40}?(?:出让|转让|移交|交付|授予|划拨|交给))|"
        r"(?<=方)特许(?=[^，。；]{0,8}方)|予以"
    )
)
BARE_SPLIT_MODAL = MaskedPattern(
    re.compile(rf"应当|{SHALL}|{MUST}|必须|不得|不准(?!确)|不许(?!可)|严禁|禁止|务必|{HAVE_TO}")
)
WEAK_MODALS = ("将", "予以", "给予", "同意")
PERMISSION = MaskedPattern(
    re.compile(
        r"有权|可以|可适当|享有|拥有[^，。；]{0,20}权|有权利|不必|无须|无需|保留[^，。；]{0,20}权利|"
        r"可(?=[向对在按将于由]|要求|申请|提出|选择|委托|采取|根据|自行|另行|予以|请求|解除|终止|拒绝|单方|直接|通过|酌情|参照|参考|提请)"
    ),
    ("有权", "可", "可以"),
)
REFERRAL = re.compile(r"从其规定|从其约定|另有规定的除外|另有约定的除外|(?:依照|按照|适用)其规定")
EXCLUDE = re.compile(
    r"是指|所称|系指|本(?:条例|办法|规定|协议|合同|方案)自[^，。；]{0,20}(?:起施行|生效(?!之日))|起施行|"
    r"一式[^，。；]{0,6}份|协商解决|协商不成|提交[^，。；]{0,20}仲裁|仲裁委员会|人民法院[^，。；]{0,6}(?:起诉|诉讼)|"
    r"未尽事宜|未尽事项|具有同等法律效力|达成(?:如下|以下)协议|经(?:过)?友好协商|"
    r"(?:修改|修订|变更|补充)[^，。；]{0,12}(?:须|应|应当)(?:经|由)?(?:甲乙)?双方|"
    r"依法追究刑事责任|制定本(?:条例|办法|规定|方案|实施方案|意见|细则)|"
    r"适用本(?:条例|办法|规定|细则)(?=$|[。；，,])"  # scope: 本市…工作适用本条例
)
#: a party as the subject of a strong modal, which makes a template note a duty of its own
_NOTE_BINDS_PARTY = r"(?<![非对由向与])(?:[甲乙丙丁]方|双方|各方)\s*(?:应当|应|必须|须)"
#: a template note on a line of its own: （注：…）
_WHOLE_NOTE = re.compile(r"^[（(]\s*注\s*[：:]([^（()）]*)[）)]\s*[。；]?$")
#: clauses that carry a modal but impose no duty, by kind (each kind has a test on sentences of its own)
NON_DUTY: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("validity", re.compile(r"之日起(?:生效|施行)|(?:方|才)(?:能|可)?(?:生效|有效)|后(?:方|才)?生效|(?:即|始)行?生效")),
    ("interpretation", re.compile(r"负责解释|由[^，。；]{1,25}解释$|解释权(?:归|属于)")),
    ("form_note", re.compile(r"^[（(【]?\s*(?:注|说明|填写说明)\s*[：:][^）)]{0,40}(?:写|填|选择|明确规定)")),
    # a template's field left blank: 违约金的计算方法为：＿＿, 各方应得的数额＿＿, 交售时间是＿＿
    ("form_field", re.compile(r"^(?=[^，。；]*(?:的|为|是|[：:]))[^，。；＿_]{2,20}?[：:]?\s*[＿_]{3,}$")),
    ("drawn_table", re.compile(r"[\u2500-\u257f]")),  # a table drawn with box characters: │承包│土地级别│
    # …unless the note binds a party itself: （注：以设备出资时，甲、乙双方应另行签订协议。）
    (
        "template_note",
        re.compile(r"^[（(【]\s*注\s*[：:](?![^）)】]*" + _NOTE_BINDS_PARTY + r")[^）)】]*[）)】]$"),
    ),
    (
        "form_instruction",
        re.compile(
            r"根据(?:实际|具体)情况(?:具体)?(?:写|填|选择)|(?:应当?|须)填(?![写报表])|(?:在空格|空格部位|空白处)[^，。；]{0,6}(?:打|填|划)|填明|选择√|打×"
        ),
    ),
    (
        "purpose",
        re.compile(
            r"(?:^|，)特(?:订立|签订|制定|订|立|签署)|为(?:了)?明确[^，。；]{0,20}(?:权利|义务|责任)|"
            r"(?:订立|签订|签署)本(?:合同|协议)(?:书)?(?:，|以|如下|共同)"
        ),
    ),
    (
        "founding",  # the parties agree, under a law, to set up the company the contract is about
        re.compile(
            r"根据[^。；]{0,60}?(?:法|法规|规定|条例)[^。；]{0,20}?，[^，。；]{0,8}?同意(?:在[^，。；]{0,30})?(?:共同)?"
            r"(?:投资)?(?:建立|设立|组建|举办|兴办)"
        ),
    ),
    ("signing", re.compile(r"^本(?:合同|协议)(?:书)?于[^，。；]*签(?:署|订|定)|签(?:署|订|定)本(?:合同|协议)(?:书)?$")),
    (
        "amendment",
        re.compile(
            r"不得(?:擅自|随意|单方面?|无故)?(?:要求)?(?:修改|变更|解除|终止)(?:或(?:者)?(?:修改|变更|解除|终止))?(?:本)?合同"
        ),
    ),
    (
        "content",
        re.compile(r"还(?:应当?|须)?(?:包括|包含)|(?:应当?|须)由[^，。；]{1,20}组成"),
    ),
    ("deeming", re.compile(r"视为|视同|即为")),
    # the form a proof must take, not a duty of a party: 该证明文件应由当地公证机构出具
    (
        "evidence",
        re.compile(r"证明(?:文件|材料|书)?[^，。；]{0,4}(?:应当?|须|必须)?由[^，。；]{1,30}?(?:出具|证明|公证)"),
    ),
    (
        "formality",  # the contract itself must be approved, notarised or signed: 本合同须经…批准
        re.compile(
            r"^本(?:合同|协议)(?:书)?[^。；]{0,20}?(?:均|应当?|须|需|必须)(?:经|由)[^，。；]{0,30}?"
            r"(?:批准|公证|鉴证|签字|签章|盖章)"
        ),
    ),
    ("precedence", re.compile(r"以[^，。；]{1,20}为准|优先适用|具有同等(?:法律)?效力")),
    ("guiding", re.compile(r"坚持以[^，。；]{2,40}为(?:指导|统领|根本遵循)|指导思想")),
)
ENCOURAGE = re.compile(r"^(?:国家)?(?:鼓励|支持|引导|倡导)")
LIABILITY = re.compile(
    r"依法追究(?!刑事)[^，。；]{0,6}责任|依法给予处分|给予[^，。；]{0,10}处分|责令(?:限期)?改正|依法(?:予以)?处理|"
    r"依法处罚|予以处罚|处[^，。；]{0,20}罚款"
)
BY_WHOM = re.compile(rf"(?<![理自缘事经来])由(?![于此衷])([^，。；]{{1,30}}?)(?:{alternation(AGENT_VERBS)})")
#: 由 that names no agent: 由于 (because), 由此, 由其, 理由/自由/缘由/事由/经由
_BY = re.compile(r"(?<![理自缘事经来])由(?![于此其衷])")
_NOT_AGENCY = re.compile(rf"^(?:{alternation(NOT_AGENCY)})")
_OFFICER_START = re.compile(alternation(sorted(OFFICERS, key=len, reverse=True)))
_COMPETENCE = re.compile(rf"^[^，。；]{{0,4}}?(?:{alternation(COMPETENCES)})")
TASK_START = re.compile(
    r"^(?:依法|依规|对|通过|按程序|将|把|建立|推进|推动|加强|加大|进行|实施|开展|组织|负责|做好|完善|健全|制定|监督|督促|"
    r"审计|提供|予以|采取|会同|依据|按照|依照|向|及时|定期|每年)"
)
VERB_START = re.compile(
    r"^(?:组织|编制|监督|检查|指导|协调|审核|审查|发布|受理|办理|管理|保障|保护|维护|支付|提供|按时|按照|依照|依法|负责|"
    r"承担|落实|执行|配合|协助|及时|定期|确保|保证|制定|建设|完成|开展|推动|推进|加强|建立|健全|完善|实施|统筹|研究|"
    r"做好|督促|报告|报送|公开|公布|收集|核实|处理|调查|处置|接受|参与|参加|遵守|缴纳|对|向|将|把|拟订|起草|会同)"
)
COMMIT_VERB = re.compile(
    r"(?:提供|返还|支付|付清|付给|交给|拨给|培训|到位|缴纳|交付|完成|开工|竣工|投产|迁入|注册|落户|办理|协助|配合|出让|移交|补偿|赔偿|承继|"
    r"解决|投资|建成|不低于|不少于|达到)(?!的)"
)
#: a sum of money, written or left blank in a template (1100元, 6.5亿元, ＿＿万元)
MONEY = re.compile(r"(?:\d[\d,.]*|[＿_]{2,})\s*(?:万|亿|千)?(?:元|美元|美金)")
#: a sum that describes (合营公司的投资总额为人民币＿＿元), not one paid
COPULA_SUM = re.compile(r"(?:为|是)\s*(?:人民币|美元|港币)?\s*(?:[\d０-９]|[＿_]{2,})")
#: a filing with an authority, without a subject: 报当地劳动部门备案, 报审批机关批准
REPORT_TO_AUTHORITY = re.compile(r"^(?:报|报送|提交|呈报)(?!告)[^，。；]{1,30}?(?:备案|批准|审批|核准|审查|审核|登记)")
#: being answerable to someone (并对总经理负责) completes the duty before it; it starts no clause
ACCOUNTABLE = re.compile(r"^对[^，。；]{1,20}负责[。；]?$")
CONNECTOR = re.compile(r"^(?:并且|并|但是|但|同时|且|以及|而且|还|或者|另)")
ADVERB = re.compile(r"^(?:严格|依法|依规|及时|切实|认真|积极|主动|必要时|原则上|应当|务必)")
NOTICE = re.compile(r"请[^，。；]{0,12}(?:实施|落实|执行|贯彻|遵照|遵循|反映|报送|研究|抓好|做好|认真|组织)")
CONDITION_END = re.compile(r"(?:的|时|后|前|内|下|中|外|之际|期间|之后|以后|以前|之前)$")
#: a purpose a clause opens with, whose 保证/确保 is no duty of its own: 为保证合同的履行，…
PURPOSE = re.compile(r"^为(?:了)?(?:保证|确保|保障|便于|履行|使)")
CONDITION_START = re.compile(r"^(?:在|如|若|如果|凡|对于|除|为了|为|当|经|待|自|根据|按照)")
#: a title that names a duty as a noun: 甲方关于装饰、设备标准承诺的违约责任, 出租方的保证
NOUN_TITLE = re.compile(r"^[^，。；：:]{2,38}的(?:承诺|违约责任|责任|义务|保证|权利和义务|权利义务)$")
DUTY_HEADING = re.compile(
    r"^(?P<label>甲方|乙方|丙方|丁方|政府方|项目公司|社会资本方|投资方)(?:的)?(?P<what>责任和义务|责任与义务|义务和责任|义务与责任|责任|义务|权利和义务|权利义务|承诺|保证|职责|权利)\s*[：:]?$"
)

#: a heading that names whose duties follow in free wording: 委托方的义务, 出租方的权利与义务, 承包人主要责任
OWNED_HEADING = re.compile(
    r"^(?P<label>[\u4e00-\u9fff、和与及]{1,16}?)(?:的)?(?:主要|基本|具体)?"
    r"(?P<what>责任与义务|责任和义务|权利与义务|权利和义务|权利义务|义务与责任|义务和责任|责任|义务|承诺|保证|职责|权利)"
    r"\s*[：:]?$"
)


def _owned_heading(body: str) -> re.Match[str] | None:
    """A heading ``X的责任与义务`` whose X is one actor (a party label, a role noun): its owner."""
    m = OWNED_HEADING.match(re.sub(r"\s+", "", body))
    if m is None or not is_actor(m["label"]) or role_of_name(m["label"]) == "other":
        return None  # 双方的责任和义务: each item names its own party
    return m


#: a sentence that states a body's duties in its predicate: 总经理的职责是执行董事会的决议
DUTIES_ARE = re.compile(r"^(?P<owner>[^，。；：:的]{2,16}?)的(?:主要|具体)?(?:职责|职权|任务)(?:是|为)(?![：:\s]*$)")
#: the lead of a list of a body's duties: X主要职责：, X的具体职能是：, X履行下列职责：
DUTY_LIST_LEAD = re.compile(
    r"^(?P<owner2>[^，,。；;：:]{2,40}?)(?:应当|应)?(?:履行|承担|负责)(?:下列|以下|如下)[^，,。；;：:]{0,8}(?:职责|职能|任务)\s*[：:]\s*$|"
    r"^(?P<owner>[^，,。；;：:]{2,40}?)(?:的)?(?:主要|具体|工作)?(?:职责|职能|工作职责|任务)(?:是|为|如下|包括)?\s*[：:]\s*$"
)

#: a principal party's label as a clause subject (甲乙双方 before 甲方, so the longer label wins)
_PRINCIPAL = alternation(PRINCIPAL_LABELS)
#: … and one of them alone, the subject of a commitment
_ONE_PRINCIPAL = alternation(label for label in PRINCIPAL_LABELS if label != "甲乙双方")

EN_MODAL = re.compile(
    r"\b(?:shall|must|agrees?\s+(?:and\s+undertakes\s+)?(?:to|that)|undertakes?\s+(?:to|that)|"
    r"(?:is|are)\s+responsible\s+for|(?:is|are)\s+(?:required|obliged|obligated)\s+to|covenants?\s+(?:to|that)|"
    r"hereby\s+(?:grants?|agrees?|undertakes?|commits?)|will|needs?\s+to|may\s+not|"
    # should as a duty (Party A should complete …), not the inverted condition (Should the Company fail to …)
    r"should(?!\s+(?:the|any|a|an|either|such|there|it|they|he|she|this|that)\b)|"
    r"(?:promises?|guarantees?|warrants?)\s+(?:to|that)|"
    r"(?:is|shall\s+be|will\s+be)\s+the\s+(?:sole\s+)?(?:responsibility|obligation|duty)\s+of)\b",
    re.I,
)
#: a duty whose bearer is named after it: It shall be the obligation of the Concessionaire to …
EN_DUTY_OF = re.compile(
    r"\b(?:is|shall\s+be|will\s+be)\s+the\s+(?:sole\s+)?(?:responsibility|obligation|duty)\s+of\s+", re.I
)
EN_PERMISSION = re.compile(
    r"\b(?:may(?!\s+not\b)|shall\s*(?:,[^,;]{1,120},\s*)?be\s+entitled|is\s+entitled|are\s+entitled|shall\s+have\s+the\s+right|"
    r"has\s+the\s+right|"
    r"have\s+the\s+right|at\s+its\s+(?:sole\s+)?discretion|is\s+permitted)\b",
    re.I,
)
EN_PASSIVE = re.compile(
    r"\bshall\s+(?:be\s+)?(?:due|payable|paid|made|completed|submitted|provided|delivered|carried\s+out|borne|"
    r"obtained|deposited|furnished|maintained|repaid|(?:not|no)\s+(?:less|lower)\s+than)\b",
    re.I,
)
EN_EXCLUDE = re.compile(
    r"for the avoidance of doubt|\bno\s+(?:\w+\s+){0,2}shall\b|\bshall\s+mean\b|\bmeans\b|"
    r"\bshall\s+be\s+deemed\b|"
    r"\bshall\s+be\s+governed\b|arbitration|\bshall\s+stand\s+terminated\b|\bshall\s+be\s+amended\b|"
    r"\bshall\s+(?:come\s+into|take)\s+(?:force|effect)\b|\bshall\s+be\s+construed\b|"
    # an exclusion of liability, dispute resolution and counterparts are no duties
    r"\b(?:shall|will)\s+not\s+be\s+(?:liable|responsible)\b|\bshall\s+(?:bear|have)\s+no\s+(?:liability|responsibility)\b|"
    r"\b(?:friendly|amicable)\s+(?:consultation|negotiation)|\bresolve\s+(?:any|all|such)\s+disputes?\b|"
    r"\bdisputes?\b[^.;]{0,80}\bshall\s+be\s+(?:settled|resolved|submitted|referred)\b|\bcounterparts\b|"
    # the copies the contract is made in, and how it is amended
    r"\b(?:made|executed|signed)\s+in\s+(?:\w+\s+){0,3}(?:originals|duplicate|triplicate|quadruplicate)\b|"
    r"\b(?:amendments?|modifications?|supplements?|variations?)\s+(?:to|of)\s+this\s+(?:Agreement|Contract)\b|"
    r"\bshall\s+(?:not\s+)?apply\b|\bshall\s+prevail\b",
    re.I,
)
#: where an English sentence splits into clauses: a proviso, and a payment it is subject to (…, subject to payment of
#: Damages) — not the terms it is subject to (subject to and in accordance with this Agreement), an aside
EN_SPLIT = re.compile(
    r"^(?:and\s+|but\s+)?(?:provided\s*,?\s*(?:further|however|always)?\s*,?\s*that|"
    r"subject\s+to\s+(?:the\s+)?(?:payment|(?!and\b|the\s+(?:terms|provisions)|this\b|its\b|clause|article|applicable)))\b",
    re.I,
)
EN_AND = re.compile(r"^(?:and|but)\b", re.I)
EN_SUBJECT_TO_PAYMENT = re.compile(r"^subject\s+to\s+(?:the\s+)?payment", re.I)
EN_IMPERATIVE = re.compile(r"^(?:[A-Z][a-z]+|not\s+[a-z]+)(?:,|\s)")
#: a sub-item of a duty written as a lower-case verb phrase: (a) deliver the Site …; (ii) to provide …; (c) not
#: sub-contract … — not a noun phrase (the Performance Security; any other documents)
EN_VERB_ITEM = re.compile(
    r"^(?:to\s+|not\s+|and\s+|or\s+)*(?!(?:the|a|an|any|all|each|every|such|its|their|his|her|this|that|these|those|"
    r"other|no|such|in|on|at|of|for|by|with|from|if|where|when|which|who|whose|upon|under|within|after|before|during)\b)"
    r"[a-z]{2,}(?:-[a-z]+)?[\s,]+\S"
)


# --------------------------------------------------------------------------------------------- values
@dataclass(frozen=True, slots=True)
class DocumentMode:
    english: bool
    regulation: bool  # 条例/办法: numbered articles (第X条)
    plan: bool  # policy plan with responsible-unit notes
    contract: bool  # investment-promotion, PPP or other agreements
    year: int | None  # the document's year, for 年内/6月底
    effective_is_signing: bool = True  # the document takes effect on signing (生效之日起N日 has a date)


@dataclass(frozen=True, slots=True)
class Finding:
    """One obligation clause found by the rules (deadline, amount and category come later)."""

    start: int
    end: int
    obligor: Party
    responsible: tuple[str, ...] = ()
    basis: str = "modal"  # modal, task, notice, duty_section, sub_item, liability, declarative, commitment
    modal: str | None = None
    conditions: tuple[str, ...] = ()
    confidence: float = 0.5
    note: str | None = None  # the responsible-unit note (it may state the deadline: 完成时限：…)


@dataclass(slots=True)
class _Scope:
    subject: str | None = None
    last_was_obligation: bool = False
    owner: str | None = None  # owner of a duty section (甲方责任：)
    duty: bool = False
    heading_owner: str | None = None  # whose duties a heading in free wording announces (委托方的义务)


@dataclass(slots=True)
class _Group:
    spans: list[Span] = field(default_factory=list)
    by_deadline: bool = False  # split from the previous clause only by its different deadline
    split_after_deadline: bool = False

    @property
    def start(self) -> int:
        return self.spans[0].start

    @property
    def end(self) -> int:
        return self.spans[-1].end


# --------------------------------------------------------------------------------------------- helpers
#: what no modal of a clause's own is in: a consent it is conditional on (经甲方同意), a duty it is exempted from
#: (甲方无须承担责任, 乙方不必提供担保), the exception it is stated beside (除应履行的义务外，甲方有权…)
EXEMPTED = re.compile(
    r"经[^，。；]{0,12}同意|(?:无须|无需|不必|毋须)[^，。；]*|除[^，。；]{1,30}外(?=[，,])"
    # what a party may ask another to give is no duty of its own: 乙方可提请主管部门给予奖励
    r"|(?:可|可以|有权)(?:提请|申请|请求|要求)[^，。；]{0,20}?(?:给予|授予|同意)"
)


def _modal(text: str, english: bool) -> re.Match[str] | None:
    if english:
        cleaned = EN_PERMISSION.sub(lambda m: " " * len(m.group(0)), text)
        return EN_MODAL.search(cleaned)
    cleaned = EXEMPTED.sub(lambda m: " " * len(m.group(0)), text)
    return STRONG_MODAL.search(cleaned)


#: the non-duty kinds that are written as a bracket of their own: （注：…）
ASIDE_KINDS = ("template_note", "form_note")


def non_duty(text: str) -> str | None:
    """The kind of non-duty clause ``text`` is (validity, purpose, deeming …), or None."""
    text = text.rstrip("。；;，, ")
    outside = _ASIDE.sub(lambda m: " " * len(m.group(0)), text)
    for kind, pattern in NON_DUTY:
        # a bracketed aside (（以书面通知为准）) does not make its clause one, unless the clause is all aside
        m = pattern.search(text if kind in ASIDE_KINDS else outside)
        if m is None:
            continue
        if kind == "deeming":
            modal = _modal(text[: m.start()], False)
            if modal is not None:
                continue  # 乙方必须按期开工，否则视为违约: the duty comes first, the deeming is its sanction
        return kind
    return None


def _permission(text: str, english: bool) -> bool:
    return bool((EN_PERMISSION if english else PERMISSION).search(text))


_ASIDE = re.compile(r"[（(][^（()）]*[）)]")
#: a breakdown of a sum into parts: 投资总额为＿元，其中：现金＿元；设备＿元
BREAKDOWN = re.compile(r"其中[：:]")
#: a part of a capital breakdown that names a party's own share: 甲方＿＿元，占＿＿％ / 乙方出资50万元，占25%
CONTRIBUTION_SHARE = re.compile(
    r"^(?:其中[：:])?\s*(?P<party>[甲乙丙丁]方)(?:出资|认缴)?(?:人民币)?[\d.,＿_]+(?:万|亿)?元[，,]\s*占[^，。；]{0,12}[％%]"
)
TRAILING_ASIDE = re.compile(r"[（(][^（()）]*[）)]$")


def _permissive_asides_blanked(text: str) -> str:
    """``text`` with its bracketed asides that grant a permission blanked out (same length)."""
    return _ASIDE.sub(lambda m: " " * len(m.group(0)) if PERMISSION.search(m.group(0)) else m.group(0), text)


def _is_condition(chunk: str) -> bool:
    c = TRAILING_ASIDE.sub("", chunk.rstrip("，,；;。 "))  # …闲置的（指未作工业用途）: the aside ends no condition
    return bool(CONDITION_END.search(c)) and not STRONG_MODAL.search(c)


#: the start of a condition or purpose a clause opens with (如乙方未按期付款，… / 为保证合同的履行，…); 如期/如实/
#: 如数/如约/如下 are adverbs of the clause itself
LEAD_START = re.compile(
    r"^(?:如果|如若|假如|倘若|若|如(?![期实数约下])|凡|一旦|为了|为(?=保证|确保|保障|便于|履行|使))"
)
#: an exception a clause opens with, whatever modal it holds: 除应继续履行外，还应…
EXCEPTION = re.compile(r"^除[^，。；]{1,30}外[，,]?$")
#: a further part of the condition: 如乙方未按期交付，或交付的设备不合格，…
LEAD_CONTINUES = re.compile(r"^(?:或者|或|且|并且|以及)")


def _leads(pieces: list[str]) -> list[bool]:
    """For each comma chunk of a clause, whether it belongs to the condition or purpose the clause opens with:
    a chunk ending in 的/时/后 without a modal, one starting with 如/若/为了 (its modal, 为保证…, is the
    purpose's), and the chunks that continue such a chunk with 或/且."""
    out: list[bool] = []
    for piece in pieces:
        c = piece.strip()
        if _is_condition(c) or EXCEPTION.match(c):
            out.append(True)
        elif LEAD_START.match(c):
            modal = _modal(c, False)
            out.append(modal is None or c.startswith("为") or modal.group(0) in WEAK_MODALS)
        else:
            out.append(bool(out and out[-1] and LEAD_CONTINUES.match(c) and _modal(c, False) is None))
    return out


def _concrete(deadline: Deadline) -> bool:
    return deadline.kind in ("absolute", "relative", "recurring")


def _strip_connector(chunk: str) -> str:
    c = CONNECTOR.sub("", chunk.strip())
    return ADVERB.sub("", c) if not c.startswith("应当") else c


#: the one year a plan's title names (某市2020年政务公开工作要点); not a span (2018-2020年行动计划)
_TITLE_YEAR = re.compile(r"(?<![\d—–\-~至到])((?:19|20)\d{2})\s*年(?!\s*[—–\-~至到])(?!度?\s*\d)")


#: what a plan's title ends in, to find it under a letterhead (某市人民政府办公室文件 / 附件1)
_PLAN_TITLE = re.compile(r"(?:方案|要点|计划|规划|意见|通知|任务|清单|措施)\s*$")


def _plan_title(text: str) -> str:
    """The first of the opening lines that reads as a plan's title, else the first line."""
    lines = [line.strip() for line in text.strip().split("\n")[:6] if line.strip()]
    return next((line for line in lines if _PLAN_TITLE.search(line)), lines[0] if lines else "")


def _title_year(title: str) -> int | None:
    years = {int(y) for y in _TITLE_YEAR.findall(title)}
    spans = re.search(r"(?:19|20)\d{2}\s*年?\s*[—–\-~至到]\s*(?:19|20)\d{2}", title)
    return years.pop() if len(years) == 1 and not spans else None


_EN_WORD = re.compile(r"[A-Za-z]{2,}")
_CJK_CHAR = re.compile(r"[\u4e00-\u9fff]")


def written_in_english(body: str, default: bool) -> bool:
    """Whether a paragraph or a sentence is written in English: more English words than Chinese characters (a
    bilingual contract's English paragraphs, the English sentence after its Chinese original); ``default``, the
    document's or the paragraph's language, when it has neither (a clause number, a figure)."""
    words, cjk = len(_EN_WORD.findall(body)), len(_CJK_CHAR.findall(body))
    if not words and not cjk:
        return default
    return words > cjk


def document_mode(
    text: str, kind: DocumentKind, language: str, signed_on: date | None, paras: list[Paragraph] | None = None
) -> DocumentMode:
    """What kind of text the document is (regulation, plan, contract; English) and its year; ``paras`` are
    ``paragraphs(text)`` when the caller has them already."""
    paras = paragraphs(text) if paras is None else paras
    articles = sum(1 for p in paras if p.level == "article")
    title = text.strip().split("\n", 1)[0]
    contract_kind = kind in (DocumentKind.INVESTMENT_PROMOTION, DocumentKind.PPP, DocumentKind.PROCUREMENT)
    # a rule sent out under a notice to government addressees (各乡镇人民政府，区政府各部门：) is an internal
    # work rule of the administration, read as a plan, not a regulation binding anyone
    issued = bool(ADDRESSEE_LINE.search(text[:600]))
    regulation = (
        not contract_kind
        and not issued
        and (articles >= 3 or bool(re.search(r"条例|办法|规定|细则", title) and articles))
    )
    has_notes = any(find_notes(text, p.start, p.end) for p in paras)
    contract = (
        kind in (DocumentKind.INVESTMENT_PROMOTION, DocumentKind.PPP, DocumentKind.PROCUREMENT) and not regulation
    )
    plan = has_notes or (kind == DocumentKind.POLICY_COMMITMENT and not regulation)
    year = signed_on.year if signed_on else None
    plan_year = _title_year(_plan_title(text)) if plan and not contract else None
    if plan_year is not None:
        year = plan_year  # 某市2020年工作要点, issued in December 2019: its 6月底前 is June 2020
    if year is None:
        m = re.search(r"((?:19|20)\d{2})\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日", text[:3000])
        year = int(m.group(1)) if m else None
    return DocumentMode(
        english=language == "en",
        regulation=regulation,
        plan=plan and not contract,
        contract=contract,
        year=year,
        effective_is_signing=effective_on_signing(text),
    )


# --------------------------------------------------------------------------------------------- grouping
def _group_chunks(text: str, spans: list[Span], mode: DocumentMode, anchor: date | None) -> list[_Group]:
    groups: list[_Group] = []
    current = _Group()
    current_deadline: Deadline | None = None
    for idx, span in enumerate(spans):
        chunk = text[span.start : span.end]
        if not current.spans:
            current.spans.append(span)
            current_deadline = _chunk_deadline(chunk, mode, anchor)
            continue
        group_text = text[current.start : current.end]
        split = _splits(chunk, group_text, spans[idx + 1 :], text, mode)
        deadline = _chunk_deadline(chunk, mode, anchor)
        time_only = _time_only(chunk, deadline)
        if not split and not mode.english and _concrete(deadline) and deadline != current_deadline and not time_only:
            stripped = _strip_connector(chunk)
            starts_modal = bool(STRONG_MODAL.match(stripped))
            has_main = not all(_leads([text[s.start : s.end] for s in current.spans]))
            group_modal = _modal(group_text, False)
            strong = group_modal is not None and group_modal.group(0) not in WEAK_MODALS
            adverbial = bool(re.match(r"^(?:在|于|自|从)", chunk.strip()))
            two_dates = current_deadline is not None and _concrete(current_deadline)
            # in a plan a task's completion time after it (推进…改造，年内完成平台建设) is the same task's:
            # only a second date (…6月底前启动，年底前完成) starts another item
            completion = deadline.kind in ("absolute", "relative") and not two_dates
            # a contract's act stated without a modal, then another act with its own time (甲方授权乙方…建设，
            # 并在特许期满之日移交…): the later act is an item of its own
            declared = mode.contract and bool(CONNECTOR.match(chunk.strip())) and _party_act(group_text)
            if (
                has_main
                and not starts_modal
                and not adverbial
                and (strong or two_dates or declared or (mode.plan and not completion))
            ):
                split = True
                current.split_after_deadline = False
        if (
            not split
            and current.split_after_deadline
            and not _concrete(deadline)
            and not STRONG_MODAL.match(_strip_connector(chunk))
        ):
            split = True
            by_deadline = False
        elif split and not mode.english and _concrete(deadline) and not _splits(chunk, group_text, [], text, mode):
            by_deadline = True
        elif not split and mode.contract and _instalment(chunk, [text[s.start : s.end] for s in current.spans]):
            split = by_deadline = True  # …支付第一期30%，12个月后支付第二期35%: one item an instalment
        else:
            by_deadline = False
        if split:
            # conditions written just before the new clause belong to it
            moved: list[Span] = []
            leads = _leads([text[s.start : s.end] for s in current.spans])
            while len(current.spans) > 1 and leads.pop():
                moved.insert(0, current.spans.pop())
            if mode.contract and not groups and not moved and _bare_event(text[current.start : current.end]):
                moved, current.spans = current.spans, []  # 合营期满或提前终止合营，合营公司应…: the event's clause
            if current.spans:
                groups.append(current)
            current = _Group(spans=[*moved, span], by_deadline=by_deadline)
            current_deadline = deadline
            current.split_after_deadline = (
                _concrete(deadline) and not mode.english and len(moved) == 0 and _modal(chunk, False) is None
            )
        else:
            current.spans.append(span)
            if _concrete(deadline) and not (current_deadline and _concrete(current_deadline)):
                current_deadline = deadline
    if current.spans:
        groups.append(current)
    return groups


def _bare_event(chunk: str) -> bool:
    """A contract sentence's opening chunk that only names an event, with no actor, act or marker of a condition
    (合营期满或提前终止合营，…): the condition of the clause after it."""
    c = chunk.strip().rstrip("，,")
    np = subject_of(c)
    return (
        len(c) <= 20
        and not _acts(c)
        and not (np and is_actor(np))
        and not _leading_actor(c)
        and not re.search(r"[：:（(]", c)
    )


def _past_bare_event(text: str) -> str:
    """``text`` after the event it opens with, if it opens with one and goes on (终止合同，乙方按…支付违约金)."""
    first, sep, rest = text.partition("，")
    return rest if sep and rest.strip() and _bare_event(first) else text


#: the time an instalment of a payment schedule falls due, at the start of its chunk: 12个月后, 三十日内, 次年
INSTALMENT_TIME = re.compile(
    r"^(?:[\d０-９]+|[一二三四五六七八九十两]+)\s*(?:个)?(?:月|年|日|天|工作日|周)(?:后|内|以内)|^(?:次年|第二年|余款|尾款)"
)


def _instalment(chunk: str, group: list[str]) -> bool:
    """Whether ``chunk`` is the next instalment of the payment or task the clause so far states: it opens with
    its own time (12个月后, 余款) and a commitment verb follows, after a clause with such a verb."""
    c = _strip_connector(chunk)
    if not INSTALMENT_TIME.match(c) or not COMMIT_VERB.search(c):
        return False
    leads = _leads(group)
    return any(COMMIT_VERB.search(g) for g, lead in zip(group, leads, strict=True) if not lead)


def _time_only(chunk: str, deadline: Deadline) -> bool:
    """A chunk that is nothing but a time phrase (到2020年，) belongs to the clause it introduces."""
    if not _concrete(deadline) or not deadline.text:
        return False
    rest = re.sub(r"[，,；;。\s]", "", chunk).replace(re.sub(r"[，,\s]", "", deadline.text), "")
    return len(rest) <= 2


def _chunk_deadline(chunk: str, mode: DocumentMode, anchor: date | None) -> Deadline:
    return resolve_deadline(chunk, anchor, year=mode.year)


#: the length (characters) up to which the last chunk of a sentence is a complement, not a clause
SHORT_COMPLEMENT = 5


#: a prepositional phrase between a clause's subject and its modal: what the duty is about (对此申请),
#: towards whom (向项目公司) or on what (就该事项)
OBJECT_PHRASE = re.compile(r"^(?:对|就|向)[^，。；]{2,}")


def _splits(chunk: str, group_text: str, following: list[Span], text: str, mode: DocumentMode) -> bool:
    if mode.english:
        c = chunk.strip()
        if EN_SPLIT.match(c):
            return True
        if EN_AND.match(c) and _modal(group_text, True):
            look = c
            for s in following[:3]:
                nxt = text[s.start : s.end].strip()
                if EN_AND.match(nxt) or EN_SPLIT.match(nxt):
                    break
                look += " " + nxt
            return bool(re.search(r"\bshall\b|\bmust\b|\bwill\b", look, re.I))
        return False
    pieces = [p for p in re.split(r"(?<=[，,])", group_text) if p.strip()]
    if not following and len(_strip_connector(chunk.strip()).rstrip("。；;，, ")) <= SHORT_COMPLEMENT:
        return False  # …提交设计文件，并承担责任: a very short complement stays with its clause
    if all(_leads(pieces)):
        return False  # only conditions so far: they belong to the clause that follows
    group_modal = (
        _modal(group_text, False) is not None or _permission(group_text, False) or bool(REFERRAL.search(group_text))
    )
    c = chunk.strip()
    stripped = _strip_connector(c)
    group_strong = _modal(group_text, False)
    group_permission_only = group_strong is None and _permission(group_text, False)
    bare = bool(BARE_SPLIT_MODAL.match(stripped) or PERMISSION.match(stripped) or REFERRAL.match(stripped))
    starts_modal = bool(STRONG_MODAL.match(stripped))
    if group_modal and (bare or (starts_modal and (CONNECTOR.match(c) or group_permission_only))):
        return True
    if group_permission_only and _modal(c, False) and not _permission(c, False):
        return True  # 乙方有权要求…，维修费用由乙方承担: the right does not veto the duty after it
    if CONNECTOR.match(c) and group_modal and not ACCOUNTABLE.match(stripped):
        m = _modal(c, False)
        if m and "、" not in c[: m.start()]:
            return True
        if re.match(r"^并(?:配合|协助|保证|确保|负责|承担|提供)", c):
            return True
    if (
        mode.contract
        and not c.startswith("或")
        and not group_text.rstrip("，, ").endswith(CLAUSE_OBJECT)
        and _by_clause(stripped)
        and _acts("".join(p for p, lead in zip(pieces, _leads(pieces), strict=True) if not lead))
    ):
        return True  # 按基数租金缴纳，不足部分由承租人抵补: another body acts
    main = "".join(p for p, lead in zip(pieces, _leads(pieces), strict=True) if not lead)
    if mode.contract and main and _party_act(_main_chunk(main)):
        if PERMISSION.match(stripped):
            return True  # 乙方全面履行合同约定的义务，可按程序申请…: the right after the act is a clause of its own
        own = re.match(_ONE_PRINCIPAL, c)
        if own and _party_act(c) and not main.startswith(own.group(0)):
            return True  # 甲方按程序将地块挂牌，乙方通过摘牌取得…: another party's act
        if starts_modal and CONNECTOR.match(c) and not group_modal:
            return True  # 乙方负责编制计划，并应及时修订该计划: the duty stated after the party's act is another item
    np = subject_of(c)
    if np and is_actor(np) and len(np) < len(c) and not (mode.contract and c.startswith("由") and not group_modal):
        # (…范围内的必要修改，由承包方负责: a topic without a modal is the 由-clause's own)
        after = c[len(np) :]
        after = ADVERB.sub("", after)
        if STRONG_MODAL.match(after) or re.match(r"^[^，。；]{0,4}(?:应当|应|要|须|必须|不得|负责)", after):
            return True
        modal = _modal(after, False) if mode.contract and OBJECT_PHRASE.match(after) else None
        if modal is not None and modal.start() <= 18 and not re.search(r"[，,；;]", after[: modal.start()]):
            return True  # …，主管部门对此奖励申请应予以批准: the body's duty after what it is about
        if _modal(group_text, False) and PERMISSION.match(re.sub(r"^(?:并|也|还|则|亦)", "", after)):
            return True  # …应偿付违约金，甲方并可向法院起诉: another party's right is a clause of its own
    return False


# --------------------------------------------------------------------------------------------- decisions
def _classify(
    group_text: str,
    *,
    mode: DocumentMode,
    note: Note | None,
    notice: bool,
    scope: _Scope,
    sub_item_of_obligation: bool,
    in_sub_item: bool,
    plan_item: bool = False,
    labels: tuple[str, ...] = (),
) -> tuple[str | None, str | None]:
    """(basis, modal) of a clause, or (None, None) if it imposes no duty."""
    t = group_text.strip()
    if mode.english:
        if EN_EXCLUDE.search(t):
            return None, None
        if EN_SUBJECT_TO_PAYMENT.match(t):
            return "modal", "subject to payment"
        for m in EN_MODAL.finditer(EN_PERMISSION.sub(lambda x: " " * len(x.group(0)), t)):
            if (
                english_subject(t, m.start(), labels)
                or EN_DUTY_OF.match(t, m.start())
                or EN_PASSIVE.search(t)
                or m.start() < 3
                or re.match(r"(?i)^(?:and|but|provided)", t)
                or not mode.contract  # a plan's or a regulation's clause binds whoever it names, or the state
            ):
                return "modal", m.group(0)
        if EN_PERMISSION.search(t):
            return None, None
        if note is not None:
            return "task", None  # a plan's task closed by its note: Establish a green channel … (Lead unit: X)
        if sub_item_of_obligation and (EN_IMPERATIVE.match(t) or EN_VERB_ITEM.match(t)):
            return "sub_item", None
        return None, None
    if EXCLUDE.search(t) and not LIABILITY.search(t.split("构成犯罪")[0]):
        return None, None
    if DUTY_HEADING.match(re.sub(r"\s+", "", t).rstrip("；;。")) or NOUN_TITLE.search(t):
        return None, None  # 甲方权利和义务； 甲方关于装饰标准承诺的违约责任: what a section is about
    if non_duty(t) is not None:
        return None, None
    core = _strip_connector(t)
    if ENCOURAGE.match(core) and note is None:
        return None, None
    liability = LIABILITY.search(t)
    if liability:
        return "liability", liability.group(0)
    t = _permissive_asides_blanked(t)  # （仅可由X承担的除外）: its permission and its duty are the aside's own
    modal = _modal(t, False)
    referral = REFERRAL.search(t)
    if referral and (modal is None or modal.start() > referral.start()):
        return None, None
    perm = PERMISSION.search(t)
    if modal and perm and perm.start() == modal.end() and not note:
        return None, None  # 应有权, 须享有: a right written with a modal
    if modal and not (perm and perm.start() < modal.start() and not note):
        return "modal", modal.group(0)
    if perm and not note:
        return None, None
    if note is not None or (plan_item and _bare_task(core)):
        return "task", None
    directive = NOTICE.search(t) if notice else None
    if directive:
        return "notice", directive.group(0)
    if scope.duty and scope.owner:
        return "duty_section", None
    if sub_item_of_obligation and (
        (mode.contract and (_DUTY_VERB.search(t) or COMMIT_VERB.search(t)))  # not 墙面保修＿月: a noun item
        or VERB_START.match(_strip_connector(t))
        or (mode.regulation and _DUTY_VERB.match(t))
    ):
        return "sub_item", None
    if mode.regulation and not in_sub_item and _duty_list_owner(t):
        return "declarative", None
    if mode.regulation and not in_sub_item:
        main = _main_chunk(t)
        if _government_act(main):
            return "declarative", None
        np = subject_of(main)
        continues = bool(TASK_START.match(main) or _DUTY_VERB.match(main))  # the previous clause's subject
        if (np is None or not is_actor(np)) and scope.last_was_obligation and continues:
            return "declarative", None
    if mode.contract and by_agent(t):
        return "commitment", None
    if mode.contract and not in_sub_item and _duties_owner(t):
        return "declarative", None  # 总经理的职责是执行董事会的决议
    main = _main_chunk(_past_bare_event(t)) if mode.contract else ""  # 终止合同，乙方按…支付违约金
    if mode.contract and not in_sub_item and _party_act(main) and not EXEMPTION.search(t):
        return "declarative", None
    if mode.contract and REPORT_TO_AUTHORITY.match(_strip_connector(main)):
        return "commitment", None  # 劳动合同订立后，报当地劳动部门备案: a filing with an authority
    if mode.contract and COMMIT_VERB.search(t):
        np = subject_of(main)
        if BY_WHOM.search(t) or (np and re.match(_ONE_PRINCIPAL, np)):
            return "commitment", None
        if _concrete(resolve_deadline(t, None, year=mode.year)):
            return "commitment", None
        if MONEY.search(t) and not _describes_a_sum(t):
            return "commitment", None  # 按基数租金1100元缴纳: a payment of a stated sum
    return None, None


#: what a government subject may be followed by when the clause describes, encourages or defines instead of
#: assigning a task: a copula (是/为/系), a possession (享有/具有), an encouragement (鼓励/支持), a comparison
DESCRIPTIVE_PREDICATE = re.compile(
    r"^(?:是|为|系|指(?!导|定|派|挥|引)|即|属于|包括|包含|享有|具有|拥有|有|作为|的|之|所|等|和|与|及|或|同|鼓励|支持|引导|倡导|提倡|"
    r"欢迎|允许|准许|可|不(?!予|再|得)|未|已|也|都|均|违反|拒不)"
)
#: words a body's name never holds, so a "subject" with one is a verb phrase (统一适用政府…, 包括政府…)
NOT_A_NAME = re.compile(r"适用|使用|需要|包括|鼓励|支持|引导|倡导|违反|自身|按照|根据|依照|实行")
#: a subject's relative clause, not its predicate: (从…)获取的政府信息 — a verb with no object right before 的
TOPIC_PHRASE = re.compile(
    r"^(?:[从由向对在自经][^，,；;。的]{1,30}?)?(?:共同|分别|自行|依法|联合)?[\u4e00-\u9fff]{2}的[^，,；;。的]{1,8}$"
)
#: nouns a bare 政府/国家 only modifies (政府采购, 政府信息, 国家秘密): the clause's subject is the compound
GOVERNMENT_ATTRIBUTIVE = re.compile(r"^(?:采购|信息|投资|性|资金|资产|债务|购买|秘密|标准|机密|利益|安全)")


#: how a task of a plan's numbered item opens when no modal and no note marks it (2.全面摸排…, （三）严格执行…):
#: an adverb of manner, then a verb of doing the work
PLAN_TASK_START = re.compile(
    r"^(?:全面|深入|进一步|大力|加快|加大|积极|切实|着力|持续|扎实|认真|严格|及时|定期|统一|逐步|探索|继续|分类|"
    r"集中|重点|依法|主动|广泛|不断)*"
    r"(?:推行|推进|推动|推广|落实|开展|建立|健全|完善|加强|执行|组织|核实|摸排|排查|实施|制定|编制|做好|抓好|强化|"
    r"优化|深化|提升|提高|规范|简化|压缩|实现|打造|构建|培育|建设|清理|梳理|化解|督促|指导|开通|设立|整合|"
    r"公布|公开|印发|出台|制定|修订|研究|搭建|畅通|拓展|扩大|严防|防范|查处|处置|办理|完成|落地|召开|举办|"
    r"加快|成立|安排|明确|确保|宣传|培训|监督|检查|配合|协助|负责|牵头|启动|申报|争取|引进|招引|筹建|开发|改造|实行)"
)

#: the label of a plan's paragraph that states its tasks: 目标任务：…, 具体措施：…
TASK_LABEL = re.compile(
    r"^(?:目标任务|工作任务|主要任务|重点任务|具体任务|工作措施|具体措施|主要措施|任务措施)\s*[:：]\s*"
)
#: what a task opens with before its verb: a time (2022年底前，…) and the means (依托…系统，…)
LEADING_TIME = re.compile(
    r"^(?:[^，。；]{0,14}(?:前|底|年内|以前|之前)\s*[，,]\s*)?"
    r"(?:(?:依托|围绕|通过|按照|依据|结合|借助|聚焦|针对|对照|对标)[^，。；]{1,30}[，,]\s*)?"
)


def _bare_task(core: str) -> bool:
    """Whether a clause without a modal is worded as a plan's task: a verb of doing the work, after a time
    it is to be done by (2022年底前，完成…)."""
    return bool(PLAN_TASK_START.match(core) or PLAN_TASK_START.match(LEADING_TIME.sub("", core, count=1)))


#: the verbs (and prepositions) a modal-less government task starts with, as data
DUTY_VERBS = load_words("duty_verbs.txt")
_DUTY_VERB = re.compile("|".join(sorted(map(re.escape, DUTY_VERBS), key=len, reverse=True)))


def _government_subject(main: str) -> str | None:
    """The government body a clause starts with: its subject noun phrase when that is a whole government name
    (国务院负责…的部门), else the shortest name that ends in a government head and is followed by a duty verb
    (区人民政府统筹…, where no preposition or modal ends the subject)."""
    np = subject_of(main)
    if np and is_actor(np) and role_of_name(np) == "government":
        heads = list(GOV_WORDS.finditer(np))
        if len(np) <= 12 or (heads and heads[-1].end() == len(np) and len(heads[-1].group(0)) >= 2):
            return np  # 国务院负责…的部门: a whole name, its relative clause included
    starts_verb = bool(_DUTY_VERB.match(main) or re.match(r"报|送|交|提请|请|经|由|从|除|如|若", main))
    for m in GOV_WORDS.finditer(main[:40] if not starts_verb else ""):  # 报市商务局备案: no subject
        head = main[: m.end()]
        if re.search(r"[，,；;。：:]", head):
            break
        if _DUTY_VERB.match(ADVERB.sub("", main[m.end() :])) and role_of_name(head) == "government":
            return head
    return np if np and is_actor(np) else None


def _government_act(main: str) -> bool:
    """A regulation's clause that assigns a task to a government body without a modal: its subject is a
    government actor (县级以上人民政府, 本市, 有关部门 …) and a verb phrase follows it (本市建立…, 市人民政府领导…,
    X对…进行监督检查)."""
    np = _government_subject(main)
    if not np or NOT_A_NAME.search(np) or not is_actor(np) or role_of_name(np) != "government":
        return False
    rest = ADVERB.sub("", main[len(np) :].lstrip())
    if len(np) <= 2 and GOVERNMENT_ATTRIBUTIVE.match(rest):
        return False
    if TOPIC_PHRASE.match(rest):
        return False  # 行政机关制作的政府信息，由…负责公开: a topic noun phrase, the comment follows
    return len(rest) >= 2 and not DESCRIPTIVE_PREDICATE.match(rest)


#: verbs whose object is the clause after them: 双方同意，由合营公司签订…
CLAUSE_OBJECT = ("同意", "约定", "商定", "确认")


def _acts(text: str) -> bool:
    """Whether ``text`` (a clause without its conditions) states an act: a modal, a permission, 由X or a
    commitment verb."""
    return bool(
        text and (_modal(text, False) or _permission(text, False) or by_agent(text) or COMMIT_VERB.search(text))
    )


def _by_clause(chunk: str) -> bool:
    """Whether a comma chunk is a clause of its own whose actor 由 names (不足部分由乙方抵补, 由甲方另行安排)."""
    m = _BY.search(chunk)
    return m is not None and m.start() <= 8 and by_agent(chunk[m.start() :]) is not None


def _shortest_actor(text: str) -> int:
    """The length of the shortest actor ``text`` starts with (甲方, 董事长, 承租人), 0 if none."""
    officer = _OFFICER_START.match(text)
    if officer:
        return officer.end()
    for k in range(2, min(16, len(text)) + 1):
        if is_actor(text[:k]):
            return k
    return 0


def by_agent(text: str) -> str | None:
    """The body a contract clause says acts, with any verb: 由甲方另行统一安排, 由乙方与保证人议定,
    由董事长召集并主持 — the actor after 由 (conjoined actors: 由甲方、乙方、项目公司) that a verb phrase
    follows. None when 由 names a cause (由于, 由乙方原因造成), a composition (由…组成) or starts a relative
    clause (由甲方提供的资料)."""
    for m in _BY.finditer(text):
        rest = re.split(r"[，,。；;]", text[m.end() :], maxsplit=1)[0]
        end = _shortest_actor(rest)
        head = _shortest_actor(rest[end:]) if end else 0
        if (
            head
            and is_actor(rest[end : end + head])
            and not _DUTY_VERB.match(rest[end:])
            and not _ACTOR_VERB.match(rest[end:])
        ):
            end += head  # 合作公司董事会: a body of the actor
        while end and end < len(rest) - 1 and rest[end] in "、和与及同":
            more = _shortest_actor(rest[end + 1 :])
            if not more:
                break
            end += 1 + more
        if not end:
            continue
        verb = rest[end:]
        if len(verb) < 2 or _NOT_AGENCY.match(verb) or _COMPETENCE.match(verb) or "的" in verb[:5]:
            continue
        if PERMISSION.match(verb):
            continue  # 甲方同意由乙方享有…经营权: a right granted, not an act of 乙方
        if re.search(r"的(?:占|为|是)|的$", verb) or re.search(r"已$", text[: m.start()]):
            continue
        return rest[:end]
    return None


#: what a contract's own party ends with, as a clause subject: a label (甲方, 各方, 承租人), the company the
#: contract sets up (合营公司) — not a public body the contract only mentions
CONTRACT_PARTY = re.compile(r"(?:方|人|公司|企业|董事会)$")


#: a clause that says what a party need not do: 甲方对…一律不负责任, 乙方不再交纳承包费
EXEMPTION = re.compile(r"不(?:负|承担|予|再|受)")


#: a short label a paragraph opens with before its clause: 一、项目情况：甲方提供…
INLINE_LABEL = re.compile(r"^[^，。；：:（(]{2,8}[：:]")


def _party_act(main: str) -> bool:
    """A contract clause that states what a party does without a modal: its subject is an actor (合营公司, 甲方,
    总经理) and a verb phrase follows it (合营公司按照…缴纳所得税, 副总经理协助总经理工作)."""
    main = INLINE_LABEL.sub("", main)  # 项目情况：甲方提供…
    officer = _OFFICER_START.match(main)
    np = officer.group(0) if officer else subject_of(main)
    if not np or np.endswith("的") or np.startswith("由") or NOT_A_NAME.search(np):
        return False
    party = bool(_OFFICER_START.fullmatch(np) or (is_actor(np) and CONTRACT_PARTY.search(np)))
    if not party:
        return False
    rest = re.sub(r"^(?:均|一律|每年|每月|应)", "", ADVERB.sub("", main[len(np) :].lstrip()))
    if len(rest) < 4 or DESCRIPTIVE_PREDICATE.match(rest) or TOPIC_PHRASE.match(rest):
        return False
    if _MANNER.match(rest):
        # 各方按其出资比例分担亏损, 甲方按程序将地块挂牌: a manner before the verb of the act
        return bool(_DUTY_VERB.search(rest) or COMMIT_VERB.search(rest) or _PARTY_VERB.search(rest))
    return bool(_DUTY_VERB.match(rest) or VERB_START.match(rest) or COMMIT_VERB.match(rest))


#: a manner or means a party's act may open with: 按其出资比例, 按程序, 通过公开摘牌的方式, 全面
_MANNER = re.compile(r"^(?:按(?!照)|依|凭|通过|全面|共同|分别)")
#: verbs of a party's own act, besides the duty and commitment verbs: 分享, 分担, 挂牌, 履行
_PARTY_VERB = re.compile(r"分享|分担|挂牌|履行|取得|使用|购买|投保|聘请|派|指派|召开|签订|订立|缴付|偿还|分配")


def _describes_a_sum(text: str) -> bool:
    """Whether the chunk with the clause's sum describes it (合营公司的投资总额为人民币＿＿元) rather than commits a
    party to it (甲、乙方的出资额共为人民币＿＿元, 首期投资不低于＿＿万元)."""
    for chunk in re.split(r"[，,]", text):
        if MONEY.search(chunk):
            return bool(COPULA_SUM.search(chunk)) and not re.match(rf"(?:{_PRINCIPAL}|甲、乙方|各方)", chunk.strip())
    return False


def _main_chunk(text: str) -> str:
    parts = [p for p in re.split(r"[，,]", text) if p.strip()]
    for p in parts:
        if not _is_condition(p):
            return p.strip()
    return parts[0].strip() if parts else text


def _subject(group_text: str, mode: DocumentMode, modal_text: str | None, labels: tuple[str, ...] = ()) -> str | None:
    t = group_text.strip()
    if mode.english:
        cleaned = EN_PERMISSION.sub(lambda x: " " * len(x.group(0)), t)
        for m in EN_MODAL.finditer(cleaned):
            duty_of = EN_DUTY_OF.match(t, m.start())
            found = english_party_at(t, duty_of.end(), labels) if duty_of else english_subject(t, m.start(), labels)
            if found:
                return found
        return english_subject(t, len(t), labels) if EN_PASSIVE.search(t) else None
    t = re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", "", t)
    label = INLINE_LABEL.match(t) if mode.contract else None
    if label and not is_actor(re.sub(r"(?:承诺|保证|同意|责任|义务)?[：:]$", "", label.group(0))):
        t = t[label.end() :]  # 供地方式：甲方按程序将地块挂牌: the label names no party (乙方承诺：… does)
    by = BY_WHOM.search(t) or _PASSIVE_AGENT.search(t)
    if by and is_actor(by.group(1)):
        return by.group(1)
    grantee = AUTHORISED.match(t) if mode.contract else None
    if grantee:
        return grantee.group("grantee")  # 甲方授权乙方在特许期内建设…: the authorised party does the acts
    agent = (by_agent(t) or _duties_owner(t)) if mode.contract else None
    if agent:
        return agent
    parts = [p for p in re.split(r"[，,]", t) if p.strip()]
    for i, p in enumerate(parts):
        p = p.strip()
        if (_is_condition(p) and not _placed_clause(p)) or (CONDITION_START.match(p) and _weak_or_none(p)):
            continue
        if i + 1 < len(parts) and PURPOSE.match(p):
            continue  # 为保证本合同的履行，甲、乙方应…: the purpose's verb is no modal of a subject
        np = subject_of(_strip_connector(p) if CONNECTOR.match(p) else p)
        organ = set_up_organ(p) if mode.contract and _modal(p, False) is None else None
        if organ is not None:
            return organ[0]  # 合营公司设管理机构，负责…: the organ owes what it is set up for
        if np and is_actor(np):
            owner = re.match(rf"({_PRINCIPAL})(?:[^，、和及与的]{{0,6}}的|(?=[^、和及与]{{1,12}}$))", np)
            if _modal(p, False) is None:
                own = _own_subject(parts[i + 1 :])
                if own is not None:
                    return own  # 国家按计划分配…，甲方应及时…: the clause with the modal names its own subject
            return owner.group(1) if owner else np  # 乙方年纳税额 → 乙方
        label = re.match(_PRINCIPAL, p)
        if label:
            return label.group(0)
        topic = _attributive_owner(np)
        if topic is not None and _modal(p, False) is not None:
            return topic  # 合作公司的一切活动必须…: the owner of the topic owes the duty
        if _modal(p, False) is None and i + 1 < len(parts):
            if topic is not None and i == 0 and _modal(parts[1], False) and _own_subject(parts[1:2]) is None:
                return topic  # 合营公司的一切活动，必须遵守…: the topic stands in a chunk of its own
            continue  # a topic or adverbial chunk before the clause with the modal
        # the subject may sit in a leading condition: 中小企业与…订立合同时，应当…
        for q in parts[:i]:
            nq = subject_of(q.strip())
            if nq and is_actor(nq) and not nq.endswith("的"):  # a whole 的-condition is not its subject
                acting = re.match(rf"({_PRINCIPAL})(?=[^、和及与（(]{{1,12}}$)", nq)
                return acting.group(1) if acting else nq  # 甲方收到租金后，应…: the party that receives
            if _RELATIVE_ACTOR.search(q.strip()) and is_actor(q.strip()):
                return q.strip()  # 遇有不可抗力的一方，应…: the whole chunk names the actor
            lead = _leading_actor(q.strip())
            if lead is not None:
                return lead  # 受理机关收到申请，能够当场办理的，应当…
            label = _CONTRACT_LABEL.match(q.strip()) if mode.contract else None
            # 丙方租用…的，堆放期间不收费: the case, not who; 甲方提前解约的，应当赔偿…: the modal has no subject but X
            if label is not None and (not q.strip().rstrip("，,").endswith("的") or _BARE_MODAL.match(p)):
                return label.group(1)  # 委托方超过约定日期付费时，应偿付违约金: the party the condition names
        return None
    return None


#: a party authorising another to act (甲方授权乙方在特许经营期内建设…): the acts after it are the grantee's; a
#: right or a concession granted (甲方授权乙方享有特许经营权) is the grantor's grant
AUTHORISED = re.compile(
    rf"^(?:即|同时)?(?:{_ONE_PRINCIPAL})授权(?P<grantee>{_ONE_PRINCIPAL})(?![^，。；]{{0,30}}(?:享有|行使|权利|权))"
)


#: a body a party sets up, whose duties the clause then states: 合营公司设管理机构，负责…; 公司设总会计师一人，负责…
_SET_UP = re.compile(
    r"^(?P<owner>[^，。；、]{2,16}?)(?:下)?设(?:立|置)?(?P<organ>[^，。；]{2,20}?(?:部|处|室|组|会|机构|师|员|经理))"
    r"(?:各|共)?(?:[一二三四五六七八九十两若干\d]+(?:人|名))?$"
)


def set_up_organ(chunk: str) -> tuple[str, str] | None:
    """(organ, owner) when ``chunk`` is ``X设Y`` and X is an actor: Y is the organ of X that the clause's duty
    is for (合作公司设经理部，负责日常经营管理 → 经理部, of 合作公司)."""
    m = _SET_UP.match(chunk.strip().rstrip("，,；;。"))
    if m is None or not is_actor(m["owner"]) or not ends_in_head(m["owner"]):
        return None
    return m["organ"], m["owner"]


def _weak_or_none(chunk: str) -> bool:
    """Whether a chunk has no modal but a weak one (如双方同意继续经营: 同意 makes no duty of a condition)."""
    modal = _modal(chunk, False)
    return modal is None or modal.group(0) in WEAK_MODALS


#: a passive agent before a verb of deciding or bearing that is no duty marker of its own (其价格应由双方按…商定,
#: 费用由乙方负担, 由主管部门核定) — not one that only qualifies a noun (由董事会确定的方案)
_PASSIVE_AGENT = re.compile(
    r"(?:应|须|并|均)?由([^，。；的]{1,24}?)(?:按|根据|依照|依据|共同|协商|负担|核定|签订|确定|决定|审查|审批|批准|商定)"
    r"(?![^，。；]{0,2}的)"
)


def _placed_clause(chunk: str) -> bool:
    """A clause that only looks like a condition because it ends in a place (…汇入公司的帐户内, …存放在仓库中):
    it ends in 内/中/下/外 after no time word, and starts with a party label."""
    c = chunk.rstrip("，,；;。 ")
    return bool(
        re.search(r"[内中下外]$", c)
        and not re.search(r"(?:日|天|月|年|周|期|时|限|间|前|后|\d|[一二三四五六七八九十])[内中下外]$", c)
        and re.match(_PRINCIPAL, c)
    )


#: a chunk that is a whole noun phrase headed by a party noun after its relative clause (遇有…的一方)
_RELATIVE_ACTOR = re.compile(r"的(?:一方|当事人|当事方|单位|企业|公司)$")


#: a clause that starts with its modal, naming no subject of its own (…的，应当赔偿…; …的，还应支付…)
_BARE_MODAL = re.compile(r"^(?:还|也|均|仍|并)?(?:应当|应|须|必须|有权|可以)")

#: a contract party's label at the start of a condition, before the verb of the condition (委托方超过…时)
_CONTRACT_LABEL = re.compile(
    rf"^({alternation(sorted({*PRINCIPAL_LABELS, '丁方', *ROLE_NOUNS}, key=len, reverse=True))})(?![的之和及与、或（(])"
)


def _main_clause_subject(text: str) -> str | None:
    """The actor that the first chunk after a clause's conditions names before its own modal (采购人拒不改正的，
    采购代理机构应当… → 采购代理机构); None when that chunk has no modal or no subject (…的，处…罚款), for then
    the actor a condition names is the one the clause is about, not the one that acts."""
    parts = [p.strip() for p in re.split(r"[，,]", text) if p.strip()]
    for part, lead in zip(parts, _leads(parts), strict=True):
        if lead:
            continue
        np = subject_of(_strip_connector(part) if CONNECTOR.match(part) else part)
        return np if np and _modal(part, False) and is_actor(np) and ends_in_head(np) else None
    return None


def _own_subject(rest: list[str]) -> str | None:
    """The actor subject of the first chunk in ``rest`` with a modal, if it names one."""
    for q in rest:
        q = q.strip()
        if _modal(q, False) is None:
            continue
        nq = subject_of(_strip_connector(q) if CONNECTOR.match(q) else q)
        return nq if nq and is_actor(nq) else None
    return None


def _attributive_owner(np: str | None) -> str | None:
    """The owner in an attributive topic ``X的Y`` when X is an actor whose name ends at its head and Y is none
    (合作公司的一切活动 → 合作公司); a relative clause (行政机关制作的政府信息) has a verb before 的, no head."""
    if not np or "的" not in np:
        return None
    owner = np.split("的", 1)[0]
    if len(owner) >= 2 and ends_in_head(owner) and is_actor(owner):
        return owner
    return _leading_actor(owner)  # 行政机关编制的目录应当更新: the agent of the relative clause


#: verbs an actor at the head of a chunk does something with (收到申请, 编制目录), besides the duty verbs
_ACTOR_VERB = re.compile(
    "|".join(
        sorted(
            (*(v for v in DUTY_VERBS if len(v) == 2), "收到", "接到", "发现", "作出", "取得", "提出", "申请", "使用",
             "获取", "制作", "采集", "发送", "签订", "出具"),
            key=len,
            reverse=True,
        )
    )
)  # fmt: skip


_PREPOSITION_START = re.compile(r"^(?:向|对|在|从|于|由|把|将|为|与|给|经|按|依|据|自|以|除|当|如|若|凡)")
#: a chunk that lists what something covers (包括机构设置、人员配备): the nouns after it name no actor
_LIST_START = re.compile(r"^(?:包括|包含|含|例如|诸如|其中)")


def _leading_actor(chunk: str) -> str | None:
    """The actor a chunk starts with when a verb follows its name with no word between that ends a subject
    (受理机关收到申请材料, 行政机关编制、公布): the longest such name, if it ends in an actor's head."""
    if _PREPOSITION_START.match(chunk) or _LIST_START.match(chunk):
        return None  # 向境外组织提供…, 由国务院…: the actor there is an object or an agent, not the subject
    for k in range(min(len(chunk) - 2, 30), 1, -1):
        head = chunk[:k]
        if re.search(r"[，,；;的]", head) or not (ends_in_head(head) and is_actor(head)):
            continue
        if _ACTOR_VERB.match(chunk, k) or (_BODY_HEAD.search(head) and not _NOUN_GOES_ON.match(chunk, k)):
            return head  # 有关部门出台…政策, 主管部门查证属实的: a body's name ends at its head noun
    return None


#: the head nouns that end a body's name, so that what follows them is its predicate
_BODY_HEAD = re.compile(r"(?:部门|机关|机构|委员会|人民政府|管委会|管理委员会|办公室|工作机构)$")
#: … unless the name goes on (部门的, 机关和, 机构负责人)
_NOUN_GOES_ON = re.compile(r"[的和及与、或等]|负责人|工作人员|人员|领导")


def _party(name: str, parties: tuple[Party, ...], default: Role) -> Party:
    clean = re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", "", name).strip()
    labels = {p.label: p for p in parties if p.label}
    if clean in labels:
        p = labels[clean]
        shown = f"{clean}（{p.name}）" if p.name else clean
        return Party(label=clean, name=shown, role=p.role)
    letter = labels.get(EN_LETTER_LABELS.get(clean, ""))
    if letter is not None:  # Party A of a bilingual contract is its 甲方
        shown = f"{clean}（{letter.name}）" if letter.name else clean
        return Party(label=letter.label, name=shown, role=letter.role)
    role = role_of_name(clean, parties) or default
    return Party(label=None, name=clean, role=role)


# --------------------------------------------------------------------------------------------- main loop
def _addressees(text: str, para: Paragraph) -> tuple[str, ...]:
    body = text[para.start : para.end].strip().rstrip("：:")
    units: list[str] = []
    depth, cur = 0, ""
    for ch in body:
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            depth = max(0, depth - 1)
        if depth == 0 and ch in "，、,":
            units.append(cur.strip())
            cur = ""
        else:
            cur += ch
    units.append(cur.strip())
    units = [u for u in units if u]
    if (
        units
        and all(len(u) <= 25 for u in units)
        and any(re.search(r"政府|部门|单位|机构|局|委|办|街道|各", u) for u in units)
    ):
        return tuple(units)
    return ()


def _duty_list_owner(text: str) -> str | None:
    """The body whose duties the list introduced by ``text`` states (X主要职责：, X履行下列职责：), if it is an
    actor."""
    m = DUTY_LIST_LEAD.match(re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", "", text.strip()))
    if m is None:
        return None
    owner = (m["owner2"] or m["owner"]).strip()
    return owner if is_actor(owner) else None


def _duties_owner(text: str) -> str | None:
    """The actor whose duties ``text`` states as its predicate (总经理的职责是…, 监事会的主要职权为…)."""
    m = DUTIES_ARE.match(re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", "", text.strip()))
    if m is None:
        return None
    owner = m["owner"]
    return owner if is_actor(owner) or _OFFICER_START.fullmatch(owner) else None


def _is_heading(body: str, level: str | None, english: bool) -> bool:
    b = body.strip()
    if level in ("chapter", "section"):
        return True
    terminal = re.search(r"[。；！？;!?]|\.\s|\.$", b)
    if english:  # Completion of Works. / Main Tasks / ARTICLE 5 OBLIGATIONS OF THE CONCESSIONAIRE
        words = len(b.split())
        return bool(
            len(b) <= 80
            and not EN_MODAL.search(b)
            and ((b.endswith(".") and words <= 8) or (not re.search(r"[.;:,!?]$", b) and words <= 12))
        )
    if _duty_list_owner(b):
        return False  # 市热线工作机构主要职责：the lead of a list of duties, not a title
    if NOUN_TITLE.search(b):
        return True
    if level == "article":
        if DUTY_HEADING.match(re.sub(r"\s+", "", b)):
            return True
        return not terminal and len(b) <= 20 and not STRONG_MODAL.search(b) and not LIABILITY.search(b)
    return not terminal and len(b) <= 40 and not STRONG_MODAL.search(b) and not LIABILITY.search(b)


#: the paragraph levels a list introduced by …： may have its items at
#: the lead of a list of principles (双方应遵循以下原则：), whose items are what the duty is, not duties
PRINCIPLES_LEAD = re.compile(r"(?:以下|下列|如下)[^，。；]{0,6}原则\s*[：:]?$")
_ITEM_LEVELS = ("l2", "l3", "paren_num", "alpha", "circled", "dash")
#: the levels a plan numbers its tasks at, whose bare imperatives are tasks without a note
PLAN_ITEM_LEVELS = ("l2", "l3", "paren_num", "circled")


#: what each basis says of how sure the rules are that the clause is a duty
CONFIDENCE: dict[str, float] = {
    "modal": 0.85,
    "task": 0.8,
    "notice": 0.8,
    "liability": 0.75,
    "duty_section": 0.7,
    "sub_item": 0.65,
    "declarative": 0.6,
    "commitment": 0.6,
}


@dataclass(slots=True)
class _List:
    """The enumeration being read: a lead clause ending in ``…：`` and its items at one paragraph level."""

    level: str | None = None  # the items' level, while inside the list
    pending_lead: int | None = None  # index of the lead finding whose first item sentence completes it
    of_obligation: bool = False  # the lead is a duty: its items are sub-items of it
    of_conditions: bool = False  # the lead is a liability (有下列情形之一的): its items are conditions
    lead_text: str | None = None  # the lead's text, whose deadline applies to its items


@dataclass(slots=True)
class _Notice:
    """A covering notice before a plan: its addressees (各区人民政府、市有关单位：) and whether it still runs."""

    addressees: tuple[str, ...] = ()
    running: bool = True
    seen_l1: bool = False


@dataclass(slots=True)
class _Document:
    """What ``find_obligations`` knows of the document while it reads it, paragraph by paragraph."""

    text: str
    mode: DocumentMode
    parties: tuple[Party, ...]
    anchor: date | None
    paras: list[Paragraph]
    default_role: Role  # the side of a clause that names nobody
    counterparty: Party | None  # the investor, for contract clauses without a subject
    line_notes: dict[int, Note]  # responsible-unit notes on lines of their own, by the paragraph they close
    note_lines: set[int]  # the paragraphs that are such notes
    table_tasks: set[int]  # the task cells of a table written one cell a line: tasks, never headings
    scope: _Scope = field(default_factory=_Scope)
    notice: _Notice = field(default_factory=_Notice)
    listing: _List = field(default_factory=_List)
    prev_ended_colon: bool = False
    #: a heading that is no duty but dates the items under it (一、2020年底前，完成以下重点任务：), and its level
    dated_heading: tuple[str, str] | None = None
    recital: bool = False  # inside a contract's recitals (鉴于：…), which state facts, not duties
    terms_begun: bool = False  # a chapter or an article has been read: no recitals after it
    lead_subject: str | None = None  # the subject of a lead ``…按以下时间付款；`` whose items name nobody
    lead_level: str | None = None  # the level of those items, once the first is read
    findings: list[Finding] = field(default_factory=list)
    provenances: list[str] = field(default_factory=list)  # per finding: named, sideless or nameless
    en_labels: tuple[str, ...] = ()  # the English labels the contract defines (the "Investor", Party A)


@dataclass(frozen=True, slots=True)
class _At:
    """The paragraph being read."""

    index: int
    para: Paragraph
    body: str  # its text as written (a table row's too)
    next_level: str | None
    sub_item: bool  # an item of the list being read
    skip_first: bool  # its first sentence completed the list's lead


def _start(
    text: str, mode: DocumentMode, parties: tuple[Party, ...], anchor: date | None, paras: list[Paragraph]
) -> _Document:
    """Pass 0: the document-level facts every paragraph needs — its paragraphs, the side of a clause that names
    nobody (in a regulation or a plan the state's, in a contract the counterparty's), the counterparty (in
    English the party most often named as one) and the responsible-unit notes on lines of their own."""
    default_role: Role = "government" if mode.regulation or mode.plan else "counterparty"
    counterparty = next((p for p in parties if p.role == "counterparty"), None)
    if counterparty is None and mode.english:
        mentions = Counter(m.group(1) for m in EN_PARTY.finditer(text) if role_of_name(m.group(1)) == "counterparty")
        if mentions:
            label = mentions.most_common(1)[0][0]
            counterparty = Party(label=label, name=label, role="counterparty")
    line_notes, note_lines = _standalone_notes(text, paras)
    cell_notes, cell_lines = _cell_tables(text, paras)
    line_notes, note_lines = {**line_notes, **cell_notes}, note_lines | cell_lines
    table_tasks = set(cell_notes)
    en_labels = tuple(p.label for p in parties if p.label and re.fullmatch(r"[A-Za-z][\w ]*", p.label))
    return _Document(
        text=text,
        mode=mode,
        parties=parties,
        anchor=anchor,
        paras=paras,
        default_role=default_role,
        counterparty=counterparty,
        line_notes=line_notes,
        note_lines=note_lines,
        table_tasks=table_tasks,
        notice=_Notice(running=mode.plan or not mode.contract),
        en_labels=en_labels,
    )


def _enter_paragraph(doc: _Document, index: int, para: Paragraph) -> _At:
    """Pass 1: whether the paragraph is an item of the list a ``…：`` lead opened. Outside a list the list
    state ends and the clause scope keeps only its duty section; the first item's first sentence completes
    the lead (``…负责下列工作：（一）…``) and is not read again."""
    text, mode, lst = doc.text, doc.mode, doc.listing
    level = para.level
    if doc.prev_ended_colon and level in _ITEM_LEVELS and not (mode.plan and level == "l2"):
        lst.level = level  # the first item of a list introduced by …：
    sub_item = level is not None and level == lst.level
    skip_first = False
    if not sub_item:
        lst.level = None
        lst.of_obligation = lst.of_conditions = False
        lst.pending_lead = None
        if level is not None or not mode.regulation:
            doc.scope = _Scope(owner=doc.scope.owner, duty=doc.scope.duty, heading_owner=doc.scope.heading_owner)
        if doc.lead_subject and level in _ITEM_LEVELS and doc.lead_level in (None, level):
            doc.scope.subject = doc.lead_subject  # １．…前支付房价款的＿％: the lead's subject pays
            doc.lead_level = level
        else:
            doc.lead_subject = doc.lead_level = None
    elif lst.pending_lead is not None:
        first = sentences(text, para.start, para.end, english=mode.english)
        if first:
            first_end = first[0].end
            while first_end > first[0].start and text[first_end - 1] in "，,；;。：: \n":
                first_end -= 1
            doc.findings[lst.pending_lead] = dataclasses.replace(doc.findings[lst.pending_lead], end=first_end)
            skip_first = True
        lst.pending_lead = None
    next_level = doc.paras[index + 1].level if index + 1 < len(doc.paras) else None
    return _At(index, para, text[para.start : para.end], next_level, sub_item, skip_first)


#: the start of a contract's recitals, and what ends them: the formula that introduces its terms or its first
#: chapter or article
RECITAL_START = re.compile(r"^鉴于")
RECITAL_END = re.compile(
    r"特(?:此)?(?:订立|签订|签署|制定|订|立)|达成(?:如下|以下)|(?:协议|合同|条款|约定)如下|(?:约定|协议)(?:以下|下列)条款"
)


def _strong_duty(text: str) -> bool:
    """Whether ``text`` has a modal other than the weak ones (同意, 将, 给予, 予以) that recitals use."""
    return any(m.group(0) not in WEAK_MODALS for m in STRONG_MODAL.finditer(mask(text)))


def _in_recitals(doc: _Document, at: _At) -> bool:
    """Pass 1a: whether the paragraph is one of a contract's recitals (鉴于：甲方已取得…批复; 乙方为依法设立的公司),
    read as facts: from a paragraph starting with 鉴于 to the formula that introduces the terms (特签订本协议,
    达成如下协议), which is read, or to the first chapter or article, which is."""
    if not doc.mode.contract:
        return False
    body = at.body.strip()
    terms = at.para.level in ("chapter", "section", "article", "dotted", "en_article")
    if terms or RECITAL_END.search(body):
        doc.recital = False
        doc.terms_begun = doc.terms_begun or terms
    elif RECITAL_START.match(body) and not doc.terms_begun:
        doc.recital = True
    return doc.recital


def _read_notice(doc: _Document, at: _At) -> bool:
    """Pass 2: a plan's covering notice ends at its first ``一、``; its addressee line (各区人民政府、市有关单位：)
    gives the bodies its directives are for. True when the paragraph was that line."""
    if at.para.level == "l1":
        doc.notice.seen_l1 = True
        doc.notice.running = False
    if doc.mode.plan and doc.notice.running and at.body.strip().endswith(("：", ":")) and not doc.notice.addressees:
        doc.notice.addressees = _addressees(doc.text, at.para)
        if doc.notice.addressees:
            doc.prev_ended_colon = False
            return True
    return False


def _read_structure(doc: _Document, at: _At) -> _At | None:
    """Pass 3: a task-division table row becomes its task cell, closed by its unit cell as the note; a heading
    opens a scope (甲方责任： makes 甲方 the owner of the duties under it) and is not read as a clause (None)."""
    para, body, english = at.para, at.body, doc.mode.english
    row = _table_row(doc.text, para) if not english else None
    if row is not None:
        task, row_note = row
        doc.line_notes[at.index] = row_note
        return dataclasses.replace(at, para=Paragraph(task.start, task.end, para.marker, para.level, para.line_start))
    if (
        at.index in doc.table_tasks
        or not _is_heading(body, para.level, english)
        or (at.sub_item and doc.listing.of_obligation)
    ):
        return at
    heading = DUTY_HEADING.match(re.sub(r"\s+", "", body))
    owned = _owned_heading(body) if heading is None else None
    if heading:
        doc.scope = _Scope(owner=heading["label"], duty=heading["what"] != "权利")
    elif owned and owned["what"] != "权利":
        doc.scope = _Scope(heading_owner=owned["label"])  # 委托方的义务: the owner of its clauses, no more
    elif para.level in ("l1", "l2", "chapter", "section", "article") or (para.level is None and not at.sub_item):
        doc.scope = _Scope()
    if (
        doc.notice.addressees
        and re.search(r"方案|计划|要点|意见|办法|规划|细则", body)
        and not re.search(r"[，,]", body)
    ):
        doc.notice.running = False  # the plan itself begins
    doc.prev_ended_colon = _ends_with_colon(body)
    return None


def _sentences_with_notes(doc: _Document, at: _At) -> list[tuple[Span, Note | None]]:
    """Pass 4: the paragraph's sentences, each with the responsible-unit note that closes it — the inline note
    after it (（市X局负责）), else the note on a line of its own or the table row's unit cell."""
    text, para, english = doc.text, at.para, doc.mode.english
    notes = find_notes(text, para.start, para.end)  # (Lead unit: …) in English plans too
    regions: list[tuple[int, int, Note | None]] = []
    pos = para.start
    for found in notes:
        if found.start > pos:
            regions.append((pos, found.start, found))
        pos = found.end
    if pos < para.end:
        regions.append((pos, para.end, None))
    sent_spans: list[tuple[Span, Note | None]] = []
    for r_start, r_end, note in regions:
        for s in sentences(text, r_start, r_end, english=english):
            sent_spans.append((s, note or doc.line_notes.get(at.index)))
    sent_spans = _merge_breakdown(text, _merge_liability(text, sent_spans))
    if doc.mode.contract and not english:
        sent_spans = [(part, note) for span, note in sent_spans for part in _aside_clauses(text, span)]
        sent_spans = _merge_short_complements(text, sent_spans)
    return sent_spans


def _merge_short_complements(text: str, sents: list[tuple[Span, Note | None]]) -> list[tuple[Span, Note | None]]:
    """``…对公司造成的经济损失；应负赔偿责任`` is one clause: a very short complement after ``；`` with a modal and no
    subject of its own (应负赔偿责任, 并承担费用) completes the clause before it."""
    out: list[tuple[Span, Note | None]] = []
    for span, note in sents:
        body = text[span.start : span.end].rstrip("。；;，, ")
        core = _strip_connector(body)
        if (
            out
            and text[out[-1][0].start : out[-1][0].end].rstrip().endswith(("；", ";"))
            and len(body) <= 8
            and STRONG_MODAL.match(core)
        ):
            out[-1] = (Span(out[-1][0].start, span.end), out[-1][1])
            continue
        out.append((span, note))
    return out


#: an aside that explains rather than states a clause: a note, a definition, an example, a scope
_EXPLAINING_ASIDE = re.compile(r"^[（(]\s*(?:注|说明|备注|即|指|含|包括|不含|不包括|如|例如|以下|下称|简称|大写|小写)")


def _aside_clauses(text: str, span: Span) -> list[Span]:
    """A contract sentence with a bracketed clause of its own inside it (…全部交给甲方拆除（乙方自行拆除的，甲方
    应付给乙方拆除费）): the parts outside the bracket and the clause inside it are read apart, since the aside
    has its own obligor or condition. Asides that explain (注：…, 即…, 以下简称…) or hold no duty of their own stay."""
    body = text[span.start : span.end]
    whole = _WHOLE_NOTE.match(body)
    if whole and re.search(_NOTE_BINDS_PARTY, whole.group(1)):
        # （注：…，以设备出资时，甲、乙双方应另行签订协议。）: the note's sentences are read as clauses
        return sentences(text, span.start + whole.start(1), span.start + whole.end(1))
    cuts: list[tuple[int, int]] = []  # (open, close) offsets in ``text`` of the asides read apart
    for m in _ASIDE.finditer(body):
        inner = m.group(0)[1:-1]
        before = body[: m.start()]
        if (
            len(inner) >= 8
            and len(re.findall(r"[\u4e00-\u9fff]", before)) >= 4
            and not _EXPLAINING_ASIDE.match(m.group(0))
            and (_strong_duty(inner) or by_agent(inner) is not None)
            and not _permission(inner, False)
        ):
            cuts.append((span.start + m.start(), span.start + m.end()))
    if not cuts:
        return [span]
    parts: list[Span] = []
    pos = span.start
    for open_at, close_at in cuts:
        parts.append(Span(pos, open_at))
        parts.extend(sentences(text, open_at + 1, close_at - 1))
        pos = close_at
    parts.append(Span(pos, span.end))
    return [p for p in parts if re.search(r"[\u4e00-\u9fff]", text[p.start : p.end])]


#: the shares before a party's share in a capital breakdown, back to its 其中：
_SHARES_BEFORE = re.compile(r"其中[：:](?:\s*[甲乙丙丁]方[^，。；]*?元[，,]\s*占[^，。；]{0,12}[％%][；;，,]\s*)*$")


def _share_of_breakdown(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is a party's share in a breakdown that opens with 其中： (其中：甲方＿元，占＿％；
    乙方＿元，占＿％) — not a form field of shares (出资比例：甲方＿元，占＿％)."""
    if not CONTRIBUTION_SHARE.match(text[start:end]):
        return False
    if BREAKDOWN.match(text[start:end]):
        return True
    line_start = text.rfind("\n", 0, start) + 1
    return bool(_SHARES_BEFORE.search(text[line_start:start]))


def _merge_breakdown(text: str, sents: list[tuple[Span, Note | None]]) -> list[tuple[Span, Note | None]]:
    """``投资总额为＿元，其中：现金＿元；设备＿元；其他＿元`` is one item: the parts of a breakdown (其中：) are noun
    phrases of the sentence that opens it, not sentences of their own."""
    out: list[tuple[Span, Note | None]] = []
    in_breakdown = in_shares = False
    for span, note in sents:
        body = text[span.start : span.end]
        share = CONTRIBUTION_SHARE.match(body)
        if share and (BREAKDOWN.match(body) or in_shares):
            # 其中：甲方＿元，占＿％；乙方＿元，占＿％: each party's share of the capital is its own duty
            out.append((span, note))
            in_breakdown, in_shares = False, True
            continue
        in_shares = False
        if in_breakdown and len(body) <= 40 and not STRONG_MODAL.search(body) and not COMMIT_VERB.search(body):
            out[-1] = (Span(out[-1][0].start, span.end), out[-1][1])  # a further part: 设备＿元；
            continue
        out.append((span, note))
        in_breakdown = bool(BREAKDOWN.search(body))
    return out


#: a modal word that is part of a noun in a title (推行政务服务承诺制。, 规范承诺书格式。): no duty of the title's own
MODAL_NOUN = re.compile(r"承诺(?=制|书)")


def _is_title(doc: _Document, at: _At, si: int, count: int, sent_text: str, note: Note | None) -> bool:
    """Pass 5: a sentence that only titles what follows — a task heading （一）建立…机制。, a short title before
    the task (1.加强组织领导。各地要……), an English heading line."""
    mode, level = doc.mode, at.para.level
    if (
        level in ("l1", "l2")
        and not mode.contract
        and not at.sub_item
        and si == 0
        and not mode.english
        and len(sent_text) <= 40
        and not STRONG_MODAL.search(MODAL_NOUN.sub("", sent_text))
        and (count > 1 or note is None or at.next_level in ("l3", "paren_num", "dotted"))
    ):
        return True
    if (
        level in ("l3", "paren_num")
        and mode.plan
        and si == 0
        and count > 1
        and len(sent_text.strip("。. ")) <= 12
        and not STRONG_MODAL.search(sent_text)
    ):
        return True
    return bool(
        mode.english
        and not at.sub_item
        and sent_text.rstrip().endswith(".")
        and len(sent_text.split()) <= 8
        and not EN_MODAL.search(sent_text)
    )


def _read_sentence(doc: _Document, at: _At, sent: Span, note: Note | None) -> None:
    """Pass 6: the sentence's clauses (``_group_chunks``), each classified, given its subject and, when it is a
    duty, its obligor; the scope remembers the last subject and whether the last clause was a duty."""
    text, mode, english = doc.text, doc.mode, doc.mode.english
    sent_text = text[sent.start : sent.end]
    # an inline clause number (… 合同. 2.2.1 甲方系…) starts a new scope
    inline = re.match(r"^\d{1,2}(?:\.\d{1,2})+\s*", sent_text)
    s_start = sent.start + (inline.end() if inline else 0)
    if inline and not mode.regulation:
        doc.scope = _Scope(owner=doc.scope.owner, duty=doc.scope.duty, heading_owner=doc.scope.heading_owner)
    plan_item = mode.plan and not mode.contract and at.para.level in PLAN_ITEM_LEVELS
    label = TASK_LABEL.match(sent_text) if mode.plan and not mode.contract else None
    if label:  # 目标任务：2022年底前，完成…: the label names what the sentence is, a task
        s_start, plan_item = sent.start + label.end(), True
    spans = chunks(text, s_start, sent.end, english=english)
    if not spans:
        return
    if at.sub_item and (doc.listing.of_conditions or (not english and _NOUN_ITEM.search(sent_text))):
        return  # the items of 有下列情形之一的 are conditions; …的其他事项 is a noun phrase
    prev_basis: str | None = None
    for group in _group_chunks(text, spans, mode, doc.anchor):
        g_text = text[group.start : group.end]
        basis, modal = _classify(
            g_text,
            mode=mode,
            note=note,
            notice=doc.notice.running and not doc.notice.seen_l1 and not mode.contract,
            scope=doc.scope,
            sub_item_of_obligation=at.sub_item and doc.listing.of_obligation,
            in_sub_item=at.sub_item,
            plan_item=plan_item,
            labels=doc.en_labels,
        )
        if basis is None and mode.contract and _share_of_breakdown(text, group.start, group.end):
            basis = "declarative"  # 其中：甲方＿元，占＿％: a party's share of the capital it contributes
        if (
            basis is None
            and group.by_deadline
            and prev_basis is not None
            and not _permission(g_text, english)
            and (english or (non_duty(g_text) is None and not EXCLUDE.search(g_text)))
        ):
            basis = prev_basis  # the same duty with another deadline: 并在该期限内完成…
        prev_basis = basis
        subject = _subject(g_text, mode, modal, doc.en_labels)
        if basis == "sub_item" and (VERB_START.match(g_text.strip()) or _DUTY_VERB.match(g_text.strip())):
            subject = None  # （二）协调、督促X单位…: the item's verb has the lead's subject, X is its object
        if basis == "task" and note is None and _bare_task(_strip_connector(g_text.strip())):
            subject = None  # 全面摸排…，全区机关…拖欠情况: a plan's bare task is the plan's own, X is its object
        if basis == "declarative" and mode.regulation:
            subject = _duty_list_owner(g_text) or _government_subject(_main_chunk(g_text.strip())) or subject
        grant = _is_grant(g_text, modal, mode, subject, doc.parties)
        if grant:
            subject = None  # 对…的担保机构给予奖励: the institution is the beneficiary, the authority grants
            if doc.scope.subject and role_of_name(doc.scope.subject, doc.parties) != "government":
                doc.scope.subject = None
        if subject:
            doc.scope.subject = subject
        if basis is None:
            doc.scope.last_was_obligation = False
            continue
        doc.scope.last_was_obligation = True
        obligor, responsible, provenance = _obligor(doc, g_text, basis, note, subject)
        doc.findings.append(_finding(doc, at, group, basis, modal, obligor, responsible, note))
        doc.provenances.append(provenance)


#: the objects a regulation's or plan's 给予/予以 grants: money and favours, given by the administration
GRANT_OBJECT = re.compile(r"奖励|补贴|补助|资助|扶持|支持|优惠|扣除|补偿|贴息|奖补|减免|倾斜|便利|表彰")


def _is_grant(
    text: str, modal: str | None, mode: DocumentMode, subject: str | None, parties: tuple[Party, ...]
) -> bool:
    """A grant in a regulation or plan (…的，给予一定比例的价格扣除; 对…机构给予奖励) whose found subject is not a
    government body: that subject is the beneficiary, and the granting authority owes the clause."""
    if mode.contract or mode.english or modal not in ("给予", "予以"):
        return False
    if subject is not None and role_of_name(subject, parties) == "government":
        return False
    grant = re.search(rf"(?:{modal})[^，。；]{{0,20}}?(?:{GRANT_OBJECT.pattern})", text)
    return grant is not None


def _obligor(
    doc: _Document, g_text: str, basis: str, note: Note | None, subject: str | None
) -> tuple[Party, tuple[str, ...], str]:
    """Pass 6a: who owes a duty clause — the lead unit of its note, the notice's first addressee, the body a
    liability names (由X责令改正), else its subject, the scope's subject or the duty section's owner resolved
    against the party table. Returns the obligor, the responsible units and how the side was found
    (named, sideless: a name of no side, nameless)."""
    mode, english, scope = doc.mode, doc.mode.english, doc.scope
    if note is not None:
        obligor = _party(note.units[0], doc.parties, "government")
        if obligor.role in ("unknown", "other") and role_of_name(note.units[0]) is None:
            obligor = Party(label=None, name=obligor.name, role="government")
        return obligor, note.units, "named"
    if basis == "notice" and doc.notice.addressees:
        return Party(label=None, name=doc.notice.addressees[0], role="government"), doc.notice.addressees, "named"
    if basis == "liability":
        by = BY_WHOM.search(g_text)
        if by is None and (enforcer := _main_clause_subject(g_text)) is not None:
            # 经营者…的，市场监督管理部门应当责令改正: the body before the modal enforces, not the condition's
            return _party(enforcer, doc.parties, "government"), (), "named"  # the enforcer is the administration
        name = by.group(1) if by else None
        return Party(label=None, name=name, role="government") if name else Party(None, None, "government"), (), "named"
    provenance = "named"
    name = subject or scope.subject or (scope.owner if scope.duty else None) or scope.heading_owner
    counterparty = doc.counterparty
    if name is None and english and counterparty is not None:
        name = counterparty.label
    if (
        name is None
        and mode.contract
        and counterparty is not None
        and re.search(r"到位|付清|投资|缴纳|注册资本|开工|竣工|投产|达产|建成", g_text)
    ):
        name = counterparty.label
    if name and mode.contract:
        name = _not_the_payee(doc, g_text, name)
    if name:
        # a named body whose side its name does not tell: in a regulation it may be either
        # (项目单位, 招标人), so ``other``; a clause that names nobody takes the default
        obligor = _party(name, doc.parties, "other" if mode.regulation else doc.default_role)
        organ = set_up_organ(_main_chunk(g_text)) if mode.contract else None
        if organ is not None and organ[0] == name:
            # a party's organ (经理部, 管理机构) is on its party's side, whatever its name would say
            obligor = Party(label=None, name=name, role=_party(organ[1], doc.parties, doc.default_role).role)
        if obligor.label is None and role_of_name(obligor.name or "", doc.parties) is None:
            provenance = "sideless"
        if english and obligor.role == "unknown":
            obligor = Party(label=obligor.label, name=obligor.name, role=role_of_name(name) or "unknown")
    else:
        obligor = Party(label=None, name=None, role=doc.default_role)
        provenance = "nameless"
    if subject is None and scope.subject is None and name:
        scope.subject = name
    return obligor, (), provenance


#: the party a clause pays or hands something to: 向甲方偿付违约金, 向乙方支付
_PAYEE = re.compile(
    r"(?:应当|应|须|必须)[^，,。；;向]{0,20}向(甲方|乙方)(?:一次性)?(?:支付|偿付|赔偿|交付|缴纳|交纳|退还|偿还|付给|赔付)"
)


def _not_the_payee(doc: _Document, g_text: str, name: str) -> str:
    """A party does not pay itself: when the subject a contract clause was given (the one before it, or the
    agent of an earlier part: …由甲方通知乙方，逾期的，应向甲方偿付违约金) is the party its modal pays, the other
    of 甲方/乙方 owes it."""
    payee = _PAYEE.search(g_text)
    if payee is None:
        return name
    label = _party(name, doc.parties, doc.default_role).label
    if label is None and name.startswith(payee.group(1)):
        label = payee.group(1)  # an agent read with its verb: 由甲方报请有关部门…
    if label != payee.group(1):
        return name
    other = "乙方" if payee.group(1) == "甲方" else "甲方"
    return other if any(p.label == other for p in doc.parties) else name


def _finding(
    doc: _Document,
    at: _At,
    group: _Group,
    basis: str,
    modal: str | None,
    obligor: Party,
    responsible: tuple[str, ...],
    note: Note | None,
) -> Finding:
    """Pass 6b: the finding of a duty clause — its span without closing punctuation (a covering sentence's
    directive only: 现将…印发给你们，请认真贯彻执行), its conditions (…的, …时) and the note its deadline may be
    in (the list's lead for an item of a duty list)."""
    text, english = doc.text, doc.mode.english
    g_text = text[group.start : group.end]
    start, end = group.start, group.end
    while end > start and text[end - 1] in "，,；;。：:、 \n":
        end -= 1
    directive = NOTICE.search(g_text) if basis == "notice" else None
    if directive and re.search(r"印发|转发|同意", g_text[: directive.start()]):
        start = group.start + directive.start()  # the directive itself, not the covering sentence
    conditions = tuple(
        text[s.start : s.end].rstrip("，,")
        for s in chunks(text, start, end, english=english)
        if _is_condition(text[s.start : s.end]) and text[s.start : s.end].rstrip("，,").endswith(("的", "时"))
    )
    note_text = text[note.start : note.end] if note is not None else None
    if note_text is None and at.sub_item and doc.listing.of_obligation and doc.listing.lead_text:
        note_text = doc.listing.lead_text  # a deadline in the lead of an enumeration applies to its items
    elif doc.dated_heading:  # …and so does a dated heading's to the items under it
        note_text = f"{note_text}；{doc.dated_heading[0]}" if note_text else doc.dated_heading[0]
    return Finding(start, end, obligor, responsible, basis, modal, conditions, CONFIDENCE[basis], note_text)


#: a template note a lead may close with after its colon: …提供如下保证：（注：在…合同才有此条款。）
_TRAILING_NOTE = re.compile(r"[（(]\s*注\s*[：:][^（()）]*[）)]\s*$")


def _ends_with_colon(body: str) -> bool:
    """Whether a paragraph ends in ``：`` and so announces items, a template note after the colon aside."""
    return _TRAILING_NOTE.sub("", body.strip()).rstrip().endswith(("：", ":"))


#: the words with which a clause announces the items after it (按以下时间, 下列方式, 如下)
_ANNOUNCES_ITEMS = re.compile(r"以下|下列|如下")


#: paragraph levels from the outermost in
_LEVEL_DEPTH = ("chapter", "section", "article", "l1", "l2", "l3", "dotted", "paren_num", "alpha", "circled", "dash")


def _depth(level: str | None) -> int:
    return _LEVEL_DEPTH.index(level) if level in _LEVEL_DEPTH else -1


def _open_dated_heading(doc: _Document, at: _At) -> None:
    """A numbered heading ending in ``…：`` that is no duty but states a deadline (一、2020年底前，完成以下任务：)
    dates the items under it."""
    body = at.body.strip()
    level = at.para.level
    leads = level in _LEVEL_DEPTH and body.endswith(("：", ":"))
    if level and leads and _concrete(resolve_deadline(body, None, year=doc.mode.year)):
        doc.dated_heading = (body, level)


def _follow_dated_heading(doc: _Document, at: _At) -> None:
    """The dated heading's reach ends at the next paragraph that is not numbered below it."""
    if doc.dated_heading and _depth(at.para.level) <= _depth(doc.dated_heading[1]):
        doc.dated_heading = None


def _close_paragraph(doc: _Document, at: _At) -> None:
    """Pass 7: a paragraph ending in ``…：`` whose last clause was a duty leads a list: its items are that duty's
    sub-items, or the conditions of a liability (有下列情形之一的)."""
    doc.prev_ended_colon = _ends_with_colon(at.body)
    if not at.sub_item and doc.lead_level is None:
        # a lead that announces its items without a colon: 乙方应当按以下时间如期将房价款交付甲方；
        announces = _ANNOUNCES_ITEMS.search(at.body) and not doc.prev_ended_colon
        doc.lead_subject = doc.scope.subject if announces and doc.scope.last_was_obligation else None
    findings = doc.findings
    if doc.prev_ended_colon and findings and findings[-1].end >= at.para.end - 1:
        lead = findings[-1]
        doc.listing.lead_text = doc.text[lead.start : lead.end]
        doc.listing.pending_lead = len(findings) - 1
        doc.listing.of_obligation = lead.basis != "liability" and not PRINCIPLES_LEAD.search(doc.listing.lead_text)
        doc.listing.of_conditions = lead.basis == "liability"


def find_obligations(
    text: str,
    *,
    mode: DocumentMode,
    parties: tuple[Party, ...],
    anchor: date | None,
    paras: list[Paragraph] | None = None,
) -> list[Finding]:
    """Every obligation clause of ``text``, in document order (``paras``: ``paragraphs(text)``, if known).

    The passes, in the order they run over each paragraph (``_Document`` holds what they share): the list
    it may be an item of, a plan's covering notice, table rows and headings, its sentences with their notes,
    titles skipped, then each sentence's clauses classified and their obligors found; a closing ``…：`` opens
    a list. A regulation's bodies of no stated side, and its clauses that name nobody, finally take its
    addressees' side."""
    doc = _start(text, mode, parties, anchor, paragraphs(text) if paras is None else paras)
    for index, para in enumerate(doc.paras):
        if index in doc.note_lines:
            continue
        para_english = written_in_english(text[para.start : para.end], mode.english)
        doc.mode = dataclasses.replace(mode, english=para_english)
        at = _enter_paragraph(doc, index, para)
        _follow_dated_heading(doc, at)
        if _in_recitals(doc, at) and not _strong_duty(at.body):
            continue
        if _read_notice(doc, at):
            continue
        read = _read_structure(doc, at)
        if read is None:
            _open_dated_heading(doc, at)
            continue
        at = read
        sents = _sentences_with_notes(doc, at)
        for si, (sent, note) in enumerate(sents):
            if si == 0 and at.skip_first:
                continue
            sent_text = text[sent.start : sent.end]
            doc.mode = dataclasses.replace(mode, english=written_in_english(sent_text, para_english))
            if not re.search(r"[\u4e00-\u9fffA-Za-z]", sent_text) or _is_title(
                doc, at, si, len(sents), sent_text, note
            ):
                continue
            _read_sentence(doc, at, sent, note)
        _close_paragraph(doc, at)
    if mode.regulation:
        return _sides_from_the_document(doc.findings, doc.provenances, text)
    return doc.findings


#: the share of a regulation's named duty-bearers that must be government bodies for it to be read as one
#: addressed to the administration, whose units of no stated side (承办单位, 受理人员) are then government too
ADMINISTRATION_SHARE = 0.75


#: a clause that names nobody and binds whoever acts, whoever the regulation addresses: a bare prohibition
#: (禁止强制企业…, 禁止设置…); a principle every actor follows (…应当遵循…原则) was tried too and cost role
_EVERYONES_RULE = re.compile(r"^禁止")


def _sides_from_the_document(findings: list[Finding], provenances: list[str], text: str = "") -> list[Finding]:
    """A regulation's bodies whose names do not tell their side take the side of its addressees.

    A regulation that addresses the administration (three in four of the duty-bearers its names place are
    government bodies: 行政机关, 热线工作机构 …; each body counted once, so that one clause's subject does not
    tip the document) means its own units too when it names 承办单位 or 受理人员;
    elsewhere (a procurement or tendering regulation, where 采购人, 供应商 and 代理机构 all bear duties) such a
    unit stays ``other``, and so does a clause that names nobody (禁止…, 招标文件应当载明…): it binds whoever
    acts, not the administration alone."""
    bodies = {
        (f.obligor.name, f.obligor.role)
        for f, p in zip(findings, provenances, strict=True)
        if p == "named" and not PUBLIC_NAMES.search(f.obligor.name or "")  # the public it serves is no addressee
    }
    named = Counter(role for _, role in bodies)  # each duty-bearer once, however many clauses it owes
    total = named["government"] + named["counterparty"] + named["other"]
    if not total or named["government"] < ADMINISTRATION_SHARE * total:
        # addressed to every side: a clause that names nobody binds whoever acts (禁止…, 应当遵循…原则)
        return [
            dataclasses.replace(f, obligor=Party(label=None, name=None, role="other"))
            if p == "nameless" and f.basis != "notice"  # 请认真贯彻执行 is the administration's still
            else f
            for f, p in zip(findings, provenances, strict=True)
        ]
    return [
        dataclasses.replace(f, obligor=Party(label=f.obligor.label, name=f.obligor.name, role="government"))
        if p == "sideless"
        else dataclasses.replace(f, obligor=Party(label=None, name=None, role="other"))
        if p == "nameless" and f.basis != "notice" and _EVERYONES_RULE.search(text[f.start : f.end])
        else f
        for f, p in zip(findings, provenances, strict=True)
    ]


_CELL = re.compile(r"[^\t|｜]+?(?=\s*(?:\t|[|｜]|\s{2,}|$))")
_HEADER_CELL = re.compile(
    r"^(?:序号|任务|主要任务|工作任务|重点任务|具体任务|任务名称|工作内容|主要内容|具体措施|工作措施|责任单位|牵头单位|"
    r"配合单位|责任部门|牵头部门|配合部门|责任主体|实施单位|完成时限|完成时间|时间节点|完成期限|时限|备注)$"
)


#: a signature block's or form's field, not a unit: 单位：（公章）, 法人代表＿＿（签字）, 开户银行及帐号
_FIELD = re.compile(r"[：:＿_]|公章|签字|签章|盖章|代表$|帐号|账号")


def _table_row(text: str, para: Paragraph) -> tuple[Span, Note] | None:
    """A task-division table row written as one line: 1 | 任务 | 牵头单位 | 完成时限.

    Returns the task cell and a note made of the unit cell (and the time-limit cell after it)."""
    line = text[para.line_start : para.end]
    if not re.search(r"\t|[|｜]|[^\s]\s{2,}[^\s]", line):
        return None
    cells = [
        Span(para.line_start + m.start(), para.line_start + m.end()) for m in _CELL.finditer(line) if m.group(0).strip()
    ]
    cells = [Span(c.start + (len(text[c.start : c.end]) - len(text[c.start : c.end].lstrip())), c.end) for c in cells]
    if len(cells) < 2 or any(_HEADER_CELL.match(text[c.start : c.end].strip()) for c in cells):
        return None
    unit_idx = next(
        (
            i
            for i, c in enumerate(cells)
            if i > 0
            and not _FIELD.search(text[c.start : c.end])
            and not _worded_as_task(text[c.start : c.end].strip())  # 编制园区规划 names 区 but is the task
            and parse_note(text[c.start : c.end].strip() + "负责")
        ),
        None,
    )
    if unit_idx is None:
        return None
    task = max(cells[:unit_idx], key=lambda c: c.end - c.start)
    units = parse_note(text[cells[unit_idx].start : cells[unit_idx].end].strip() + "负责")
    if not units or len(text[task.start : task.end].strip()) < 6:
        return None
    # the cells after the lead unit's: the cooperating units (配合单位), the time limit (完成时限)
    for cell in cells[unit_idx + 1 :]:
        more = _unit_cell(text[cell.start : cell.end].strip())
        units = tuple(dict.fromkeys(units + more))
    return task, Note(cells[unit_idx].start, cells[-1].end, units)


#: what a column of a task table holds, by its header: the number, the task, units, the time limit
_COLUMN = (
    ("number", re.compile(r"^序号$")),
    ("unit", re.compile(r"单位$|部门$")),
    ("time", re.compile(r"时限|时间|期限|节点")),
    ("task", re.compile(r"任务|措施|内容|事项|工作")),
    ("other", re.compile(r"^备注$")),
)


def _column(cell: str) -> str | None:
    if not _HEADER_CELL.match(cell):
        return None
    return next((kind for kind, pattern in _COLUMN if pattern.search(cell)), None)


def _cell_tables(text: str, paras: list[Paragraph]) -> tuple[dict[int, Note], set[int]]:
    """A task table whose cells the text gives one a line (a table copied from a PDF or a web page): a header
    of three or more cells (序号 / 重点任务 / 责任单位 / 完成时限), then rows of as many lines. Each row's task
    line is closed by a note of its unit cells (lead first) and its time limit; its other lines are no clauses."""
    notes: dict[int, Note] = {}
    lines: set[int] = set()
    bodies = [text[p.start : p.end].strip() for p in paras]
    i = 0
    while i < len(paras):
        columns: list[str] = []
        while i + len(columns) < len(paras) and (kind := _column(bodies[i + len(columns)])) is not None:
            columns.append(kind)
        if len(columns) < 3 or "task" not in columns or "unit" not in columns:
            i += max(1, len(columns))
            continue
        width = len(columns)
        lines.update(range(i, i + width))
        row = i + width
        while row + width <= len(paras):
            cells = dict(zip(range(row, row + width), columns, strict=True))
            number = next((j for j, kind in cells.items() if kind == "number"), None)
            task = next(j for j, kind in cells.items() if kind == "task")
            units: tuple[str, ...] = ()
            for j, kind in cells.items():
                if kind == "unit":
                    units += _unit_cell(bodies[j])
            if (number is not None and not re.fullmatch(r"\d{1,3}[.、]?", bodies[number])) or not units:
                break
            ends = [j for j, kind in cells.items() if kind in ("unit", "time")]
            first_unit = next(j for j, kind in cells.items() if kind == "unit")
            notes[task] = Note(paras[first_unit].start, paras[max(ends)].end, tuple(dict.fromkeys(units)))
            lines.update(j for j in cells if j != task)
            row += width
        i = row
    return notes, lines


def _worded_as_task(cell: str) -> bool:
    return bool(PLAN_TASK_START.match(cell) or VERB_START.match(cell) or _DUTY_VERB.match(cell))


def _unit_cell(cell: str) -> tuple[str, ...]:
    """The units a table cell names (区财政局、各街道), none if it is a time or another field."""
    if _FIELD.search(cell) or re.search(r"\d|年|月|日|长期|持续|每|前$|底$", cell):
        return ()
    return parse_note(cell + "负责") or ()


_NOUN_ITEM = re.compile(r"的(?:其他)?(?:事项|情形|情况|行为|内容|条件|职责|职能|文件|材料)[；;。，,]?\s*$")
_NOTE_LINE = re.compile(
    rf"^[（(〔\[]?\s*(?:{NOTE_HEADS})\s*[:：]"
    r"|^[（(\[]?\s*(?:Lead(?:ing)?|Responsible)\s+(?:units?|departments?|bod(?:y|ies)|agenc(?:y|ies))\s*[:：]",
    re.I,
)
_DEADLINE_LINE = re.compile(rf"^[（(〔\[]?\s*(?:{TIME_FIELD.pattern})")


def _standalone_notes(text: str, paras: list[Paragraph]) -> tuple[dict[int, Note], set[int]]:
    """Responsible-unit notes written on lines of their own (责任单位：…, 完成时限：…), mapped to the
    task paragraphs they close: those since the previous note or heading."""
    assigned: dict[int, Note] = {}
    note_lines: set[int] = set()
    pending: list[int] = []
    last: tuple[list[int], Note] | None = None
    for i, para in enumerate(paras):
        body = text[para.start : para.end].strip()
        if _NOTE_LINE.match(body):
            units = parse_note(body.strip("（()）〔〕[]"))
            if units:
                note = Note(para.start, para.end, units)
                for j in pending:
                    assigned[j] = note
                note_lines.add(i)
                last = (pending, note)
                pending = []
                continue
        if _DEADLINE_LINE.match(body) and last is not None:
            owners, note = last
            longer = Note(note.start, para.end, note.units)
            for j in owners:
                assigned[j] = longer
            note_lines.add(i)
            last = (owners, longer)
            continue
        last = None
        siblings = para.level == "l2" and all(paras[j].level == "l2" for j in pending)
        if para.level in ("chapter", "section", "l1", "l2") and not siblings:
            pending = []  # （一）…（二）…责任单位：X: a note after sibling items closes them all
        inline = find_notes(text, para.start, para.end)
        if inline:
            english_note = not _CJK_CHAR.search(text[inline[-1].start : inline[-1].end])
            if not text[inline[-1].end : para.end].strip() and not english_note:
                for j in pending:  # 1.…。 2.…。（市X局负责）: the note closes the earlier tasks too
                    assigned[j] = inline[-1]
            pending = []
            continue
        pending.append(i)
    return assigned, note_lines


def _merge_liability(text: str, sents: list[tuple[Span, Note | None]]) -> list[tuple[Span, Note | None]]:
    """``…责令改正；拒不改正的，…给予处分`` is one liability item."""
    out: list[tuple[Span, Note | None]] = []
    for span, note in sents:
        if (
            out
            and re.match(r"^(?:拒不改正|逾期不改正|逾期未改正|情节严重的，)", text[span.start : span.end])
            and LIABILITY.search(text[out[-1][0].start : out[-1][0].end])
        ):
            out[-1] = (Span(out[-1][0].start, span.end), note)
        else:
            out.append((span, note))
    return out
