"""Parties: their definitions (甲方：……, "the Company"), their roles by substance, and the subject of a
clause resolved to a party or a named body.

Roles follow substance, not the letter: a label's role comes from its defined name when that name says
so (管委会 → government, 有限公司 → counterparty), otherwise from what the text has the party do (the
party whose 园区 the other moves into, or who sells the land, is the government side).
"""

from __future__ import annotations

import re
from collections import Counter

from extractors.model import Party, Role

__all__ = [
    "GOV_WORDS",
    "LABELS",
    "find_parties",
    "is_actor",
    "role_of_name",
    "subject_of",
]

#: party labels of contracts (the SpanRuler patterns of the spaCy pipeline are built from these)
LABELS_ZH = (
    "甲方",
    "乙方",
    "丙方",
    "丁方",
    "政府方",
    "实施机构",
    "项目公司",
    "社会资本方",
    "投资方",
    "甲乙双方",
    "双方",
    "各方",
    "任何一方",
    "合同双方",
)
LABELS_EN = (
    "Party A",
    "Party B",
    "Party C",
    "the Government",
    "the Authority",
    "the Company",
    "the Concessionaire",
    "the Developer",
    "the Contractor",
    "the Operator",
    "the Investor",
    "the Parties",
    "either Party",
    "each Party",
    "the Grantor",
    "the Purchaser",
    "the Supplier",
    "the Lender",
    "the Lenders",
    "Concessionaire",
    "Authority",
    "Government",
    "Company",
    "Independent Engineer",
)
LABELS = LABELS_ZH + LABELS_EN

_OTHER_KW = (
    "Independent Engineer",
    "Senior Lenders",
    "Lenders",
    "Arbitrator",
    "甲乙双方",
    "合同双方",
    "双方",
    "各方",
    "任何一方",
    "一方",
    "行业协会",
    "商会",
    "新闻媒体",
    "被投诉人",
    "金融机构",
    "社会组织",
    "Parties",
    "either Party",
    "each Party",
)
_GOV_KW = (
    "人民政府",
    "政府",
    "管委会",
    "管理委员会",
    "委员会",
    "办公厅",
    "办公室",
    "办事处",
    "领导小组",
    "局",
    "厅",
    "委",
    "部门",
    "机关",
    "事业单位",
    "实施机构",
    "政府方",
    "财政",
    "人大",
    "法院",
    "检察院",
    "街道",
    "国务院",
    "国家",
    "支行",
    "中心",
    "招商",
    "审计",
    "Authority",
    "Government",
    "Agency",
    "Ministry",
    "Department",
    "Grantor",
    "Municipal",
    "Commission",
    "Board",
)
_PRIV_KW = (
    "Ltd",
    "Limited",
    "Inc.",
    "Corporation",
    "LLC",
    "GmbH",
    "Pvt",
    "公司",
    "企业",
    "集团",
    "投资方",
    "投资者",
    "投资人",
    "社会资本",
    "中标人",
    "承包人",
    "承包商",
    "供应商",
    "投诉人",
    "申请人",
    "厂",
    "Concessionaire",
    "Company",
    "Developer",
    "Contractor",
    "Operator",
    "Investor",
    "Licensee",
    "Lessee",
    "Supplier",
    "SPV",
)
GOV_WORDS = re.compile("|".join(_GOV_KW))
_KW = sorted(
    [(k, "other") for k in _OTHER_KW] + [(k, "government") for k in _GOV_KW] + [(k, "counterparty") for k in _PRIV_KW],
    key=lambda kv: -len(kv[0]),
)
_KW_RE = re.compile("|".join(re.escape(k) for k, _ in _KW), re.I)
_KW_ROLE = {k.lower(): r for k, r in _KW}
_CONJ = re.compile(r"、|和|及其|以及|及|与|或者|或|\band\b|\bor\b")
_LABEL_RE = re.compile(r"甲乙双方|甲方|乙方|丙方|丁方|Party\s+[A-D]\b")


def _conjunct_role(text: str) -> Role | None:
    best: tuple[int, int, str] | None = None
    for m in _KW_RE.finditer(text):
        key = (m.end(), m.end() - m.start(), m.group(0))
        if best is None or key[:2] > best[:2]:
            best = key
    if best is None:
        return None
    role = _KW_ROLE.get(best[2].lower())
    return role  # type: ignore[return-value]


