"""Document structure: paragraphs with their clause numbers, sentences, comma chunks and the
responsible-unit notes of policy plans. Everything is a character span into the document text.

* Lines are joined into paragraphs: a line break after a comma or 、, inside brackets, or in a text whose
  lines have a fixed layout width (a PDF) does not end a paragraph; a clause number always starts one.
* Clause numbers: 第X章/节/条, 一、, （一）, 1. / 1、, 1）/（1）, 1.1 / 2.3.1, a) / (a) / Ａ． / （ⅱ）, ①, dash
  items, Article 5.
* Sentences end at 。！？；!?; (and a full stop that ends a sentence), never inside brackets or quotes; a full
  stop ends an English sentence by the English rules (not after Co. or etc.) in a Chinese paragraph too.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

__all__ = [
    "NOTE_HEADS",
    "TIME_FIELD",
    "Note",
    "Paragraph",
    "Span",
    "chunks",
    "find_notes",
    "paragraphs",
    "sentences",
    "strip_marker",
]

_CN = "零〇一二三四五六七八九十百千两"
MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("chapter", re.compile(rf"^第[{_CN}\d]+[章编]\s*")),
    ("section", re.compile(rf"^第[{_CN}\d]+节\s*")),
    ("article", re.compile(rf"^第[{_CN}\d]+条\s*")),
    ("l1", re.compile(rf"^[{_CN}]+\s*[、.．]\s*")),
    ("l2", re.compile(rf"^[（(]\s*[{_CN}]+\s*[）)]\s*[、.．]?\s*")),
    # 4.10月底前: not 4.10 but item 4. whose text opens with a date (10月, 2019年)
    ("dotted", re.compile(r"^\d{1,2}(?:\s*[.．]\s*\d{1,2})+[.．]?(?=\s|[\u4e00-\u9fff（(A-Z])(?!月)\s*")),
    ("l3", re.compile(r"^\d{1,2}\s*[、.．](?!\d(?!\d?月|\d{3}年))\s*")),
    ("paren_num", re.compile(r"^(?:[（(]\s*\d{1,2}\s*[）)]|\d{1,2}\s*[）)])\s*")),
    (
        "alpha",
        re.compile(
            r"^(?:[（(][a-zA-Z][）)]|[a-zA-Z][）).])\s+|^(?:[（(](?:i|ii|iii|iv|v|vi|vii|viii|ix|x)[）)])\s*|"
            # full-width letters, Roman numerals ⅰ Ⅱ
            r"^(?:[（(][Ａ-Ｚａ-ｚ][）)]|[Ａ-Ｚａ-ｚ][）)．.、])\s*|^[（(][ⅰ-ⅹⅠ-Ⅹ][）)]\s*|"
            r"^[a-zA-Z][）．、](?=[\u4e00-\u9fff])"  # the same letters once normalised: A．交付
        ),
    ),
    ("circled", re.compile(r"^[①-⑳]\s*")),
    ("dash", re.compile(r"^[-—–•·▪●○◆■□]\s*(?=[\u4e00-\u9fffA-Za-z])")),
    ("en_article", re.compile(r"^(?:Article|Clause|Section|ARTICLE|CLAUSE|SECTION)\s+\d+(?:\.\d+)*[.:]?\s+")),
)
_TERMINAL = "。！？；!?;"
_OPEN = "（(“「『《【〔[‘"
_CLOSE = "）)”」』》】〕]’"
_PAIR = dict(zip(_CLOSE, _OPEN, strict=True))
_EN_ABBREV = re.compile(r"(?:\b(?:etc|e\.g|i\.e|No|Nos|Rs|Mr|Mrs|Ms|Dr|Co|Ltd|Inc|Art|Cl|Sec|vs|viz|St)|\b[A-Z])$")


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Paragraph:
    start: int  # first character after the clause number
    end: int
    marker: str | None  # the clause number as written, e.g. 第五条, （一）, 2.3.1
    level: str | None  # chapter, section, article, l1, l2, l3, paren_num, dotted, alpha, en_article
    line_start: int  # where the paragraph (with its marker) begins


@dataclass(frozen=True, slots=True)
class Note:
    """A responsible-unit note such as （市发展改革局、市财政局按职责分工分别负责）."""

    start: int
    end: int
    units: tuple[str, ...]  # lead first


def strip_marker(text: str) -> tuple[str | None, str | None, int]:
    """(level, marker, length) of a clause number at the start of ``text``."""
    stripped = text.lstrip()
    lead = len(text) - len(stripped)
    for level, pattern in MARKERS:
        m = pattern.match(stripped)
        if m and m.end() < len(stripped):
            return level, m.group(0).strip(), lead + m.end()
    return None, None, lead


def _lines(text: str) -> list[Span]:
    out, pos = [], 0
    for line in text.split("\n"):
        out.append(Span(pos, pos + len(line)))
        pos += len(line) + 1
    return out


def _layout_width(text: str, lines: list[Span]) -> int | None:
    """The fixed width of wrapped lines (PDF text), or None for one-paragraph-per-line text."""
    lengths = sorted(len(text[s.start : s.end].strip()) for s in lines if text[s.start : s.end].strip())
    if len(lengths) < 8:
        return None
    p90 = lengths[int(len(lengths) * 0.9) - 1]
    long_lines = sum(1 for n in lengths if n >= 0.8 * p90)
    if 28 <= p90 <= 110 and long_lines >= len(lengths) * 0.3:
        return p90
    return None


def _bracket_depth(s: str) -> int:
    depth = 0
    for ch in s:
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE and depth:
            depth -= 1
    return depth


def _group_lines(text: str) -> list[list[Span]]:
    """Lines grouped into paragraphs (an empty group marks a blank line)."""
    lines = _lines(text)
    width = _layout_width(text, lines)
    groups: list[list[Span]] = []
    for span in lines:
        line = text[span.start : span.end]
        if not line.strip():
            groups.append([])
            continue
        level, _, _ = strip_marker(line)
        if groups and groups[-1]:
            prev = text[groups[-1][-1].start : groups[-1][-1].end].rstrip()
            joined_prev = "".join(text[s.start : s.end] for s in groups[-1])
            continues = False
            stripped = line.strip()
            if (prev and prev[-1] in "，、,（(“") or _bracket_depth(joined_prev) > 0:
                continues = True
            elif _NOTE_HEAD.match(stripped) or TIME_FIELD.match(stripped):
                continues = False  # 责任单位：… / 完成时限：… on a line of its own, after a full line of text
            elif level is None and prev and prev[-1] not in _TERMINAL + "：:.":
                continues = width is not None and len(prev) >= 0.6 * width
            elif level is None and width is not None and len(prev) >= 0.8 * width and prev[-1] not in "：:":
                continues = True
            if continues:
                groups[-1].append(span)
                continue
        groups.append([span])
    return groups


def paragraphs(text: str) -> list[Paragraph]:
    """Join wrapped lines into paragraphs and read each paragraph's clause number."""
    groups = _group_lines(text)
    out: list[Paragraph] = []
    for group in groups:
        if not group:
            continue
        start, end = group[0].start, group[-1].end
        raw = text[start:end]
        level, marker, length = strip_marker(raw)
        body_start = start + length
        while end > body_start and text[end - 1].isspace():
            end -= 1
        if end > body_start:
            out.append(Paragraph(body_start, end, marker, level, start + (len(raw) - len(raw.lstrip()))))
    return out


