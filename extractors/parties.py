"""Parties: their definitions (甲方：……, "the Company"), their roles by substance, and the subject of a
clause resolved to a party or a named body.

Roles follow substance, not the letter: a label's role comes from its defined name when that name says
so (管委会 → government, 有限公司 → counterparty), otherwise from what the text has the party do (the
party whose 园区 the other moves into, or who sells the land, is the government side).
"""

from __future__ import annotations

import re
from collections import Counter

from extractors.lexicon import (
    AGENT_VERBS,
    HAVE_TO,
    MUST,
    NEED,
    NOT_BODY_WORDS,
    PRINCIPAL_LABELS,
    RESPONSIBLE,
    SHALL,
    alternation,
    load_words,
)
from extractors.model import Party, Role

__all__ = [
    "GOV_WORDS",
    "PUBLIC_NAMES",
    "ends_in_head",
    "find_parties",
    "is_actor",
    "role_of_name",
    "subject_of",
]

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
    # whichever party a clause's event makes it: the one in breach, at fault, affected, the other one
    # evaluation panels of experts, drawn from every side
    "评标委员会",
    "评审委员会",
    "谈判小组",
    "询价小组",
    "磋商小组",
    "评审小组",
    "第三方",
    "第三人",
    "违约方",
    "守约方",
    "过错方",
    "责任方",
    "受害方",
    "该方",
    "对方",
    "他方",
    "当事人",
    "行业协会",
    "商会",
    "新闻媒体",
    # the press and trade bodies, whatever jurisdiction they serve (本市报纸、广播、电视等媒体, 中小企业协会)
    "媒体",
    "协会",
    "行业组织",
    # enterprises and public institutions at once: a mixed group in one word
    "被投诉人",
    "社会组织",
    "任何单位",
    "任何组织",
    "任何个人",
    "单位和个人",
    "组织和个人",
    "代理机构",
    "公证机构",
    "专业机构",
    "培训机构",
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
    "人民银行",
    "人行",
    "工作机构",
    "督查机构",
    "投诉机构",
    "派出机构",
    "登记机构",
    "采购机构",
    "协调机构",
    "执法机构",
    "监管机构",
    "授权主体",  # the body a government authorises to grant a concession
    "管理机构",
    "主管机构",
    "服务中心",
    "交易中心",
    "招商",
    "审计",
    "Authority",
    "Authorities",
    "Government",
    "Agency",
    "Ministry",
    "Department",
    "Grantor",
    "Municipal",
    "Commission",
    "Board",
    "Bureau",
    "Office",
    "Committee",
    "Municipality",
    "Administration",
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
    "融资机构",
    "特许经营者",
    "中标人",
    "银行",
    "金融机构",
    "评估机构",
    "中介机构",
    "担保机构",
    "服务机构",
    "承包人",
    "承包商",
    "供应商",
    "投诉人",
    "申请人",
    # the public a regulation serves (PUBLIC_NAMES): callers, informants, the expropriated, citizens, legal persons
    "来电人",
    "来信人",
    "来访人",
    "举报人",
    "控告人",
    "被征收人",
    "服务对象",
    "公民",
    "法人",
    "自然人",
    "信息主体",
    # the public a regulation serves: callers, informants, the expropriated, citizens and legal persons
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
    "Co.",
    "Holdings",
    "Enterprise",
)


#: the public a regulation serves, named by what it does towards the administration (来电人, 被征收人, 公民):
#: counterparty, but not an addressee of the regulation's rules for its own bodies
PUBLIC_NAMES = re.compile(r"(?:来电|来信|来访|举报|控告|被征收)人$|服务对象$|^(?:公民|法人|自然人|信息主体)")

#: the administration named by its jurisdiction or by a head of its own (本市, 本省, 海关), as data
GOVERNMENT_ACTORS = load_words("government_actors.txt")
_GOV_HEADS: tuple[str, ...] = _GOV_KW + GOVERNMENT_ACTORS
GOV_WORDS = re.compile("|".join(_GOV_HEADS))
_KW = sorted(
    [(k, "other") for k in _OTHER_KW]
    + [(k, "government") for k in _GOV_HEADS]
    + [(k, "counterparty") for k in _PRIV_KW],
    key=lambda kv: -len(kv[0]),
)
_KW_RE = re.compile("|".join(re.escape(k) for k, _ in _KW), re.I)
_KW_ROLE = {k.lower(): r for k, r in _KW}
_NOT_BODY = re.compile("|".join(sorted(NOT_BODY_WORDS, key=len, reverse=True)))


def _heads(text: str) -> list[re.Match[str]]:
    """The words of ``text`` that tell a side (局, 有限公司, 双方 …), but not inside a word that names no body
    (产业布局, 委托方, 审计师): those are blanked out first, so offsets stay those of ``text``."""
    return list(_KW_RE.finditer(_NOT_BODY.sub(lambda m: " " * len(m.group(0)), text)))