def role_of_name(name: str, parties: tuple[Party, ...] = ()) -> Role | None:
    """Role of a named body or group; mixed groups of government and private bodies are ``other``."""
    name = re.sub(r"\s+", "", name) if re.search(r"[\u4e00-\u9fff]", name) else name
    labels = {p.label: p for p in parties if p.label}
    if name in labels:
        return labels[name].role
    roles: set[Role] = set()
    parts = [p for p in _CONJ.split(name) if p.strip()]
    for part in parts:
        part = part.strip()
        label = _LABEL_RE.search(part)
        if label and label.group(0) in labels and label.group(0) != "甲乙双方":
            roles.add(labels[label.group(0)].role)
            continue
        role = _conjunct_role(part)
        if role:
            roles.add(role)
    if not roles:
        return None
    if "other" in roles or len(roles) > 1:
        return "other"
    return roles.pop()


def is_actor(np: str) -> bool:
    """Whether a noun phrase names an actor (ends with an organisation word or a party label)."""
    np = np.strip()
    if not np:
        return False
    if len(np) <= 20 and re.search(r"(?:单位|个人|人员|组织|经营者|当事人|生产者|销售者|用人单位)$", np):
        return True  # an actor whose side the name alone does not tell
    matches = list(_KW_RE.finditer(np))
    m = matches[-1] if matches else None
    tail = np[m.end() :] if m is not None else ""
    if m is not None and re.fullmatch(r"的?(?:主要负责同志|负责同志|工作人员|人员|负责人)", tail):
        return True
    if m is not None and len(tail) <= 4:
        return not re.search(r"资金|期限|比例|工作|款项|制度|条款|价格|资本", tail)
    return bool(_LABEL_RE.search(np)) and len(np) <= 12


# --------------------------------------------------------------------------------------------- definitions
_DEF_ZH = re.compile(
    r"^\s*(?P<label>甲方|乙方|丙方|丁方)\s*(?:[（(][^）)\n]{0,20}[）)])?"
    r"[ \t]*[：:][ \t]*(?P<name>[^\n；;]{0,80})",
    re.M,
)
_DEF_ZH_SHORT = re.compile(
    r"(?P<name>[\u4e00-\u9fff（）()]{2,40}?)[（(]\s*以下(?:简)?称\s*[“\"]?(?P<label>甲方|乙方|丙方|丁方)[”\"]?\s*[）)]"
)
_DEF_EN = re.compile(
    r"(?P<name>[A-Z][\w&.,' -]{2,120}?)\s*\(\s*(?:hereinafter|herein)?\s*"
    r"(?:referred to as|called)?\s*(?:the\s+)?"
    r"[\"“](?P<label>[A-Z][\w ]{1,30})[\"”]",
)
_BLANK = re.compile(r"^[\s_＿.…]*$")

_GOV_CUES = (
    r"{L}(?:的)?(?:工业)?(?:园区|开发区|管辖)",
    r"(?:迁入|落户|入驻|进驻|入园)(?:到)?{L}",
    r"{L}(?:出让|供地|返还|协助|提供出让)",
    r"由{L}返还",
    r"支付给{L}",
    r"授权{L}为",
)
_PRIV_CUES = (
    r"{L}(?:迁入|落户|入驻|进驻|投资|注册|招聘|投产|开工)",
    r"{L}(?:应在|须在)?[^，。；]{0,10}(?:支付|付清|缴纳)(?:给)?(?!{O})",
    r"{L}(?:作为)?(?:本项目的)?社会资本方",
    r"{L}[^，。；]{0,6}设立项目公司",
)


def _role_by_substance(label: str, text: str, kind_hint: str | None) -> Role:
    other = {"甲方": "乙方", "乙方": "甲方"}.get(label, "甲方")
    score = 0
    for cue in _GOV_CUES:
        score += len(re.findall(cue.replace("{L}", label).replace("{O}", other), text))
    for cue in _PRIV_CUES:
        score -= len(re.findall(cue.replace("{L}", label).replace("{O}", other), text))
    if score > 0:
        return "government"
    if score < 0:
        return "counterparty"
    if label == "甲方":
        return "government"
    return "counterparty"