def _cjk(ch: str) -> bool:
    return bool(ch) and "\u4e00" <= ch <= "\u9fff"


def _closes(stack: list[str], ch: str) -> bool:
    return bool(stack) and stack[-1] == _PAIR[ch]


def sentences(text: str, start: int, end: int, *, english: bool = False) -> list[Span]:
    """Sentences of ``text[start:end]``, not broken inside brackets or quotes."""
    out: list[Span] = []
    stack: list[str] = []
    opened_at = 0
    sent_start = start
    i = start
    while i < end:
        ch = text[i]
        if ch in _OPEN and not (ch == "[" and english):
            if not stack:
                opened_at = i
            stack.append(ch)
        elif ch in _CLOSE and _closes(stack, ch):
            stack.pop()
        if stack and i - opened_at > 160:
            stack.clear()  # an unbalanced bracket must not swallow the paragraph
        if not stack:
            boundary = ch in _TERMINAL
            if ch == "." and i + 1 <= end:
                nxt = text[i + 1] if i + 1 < end else " "
                prev = text[sent_start:i]
                if english or _latin_sentence(prev):  # an English sentence of a Chinese paragraph, too
                    after = text[i + 2] if i + 2 < end else ""
                    boundary = _cjk(nxt) or (
                        nxt.isspace()
                        and not _EN_ABBREV.search(prev)
                        and (not after or after.isupper() or after.isdigit() or after in '("“' or _cjk(after))
                    )
                else:
                    boundary = bool(prev) and not prev[-1].isdigit() and (nxt.isspace() or _cjk(nxt))
            if ch == ";" and not english:
                boundary = True
            if boundary:
                out.append(Span(sent_start, i + 1))
                sent_start = i + 1
        i += 1
    if sent_start < end:
        out.append(Span(sent_start, end))
    return [s for s in (_trim(text, s) for s in out) if s.end > s.start]


