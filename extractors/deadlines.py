"""Deadline phrases → ``Deadline`` values, counted by the Civil Code (arts. 201-202).

``date`` is the nominal last day of the period *before* any holiday shift (art. 203 is the tracker's
business, with the official calendar):

* ``2019年12月31日前`` → that day; ``2011年10月`` → 2011-10-31; ``到2020年``/``2020年底前`` → 2020-12-31;
  ``2021年第一季度`` → 2021-03-31; ``上半年``/``年中`` → 06-30; ``年内``/``6月底``/``9月30日前`` → in the document's
  year, ``次年6月底``/``明年底`` in the next; ``by March 2021`` → 2021-03-31;
* ``签订之日起30日内`` → signing + 30 days (the signing day is not counted); ``N个月内``/``N年内`` → the same
  day of the month N months (years) later, or that month's last day (``一个季度`` = 3 months, ``半年`` = 6,
  ``满一年`` = 1 year); ``15个工作日内`` → unit ``workday``,
  date left to the tracker (it needs the State Council calendar);
* ``取得土地使用权后6个月内`` → relative to another event: anchor ``other``, date null, ``anchor_text`` kept;
  ``期满前3个月``/``提前30日`` count back (offset -3 months, -30 days); ``租赁期满，``/``成立时``/``upon completion
  of X`` fall due with the event (offset 0);
* ``签订合同时``/``at signing`` → the signing day (offset 0); ``签约前``/``on or before signing`` → the signing day,
  no offset; in a regulation only ``本合同`` is the document's own signing;
* template blanks (``＿日内``, ``（　　）个工作日内``, ``＿年＿月＿日前``) give the kind with no figure and no date;
  echoed numerals (``三十（３０）天``, ``30（三十）日``) and Chinese-numeral years (``二〇二五年底``) are read as
  digits;
* ``每年6月30日前``, ``每季度``, ``定期``, ``monthly`` → recurring with ``recurrence``;
* ``尽快``, ``及时``, ``forthwith`` → kind ``none`` with the phrase in ``text``;
* English: ``before the commencement of X``/``after X is put into operation`` → relative to another event, no
  offset; ``at the time of X`` → offset 0; a bare ``within 20 working days`` counts from the default anchor;
  ``not later than 15 days before`` counts back from the act; ``for a term of 30 years from X`` is a duration,
  no deadline; ``no later than 30 September 2019`` keeps its lead in ``text``.
"""

from __future__ import annotations

import calendar
import dataclasses
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from extractors.lexicon import PAYMENT_VERBS, alternation, mask
from extractors.model import Anchor, Deadline, Offset, OffsetUnit
from extractors.numbers import EN_NUMBER_WORD, NUM, parse_int
from extractors.recurrence import schedule_rrule

__all__ = ["apply_offset", "effective_on_signing", "resolve_deadline"]


def apply_offset(anchor: date, offset: Offset) -> date | None:
    """Nominal last day of a period counted from ``anchor`` (the anchor day itself is not counted); a month
    or year period ends on the same day of the month, or that month's last day (Civil Code art. 202, as
    ``relativedelta`` clamps)."""
    if offset.unit == "day":
        return anchor + timedelta(days=offset.value)
    if offset.unit == "week":
        return anchor + timedelta(weeks=offset.value)
    if offset.unit == "month":
        return anchor + relativedelta(months=offset.value)
    if offset.unit == "year":
        return anchor + relativedelta(years=offset.value)
    return None  # working days need the official calendar: the tracker resolves them


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


# --------------------------------------------------------------------------------------------- patterns
_YEAR = r"(?P<y>(?:19|20)\d{2}|[二][〇零○][〇零○一二三四五六七八九]{2})"
_CN_MONTH = r"(?P<m>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
_CN_DAY = r"(?P<d>3[01]|[12]\d|0?[1-9]|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])"
_BEFORE = r"(?:之前|以前|前|止|为止)?"

#: ``每季度400元``, ``每月2000元``: a rate, not a schedule
_RATE = r"(?!度?\s*[0-9０-９.]+\s*(?:万|亿)?元)"
_RECURRING_CN = re.compile(
    rf"每(?:个)?(?:营业|会计|财务|自然|日历|纳税)?(?P<u>年度|年|季度|季|月|周|星期|半年|旬){_RATE}"
    r"|(?P<irr>不定期)|(?<!、)(?P<per>定期)(?![^，。；]{0,4}等)|按(?P<u2>年|季|月)|逐年(?!增长|提高|递增|增加|减少|下降|降低|递减)"
    rf"|连续(?P<n>{NUM})年"
)
_RECURRING_EN = re.compile(
    r"\b(?P<half>semi-?annually|half-?yearly|bi-?annually|twice\s+a\s+year)\b"
    rf"|\bevery\s+(?P<n>\d+|{EN_NUMBER_WORD})\s+(?P<u3>weeks|months|years)\b"
    r"|\b(?P<u>monthly|annually|yearly|quarterly|weekly)\b|\b(?:every|each)\s+(?:calendar\s+|financial\s+)?"
    r"(?P<u2>week|month|year|quarter)\b|\brespective\s+(?:accounting|financial)\s+year\b|\bperiodically\b",
    re.I,
)
_RECURRENCE = {
    "年": ("yearly", Offset(1, "year")),
    "年度": ("yearly", Offset(1, "year")),
    "季度": ("quarterly", Offset(3, "month")),
    "季": ("quarterly", Offset(3, "month")),
    "月": ("monthly", Offset(1, "month")),
    "周": ("weekly", Offset(1, "week")),
    "星期": ("weekly", Offset(1, "week")),
    "半年": ("half-yearly", Offset(6, "month")),
    "旬": ("periodic", None),
    "monthly": ("monthly", Offset(1, "month")),
    "month": ("monthly", Offset(1, "month")),
    "annually": ("yearly", Offset(1, "year")),
    "yearly": ("yearly", Offset(1, "year")),
    "year": ("yearly", Offset(1, "year")),
    "quarterly": ("quarterly", Offset(3, "month")),
    "quarter": ("quarterly", Offset(3, "month")),
    "weekly": ("weekly", Offset(1, "week")),
    "week": ("weekly", Offset(1, "week")),
}