def find_parties(text: str, kind_hint: str | None = None) -> tuple[Party, ...]:
    """The contract parties defined at the head of the text, each with its role by substance."""
    head = text[:8000]
    found: dict[str, str | None] = {}
    for m in _DEF_ZH.finditer(head):
        name = m["name"].strip()
        found.setdefault(m["label"], None if _BLANK.match(name) else name)
    for m in _DEF_ZH_SHORT.finditer(head):
        if not found.get(m["label"]):
            found[m["label"]] = m["name"].strip()
    parties: list[Party] = []
    for label, name in found.items():
        role: Role | None = role_of_name(name) if name else None
        if role not in ("government", "counterparty"):
            role = _role_by_substance(label, text, kind_hint)
        parties.append(Party(label=label, name=name, role=role))
    labels_mentioned = Counter(re.findall(r"甲方|乙方|丙方", text))
    for label in ("甲方", "乙方"):
        if label not in found and labels_mentioned[label] >= 2:
            parties.append(Party(label=label, name=None, role=_role_by_substance(label, text, kind_hint)))
    for m in _DEF_EN.finditer(head):
        label = m["label"].strip()
        if any(p.label == label for p in parties):
            continue
        name = re.split(r"\b(?:between|and|by|with|is made|entered into)\b", m["name"])[-1].strip(" ,")
        role = role_of_name(label) or role_of_name(name)
        if role is None:
            continue
        parties.append(Party(label=label, name=name, role=role))
    return tuple(parties)


# --------------------------------------------------------------------------------------------- subjects
#: words that end a Chinese subject noun phrase (prepositions, modals, adverbs and common task verbs)
_SUBJECT_END = re.compile(
    r"对(?!外)|在|从|向|于|按照|按|依照|依据|依法|依托|通过|使用|采购|与|(?<![合共协])同(?!级|志|意)|自(?!治|行|测|主|律)|将|把|以(?![上下内外前后])|根据|结合|会同|为(?!准)|"
    r"应当|应(?![收付用急届诉对变聘征邀])|(?<![重主需纪摘纲提只必首简概扼机])要(?![求点素件])|须|必须|(?<![所必急按无])需(?!求)|有责任|不得|严禁|禁止|负总责|负责(?!同志|人)(?![^，。；]{0,25}?的(?:部门|机构|单位|同志|人员|领导))|"
    r"承担|保证|确保|承诺|同意|有义务|负有|可以|可|有权|享有|率先|带头|切实|严格|认真|加快|加强|加大|建立|推进|进行|"
    r"实施|开展|组织|做好|落实|每年|定期|及时|当|已|未|均|也|都|共同|各自|协助|配合|提供|给予|授予|承继|系|是|作为|"
    r"迁入|落户|招聘|获得|享受|遵守|接受|支付|违反|违约|拖欠|迟延|逾期|拒绝|不(?=承担|负责|得|予|再)|办理|完成|受(?!理|托)|经(?!济|营|费|办)|如|若|出让|返还|"
)
EN_PARTY = re.compile(
    r"\b(?:the\s+)?(Concessionaire|Authority|Government|Company|Developer|Contractor|Operator|Investor|Grantor|"
    r"Purchaser|Supplier|Lenders?|Independent Engineer|Parties|Party\s+[A-D]|either Party|each Party)\b"
)


def subject_of(text: str, english: bool = False) -> str | None:
    """The subject noun phrase at the start of a clause (before its modal or main verb), if any."""
    if english:
        return None
    s = text.strip()
    s = re.sub(r"^[（(][^）)]{0,6}[）)]", "", s)
    m = re.match(
        r"^由([^，。；]{1,30}?)(?:承担|负责|承继|支付|返还|提供|办理|缴纳|给予|补偿|赔偿|组织|实施|协调|完成|责令|依法)",
        s,
    )
    if m:
        return m.group(1)
    end = None
    for m2 in _SUBJECT_END.finditer(s):
        if m2.group(0):
            if m2.start() < 2:
                return None  # the clause starts with its verb: no subject of its own
            end = m2.start()
            break
    np = s[:end] if end is not None else s
    if len(np) > 90:
        return None
    return np.strip(" ，,") or None


def english_subject(text: str, modal_start: int) -> str | None:
    """The party named closest before an English modal (``the Concessionaire shall``)."""
    before = text[:modal_start]
    last = None
    for m in EN_PARTY.finditer(before):
        last = m
    if last is None or modal_start - last.end() > 60:
        return None
    return last.group(1)