_CONJ = re.compile(r"、|和|及其|以及|及|与|或者|或|\band\b|\bor\b")
_JOINT_LETTERS = re.compile(r"(?:[甲乙丙丁](?:方)?[、，,和与及]?){2,4}(?:双|三|各)?方")
_LABEL_RE = re.compile(r"甲乙双方|甲方|乙方|丙方|丁方|Party\s+[A-D]\b")


#: what may follow the word that gives a name its side, the name's head: its staff, a sub-unit (人行…支行)
_HEAD_TAIL = re.compile(
    r"(?:的|及其|和其|所属)?(?:主要)?(?:工作人员|负责人|负责同志|人员|领导|"
    r"[\u4e00-\u9fff]{0,8}(?:支行|分行|中心|分局|分所|所|站|队|处|科|室|庭))?等?$"
)


def _conjunct_role(text: str) -> Role | None:
    """The side of one body by the head of its name: the word that says government or company must end the
    name (市财政局, 某某有限公司); a modifier does not tell (政府采购评审专家, 财政资金的使用单位)."""
    best: tuple[int, int, str] | None = None
    for m in _heads(text):
        key = (m.end(), m.end() - m.start(), m.group(0))
        if best is None or key[:2] > best[:2]:
            best = key
    if best is None:
        return None
    tail = text[best[0] :]
    if re.search(r"[\u4e00-\u9fff]", text) and not _HEAD_TAIL.fullmatch(tail) and _OTHER_HEAD.search(tail):
        return None  # the name's head is another actor noun: 政府采购评审专家, 使用财政资金的团体组织
    role = _KW_ROLE.get(best[2].lower())
    return role  # type: ignore[return-value]


#: actor nouns that head a name on their own, so a government or company word before them only modifies
_OTHER_HEAD = re.compile(r"(?:专家|成员|单位|组织|团体|人|者|主体|协会|商会|媒体)$")
#: conjuncts whose side is not told but that add nobody new: 有关部门和单位, 机关及其工作人员
_GENERIC_CONJUNCT = re.compile(r"^(?:其他|有关|相关|其|各|本)?(?:单位|人员|工作人员|个人|组织|部门)$")


_UNITS_AND_PERSONS = re.compile(r"单位(?:和|与|或者|及|以及)(?:其他)?(?:个人|人员)$")


def role_of_name(name: str, parties: tuple[Party, ...] = ()) -> Role | None:
    """Role of a named body or group; mixed groups of government and private bodies are ``other``."""
    name = re.sub(r"\s+", "", name) if re.search(r"[\u4e00-\u9fff]", name) else name
    name = re.sub(r"[（(][^）)]*(?:简称|统称|下称|以下称|包括)[^）)]*[）)]", "", name) or name
    labels = {p.label: p for p in parties if p.label}
    if name in labels:
        return labels[name].role
    if _JOINT_LETTERS.fullmatch(name):
        return "other"  # 甲、乙方 / 甲乙方 / 甲、乙双方: both parties at once
    roles: set[Role] = set()
    named_parties: set[str] = set()  # a duty of two parties of the table together is neither's alone
    unsided = False  # 有关部门和行业组织: a body of no stated side beside one of a side makes a mixed group
    parts = [p for p in _CONJ.split(name) if p.strip()]
    for part in parts:
        part = part.strip()
        label = _LABEL_RE.search(part)
        if label and label.group(0) in labels and label.group(0) != "甲乙双方":
            roles.add(labels[label.group(0)].role)
            named_parties.add(label.group(0))
            continue
        if part in labels:  # 供电方和用电方: two parties of the table, whatever their roles
            roles.add(labels[part].role)
            named_parties.add(part)
            continue
        role = _conjunct_role(part)
        if role:
            roles.add(role)
        elif len(parts) > 1 and not _GENERIC_CONJUNCT.match(part) and _OTHER_HEAD.search(part) and is_actor(part):
            unsided = True
    if not roles:
        # units and persons at once (有关单位和人员, 前款规定的单位和个人): whoever acts, of no side
        return "other" if _UNITS_AND_PERSONS.search(name) else None
    if "other" in roles or len(roles) > 1 or unsided or len(named_parties) > 1:
        return "other"
    return roles.pop()


#: role nouns name actors: a short noun phrase ending in -方/-人/-者/-机构/-机关/-体 (the issue's item 12)
_ROLE_HEADS = r"方|人|者|机构|机关|联合体|委员会|小组|董事会"
#: nouns that name an actor whose side the name alone does not tell: 单位, 专家, 经营者, 当事人
_ACTOR_NOUNS = r"单位|个人|人员|组织|成员|专家|主体|经营者|当事人|生产者|销售者|经理|师"
_ROLE_NOUN_ACTOR = re.compile(rf"(?=.{{2}})[\u4e00-\u9fff、，和及与或者其（）()]{{0,24}}(?:{_ROLE_HEADS})")
_ACTOR_NOUN_END = re.compile(rf"(?:{_ACTOR_NOUNS})$")
#: a phrase that ends with the word making it an actor: a role noun's head or an actor noun
_ACTOR_HEAD_END = re.compile(rf"(?:{_ROLE_HEADS}|{_ACTOR_NOUNS})$")
#: … but not words that only end like one: 地方, 前方, 一方面, 他人, 本人, 或者, 再者, 前者/后者
_NOT_ACTOR = re.compile(r"(?:^|[的之])(?:地方|前方|后方|多方|各方面|一方面|他人|本人|或者|再者|前者|后者|其人)$|[的之]")


