"""English deadline phrases, one table (corpus README, Deadlines): periods from signing or effectiveness have a
date (signed_on + offset, no holiday shift); an event other than signing gives anchor ``other`` and no date, with
the offset when stated (negative counting back) and none for ``before X``; year ends are absolute; periodic
duties recurring; vague timing ``none`` with the phrase; a term (duration) is no deadline."""

from __future__ import annotations

from datetime import date

import pytest

from extractors.deadlines import resolve_deadline

SIGNED = date(2019, 3, 1)
SAME = "="  # the text is the whole phrase

# phrase, kind, date, offset (value, unit) or None, anchor, text (SAME, a string, or None: not checked)
TABLE = [
    ("before the commencement of construction", "relative", None, None, "other", None),
    ("before the start of the flood season", "relative", None, None, "other", None),
    ("before the end of 2020", "absolute", "2020-12-31", None, None, None),
    ("by the end of 2019", "absolute", "2019-12-31", None, None, None),
    ("no later than the end of 2021", "absolute", "2021-12-31", None, None, None),
    ("by the end of June 2020", "absolute", "2020-06-30", None, None, None),
    ("after the project is put into operation", "relative", None, None, "other", None),
    ("after completion of the Works", "relative", None, None, "other", None),
    ("at the time of handover", "relative", None, (0, "day"), "other", None),
    ("at the time of completion of the acceptance test", "relative", None, (0, "day"), "other", None),
    ("upon expiry of the Concession Period", "relative", None, (0, "day"), "other", None),
    ("within 20 working days", "relative", None, (20, "workday"), "signing", None),
    ("within 15 days", "relative", "2019-03-16", (15, "day"), "signing", None),
    ("within 20 working days of receiving the application", "relative", None, (20, "workday"), "other", None),
    ("monthly", "recurring", None, (1, "month"), None, SAME),
    ("every month", "recurring", None, (1, "month"), None, SAME),
    ("every week", "recurring", None, (1, "week"), None, SAME),
    ("each quarter", "recurring", None, (3, "month"), None, SAME),
    ("quarterly", "recurring", None, (3, "month"), None, SAME),
    ("annually", "recurring", None, (1, "year"), None, SAME),
    ("semi-annually", "recurring", None, (6, "month"), None, SAME),
    ("every six months", "recurring", None, (6, "month"), None, SAME),
    ("every 2 weeks", "recurring", None, (2, "week"), None, SAME),
    ("by the end of this year", "absolute", "2019-12-31", None, None, SAME),
    ("before the end of next year", "absolute", "2020-12-31", None, None, SAME),
    ("by 31.12.2020", "absolute", "2020-12-31", None, None, SAME),
    ("for a term of 30 years from the Handover Date", "none", None, None, None, None),
    ("for a period of 5 years from the Effective Date", "none", None, None, None, None),
    ("no later than 30 September 2019", "absolute", "2019-09-30", None, None, SAME),
    ("on or before 31 March 2020", "absolute", "2020-03-31", None, None, SAME),
    ("not later than 31 December 2021", "absolute", "2021-12-31", None, None, SAME),
    ("within thirty (30) days after the Effective Date", "relative", "2019-03-31", (30, "day"), "effective", None),
    ("within 30 days from the date of this Agreement", "relative", "2019-03-31", (30, "day"), "signing", None),
    ("within 6 months of signing this Agreement", "relative", "2019-09-01", (6, "month"), "signing", None),
    ("within 10 business days after receipt of the invoice", "relative", None, (10, "workday"), "other", None),
    ("within 3 months after the project is put into operation", "relative", None, (3, "month"), "other", None),
    ("not later than 15 days before", "relative", None, (-15, "day"), "other", None),
    ("not later than 15 days before the Scheduled Date", "relative", None, (-15, "day"), "other", None),
    ("2 days prior to the Appointed Date", "relative", None, (-2, "day"), "other", None),
    ("prior to the Commercial Operation Date", "relative", None, None, "other", None),
    ("at the time of signing this Agreement", "relative", "2019-03-01", (0, "day"), "signing", None),
    ("as soon as practicable", "none", None, None, None, SAME),
    ("immediately", "none", None, None, None, SAME),
    ("forthwith", "none", None, None, None, SAME),
    ("promptly", "none", None, None, None, SAME),
    ("without undue delay", "none", None, None, None, SAME),
    ("look after the site", "none", None, None, None, None),
    ("after deducting the tax", "none", None, None, None, None),
    ("after consultation with the Authority", "none", None, None, None, None),
    ("after the plant has been commissioned", "relative", None, None, "other", None),
    ("for 30 years after the Handover Date", "none", None, None, None, None),
    ("at least 30 days in advance", "relative", None, (-30, "day"), "other", None),
]

# whole clauses: the deadline's text is the phrase, not the clause
CLAUSES = [
    ("The Company shall report the progress to the Government monthly.", "recurring", "monthly"),
    ("The Operator shall submit its accounts every month to the Authority.", "recurring", "every month"),
    (
        "The Contractor shall, no later than 30 September 2019, complete the road works.",
        "absolute",
        "no later than 30 September 2019",
    ),
    ("The Investor shall complete the plant by the end of 2019.", "absolute", "by the end of 2019"),
    ("The Company shall operate the facility for a term of 30 years from the Handover Date.", "none", None),
]


@pytest.mark.parametrize(("phrase", "kind", "date_", "offset", "anchor", "text"), TABLE)
def test_english_deadline_table(
    phrase: str, kind: str, date_: str | None, offset: tuple[int, str] | None, anchor: str | None, text: str | None
) -> None:
    d = resolve_deadline(phrase, SIGNED)
    got = (d.kind, d.date.isoformat() if d.date else None, (d.offset.value, d.offset.unit) if d.offset else None)
    assert got == (kind, date_, offset)
    if anchor is not None:
        assert d.anchor == anchor
    if text is not None:
        assert d.text == (phrase if text == SAME else text)


@pytest.mark.parametrize(("clause", "kind", "text"), CLAUSES)
def test_english_deadline_text_in_a_clause(clause: str, kind: str, text: str | None) -> None:
    d = resolve_deadline(clause, SIGNED)
    assert d.kind == kind
    if text is not None:
        assert d.text == text