_FULL_DATE = re.compile(rf"{_YEAR}\s*年\s*{_CN_MONTH}\s*月\s*{_CN_DAY}\s*[日号]{_BEFORE}")
_YEAR_MONTH = re.compile(
    rf"{_YEAR}\s*年\s*{_CN_MONTH}\s*月(?:份)?(?:底|末|中旬|下旬)?{_BEFORE}(?![0-9一二三四五六七八九十]+[日号])"
)
_YEAR_QUARTER = re.compile(rf"{_YEAR}\s*年\s*(?:第)?(?P<q>[一二三四1-4])季度(?:末|底)?{_BEFORE}")
_YEAR_HALF = re.compile(rf"{_YEAR}\s*年\s*(?P<h>上半年|年中|下半年){_BEFORE}")
_YEAR_END = re.compile(
    rf"(?P<pre>到|至|截至|截止|于|在|力争|确保|争取)?\s*{_YEAR}\s*年(?:度)?(?P<post>底前|底之前|末前|底|末|年底前|年底|年末|前|之前|以前|内|以内|，|,)?"
)
#: ``明年6月底前``, ``明年底``, ``今年一季度``: a year named relative to the document's (明年 the next one; not
#: ``次年``/``翌年``, the year after some event: 投产次年)
_REL_YEAR = r"(?:(?P<rel>明|今|当|本)年度?)"
_NEXT_YEAR = ("明",)
#: no year before it: not ``2019年``, ``十二月`` read from its ``二``, nor ``五年中``
_NO_YEAR_BEFORE = r"(?<![年\d〇零○一二三四五六七八九十两几多])"
#: ``9月30日前``, ``于11月15日完成``: a day of the document's year (a bare ``12月2日``, a date in a narrative, is
#: not: it needs ``前`` or a preposition of time before it, ``_DUE_ON``)
_NO_YEAR_DATE = re.compile(
    rf"{_NO_YEAR_BEFORE}{_REL_YEAR}?{_CN_MONTH}\s*月\s*{_CN_DAY}\s*[日号]"
    r"(?P<before>之前|以前|前|止|为止)?(?!\s*(?:起|至|到|开始|后|之后|以后))"
)
_DUE_ON = re.compile(r"(?:[于在到至]|截至|截止|力争|确保|争取)\s*$")
_NO_YEAR_MONTH = re.compile(
    rf"{_NO_YEAR_BEFORE}{_REL_YEAR}?{_CN_MONTH}\s*月(?P<post>底前|底|末|中旬前|下旬前|前|之前|以前)"
)
_NO_YEAR_QUARTER = re.compile(rf"{_NO_YEAR_BEFORE}{_REL_YEAR}?(?:第)?(?P<q>[一二三四1-4])季度(?:末|底)?(?:前|之前)?")
_NO_YEAR_HALF = re.compile(rf"{_NO_YEAR_BEFORE}{_REL_YEAR}?(?P<h>上半年|下半年|年中(?!期))")
_THIS_YEAR = re.compile(
    r"(?:(?P<rel>明|今|当|本)年度?(?:内|底前|底|末前|末|(?=完成))|(?<![半次翌])年(?:内|底前|底|末前|末))"
)

_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_EN_MONTH = r"(?P<mon>January|February|March|April|May|June|July|August|September|October|November|December)"
_EN_DATE_1 = re.compile(rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:day\s+of\s+)?{_EN_MONTH},?\s+(?P<y>\d{{4}})", re.I)
_EN_DATE_2 = re.compile(rf"\b{_EN_MONTH}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})", re.I)
#: ``by March 2021``, ``no later than the end of June 2020``: the month's last day
_EN_MONTH_YEAR = re.compile(
    rf"\b(?:by|before|until|till|in|during|no later than|not later than|on or before|end of)\s+"
    rf"(?:the\s+end\s+of\s+)?{_EN_MONTH},?\s+(?P<y>\d{{4}})\b",
    re.I,
)
#: ``by the end of 2020``, ``no later than 2021``: the year's last day
_EN_YEAR_END = re.compile(
    r"\b(?:by|until|till|no later than|not later than|on or before|end of)\s+(?:the\s+end\s+of\s+)?"
    r"(?P<y>(?:19|20)\d{2})\b(?!\s*[-/]\d)",
    re.I,
)
#: ``no later than``, ``on or before`` before an English date: part of the deadline's text (as ``前`` after a
#: Chinese one)
_EN_DATE_LEAD = re.compile(
    r"\b(?:no later than|not later than|on or before|by|before|until|till|prior to|on)\s+(?:the\s+)?$", re.I
)
#: ``by the end of this year``, ``before the end of next year``: the last day of the document's year (or the next)
_EN_THIS_YEAR_END = re.compile(
    r"\b(?:by|before|until|till|no later than|not later than|on or before|prior to|within)\s+the\s+end\s+of\s+"
    r"(?:the\s+(?:current\s+)?|this\s+|(?P<next>next\s+))(?:calendar\s+)?year\b",
    re.I,
)
_ISO_DATE = re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b")
#: ``2020.12.31前``, ``2020/6/30``: a date written with dots or slashes
#: ``31.12.2020``, ``30/06/2020``: the day first (as English text outside the US writes it), unless the first
#: figure cannot be a month's day and the second can
_DAY_FIRST_DATE = re.compile(
    r"(?<![\d./])(?P<a>\d{1,2})(?P<sep>[./])(?P<b>\d{1,2})(?P=sep)(?P<y>(?:19|20)\d{2})(?![\d./])"
)
_DOTTED_DATE = re.compile(r"(?<![\d.])(?P<y>(?:19|20)\d{2})(?P<sep>[./])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?![\d.])")

_CN_UNIT = (
    r"(?P<unit>个工作日|工作日|个自然日|自然日|个日历日|日历日|个日历天|日历天|个自然天|自然天"
    r"|个月|天|日|周年|周|星期|年)"
)
#: a template's blank where the figure goes: ``＿＿``, ``____``, a run of (ideographic) spaces, ``（　　）``
_BLANK = r"[_＿]+|(?<![0-9０-９零〇一二两三四五六七八九十百千])[ 　]+|[（(][ 　]*[）)]|【[ 　]*】"
#: …and a blank already squeezed out of the text (``后　　天内`` read as ``后天内``): no figure at all
_SQUEEZED = r"(?<=[后起在于])(?=(?:个)?(?:工作日|天|个月)(?:之内|以内|内))|(?<=提前)(?=(?:个)?(?:工作日|天|个月))"
_CN_OFFSET = re.compile(rf"(?P<n>{NUM}|{_BLANK}|{_SQUEEZED})\s*{_CN_UNIT}(?P<post>之内|以内|内|期满|届满)?")
_CN_UNITS: dict[str, OffsetUnit] = {
    "个工作日": "workday",
    "工作日": "workday",
    "个自然日": "day",
    "自然日": "day",
    "个日历日": "day",
    "日历日": "day",
    "个日历天": "day",
    "日历天": "day",
    "个自然天": "day",
    "自然天": "day",
    "周年": "year",
    "个月": "month",
    "天": "day",
    "日": "day",
    "周": "week",
    "星期": "week",
    "年": "year",
}
_CN_LINK = re.compile(
    r"(?:之日起|之日后|日起|之后|以后|起|后|不超过|超过|满|届满后|届满"
    r"|(?P<before>(?:期满|届满|到期|结束|终止|截止)(?:之日)?的?(?:之前|以前|前)|提前))\s*$"
)
#: ``6个月前``, ``30个工作日前``: a period counted back from the event it follows
_BACK = re.compile(r"^(?:之前|以前|前)(?![期款述])")
#: ``12个月后``: the period then falls after the event (not ``后期``, ``后续``)
_FORWARD = re.compile(r"^(?:之后|以后|后)(?![期续来])")
#: …the next instalment of a payment schedule: a bare ``N个月后`` counts only when its clause pays
_PAYS = re.compile(rf"^[^，。；,;]*?(?:{alternation(PAYMENT_VERBS)})")
_CN_ANCHOR_LEAD = re.compile(r"^.*?(?:自|从|于|在)(?=[^自从于在]*$)")
_SIGNING = re.compile(
    r"签订|签署|签约|签定|签字|订立本|本协议|本合同"
    r"|date of (?:this|the) (?:agreement|contract|mou|memorandum|deed)|date hereof|execution|signing|signature",
    re.I,
)
_EFFECTIVE = re.compile(r"生效|effective date", re.I)