def is_actor(np: str) -> bool:
    """Whether a noun phrase names an actor (ends with an organisation word or a party label)."""
    np = np.strip()
    if not np:
        return False
    if len(np) <= 20 and _ACTOR_NOUN_END.search(np):
        return True  # an actor whose side the name alone does not tell
    if _ROLE_NOUN_ACTOR.fullmatch(np) and not _NOT_ACTOR.search(np):
        return True  # a role noun: 供电方, 借款人, 咨询者, 采购人, 信用服务机构, 联合体
    matches = _heads(np)
    m = matches[-1] if matches else None
    tail = np[m.end() :] if m is not None else ""
    if m is not None and re.fullmatch(r"的?(?:主要负责同志|负责同志|工作人员|人员|负责人)", tail):
        return True
    if m is not None and len(tail) <= 4:
        return not re.search(r"资金|期限|比例|工作|款项|制度|条款|价格|资本", tail)
    return bool(_LABEL_RE.search(np)) and len(np) <= 12


# --------------------------------------------------------------------------------------------- definitions
#: labels a contract defines its parties by, besides 甲方/乙方: role nouns of the model contract forms
ROLE_NOUNS = (
    "出让人", "受让人", "出让方", "受让方", "发包方", "承包方", "发包人", "承包人", "出租方", "承租方", "出租人",
    "承租人", "贷款方", "借款方", "贷款人", "借款人", "供水方", "用水方", "供电方", "用电方", "供气方", "用气方",
    "委托方", "受托方", "委托人", "受托人", "买方", "卖方", "供方", "需方", "业主", "建设单位", "监理单位",
    "设计单位", "勘察单位", "施工单位", "用地者", "用地单位", "投资方", "投资人", "合作方", "租赁方", "保证人",
    "担保人", "特许经营者", "经营者", "授权方", "被授权方", "政府方", "社会资本方", "项目公司", "实施机构",
)  # fmt: skip
_LETTER_LABELS = ("甲方", "乙方", "丙方", "丁方")
_LABEL_ALT = "|".join(sorted((*_LETTER_LABELS, *ROLE_NOUNS), key=len, reverse=True))
#: ``甲方：X`` / ``发包方（甲方）：X`` at the start of a line; the name runs to the next label or note
#: (also a letter label spaced out, 甲　方：X; a label with 名称/全称, 甲方名称：X; any -方 noun that names its letter,
#: 招商方（甲方）：X)
_DEF_LINE = re.compile(
    rf"^[ \t　]*(?P<label>{_LABEL_ALT}|[甲乙丙丁][ \t　]+方|[\u4e00-\u9fff]{{1,4}}方(?=[（(][甲乙丙丁]方[）)]))"
    r"(?:名称|全称)?[ \t　]*(?:[（(](?P<alias>[^）)\n]{1,8})[）)])?(?:名称|全称)?[ \t　]*[：:][ \t　]*(?P<rest>[^\n]*)",
    re.M,
)
#: ``X（以下简称“L”）`` / ``X（下称L）`` / ``X，以下简称甲方`` / ``X（简称L）`` — any short label, one letter too
_DEF_ALIAS = re.compile(
    r"(?P<name>[^，,。；;：:（()\n]{1,60}?)\s*(?:[（(]\s*|[，,]\s*)(?:以下简称|以下称|下文简称|下文称|下称|简称|统称)(?:为)?\s*"
    r"[“\"「『]?(?P<label>[\u4e00-\u9fffA-Za-z]{1,8}?)[”\"」』]?\s*(?:[）)]|[；;，,。\n]|$)"
)
#: ``X为一方`` (… 双方)
_DEF_ONE_SIDE = re.compile(r"(?P<name>[^，,。；;：:\n]{2,40}?)(?<![作成视称])为(?P<label>[甲乙丙丁])方")
_DEF_EN = re.compile(
    r"(?P<name>[A-Z](?:[\w&.,'’ -]|\([A-Z][a-z]+\)){2,120}?)\s*\(\s*(?:hereinafter|herein)?\s*"
    r"(?:referred to as|called)?\s*(?:the\s+)?"
    r"[\"“](?P<label>[A-Z][\w ]{1,30})[\"”]"
    r"(?:\s*(?:,|or|and)\s*(?:the\s+)?[\"“](?P<alias>[A-Z][\w ]{1,30})[\"”])?",
)
#: what comes before a defined English name in its sentence: ``This Agreement is made between``, ``and``
_EN_BEFORE_NAME = re.compile(r"^.*\b(?:between|by|with|is made|entered into)\b|^\s*(?:and|Party\s+[A-D]\s*:)\s+")
_BLANK = re.compile(r"^[\s_＿.…·※*×xX　\-—（）()]*$")
#: where a defined name ends on its line: the next label, a note field, or a wide gap
_NAME_END = re.compile(
    rf"[ \t　]{{2,}}|[，,；;。]|(?:{_LABEL_ALT})[ \t]*[（(：:]|"
    r"(?:法定代表人|法人代表|委托代理人|代表人|营业执照|统一社会信用代码|地址|住所|电话|邮编|开户|账号|签章|盖章|签字)"
)
_SIGNATURE = re.compile(r"签章|盖章|签字|签名|代表人|（章）|\(章\)|年\s*月\s*日")
#: an agreement with a government side: investment promotion, a development zone, a concession
_GOVERNMENT_CONTEXT = re.compile(
    r"招商|引资|入园|落户|园区|开发区|人民政府|管委会|管理委员会|特许经营|政府|PPP|社会资本|财政|主管部门|国营|全民所有制|"
    r"项目投资协议|投资协议书|投资合同"
)
_GENERIC_ALIAS = re.compile(r"^(?:本|该|此|上述)|^(?:协议|合同|项目|条例|办法|规定|双方|各方|甲乙双方)$")