_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def _latin_sentence(prev: str) -> bool:
    """Whether the sentence read so far is written in English: no CJK character, some English words."""
    return not any(_cjk(ch) for ch in prev) and len(_LATIN_WORD.findall(prev)) >= 2


def _trim(text: str, span: Span) -> Span:
    start, end = span.start, span.end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end)


def chunks(text: str, start: int, end: int, *, english: bool = False) -> list[Span]:
    """Comma-separated pieces of a sentence (brackets and quotes kept whole)."""
    out: list[Span] = []
    stack: list[str] = []
    chunk_start = start
    for i in range(start, end):
        ch = text[i]
        if ch in _OPEN:
            stack.append(ch)
        elif ch in _CLOSE and _closes(stack, ch):
            stack.pop()
        elif not stack and (ch in "，" or (ch == "," and (english or i + 1 >= end or not text[i + 1].isdigit()))):
            out.append(Span(chunk_start, i + 1))
            chunk_start = i + 1
    if chunk_start < end:
        out.append(Span(chunk_start, end))
    return [s for s in (_trim(text, s) for s in out) if s.end > s.start]


#: the labels a responsible-unit note opens with (those starting 牵头/主办 name the lead)
NOTE_HEADS = (
    "牵头单位|责任单位|配合单位|参与单位|主办单位|协办单位|责任部门|牵头部门|配合部门|责任主体|主责单位|实施单位|"
    "牵头处室|责任处室|配合处室|协同单位|协作单位|协助单位|支持单位"
)
_NOTE_HEAD = re.compile(rf"(?:{NOTE_HEADS})\s*[:：]")
#: the time field of a note (责任单位：X，时间：2019年底): the task's deadline, not a unit
TIME_FIELD = re.compile(
    r"(?:完成时限|完成时间|完成期限|时间节点|时限要求|时间要求|时间安排|进度安排|时限|时间)\s*[:：]"
)
_NOTE_TAIL = re.compile(
    r"(?:按职责分工分别负责|按职责分工负责|按职责负责|分别负责|共同负责|牵头负责|负责落实|牵头|负责|配合|参与)\s*$"
)
_ORG = re.compile(r"局|委|办|厅|政府|部门|单位|中心|院|行|公司|街道|镇|乡|区|县|市|省|机关|机构|小组|会|所|队|站|部")
_NOTE_ROLE = re.compile(
    r"(?:牵头负责|牵头|按职责分工分别负责|按职责分工负责|按职责负责|分别负责|共同负责|负责落实|负责|配合|参与|协助)\s*$"
)
_UNIT_JUNK = re.compile(r"(?:及其他有关部门|及其他相关部门|等有关部门|等相关部门|等部门|等单位|及有关部门|等)$")
_SPLIT_UNITS = re.compile(r"[、，,；;]")