#: an English count of days, weeks, months or years (``30``, ``thirty``, ``one hundred and twenty``), the figure
#: echoed in brackets (``thirty (30) days``) and the unit: one spelling for every English period pattern
_EN_COUNT = rf"(?P<n>\d+|{EN_NUMBER_WORD}(?:[\s-]+(?:{EN_NUMBER_WORD}|hundred|thousand|and))*)"
_EN_ECHO = r"(?:\((?P<paren>[^)]*)\)\s*)?"
_EN_UNIT = r"(?P<unit>business days?|working days?|days?|weeks?|months?|years?)"

_EN_OFFSET = re.compile(
    rf"(?P<lead>within|not later than|no later than|on a date falling|falling|at least|not exceeding|"
    rf"not more than|a maximum of|after|before|in)?\s*(?:a\s+maximum\s+of\s+|a\s+period\s+of\s+)?"
    rf"{_EN_COUNT}(?:st|nd|rd|th)?\s*{_EN_ECHO}{_EN_UNIT}\s+"
    r"(?P<rel>from|after|of|following|upon|prior to|before|preceding)\s+(?P<anchor>[^,.;()]{2,80})",
    re.I,
)
#: ``for a term of 30 years``, ``a period of 5 years``: how long a duty lasts
_TERM_EN = re.compile(
    r"\b(?:for|term|duration|tenure|validity)(?:\s+of)?\s+"
    r"(?:(?:a|an|the)\s+(?:(?:initial|further)\s+)?(?:term|period|duration)\s+of\s+)?$",
    re.I,
)
_EN_BARE_PERIOD = re.compile(
    rf"\b(?P<lead>within|not later than|no later than|at least)\s+(?:a\s+(?:maximum\s+|period\s+)of\s+)?"
    rf"{_EN_COUNT}\s*{_EN_ECHO}{_EN_UNIT}\b"
    r"(?P<back>\s+(?:before|prior to|in advance|beforehand))?",
    re.I,
)
_EN_UNITS: dict[str, OffsetUnit] = {
    "business": "workday",
    "working": "workday",
    "day": "day",
    "week": "week",
    "month": "month",
    "year": "year",
}

_EVENT_BEFORE_CN = re.compile(
    r"(?:在|于|须在|应在|并在|应于|须于)(?P<ev>[^，。；,;]{2,25}?)(?:之前|以前|前)(?![期款述条一年])"
)
_EVENT_FROM_CN = re.compile(r"(?:自|从)(?P<ev>[^，。；,;]{2,30}?)之日起(?:算|计算)?")
_EVENT_AFTER_CN = re.compile(
    r"(?:在|待|于)?(?P<ev>[\u4e00-\u9fff、“”]{0,20}?(?:竣工|投产|建成|完工|开工|验收|交付|取得|签订|签署|签字|签约|批准|到位|生效|"
    r"注册|登记|实施|完成|结束|届满|期满|到期|完毕|成立|终止|解除|开业|运营|移交|搬迁|订立|审查|审核|审计|审定|交接|(?<=[在于待])(?:收到|接到|领取)[\u4e00-\u9fff“”]{1,10}?))"
    r"(?:之后|以后|后)(?![期续来])"
)
#: the signing of this contract as the event: ``签约``, ``签订本协议``, ``合同签订``, ``合同协议书签署``
_SIGNS_CONTRACT = re.compile(
    r"(?:(?:本|该)?(?:合同|协议)[\u4e00-\u9fff]{0,4}?(?:签订|签署|签字|签约|签定|订立)"
    r"|(?:签订|签署|订立|签定|签字|签约)(?:本|该)?(?:合同|协议|协议书|合同书|合同协议书)?)$"
)
#: ``签约当日``, ``本协议签订之日``, ``签订本合同的同时``: due on the signing day itself (not ``之日起``, a period)
_ON_SIGNING_DAY_CN = re.compile(
    r"(?:在|于|当)?(?P<ev>(?:(?:本|该)?(?:合同|协议)(?:书)?(?:签订|签署|签字|签约|签定)"
    r"|(?:签订|签署|签字|签约|签定|订立)(?:本|该)?(?:合同|协议|协议书|合同书)?))"
    r"(?:当日|当天|之日|的?同时)(?![起后前内])"
)
#: ``至本协议签订之日``, ``截至签约当日``: a state up to the signing day, not a duty falling due on it
_UNTIL_CN = re.compile(r"(?:至|止|到)(?:本|该)?(?:合同|协议)?$")
#: ``签约前``, ``在签订本合同之前``: due by the signing day
_BEFORE_SIGNING_CN = re.compile(
    r"(?P<ev>(?:(?:本|该)?(?:合同|协议)(?:书)?(?:签订|签署|签字|签约|签定)"
    r"|(?:签订|签署|签字|签约|签定|订立)(?:本|该)?(?:合同|协议|协议书|合同书)?))(?:之前|以前|前)(?![期款述条])"
)
#: ``upon signing``, ``at signing``, ``on or before the execution of this Agreement``
_AT_SIGNING_EN = re.compile(
    r"\b(?P<rel>upon|on|at|on or before|before|prior to)\s+(?:the\s+(?:time|date)\s+of\s+)?(?:the\s+)?"
    r"(?P<ev>(?:signing|execution|signature)(?:\s+of\s+(?:this|the)\s+(?:Agreement|Contract|Deed))?)\b",
    re.I,
)
#: ``upon completion of the Works``: due when the event happens
_UPON_EN = re.compile(
    r"(?<!based )(?<!relied )(?<!agreed )(?<!depend )(?<!incumbent )\bupon\s+(?:the\s+)?"
    r"(?P<ev>(?:[a-z-]+(?:tion|sion|ment|ing|al|ure|ry|ance|ence|pt)|receipt|expiry|request|demand|notice)"
    r"(?:\s+(?:of\s+(?:the\s+|this\s+|such\s+|any\s+)?)?[\w-]+){0,5}?)(?=\s*[,.;)]|\s*$|\s+(?:shall|and|or|by|to|in|within)\b)",
    re.I,
)
#: ``报市人民政府批准后实施``: an approval step before a rule takes effect
_APPROVAL_STEP_CN = re.compile(
    r"报[^，。；,;]{1,16}?(?:批准|核准|审定|同意)(?:之后|以后|后)(?:实施|施行|执行|公布|印发)"
)
_PERIOD_CN = re.compile(r"在(?:该|上述|前述|此)期限内")
_BEFORE_HAND_CN = re.compile(r"事先|预先|事前")
_EVENT_EN = re.compile(
    r"\b(?P<rel>before|prior to|within)\s+(?:the\s+)?(?P<ev>[A-Z][\w-]*(?:\s+(?:of\s+)?[A-Z][\w-]*)*)"
    r"|\b(?:prior to|before)\s+(?:the\s+)?(?!(?:it|they|them|that|this|which|such|any|or|and|then|now)\b)"
    r"(?P<ev2>[a-z][\w-]*(?:\s+(?:of\s+(?:the\s+)?)?[a-z][\w-]*){0,4})"
)
#: ``after the project is put into operation``, ``after completion of the Works``: after another event, no
#: period stated
_AFTER_EN = re.compile(
    r"(?<![-\w])after\s+(?:the\s+)?(?P<ev>"
    r"(?:[\w-]+\s+){1,4}?(?:is|are|has\s+been|have\s+been)\s+(?:[a-z]+ed|put|built|made|paid|done|sold)\b"
    r"(?:\s+(?:into|in|to)\s+[a-z]+)?"
    r"|(?:completion|commissioning|commencement|expiry|expiration|termination|handover|acceptance|approval)"
    r"(?:\s+of\s+(?:the\s+|this\s+)?[\w-]+(?:\s+[A-Z][\w-]*){0,3})?)",
    re.I,
)
#: ``at the time of handover``: due when the event happens (offset 0), as ``X时``
_AT_TIME_OF_EN = re.compile(
    r"\bat\s+the\s+time\s+of\s+(?:the\s+)?(?P<ev>[\w-]+(?:\s+(?!(?:shall|and|or|by|to|within)\b)[\w-]+){0,5})",
    re.I,
)