#: what the government side does in an agreement (hosts, grants land, rebates, authorises) and what the
#: investor does (moves in, invests, pays for land); {L} is the label scored, {O} the other principal
_GOV_CUES = (
    r"{L}(?:的)?(?:工业)?(?:园区|开发区|管辖|境内|辖区|辖内)",
    r"(?:迁入|落户|入驻|进驻|入园)(?:到)?{L}",
    r"(?<![向给]){L}(?:通过[^，。；]{0,6})?(?:向{O})?(?:出让|供地|返还|协助|提供出让)",
    r"由{L}返还",
    r"支付给{L}",
    r"授权{L}为",
    r"{L}(?:承诺|保证|同意)?{O}(?:可)?享受",
)
_PRIV_CUES = (
    r"{L}(?:迁入|落户|入驻|进驻|投资|注册|招聘|投产|开工)",
    r"{L}(?:应在|须在)?[^，。；]{0,10}(?:支付|付清|缴纳)(?:给)?(?!{O})",
    r"{L}(?:作为)?(?:本项目的)?社会资本方",
    r"{L}[^，。；]{0,6}设立项目公司",
    r"向{L}(?:出让|供地|返还|兑现|拨付)",
    r"{L}(?:在|于){O}(?:的)?(?:境内|园区|开发区|辖区)",
)


def _role_by_substance(label: str, text: str, other: str) -> int:
    """> 0: the text has ``label`` act as the government side; < 0: as the investor; 0: it does not tell."""
    score = 0
    for cue in _GOV_CUES:
        score += len(re.findall(cue.replace("{L}", re.escape(label)).replace("{O}", re.escape(other)), text))
    for cue in _PRIV_CUES:
        score -= len(re.findall(cue.replace("{L}", re.escape(label)).replace("{O}", re.escape(other)), text))
    return score


def _clean_name(raw: str) -> str | None:
    """A defined name cut at the next label or note on its line; None for a blank (＿＿, ※※※)."""
    m = _NAME_END.search(raw)
    name = raw[: m.start()] if m else raw
    name = re.split(r"租赁给|出租给|转让给|委托|聘请|(?<![参])与|(?<!共)同(?!意)|将", name)[-1]
    name = re.sub(r"[（(]\s*(?:以下|下文)?(?:简|统)?称[^）)]*[）)]?.*$", "", name).strip(" \t　：:")
    if not name or _BLANK.match(name):
        return None
    return name[:80]


def _head(text: str) -> str:
    """The part of a contract before its first clause, where parties are defined (at most 3,000 characters)."""
    head = text[:3000]
    first = re.search(
        r"^\s*(?:第[一二三四五六七八九十百]+条|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[）)]|[1１][.、．]\s*\S)",
        head,
        re.M,
    )
    return head[: max(first.start(), 120)] if first else head[:1500]


