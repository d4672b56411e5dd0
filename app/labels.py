"""The names of every stored value as people read them — one table for the UI, the exports, the PDF report
and notifications, in Chinese and English (``label(group, value, lang)``). The UI's message catalogue
(``app.ui.i18n``) takes these entries as ``"group.value"`` keys; exports use the Chinese names. Imports nothing
from ``app``, so models and exports can use it without a cycle."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from trackers.errors import InvalidRule
from trackers.recurrence import Frequency, RecurrenceRule, parse_rrule

LABELS: Mapping[str, Mapping[str, tuple[str, str]]] = MappingProxyType(
    {
        # kinds of organisation (OrgKind)
        "org": MappingProxyType(
            {
                "city": ("市", "city"),
                "district": ("区", "district"),
                "town": ("镇街", "town"),
                "department": ("部门", "department"),
                "committee": ("管委会", "committee"),
                "other": ("其他", "other"),
            }
        ),
        # user roles (Role)
        "role": MappingProxyType(
            {
                "admin": ("管理员", "administrator"),
                "investment": ("投资促进局", "investment bureau"),
                "finance": ("财政局", "finance bureau"),
                "department": ("部门/区镇", "department / district"),
                "evaluator": ("评价人员", "evaluator"),
            }
        ),
        # document processing status (DocumentStatus)
        "status": MappingProxyType(
            {
                "queued": ("排队中", "queued"),
                "extracting": ("提取中", "extracting"),
                "extracted": ("已提取", "extracted"),
                "failed": ("失败", "failed"),
            }
        ),
        # obligation states (trackers.ObligationState)
        "state": MappingProxyType(
            {
                "pending": ("履行中", "pending"),
                "due_soon": ("即将到期", "due soon"),
                "overdue": ("已逾期", "overdue"),
                "breached": ("已违约", "breached"),
                "fulfilled": ("按期履行", "fulfilled"),
                "fulfilled_late": ("逾期履行", "fulfilled late"),
                "partially_fulfilled": ("部分履行", "partially fulfilled"),
                "waived": ("已豁免", "waived"),
                "amended": ("已变更", "amended"),
                "suspended": ("已中止", "suspended"),
            }
        ),
        # review status (trackers.ReviewStatus)
        "review": MappingProxyType(
            {
                "proposed": ("待审核", "proposed"),
                "confirmed": ("已确认", "confirmed"),
                "rejected": ("已驳回", "rejected"),
            }
        ),
        # obligor / party roles (trackers.PartyRole)
        "party": MappingProxyType(
            {
                "government": ("政府方", "government"),
                "counterparty": ("企业方", "counterparty"),
                "other": ("其他", "other"),
                "unknown": ("未识别", "unknown"),
            }
        ),
        # agreement kinds (AgreementKind)
        "kind": MappingProxyType(
            {
                "investment_promotion": ("招商引资协议", "investment promotion"),
                "ppp": ("PPP项目合同", "PPP contract"),
                "policy_commitment": ("政策承诺", "policy commitment"),
                "procurement": ("政府采购", "procurement"),
                "other": ("其他", "other"),
            }
        ),
        # integrity-failure states (trackers.failures.FailureState)
        "fstate": MappingProxyType(
            {
                "detected": ("已发现", "detected"),
                "dismissed": ("不予认定", "dismissed"),
                "verified": ("已核实", "verified"),
                "rectification_ordered": ("责令整改", "rectification ordered"),
                "rectified": ("已整改", "rectified"),
                "found": ("认定失信", "found"),
                "objected": ("异议中", "objected"),
                "withdrawn": ("已撤销", "withdrawn"),
                "found_rectified": ("认定后已整改", "found, rectified"),
                "repaired": ("已信用修复", "credit repaired"),
            }
        ),
        # obligation categories (extractors.Category)
        "category": MappingProxyType(
            {
                "payment": ("资金支付", "payment"),
                "investment": ("投资", "investment"),
                "land": ("土地", "land"),
                "approval": ("审批", "approval"),
                "construction": ("建设", "construction"),
                "operation": ("运营", "operation"),
                "performance": ("绩效", "performance"),
                "reporting": ("报告", "reporting"),
                "compliance": ("合规", "compliance"),
                "governance": ("治理", "governance"),
                "service": ("服务", "service"),
                "handover": ("移交", "handover"),
                "other": ("其他", "other"),
            }
        ),
        # failure severity (trackers.failures.Severity)
        "severity": MappingProxyType(
            {
                "minor": ("轻微", "minor"),
                "general": ("一般", "general"),
                "serious": ("严重", "serious"),
            }
        ),
        # failure record types (FailureKind): 政务失信 vs a counterparty's 违约
        "fkind": MappingProxyType(
            {
                "government_breach": ("政务失信", "Government breach"),
                "counterparty_default": ("违约", "Counterparty default"),
            }
        ),
        # PPP payment mechanisms (PaymentMechanism)
        "mechanism": MappingProxyType(
            {
                "government_pay": ("政府付费", "government pays"),
                "viability_gap": ("可行性缺口补助", "viability-gap funding"),
                "user_pay": ("使用者付费", "user pays"),
            }
        ),
        # the government's PPP payments (GovernmentPaymentKind)
        "paykind": MappingProxyType(
            {
                "availability": ("可用性服务费", "availability payment"),
                "viability_gap": ("可行性缺口补助", "viability-gap subsidy"),
                "om_performance": ("运维绩效服务费", "O&M performance fee"),
            }
        ),
        # PPP project tags (PPPTag)
        "ppptag": MappingProxyType(
            {
                "stock": ("存量项目", "existing project"),
                "new_mechanism": ("新机制项目", "new-mechanism project"),
            }
        ),
    }
)


def label(group: str, value: object, lang: str = "zh") -> str:
    """The name of ``value`` (an enum member or its stored string) in ``group``; the value itself if unknown."""
    names = LABELS[group].get(str(value))
    if names is None:
        return str(value)
    return names[1] if lang == "en" else names[0]


def messages() -> dict[str, tuple[str, str]]:
    """Every label as a message-catalogue entry ``"group.value": (zh, en)``."""
    return {f"{group}.{value}": names for group, table in LABELS.items() for value, names in table.items()}


def schedule(rrule: str | None, lang: str = "zh") -> str:
    """A stored schedule as people read it: ``RRULE:FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=30`` → 每年6月30日前 /
    "yearly by 30 Jun"; a value that is no RRULE (定期, periodic) as it is, nothing as the empty string. The
    Chinese wording is what ``extractors.recurrence.schedule_rrule`` reads back into the same RRULE (except
    for periods counted from the start event other than 连续N年), so a clerk can edit it."""
    try:
        rule = parse_rrule(rrule) if rrule and rrule.upper().startswith(("RRULE:", "FREQ=")) else None
    except InvalidRule:
        rule = None
    if rule is None:
        return rrule or ""
    return _schedule_zh(rule) if lang == "zh" else _schedule_en(rule)


def _schedule_zh(rule: RecurrenceRule) -> str:
    f = rule.frequency
    if f is Frequency.YEARLY and rule.anchored:
        return f"连续{rule.count}年" if rule.count else "每满一年"
    if f is Frequency.YEARLY:
        text = f"每年{rule.month or 12}月{f'{rule.day}日' if rule.day else '底'}前"
    elif f is Frequency.MONTHLY and not rule.anchored:
        text = f"每月{rule.day}日前" if rule.day else "每月底前"
    else:
        names = {Frequency.HALF_YEARLY: "每半年", Frequency.QUARTERLY: "每季度", Frequency.MONTHLY: "每月"}
        text = "每周" if f is Frequency.WEEKLY else names[f] + ("" if rule.anchored else "末")
    if rule.days_after_period:
        text += f"后{rule.days_after_period}日内"
    return f"连续{rule.count}年{text}" if rule.count else text


def _schedule_en(rule: RecurrenceRule) -> str:
    f = rule.frequency
    if f is Frequency.YEARLY and rule.anchored:
        text = "every year from the start"
    elif f is Frequency.YEARLY:
        text = f"yearly by {rule.day or 'the end of'} {_MONTHS_EN[(rule.month or 12) - 1]}"
    elif f is Frequency.MONTHLY and not rule.anchored:
        text = f"monthly by day {rule.day}" if rule.day else "monthly by the month end"
    else:
        text = str(f).replace("_", "-")
    if rule.days_after_period:
        text += f", {rule.days_after_period} days after each period"
    return f"{text}, {rule.count} times" if rule.count else text


_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