_VAGUE = re.compile(
    r"尽快|尽早|及时|迅速|立即|立刻|马上|从速|持续推进|长期坚持|常态化|合理期限内|适时|逐步|随时|第一时间"
    r"|\bforthwith\b|\bimmediately\b|\bpromptly\b|as soon as (?:reasonably )?(?:practicable|possible)"
    r"|without (?:undue )?delay|in a timely manner",
    re.I,
)


@dataclass(frozen=True, slots=True)
class _Found:
    start: int
    deadline: Deadline
    #: False for a date a period starts from or of a past act (``2019年4月1日起``, ``2018年12月5日签订的``)
    due: bool = True


def _is_number(text: str) -> bool:
    try:
        parse_int(text)
    except ValueError:
        return False
    return True


def _year(text: str) -> int:
    return parse_int(text) if text[0].isdigit() else int("".join(str(parse_int(ch)) for ch in text))


def _safe_date(year: int, month: int, day: int | None) -> date | None:
    try:
        return date(year, month, day) if day else _month_end(year, month)
    except ValueError:
        return None


def _recurring(text: str) -> Deadline | None:
    m = _RECURRING_CN.search(mask(text, ("定期",)))
    if m:
        phrase = m.group(0)
        tail = re.match(rf"[^，。；,;]{{0,12}}?(?:{NUM}月{NUM}日|{NUM}日)(?:前|之前|以前)?", text[m.end() :])
        if tail and m["u"]:
            phrase += tail.group(0)
        if m["irr"]:
            return Deadline(kind="recurring", text=phrase, recurrence="irregular")
        if m["per"]:
            head = text[max(0, m.start() - 2) : m.start()]
            if head.startswith("每") or head.endswith("每年") or "每" in head:
                return None  # handled by the 每年 branch
            return Deadline(kind="recurring", text=phrase, recurrence="periodic")
        if m["n"]:
            return Deadline(
                kind="recurring", text=phrase, recurrence=schedule_rrule("yearly", phrase), offset=Offset(1, "year")
            )
        unit = m["u"] or m["u2"] or "年"
        rec, off = _RECURRENCE[unit]
        if m["u"]:
            after = text[m.end() : m.end() + 2]
            if after.startswith("定期"):
                phrase += "定期"
        return Deadline(kind="recurring", text=phrase, recurrence=schedule_rrule(rec, phrase) or rec, offset=off)
    m = _RECURRING_EN.search(text)
    if m and m["half"]:  # "semiannual": schedule_rrule reads "half-yearly" as its "yearly"
        return Deadline(
            kind="recurring", text=m.group(0), recurrence=schedule_rrule("semiannual"), offset=Offset(6, "month")
        )
    if m and m["u3"]:  # every six months, every 2 weeks
        n = parse_int(m["n"])
        every: OffsetUnit = _EN_UNITS[m["u3"].lower().removesuffix("s")]
        word = {
            (1, "week"): "weekly",  # the words schedule_rrule knows
            (1, "month"): "monthly",
            (3, "month"): "quarterly",
            (6, "month"): "semiannual",
            (12, "month"): "annually",
            (1, "year"): "annually",
        }.get((n, every))
        rule = schedule_rrule(word) if word else None
        return Deadline(kind="recurring", text=m.group(0), recurrence=rule or "periodic", offset=Offset(n, every))
    if m:
        word = (m["u"] or m["u2"] or "year").lower()
        rec, off = _RECURRENCE.get(word, ("periodic", None))
        if "respective" in m.group(0).lower():
            rec, off = "yearly", Offset(1, "year")
        if m.group(0).lower() == "periodically":
            rec, off = "periodic", None
        phrase = m.group(0)  # the phrase, not the clause around it (as 每月 in Chinese)
        return Deadline(kind="recurring", text=phrase, recurrence=schedule_rrule(rec, phrase) or rec, offset=off)
    return None


#: ``2019年4月1日起``, ``2019年3月至…``, ``2018年12月5日签订的``: a date the period starts from, or of a past act
#: the clause refers to, not the date the duty falls due
_NOT_DUE_AFTER = re.compile(
    r"\s*(?:起|开始|以来|至|到|—|–|-|~|～"
    r"|(?:签订|签署|签约|印发|发布|出台|颁布|通过|批准|召开|制定|成立|注册)(?:的|之))"
)


def _first_due(text: str, found: list[_Found]) -> _Found:
    """The first date of ``found`` the duty falls due on; the first of all when every one starts a period or
    names a past act."""
    due = [f for f in found if not _NOT_DUE_AFTER.match(text, f.start + len(f.deadline.text or ""))]
    if due:
        return min(due, key=lambda f: f.start)
    first = min(found, key=lambda f: f.start)
    return _Found(first.start, first.deadline, due=False)


def _lead_en(text: str, m: re.Match[str], d: date) -> _Found:
    """A date due on ``d``, its text with the English lead before it (``no later than 31 March 2020``)."""
    lead = _EN_DATE_LEAD.search(text, 0, m.start())
    start = lead.start() if lead else m.start()
    return _Found(start, Deadline(kind="absolute", date=d, text=text[start : m.end()]))