def find_parties(text: str, kind_hint: str | None = None) -> tuple[Party, ...]:
    """The contract parties defined at the head of the text, each with its role.

    Labels are 甲方/乙方/丙方/丁方, role nouns (发包方, 出让人, 用地者 …) and any label a definition introduces
    (``X（以下简称“L”）``, ``下称L``, ``X为甲方``). Roles come from the defined names (a government body's name
    says so); the two principal parties take opposite roles unless both names say otherwise; when no name
    tells, what the text has the party do decides, and 甲方 is the government side by default."""
    head = _head(text)
    names: dict[str, str | None] = {}
    aliases: dict[str, str] = {}  # 发包方 → 甲方 when a line defines 发包方（甲方）or 发包方：…，以下简称甲方

    def define(label: str, name: str | None) -> None:
        if label not in names or (names[label] is None and name):
            names[label] = name

    for m in _DEF_LINE.finditer(head):
        line = m.group(0)
        if _SIGNATURE.search(line) and not re.search(r"简称|下称", line):
            continue
        label, rest = re.sub(r"[ \t　]+", "", m["label"]), m["rest"]
        short = re.search(r"(?:以下|下文)?(?:简|统)?称(?:为)?\s*[“\"]?(甲方|乙方|丙方|丁方)", rest)
        alias = m["alias"] if m["alias"] in _LETTER_LABELS else (short.group(1) if short else None)
        name = _clean_name(rest)
        if alias and alias != label:
            aliases[label] = alias
            define(alias, name)
        else:
            define(label, name)
        # a second party defined on the same line: 甲方：X（以下简称甲方）  乙方：Y
        for m2 in re.finditer(rf"(?<=[\s　）)；;，,])(?P<label>{_LABEL_ALT})[ \t]*[：:][ \t]*(?P<rest>[^\n]*)", rest):
            define(m2["label"], _clean_name(m2["rest"]))
    for m in _DEF_ALIAS.finditer(head):
        label = m["label"]
        if _GENERIC_ALIAS.match(label) or len(label) > 6:
            continue
        if re.search(r"[“「『]", m.group(0)) and not re.search(r"[”」』]", m.group(0)):
            continue  # a quoted label cut off where the head ends: （以下简称“项

        raw = re.split(r"[：:]", m["name"])[-1]
        name = _clean_name(raw)
        if label in _LETTER_LABELS or label in ROLE_NOUNS or len(label) <= 4:
            define(label, name)
    for m in _DEF_ONE_SIDE.finditer(head):
        define(m["label"] + "方", _clean_name(re.split(r"[：:、]", m["name"])[-1]))
    mentioned = Counter(re.findall(r"甲方|乙方|丙方", text))
    for label in ("甲方", "乙方"):
        if label not in names and mentioned[label] >= 2:
            names[label] = None

    roles: dict[str, Role | None] = {}
    for label, name in names.items():
        role = role_of_name(name) if name else None
        roles[label] = role if role in ("government", "counterparty") else None
    letters = [lab for lab in names if lab in ("甲方", "乙方")]
    principals = letters if len(letters) == 2 else [lab for lab in names if lab not in ("丙方", "丁方")][:2]
    if len(principals) == 2:
        a, b = principals
        ra, rb = roles[a], roles[b]
        opposite: dict[Role, Role] = {"government": "counterparty", "counterparty": "government"}
        if ra is None and rb is None:
            cue_a, cue_b = _role_by_substance(a, text, b), _role_by_substance(b, text, a)
            score = cue_a - cue_b
            if _GOVERNMENT_CONTEXT.search(head) or (max(cue_a, cue_b) > 0 and _GOVERNMENT_CONTEXT.search(text[:3000])):
                # the title or the party lines name a government side, or the text has one side act as it
                if score == 0 and a == "甲方":
                    score = 1  # 甲方 is the host government unless the text says otherwise
                if score:
                    roles[a] = "government" if score > 0 else "counterparty"
                    roles[b] = opposite[roles[a]]  # type: ignore[index]
            else:  # nothing names or implies a government side: a contract between two enterprises
                roles[a] = roles[b] = "counterparty"
        elif ra is None:
            roles[a] = opposite[rb]  # type: ignore[index]
        elif rb is None:
            roles[b] = opposite[ra]
    parties = [Party(label=label, name=name, role=roles.get(label) or "unknown") for label, name in names.items()]
    for noun, letter in aliases.items():
        target = next(p for p in parties if p.label == letter)
        parties.append(Party(label=noun, name=target.name, role=target.role))
    for m in _DEF_EN.finditer(head if re.search(r"[\u4e00-\u9fff]", head) else text[:8000]):
        label = m["label"].strip()
        if any(p.label == label for p in parties):
            continue
        name = re.sub(r"^[Tt]he\s+", "", _EN_BEFORE_NAME.sub("", m["name"]).strip(" ,"))
        role = role_of_name(label) or role_of_name(name)
        if role is None:
            continue
        parties.append(Party(label=label, name=name, role=role))
        alias = (m["alias"] or "").strip()
        if alias and not any(p.label == alias for p in parties):
            parties.append(Party(label=alias, name=name, role=role))  # (hereinafter "Party B" or the "Developer")
    return tuple(_english_party_lines(text, head, parties))


#: ``Party A: The People's Government of X Town`` at the start of a line; the name runs to a bracket or a gap
#: (the next label may follow on the same line when wrapped PDF lines were joined)
_EN_PARTY_LINE = re.compile(
    r"(?:^|(?<=\s))(?P<label>Party\s+[A-D])[ \t]*[:：][ \t]*(?P<rest>[^\n]+?)(?=\s+Party\s+[A-D]\s*[:：]|[ \t]*$)", re.M
)