def _split_top(s: str) -> list[str]:
    parts, depth, cur = [], 0, ""
    for ch in s:
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE and depth:
            depth -= 1
        if depth == 0 and _SPLIT_UNITS.match(ch):
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    return [p.strip() for p in parts if p.strip()]


#: an English plan's note: (Lead unit: X; cooperating units: Y, Z), (Responsible units: X and Y)
_EN_NOTE_PART = re.compile(
    r"^\s*(?P<role>lead(?:ing)?|responsible|cooperating|co-operating|participating|supporting)\s+"
    r"(?:units?|departments?|bod(?:y|ies)|agenc(?:y|ies)|organi[sz]ations?)\s*[:：]\s*(?P<units>.+?)\s*$",
    re.I,
)


def _parse_english_note(content: str) -> tuple[str, ...] | None:
    """Units of an English responsible-unit note, lead units first; None if ``content`` is not one."""
    leads: list[str] = []
    others: list[str] = []
    for part in re.split(r"[;；]", content):
        if not part.strip():
            continue
        m = _EN_NOTE_PART.match(part)
        if m is None:
            return None
        units = [u.strip(" .") for u in re.split(r",\s*(?:and\s+)?|、", m["units"]) if u.strip(" .")]
        (leads if m["role"].lower().startswith(("lead", "responsible")) else others).extend(units)
    units_all = tuple(dict.fromkeys(leads + others))
    return units_all or None


def parse_note(content: str) -> tuple[str, ...] | None:
    """Units of a responsible-unit note, lead first; None if ``content`` is not such a note."""
    if not re.search(r"[\u4e00-\u9fff]", content) and _EN_NOTE_PART.match(re.split(r"[;；]", content)[0]):
        return _parse_english_note(content)
    content = re.sub(r"(?<=[^A-Za-z])\s+|\s+(?=[^A-Za-z])", "", content.strip()).rstrip("。；;")
    content = re.sub(rf"。(?=(?:{NOTE_HEADS}|{TIME_FIELD.pattern}))", "；", content)  # 责任单位：X。时限：Y
    if "。" in content or len(content) > 240:
        return None
    if _NOTE_HEAD.search(content):
        lead: list[str] = []
        rest: list[str] = []
        for part in re.split(rf"[；;]|(?=(?:{NOTE_HEADS}|{TIME_FIELD.pattern}))", content):
            m = _NOTE_HEAD.search(part)
            if not m or TIME_FIELD.match(part):
                continue
            # 责任单位：A、B，C按职责分工分别负责: the role words close the list, they are no unit's name
            units = [_clean_unit(_NOTE_ROLE.sub("", u)) for u in _split_top(part[m.end() :])]
            if part[m.start() : m.start() + 2] in ("牵头", "主办") and not lead:
                lead.extend(u for u in units if u)
            else:
                rest.extend(u for u in units if u)
        units_all = tuple(dict.fromkeys(lead + rest))
        return units_all or None
    if not _NOTE_TAIL.search(content):
        return None
    # 市发展改革委牵头，市财政局、市商务局配合 / A、B，C按职责分工分别负责: each group of units
    # takes the role word that closes it; the units marked 牵头 lead
    leads: list[str] = []
    others: list[str] = []
    pending: list[str] = []
    for part in re.split(r"[，,；;](?![^（(]*[）)])", content):
        role = _NOTE_ROLE.search(part)
        body = part[: role.start()] if role else part
        pending.extend(u for u in (_clean_unit(x) for x in _split_top(body)) if u)
        if role:
            (leads if role.group(0).startswith("牵头") else others).extend(pending)
            pending = []
    units = leads + others + pending
    if not units or any(len(u) > 40 or u.startswith("由") for u in units):
        return None
    if sum(1 for u in units if _ORG.search(u)) * 2 < len(units):
        return None  # not a list of organisations
    return tuple(dict.fromkeys(units))