def _absolute(text: str, year: int | None) -> _Found | None:
    found: list[_Found] = []
    for m in _FULL_DATE.finditer(text):
        d = _safe_date(_year(m["y"]), parse_int(m["m"]), parse_int(m["d"]))
        if d:
            found.append(_Found(m.start(), Deadline(kind="absolute", date=d, text=m.group(0))))
    for m in _YEAR_MONTH.finditer(text):
        if any(f.start == m.start() for f in found):
            continue
        d = _safe_date(_year(m["y"]), parse_int(m["m"]), None)
        if d:
            found.append(_Found(m.start(), Deadline(kind="absolute", date=d, text=m.group(0))))
    for m in _YEAR_QUARTER.finditer(text):
        q = parse_int(m["q"])
        found.append(
            _Found(m.start(), Deadline(kind="absolute", date=_month_end(_year(m["y"]), 3 * q), text=m.group(0)))
        )
    for m in _YEAR_HALF.finditer(text):
        month = 12 if m["h"] == "下半年" else 6
        found.append(
            _Found(m.start(), Deadline(kind="absolute", date=_month_end(_year(m["y"]), month), text=m.group(0)))
        )
    for pattern in (_EN_DATE_1, _EN_DATE_2):
        for m in pattern.finditer(text):
            d = _safe_date(int(m["y"]), _MONTHS[m["mon"].lower()], int(m["d"]))
            if d:
                found.append(_lead_en(text, m, d))
    for m in _EN_MONTH_YEAR.finditer(text):
        d = _month_end(int(m["y"]), _MONTHS[m["mon"].lower()])
        found.append(_Found(m.start(), Deadline(kind="absolute", date=d, text=m.group(0))))
    for m in _DAY_FIRST_DATE.finditer(text):
        day, month = int(m["a"]), int(m["b"])
        if month > 12 >= day:
            day, month = month, day
        d = _safe_date(int(m["y"]), month, day)
        if d:
            found.append(_lead_en(text, m, d))
    for m in [*_ISO_DATE.finditer(text), *_DOTTED_DATE.finditer(text)]:
        d = _safe_date(int(m["y"]), int(m["m"]), int(m["d"]))
        if d:
            found.append(_lead_en(text, m, d))
    if found:
        return _first_due(text, found)
    return None


#: ``到“十三五”末``, ``十四五期末``: the last day of a five-year plan's period (十三五 = 2016-2020)
_PLAN_PERIOD_END = re.compile(r"“?十(?P<n>[一二三四五])五”?(?:规划)?(?:时期末|期末|末期|末|结束前|底)")


#: ``2019—2021年完成改造``: a span of years ends with the last (not a title's span: ``（2019-2021年）``,
#: ``2019-2021年行动计划``)
_YEAR_SPAN = re.compile(
    r"(?<![\d《（(])(?:19|20)\d{2}\s*年?\s*(?:—|–|-|~|～|至|到)\s*(?P<y>(?:19|20)\d{2})\s*年"
    r"(?!\s*(?:[）)》]|度|\d|[一二三四五六七八九十]+月|[^，。；,;]{0,6}?(?:行动|规划|计划|方案|纲要|要点)))"
)


def _year_only(text: str, year: int | None) -> _Found | None:
    for m in _YEAR_END.finditer(text):
        rest = text[m.end() : m.end() + 3]
        if re.match(rf"\s*(?:{_CN_MONTH[6:-1]})\s*月|第?[一二三四1-4]季度|上半年|下半年", rest):
            continue
        if not (m["pre"] or m["post"]):
            continue
        phrase = m.group(0).rstrip("，,")
        return _Found(m.start(), Deadline(kind="absolute", date=date(_year(m["y"]), 12, 31), text=phrase))
    span = _YEAR_SPAN.search(text)
    if span:
        return _Found(span.start(), Deadline(kind="absolute", date=date(int(span["y"]), 12, 31), text=span.group(0)))
    period = _PLAN_PERIOD_END.search(text)
    if period:
        last = date(2005 + 5 * parse_int(period["n"]), 12, 31)
        return _Found(period.start(), Deadline(kind="absolute", date=last, text=period.group(0)))
    by_year = _EN_YEAR_END.search(text)
    if by_year:
        year_end = date(int(by_year["y"]), 12, 31)
        return _Found(by_year.start(), Deadline(kind="absolute", date=year_end, text=by_year.group(0)))
    if year is None:
        return None
    this_year = _EN_THIS_YEAR_END.search(text)
    if this_year:
        last = date(year + (1 if this_year["next"] else 0), 12, 31)
        return _Found(this_year.start(), Deadline(kind="absolute", date=last, text=this_year.group(0)))
    found: list[_Found] = []
    for m in _NO_YEAR_DATE.finditer(text):
        if not (m["before"] or _DUE_ON.search(text, 0, m.start())):
            continue
        d = _safe_date(_doc_year(year, m["rel"]), parse_int(m["m"]), parse_int(m["d"]))
        if d:
            found.append(_Found(m.start(), Deadline(kind="absolute", date=d, text=m.group(0))))
    for m in _NO_YEAR_MONTH.finditer(text):
        month = parse_int(m["m"])
        if 1 <= month <= 12 and not any(f.start == m.start() for f in found):
            d = _month_end(_doc_year(year, m["rel"]), month)
            found.append(_Found(m.start(), Deadline(kind="absolute", date=d, text=m.group(0))))
    for m in _NO_YEAR_QUARTER.finditer(text):
        d = _month_end(_doc_year(year, m["rel"]), 3 * parse_int(m["q"]))
        found.append(_Found(m.start(), Deadline(kind="absolute", date=d, text=m.group(0))))
    for m in _NO_YEAR_HALF.finditer(text):
        d = _month_end(_doc_year(year, m["rel"]), 12 if m["h"] == "下半年" else 6)
        found.append(_Found(m.start(), Deadline(kind="absolute", date=d, text=m.group(0))))
    if found:
        return min(found, key=lambda f: f.start)
    m2 = _THIS_YEAR.search(text)
    if m2:
        return _Found(
            m2.start(), Deadline(kind="absolute", date=date(_doc_year(year, m2["rel"]), 12, 31), text=m2.group(0))
        )
    return None


def _doc_year(year: int, rel: str | None) -> int:
    """The document's year, or the next one for 明年."""
    return year + 1 if rel in _NEXT_YEAR else year


def _classify_anchor(anchor_text: str, default: Anchor | None) -> Anchor | None:
    if not anchor_text:
        return default
    if _EFFECTIVE.search(anchor_text):
        return "effective"
    if _SIGNING.search(anchor_text):
        return "signing"
    return "other"