def _english_party_lines(text: str, head: str, parties: list[Party]) -> list[Party]:
    """``parties`` with the English letter labels defined on party lines (``Party A: X``) that no definition
    named yet (nor, in a bilingual contract, the 甲方 they translate); a label whose name tells no side takes
    the side opposite the other principal's."""
    found: list[Party] = []
    known = {p.label for p in parties}
    for m in _EN_PARTY_LINE.finditer(head if re.search(r"[\u4e00-\u9fff]", head) else text[:3000]):
        label = re.sub(r"\s+", " ", m["label"])
        if label in known or EN_LETTER_LABELS[label] in known:
            continue
        name: str | None = re.split(r"\s*[(（;]|\s{2,}", m["rest"])[0].strip(" ,;")
        if not name or _BLANK.match(name):
            name = None  # a template's blank: the label is defined, its side is the other's opposite
        known.add(label)
        found.append(Party(label=label, name=name, role=(role_of_name(name) if name else None) or "unknown"))
    sides = {p.label: p.role for p in found}
    opposite: dict[Role, Role] = {"government": "counterparty", "counterparty": "government"}
    a, b = sides.get("Party A"), sides.get("Party B")
    for label, other in (("Party A", b), ("Party B", a)):
        if sides.get(label) == "unknown" and other in opposite:
            found = [Party(p.label, p.name, opposite[other]) if p.label == label else p for p in found]
    return [*parties, *found]


# --------------------------------------------------------------------------------------------- subjects
#: words that end a Chinese subject noun phrase (prepositions, modals, adverbs and common task verbs)
_SUBJECT_END = re.compile(
    r"对(?!外|接)|(?<!所)在|从|向|于|按照|按|依照|依据|依法|依托|通过|使用|采购|与|(?<![合共协])同(?!级|志|意)|自(?!治|行|测|主|律)|将|把|以(?![上下内外前后])|根据|结合|会同|(?<!行)为(?!准)|"
    rf"应当|{SHALL}|{HAVE_TO}|{MUST}|必须|"
    rf"{NEED}|有责任|不得|严禁|禁止|负总责|{RESPONSIBLE}|"
    r"承担|保证|确保|承诺|同意|有义务|负有|可以|可|有权|享有|率先|带头|切实|严格|认真|加快|加强|加大|建立|推进|进行|"
    r"实施|开展|组织|做好|落实|(?<=[\u4e00-\u9fff]{2})委托(?![方人书])|每年|定期|及时|当(?!事)|已|未|均|也|都|共同|各自|协助|配合|提供|给予|授予|承继|系|是|作为|"
    r"迁入|落户|招聘|获得|享受|遵守|接受|支付|付给|交给|拨给|交纳|缴纳|仍|具体(?=负责|承担|办理|实施)|违反|违约(?![方人])|拖欠|迟延|逾期|拒绝|(?<=[\u4e00-\u9fff]{2})不(?![动良可])|办理|完成|受(?!理|托)|经(?!济|营|费|办|理)|如|若|出让|返还|发现|"
)
#: the nouns that make an English noun phrase a party or a body (its side is read by ``role_of_name``)
EN_ACTOR_HEADS = (
    "Government", "Committee", "Authority", "Bureau", "Commission", "Department", "Ministry", "Municipality",
    "Agency", "Administration", "Grantor", "Concessionaire", "Company", "Investor", "Contractor", "Developer",
    "Operator", "Purchaser", "Supplier", "Lessee", "Licensee", "Ltd", "Limited", "Corporation", "Engineer",
    "Lenders", "Lender", "Office",
)  # fmt: skip
#: an English party as a clause subject: a capitalised name ending in an actor head (the County Commerce
#: Bureau, the Independent Engineer), a letter label (Party A) or the parties together or either of them
EN_PARTY = re.compile(
    rf"\b(?:[Tt]he\s+)?((?:(?:[A-Z][\w'’&-]*|of|and)\s+){{0,6}}(?:{alternation(EN_ACTOR_HEADS)})\b\.?"
    r"|Party\s+[A-D]\b|(?:[Ee]ither|[Ee]ach|[Bb]oth|[Aa]ny|[Tt]he\s+other)\s+Part(?:y|ies)\b|Parties\b"
    # bodies written in lower case after ``the``: the relevant government departments, the project company
    r"|(?:(?<=[Tt]he\s)|(?:[Aa]ll|[Ee]ach|[Ee]very|[Rr]elevant|[Cc]ompetent)\s+)"
    r"(?:(?:relevant|competent|local|county|municipal|provincial|government|project|district)\s+){0,3}"
    r"(?:governments?|departments?|authorities|bureaus?|agencies|company|units?|districts?|counties)\b)"
)
#: the English letter labels and the Chinese labels they translate (a bilingual contract: Party A = 甲方)
EN_LETTER_LABELS = {"Party A": "甲方", "Party B": "乙方", "Party C": "丙方", "Party D": "丁方"}