def _clean_unit(unit: str) -> str:
    unit = re.sub(r"\s+", "", unit)
    unit = _UNIT_JUNK.sub("", unit)
    return unit.strip()


def _open_note_end(text: str, i: int, end: int) -> int:
    """Where a note written without brackets (责任单位：X，时间：2019年底。) that starts at ``i`` ends: at the full
    stop after it, or after the further fields (完成时限：…。) that follow that stop."""
    j = i
    while True:
        stop = text.find("。", j, end)
        if stop < 0:
            return end
        after = stop + 1
        while after < end and text[after].isspace():
            after += 1
        if not (_NOTE_HEAD.match(text, after) or TIME_FIELD.match(text, after)):
            return stop + 1
        j = after


def find_notes(text: str, start: int, end: int) -> list[Note]:
    """Responsible-unit notes in ``text[start:end]``: bracketed groups at depth 0 naming units, and notes
    written as a sentence of their own after the task (…办结。责任单位：市自然资源局，时间：2019年底。)."""
    out: list[Note] = []
    i = start
    while i < end:
        ch = text[i]
        if i > start and text[i - 1] in "。；;" and _NOTE_HEAD.match(text, i):
            j = _open_note_end(text, i, end)
            units = parse_note(text[i:j])
            if units:
                out.append(Note(i, j, units))
                i = j
                continue
        if ch in "（(〔[【":
            depth, j = 0, i
            while j < end:
                if text[j] in _OPEN:
                    depth += 1
                elif text[j] in _CLOSE:
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            if j < end:
                units = parse_note(text[i + 1 : j])
                if units:
                    out.append(Note(i, j + 1, units))
                i = j + 1
                continue
        i += 1
    return out


_IDEO = r"[\u4e00-\u9fff0-9０-９]"
_INNER_SPACE = re.compile(
    rf"(?<={_IDEO})[ \u00a0](?={_IDEO})"  # one space: a layout artefact; tabs and wider gaps separate cells
    r"|(?<=[\u4e00-\u9fff])[ \t\u3000\u00a0]*\n[ \t\u3000\u00a0]*(?=[\u4e00-\u9fff])"
)


def squash_spaces(text: str) -> str:
    """Remove spaces (not line breaks) between CJK characters and digits: 安阳市人民政 府 → 安阳市人民政府."""
    return re.sub(rf"(?<={_IDEO})[ \t\u3000\u00a0]+(?={_IDEO})", "", text)


def squash(text: str) -> tuple[str, list[int]]:
    """The text without line-wrap artefacts, and for each of its characters the original offset.

    Line breaks inside a paragraph (wrapped PDF lines) go — replaced by a space between Latin letters —
    and so do spaces between CJK characters and digits.
    """
    drops: list[tuple[int, int, str]] = []
    for group in _group_lines(text):
        for prev, nxt in itertools.pairwise(group):
            a, b = prev.end, nxt.start
            while a > prev.start and text[a - 1] in " \t\u3000":
                a -= 1
            while b < nxt.end and text[b] in " \t\u3000":
                b += 1
            left, right = text[a - 1 : a], text[b : b + 1]
            latin = bool(re.match(r"[A-Za-z0-9,.;:)]", left) and re.match(r"[A-Za-z0-9(]", right))
            drops.append((a, b, " " if latin else ""))
    for m in _INNER_SPACE.finditer(text):
        if "\n" not in m.group(0):
            drops.append((m.start(), m.end(), ""))
    drops.sort()
    out: list[str] = []
    index: list[int] = []
    pos = 0
    for a, b, repl in drops:
        if a < pos:
            continue
        out.append(text[pos:a])
        index.extend(range(pos, a))
        if repl:
            out.append(repl)
            index.append(a)
        pos = b
    out.append(text[pos:])
    index.extend(range(pos, len(text)))
    return "".join(out), index