def _relative_cn(text: str, signed_on: date | None, default_anchor: Anchor | None) -> Deadline | None:
    for m in _CN_OFFSET.finditer(text):
        unit_word = m["unit"]
        after = text[m.end() : m.end() + 1]
        clause_start = max(text.rfind(sep, 0, m.start()) for sep in "，。；,;：:") + 1
        pre = text[clause_start : m.start()]
        link = _CN_LINK.search(pre)
        # 期满前6个月 / 提前30日 / 期满6个月前 / 在＿天前: counted back from the event
        back = m["post"] is None and (
            bool(link and link["before"])
            or bool(_BACK.match(text[m.end() :]) and (link or unit_word != "日" or re.search(r"在\s*$", pre)))
        )
        # 12个月后支付第二期: a bare period followed by 后 counts forward from the event before it (an instalment)
        forward = (
            m["post"] is None
            and link is None
            and not back
            and _FORWARD.match(text[m.end() :]) is not None
            and _PAYS.match(text[m.end() :]) is not None
        )
        if after == "期" or (m["post"] is None and link is None and not back and not forward):
            continue
        if re.search(r"(?:压缩|缩短|减少|降低|降|控制|提速|时间为|时限为|周期为|办结时间)(?:至|到|在|为)?\s*$", pre):
            continue  # a target duration (压缩至1个工作日以内), not a deadline
        if unit_word == "日" and re.search(rf"(?:{NUM}|{_BLANK}|年)\s*月\s*$", pre):
            continue  # a calendar date such as 3月31日 or a template's ＿月＿日
        if (
            unit_word in ("年", "周年")
            and not m["post"]
            and not back
            and not (link and link.group(0).strip() in ("后", "之后", "以后", "起", "满"))
            and not forward
        ):
            continue
        blank = not m["n"] or re.fullmatch(_BLANK, m["n"]) is not None
        if blank and re.search(r"每\s*$", pre):
            continue  # 每延误＿天: a rate, not a period
        try:
            n = None if blank else parse_int(m["n"])
        except ValueError:
            continue
        if unit_word == "年" and n is not None and n >= 1900:
            continue
        unit = _CN_UNITS[unit_word]
        anchor_text = pre[: link.start()] if link else pre
        lead = _CN_ANCHOR_LEAD.match(anchor_text)
        phrase_start = clause_start
        if lead:
            phrase_start = clause_start + lead.end() - 1
            anchor_text = anchor_text[lead.end() :]
        anchor_text = re.sub(r"^(?:应当|应|须|必须|并|但|且)\s*", "", anchor_text.strip())
        anchor_text = re.sub(r"(?:之日|当日|之时)$", "", anchor_text).strip()
        if link and "超过" in link.group(0) and not re.search(r"签|生效", anchor_text):
            anchor_text = anchor_text or "期限"
        anchor = _classify_anchor(anchor_text, "other" if forward else default_anchor)
        if back:
            if link and link.group(0).strip() == "提前":
                anchor, anchor_text = "other", ""  # ahead of the act itself (提前30日通知)
                phrase_start = clause_start + link.start()
            elif anchor != "effective":
                anchor = _classify_anchor(anchor_text, "other")
            n = None if n is None else -n
        offset = None if n is None else Offset(n, unit)  # a blank period: the right kind, no figure
        resolved = None
        if signed_on and offset and anchor in ("signing", "effective"):
            resolved = apply_offset(signed_on, offset)
        phrase = text[phrase_start : m.end()].strip()
        if back and not link:
            phrase += _BACK.match(text[m.end() :]).group(0)  # type: ignore[union-attr]
        if forward:
            phrase += _FORWARD.match(text[m.end() :]).group(0)  # type: ignore[union-attr]
        return Deadline(
            kind="relative",
            date=resolved,
            text=phrase,
            offset=offset,
            anchor=anchor,
            anchor_text=anchor_text or None,
        )
    return None


def _relative_en(text: str, signed_on: date | None, default_anchor: Anchor | None = "signing") -> Deadline | None:
    found = list(_EN_OFFSET.finditer(text))
    m = next((m for m in found if not _is_term(text, m)), None)
    if not m:
        bare = _bare_period_en(text, signed_on, default_anchor)
        if bare is None and found:
            return Deadline()  # only a term (for 30 years after X): the event it counts from is no due time either
        return bare
    raw = m["paren"] if m["paren"] and re.fullmatch(r"\s*\d+\s*", m["paren"]) else m["n"]
    try:
        n = parse_int(raw)
    except ValueError:
        return None
    unit_word = m["unit"].lower()
    word = unit_word.split()[0]  # business days → business; days → day (rstrip("s") had made busine of business)
    unit = _EN_UNITS[word] if word in _EN_UNITS else _EN_UNITS[word.removesuffix("s")]
    rel = m["rel"].lower()
    if rel in ("prior to", "before", "preceding"):
        n = -n
    anchor_text = re.sub(r"^the\s+", "", m["anchor"].strip(), flags=re.I)
    anchor = _classify_anchor(anchor_text, "signing")
    offset = Offset(n, unit)
    resolved = apply_offset(signed_on, offset) if signed_on and anchor in ("signing", "effective") else None
    return Deadline(
        kind="relative",
        date=resolved,
        text=m.group(0).strip(),
        offset=offset,
        anchor=anchor,
        anchor_text=anchor_text,
    )


def _is_term(text: str, m: re.Match[str]) -> bool:
    """Whether an English period is a term the duty lasts (``for a term of 30 years from the Handover Date``), not
    a time by which it falls due."""
    return m["lead"] is None and bool(_TERM_EN.search(text, 0, m.start("n")))


def _bare_period_en(text: str, signed_on: date | None, default_anchor: Anchor | None) -> Deadline | None:
    """``within 20 working days`` (from the default anchor, as a bare ``30日内``), ``not later than 15 days
    before`` (counted back from the act itself, as ``提前30日``)."""
    m = _EN_BARE_PERIOD.search(text)
    if not m or (m["lead"].lower() == "at least" and not m["back"]):
        return None
    raw = m["paren"] if m["paren"] and re.fullmatch(r"\s*\d+\s*", m["paren"]) else m["n"]
    try:
        n = parse_int(raw)
    except ValueError:
        return None
    word = m["unit"].lower().split()[0]
    unit = _EN_UNITS[word] if word in _EN_UNITS else _EN_UNITS[word.removesuffix("s")]
    anchor = "other" if m["back"] else default_anchor
    offset = Offset(-n if m["back"] else n, unit)
    resolved = apply_offset(signed_on, offset) if signed_on and anchor == "signing" else None
    return Deadline(kind="relative", date=resolved, text=m.group(0).strip(), offset=offset, anchor=anchor)


def _signs_contract(event: str, contract: bool) -> bool:
    """Whether ``event`` is the signing of this contract: in a contract any 签约/签订合同, elsewhere only 本合同."""
    return bool(_SIGNS_CONTRACT.search(event.strip())) and (contract or "本" in event)


def _on_signing_day(signed_on: date | None, text: str, event: str) -> Deadline:
    """Due on the day this contract is signed: offset 0 from signing."""
    return Deadline(
        kind="relative", date=signed_on, text=text, offset=Offset(0, "day"), anchor="signing", anchor_text=event
    )