def subject_of(text: str, english: bool = False) -> str | None:
    """The subject noun phrase at the start of a clause (before its modal or main verb), if any; of a clause that
    opens with a condition (乙方逾期的，甲方应当…), the subject of the clause after it when that names one."""
    if english:
        return None
    s = text.strip()
    s = re.sub(r"^[（(][^）)]{0,6}[）)]", "", s).lstrip("（(")  # a leading number, or a bracket left open
    m = re.match(rf"^由([^，。；]{{1,30}}?)(?:{alternation(AGENT_VERBS)})", s)
    if m:
        return m.group(1)
    cond = _LEADING_CONDITION.match(s)
    if cond and not _SUBJECT_MODAL.search(cond["condition"]):
        own = subject_of(cond["clause"])
        if own and is_actor(own):
            return own  # 乙方逾期的，甲方应当…: the clause's own subject, not the condition's
    end = None
    for m2 in _SUBJECT_END.finditer(s):
        if m2.group(0):
            end = m2.start()
            break
    whole = _role_noun_before_modal(s, end) or _name_with_verb_inside(s, end)
    if whole is not None:
        return whole
    if end is not None and end < 2:
        return None  # the clause starts with its verb: no subject of its own
    if end is not None and s[:end] == "政府" and s.startswith("采购", end):
        return None  # 政府采购…: the activity (政府采购合同, 政府采购法第二十条…), not the government purchasing
    if _TASK_VERB_FIRST.match(s):
        return None  # 提高担保机构的风险容忍度: a task's verb and its object, no subject
    np = s[:end] if end is not None else s
    if len(np) > 90 or re.search(r"[，,；;]", np.strip(" ，,")):
        return None  # a noun phrase spans no comma: "乙方用…周转的，周转期间免收房租" is a condition and its clause
    return np.strip(" ，,") or None


#: a condition a clause opens with (乙方逾期付款的，… / 如甲方延迟付款，… / 乙方交货时，…) and the clause after it
_LEADING_CONDITION = re.compile(
    r"^(?P<condition>(?:如果|如若|若|如(?![期实数约下])|倘若)[^，,；;。]{1,60}|[^，,；;。]{1,60}?(?:的|时|后))"
    r"[，,](?P<clause>[^，,；;。].*)$",
    re.S,
)

#: verbs that start a task and never a name (提高担保机构…, 支持中小企业…)
_TASK_VERB_FIRST = re.compile(
    r"(?:提高|推广|支持|鼓励|引导|加强|推动|促进|加大|加快|优化|深化|强化|扩大|降低|提升|完善|健全|落实|做好|开展|督促|包括)"
)

#: verbs that also form the nouns of names (采购人, 使用单位, 行业组织, 信用保证基金, 建设单位, 评审专家)
_NOUN_FORMING_VERB = re.compile(r"采购|使用|组织|保证|建设|实施|协调|监督|承担")


def ends_in_head(np: str) -> bool:
    """Whether a noun phrase ends with the word that makes it an actor: a role noun (采购人, 一方), an actor
    noun (单位, 专家) or the head of a body's name (部门, 有限公司)."""
    heads = _heads(np)
    return bool((heads and heads[-1].end() == len(np)) or _ACTOR_HEAD_END.search(np))


def _name_with_verb_inside(s: str, end: int | None) -> str | None:
    """A name that a verb seemed to end, read to the next word that really ends it: 政府采购评审专家在…,
    各级国家机关、群团组织和事业单位进行…, 其他组织向… — when the longer phrase ends in an actor's head."""
    if end is None or not _NOUN_FORMING_VERB.match(s, end):
        return None
    if s[:end] in PRINCIPAL_LABELS:
        return None  # 乙方保证…转让给合营公司: a party's label is a whole name, the verb after it is its own
    stops = (
        m.start()
        for m in _SUBJECT_END.finditer(s, end + 1)
        if m.group(0) and not _NOUN_FORMING_VERB.fullmatch(m.group(0))
    )
    for stop in (*stops, len(s)):
        np = s[:stop]
        if stop <= 40 and not re.search(r"[，,；;。：:]", np):
            if ends_in_head(np) and is_actor(np):
                return np
            # 政府采购评审专家有上述行为的: the longest part that ends in a person's or a body's noun
            verb_end = _NOUN_FORMING_VERB.match(s, end).end()  # type: ignore[union-attr]
            for k in range(len(np) - 1, verb_end, -1):
                if "的" in np[verb_end:k]:
                    continue  # 各级国家机关组织的…活动: across a relative clause's 的 is no longer one name
                if _PERSON_OR_BODY.search(np[:k]) and np[k] not in "民员士事" and is_actor(np[:k]):
                    return np[:k]
        break
    # 组织 as the noun that ends a list of actors: 公民、法人或者其他组织申请…的，
    organisation = _ORGANISATION.match(s, max(end - 2, 0))
    return s[: organisation.end()] if organisation and organisation.end() == end + 2 else None


#: the nouns that end a name of persons or bodies (not a government word that may only modify: 财政, 政府)
_PERSON_OR_BODY = re.compile(r"(?:专家|人|机构|单位|组织|人员|成员|小组|委员会|企业|公司|部门|机关)$")