def _on_event(text: str, event: str) -> Deadline:
    """Due when another event happens (X时): offset 0 from it, no date until it is recorded."""
    return Deadline(kind="relative", text=text, offset=Offset(0, "day"), anchor="other", anchor_text=event)


def _event(text: str, signed_on: date | None, contract: bool) -> Deadline | None:
    m = _BEFORE_SIGNING_CN.search(text)
    if m and _signs_contract(m["ev"], contract):  # due by the signing day itself
        return Deadline(kind="relative", date=signed_on, text=m.group(0), anchor="signing", anchor_text=m["ev"])
    m = _ON_SIGNING_DAY_CN.search(text)
    if m and _signs_contract(m["ev"], contract) and not _UNTIL_CN.search(text, 0, m.start("ev")):
        return _on_signing_day(signed_on, m.group(0), m["ev"])
    m = _EVENT_BEFORE_CN.search(text)
    if m:
        return Deadline(kind="relative", text=m.group(0).lstrip("须应并"), anchor="other", anchor_text=m["ev"])
    m = _EVENT_FROM_CN.search(text)
    if m:
        if _signs_contract(m["ev"], contract):
            return _on_signing_day(signed_on, m.group(0), m["ev"])
        return Deadline(kind="relative", text=m.group(0), anchor="other", anchor_text=m["ev"])
    m = _EVENT_AFTER_CN.search(text)
    if m and _APPROVAL_STEP_CN.search(text, m.start(), m.end() + 2):
        m = None  # 报国务院批准后实施: how the text comes into force, not when a duty falls due
    if m:
        vague = _VAGUE.match(text, m.end())
        if vague:  # 在保证期限届满后及时: the time after the event is not fixed
            return Deadline(kind="none", text=text[m.start() : vague.end()])
        anchor = _classify_anchor(m["ev"], "other")
        return Deadline(kind="relative", text=m.group(0), anchor=anchor, anchor_text=m["ev"])
    m = _PERIOD_CN.search(text)
    if m:
        return Deadline(kind="relative", text=m.group(0), anchor="other", anchor_text=m.group(0))
    m = _BEFORE_HAND_CN.search(text)
    if m:
        return Deadline(kind="relative", text=m.group(0), anchor="other")
    m = _AT_SIGNING_EN.search(text)
    if m:
        at = m["rel"].lower() in ("upon", "on", "at")
        return Deadline(
            kind="relative",
            date=signed_on,
            text=m.group(0),
            offset=Offset(0, "day") if at else None,
            anchor="signing",
            anchor_text=m["ev"],
        )
    m = _EVENT_EN.search(text)
    if m:
        return Deadline(kind="relative", text=m.group(0), anchor="other", anchor_text=m["ev"] or m["ev2"])
    m = _UPON_EN.search(text) or _AT_TIME_OF_EN.search(text)
    if m and not _VAGUE.search(text):  # "upon Financial Close … forthwith": the vague word decides
        return Deadline(kind="relative", text=m.group(0), offset=Offset(0, "day"), anchor="other", anchor_text=m["ev"])
    m = _AFTER_EN.search(text)
    if m and not _VAGUE.search(text):
        return Deadline(kind="relative", text=m.group(0), anchor="other", anchor_text=m["ev"])
    return None


# --------------------------------------------------------------------------------------------- normalising
#: ``三十（３０）天``, ``〔十二（１２）个月〕``: a figure written in words with its digits echoed in brackets
_ECHO = re.compile(
    r"(?:[零〇一二三四五六七八九十百千两壹贰叁肆伍陆柒捌玖拾佰仟]+)\s*[（(]\s*(?P<d>[0-9０-９]+)\s*[）)]"
)
#: ``一九九九年``: a year written digit by digit in Chinese numerals
#: (also ``二O一九年``, a Latin O typed for 〇)
_CN_YEAR = re.compile(r"(?P<y>[一二][一二三四五六七八九〇零○OＯ]{3})(?=\s*年)")
_CN_DIGIT = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0", "○": "0", "O": "0", "Ｏ": "0"}


#: ``30（三十）日``: the digits first, the words echoed in brackets
_ECHO_WORDS = re.compile(
    r"(?P<d>[0-9０-９]+)\s*[（(]\s*[零〇一二两三四五六七八九十百千壹贰叁肆伍陆柒捌玖拾佰仟]+\s*[）)]"
)


#: ``一个季度内``, ``两个季度后``: a period of quarters, counted in months (not ``一季度``, the first quarter)
_QUARTERS = re.compile(rf"(?<![上下每第本当])(?P<n>{NUM})\s*个季度(?=之内|以内|内|后|之后|以后)")
#: ``半年内``: six months (not ``上半年``, ``下半年``)
_HALF_YEAR = re.compile(r"(?<![上下])半年(?=之内|以内|内|后|之后|以后)")
#: ``签约后前三个月内``: the first N months after the event, i.e. N months after it
_FIRST_PERIOD = re.compile(rf"(?<=[后起])前(?=\s*{NUM}\s*(?:个月|个工作日|工作日|天|日|年))")
#: a line break inside a Chinese phrase (``下半\n年``, ``签\n订之日起``), as a PDF's wrapped line leaves it; spaces
#: alone may be a template's blank and stay
_WRAPPED = re.compile(r"(?<=[\u4e00-\u9fff0-9])[ \t]*\n\s*(?=[\u4e00-\u9fff0-9])")
_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def normalise_phrase(text: str) -> str:
    """The phrase with full-width digits made ASCII, echoed numerals reduced to their digits, Chinese-numeral
    years made Arabic, and quarter and half-year periods written in months."""
    text = _WRAPPED.sub("", text.translate(_FULL_WIDTH_DIGITS))
    text = _QUARTERS.sub(lambda m: f"{3 * parse_int(m['n'])}个月" if _is_number(m["n"]) else m.group(0), text)
    text = _HALF_YEAR.sub("6个月", text)
    text = _FIRST_PERIOD.sub("", text)
    text = _ECHO.sub(lambda m: unicodedata.normalize("NFKC", m["d"]), text)
    text = _ECHO_WORDS.sub(lambda m: unicodedata.normalize("NFKC", m["d"]), text)
    text = re.sub(r"〔([^〔〕\n]{1,12})〕", r"\1", text)
    return _CN_YEAR.sub(lambda m: "".join(_CN_DIGIT[c] for c in m["y"]), text)


#: a template's blank date: ``＿＿年＿＿月＿＿日前``, ``　　年　　月　　日前``, ``年月日前`` (blank periods are offsets
#: without a figure, read with the other offsets)
_BLANK_DATE = re.compile(
    rf"(?:(?:{_BLANK})\s*年\s*(?:{_BLANK})?\s*月\s*(?:{_BLANK})?\s*日|(?<![\d〇一二三四五六七八九十])年\s*月\s*日)"
    r"\s*(?:之前|以前|前|止)"
)
#: ``X时`` / ``在X时`` / ``同时``: the duty falls due when the event happens (offset 0)
_AT_EVENT = re.compile(
    r"(?:在|于|当)?(?P<ev>(?:签订|签署|订立|签约|签字|签定|期满|届满|成立|交付|移交|竣工|验收|完成|完毕|终止|解除|到期|办理|提交|支付|发生|发现|收到|"
    r"受理|审查|审批|核准|公示|采购|招标|开展|实施|作出|申请|报送)"
    r"[^，。；,;]{0,16}?|[^，。；,;]{1,16}?(?:期满|届满|完毕|成立|终止|到期|签订|签署|签字|签约|签定))"
    r"(?<![临及限适按准随定实平暂计超小届当此那])(?<![^合]同)时(?![间限期效段候代刻点常态0-9０-９一二三四五六七八九十])"
    r"(?![^，。；,;]{0,8}的)"  # 办理…时作出的承诺: an attribute
)
#: ``租赁期满，``, ``合营期满或提前终止``, ``在特许期满之日``: due when the term ends (not ``期满的，``: a condition)
_AT_EXPIRY = re.compile(
    r"^(?:在|当|于)?(?!直至|直到|至)(?P<ev>[\u4e00-\u9fff“”]{1,16}?(?:期满|届满|到期|完毕))(?=[，,]|或)"
    r"|(?:在|于)(?P<ev2>[\u4e00-\u9fff“”]{1,16}?(?:期满|届满|到期))(?:之日|当日)(?![起后前])"
)


#: ``在双方交接房屋时``, ``当一方违约时``, a clause opening ``公司宣告解散时，``: any event, not only the verbs above
_TIME_WORDS_BEFORE_SHI = r"(?<![临及限适按准随实平暂计超小届当此那彼旧何])(?<![^合]同)(?<![^约]定)"
_AT_ANY_EVENT = re.compile(
    rf"(?<![存现正所实内外])(?:在|(?<![应相适正妥担恰])当)(?P<ev>[^，。；,;：:（）()]{{1,24}}?){_TIME_WORDS_BEFORE_SHI}时"
    r"(?![间限期效段候代刻点常态0-9０-９一二三四五六七八九十])(?![^，。；,;]{0,8}的)"
    rf"|(?:^|(?<=[，,；;。]))(?P<ev2>[^，。；,;：:（）()]{{2,20}}?){_TIME_WORDS_BEFORE_SHI}时(?=[，,])"
)
#: ``超过…时``, ``达不到…时``, ``如…时``: a comparison or supposition, a condition rather than a time
_CONDITION_SHI = re.compile(
    r"超过|低于|高于|达不到|不足|少于|多于|大于|小于|^(?:如|如果|若|倘若|假如)|^(?:确有)?(?:必要|需要)时"
)


def _template_blank(text: str, default_anchor: Anchor | None) -> Deadline | None:
    m = _BLANK_DATE.search(text)
    if m:
        return Deadline(kind="absolute", text=m.group(0))
    return None


def _is_condition(text: str, at: int) -> bool:
    """Whether the clause before ``at`` (a 时) compares or supposes (超过…时, 如…时): a condition, not a time."""
    clause_start = max(text.rfind(sep, 0, at) for sep in "，。；,;：:") + 1
    return bool(_CONDITION_SHI.search(text[clause_start:at].strip()))


def _at_event(text: str, anchor: date | None, contract: bool) -> Deadline | None:
    m = _AT_EVENT.search(text)
    if m and _is_condition(text, m.end()):
        return None
    if not m:
        m = _AT_EXPIRY.search(text)
        if not m:
            m = _AT_ANY_EVENT.search(text)
            if not m or _is_condition(text, m.end()):
                return None
            return _on_event(m.group(0).strip(), (m["ev"] or m["ev2"]).strip())
        return _on_event(m.group(0), m["ev"] or m["ev2"])
    event = re.sub(r"^.*(?:应当|应|须|必须)(?:在|于|当)", "", m["ev"].strip())
    if _signs_contract(event, contract):
        return _on_signing_day(anchor, m.group(0), event)
    return _on_event(m.group(0), event)


#: ``本协议自双方签字盖章之日起生效``, ``本合同经市政府批准后生效``: when the document takes effect
_TAKES_EFFECT = re.compile(
    r"本(?:协议|合同|补充协议)(?:书)?[^。；;\n]{0,8}?(?:自|经|于|在|从)(?P<ev>[^。；;\n]{1,40}?)(?:之日|之时|后|时)?(?:起)?(?:正式)?生效"
)
#: …on an act after the signing: an approval, a filing, a payment
_LATER_ACT = re.compile(r"批准|审批|核准|备案|通过|同意|交纳|缴纳|支付|到位|登记|满足|成就")


def effective_on_signing(text: str) -> bool:
    """Whether the document takes effect when it is signed (``本协议自双方签字盖章之日起生效``), so that a period
    counted from its effectiveness ends on a known day; False when it takes effect on a later act (``经…批准后
    生效``). A document that does not say is read as effective on signing."""
    m = _TAKES_EFFECT.search(text)
    return not (m and _LATER_ACT.search(m["ev"]))


def resolve_deadline(
    phrase: str,
    anchor: date | None = None,
    *,
    year: int | None = None,
    default_anchor: Anchor | None = "signing",
    effective_is_signing: bool = True,
) -> Deadline:
    """Read the deadline of one phrase or clause.

    ``anchor`` is the signing date for offsets counted from signing (or effectiveness); ``year`` the
    document's year for phrases without one (年内, 6月底, 上半年); ``default_anchor`` what a bare
    ``30日内`` counts from (signing in a contract, nothing known in a regulation); ``effective_is_signing``
    whether the document takes effect on signing (``effective_on_signing``), so that ``生效之日起30日内`` has a date.
    """
    text = normalise_phrase(phrase.strip())
    if year is None and anchor is not None:
        year = anchor.year
    blank = _template_blank(text, default_anchor)
    if blank:
        return blank
    recurring = _recurring(text)
    if recurring:
        return recurring
    absolute = _absolute(text, year)
    if absolute and not absolute.due:  # 根据2018年12月5日签订的协议，…2019年底前: the year's end is the date due
        year_only = _year_only(text, year)
        if year_only and year_only.start > absolute.start:
            return year_only.deadline
    if absolute:
        return absolute.deadline
    relative = _relative_cn(text, anchor, default_anchor) or _relative_en(text, anchor, default_anchor)
    if relative and relative.anchor == "effective" and not effective_is_signing:
        return dataclasses.replace(relative, date=None)  # it takes effect on a later act, not yet known
    if relative:
        return relative
    year_only = _year_only(text, year)
    if year_only:
        return year_only.deadline
    contract = default_anchor == "signing"
    event = _event(text, anchor, contract)
    if event:
        return event
    at_event = _at_event(text, anchor, contract)
    if at_event:
        return at_event
    vague = _VAGUE.search(text)
    if vague:
        return Deadline(kind="none", text=vague.group(0))
    return Deadline()