#: 组织 as a noun: the kind of organisation before it
_ORGANISATION = re.compile(r"(?:其他|社会|群团|经济|自治|行业|中介|基层|民间|法人)组织")


#: the modal that closes a subject noun phrase
_SUBJECT_MODAL = re.compile(rf"应当|{SHALL}|必须|{MUST}|不得|可以|有权|禁止|严禁")


def _role_noun_before_modal(s: str, end: int | None) -> str | None:
    """The whole noun phrase before the modal when the verb the subject seemed to end at is part of it:
    采购人/土地使用者/行业组织 contain 采购/使用/组织, which elsewhere start a verb phrase."""
    modal = _SUBJECT_MODAL.search(s)
    if modal is None or modal.start() < 2 or modal.start() > 40 or (end is not None and end >= modal.start()):
        return None
    np = s[: modal.start()]
    if re.search(r"[，,；;。：:]", np) or not is_actor(np):
        return None
    head = s[:end] if end is not None else ""
    listed = s.startswith("以及", end or 0)  # 核准机关以及依法对项目负有职责的其他部门应当: the list goes on
    if len(head) >= 2 and is_actor(head) and ends_in_head(head) and modal.start() - end > 4 and not listed:  # type: ignore[operator]
        return None  # 甲方在签订合同后应当: the subject ends before its adverbial
    if not _ROLE_NOUN_ACTOR.fullmatch(np) and not re.search(r"(?:单位|组织|人员|成员|专家|主体|媒体)$", np):
        # …以及依法对项目负有监督职责的其他有关部门应当: a list whose last body has a relative clause
        return np if head and (listed or not ends_in_head(head)) and _PERSON_OR_BODY.search(np) else None
    return np


def english_subject(text: str, modal_start: int, labels: tuple[str, ...] = ()) -> str | None:
    """The party named closest before an English modal (``the Concessionaire shall``, ``the County Commerce
    Bureau is responsible for``, ``Each Party shall``): a capitalised name ending in an actor head, a letter
    label, or any label the contract defines (``labels``: the "Investor", the "Park Operator")."""
    before = text[:modal_start]
    last: tuple[int, int, str] | None = None
    for m in EN_PARTY.finditer(before):
        last = (m.start(1), m.end(1), _strip_of(m.group(1)))
    for label in labels:
        for m in re.finditer(rf"\b{re.escape(label)}\b", before):
            if last is None or m.end() >= last[1]:  # a defined label before a name that ends like it
                last = (m.start(), m.end(), label)
    if last is None or (modal_start - last[1] > 60 and not _PRONOUN_BEFORE.search(before)):
        # If the Company fails …, it shall pay: the pronoun stands for the party named before it
        return _noun_phrase_subject(before)
    if re.match(rf"\s+{_EN_LOWER_HEADS.pattern}", before[last[1] :], re.I):
        return _noun_phrase_subject(before) or last[2]  # Government organs shall: the name only modifies
    return last[2]


#: the head nouns of bodies a regulation names in lower case (people's governments at or above the county
#: level, government organs and public institutions, large enterprises)
_EN_LOWER_HEADS = re.compile(
    r"\b(?:governments?|organs?|institutions?|departments?|authorit(?:y|ies)|bureaus?|agenc(?:y|ies)|enterprises?|"
    r"compan(?:y|ies)|units?|entities|committees?|commissions?|offices?|operators?|investors?)\b",
    re.I,
)


def _noun_phrase_subject(before: str) -> str | None:
    """The whole noun phrase a clause opens with before its modal, when it names bodies by a head noun in
    lower case: at most 12 words after the last comma, no verb-like connective inside."""
    np = re.split(r"[,;:]", before)[-1].strip()
    np = re.sub(r"^(?:Article\s+\d+\s+)?(?:[Tt]he\s+)?", "", np)
    if (
        not np
        or len(np.split()) > 12
        or not _EN_LOWER_HEADS.search(np)
        or re.search(r"\b(?:if|where|when|that)\b", np, re.I)
    ):
        return None
    return np


#: a pronoun subject right before the modal (…, it shall; …, they will)
_PRONOUN_BEFORE = re.compile(r"(?:^|[\s,])(?:it|they)\s*(?:,[^,]{0,60},\s*)?$")


def english_party_at(text: str, pos: int, labels: tuple[str, ...] = ()) -> str | None:
    """The party named at ``pos`` (``… the obligation of the Concessionaire to``): a defined label or a name."""
    rest = text[pos:]
    for label in sorted(labels, key=len, reverse=True):
        if re.match(rf"(?:the\s+)?{re.escape(label)}\b", rest):
            return label
    m = EN_PARTY.match(rest)
    return _strip_of(m.group(1)) if m else None


def _strip_of(name: str) -> str:
    """A name without a leading connective it picked up (``and the Authority`` → ``Authority``)."""
    return re.sub(r"^(?:(?:of|and)\s+)+", "", name).rstrip(".") if not name.endswith("Co.") else name
