"""Structure cleanup for the NLP stage: pure functions over strings.

* ``strip_running_lines`` removes page numbers (``- 3 -``, ``第 3 页 共 10 页``, ``Page 3 of 10``) and
  running headers/footers (a line repeated at the top or bottom of most pages).
* ``join_wrapped_lines`` undoes line-wrap artefacts: a line broken between two CJK characters is joined
  without a space, wrapped English with one; paragraph breaks (a line ending in 。；：!? or a short line,
  or a next line that starts with a clause number such as 第X条, 一、, （一）, 1., 1.1) are kept, and so is
  a CJK line break where the next line's first character (with the punctuation that travels with it) would
  have fitted on the line before (a title, form fields, a signature line), and the rows of a table drawn in
  box characters. A clause number that follows a full line cut in mid-sentence is a reference
  (依照本法第七十一条、/第七十八条的规定), and a bracket still open at the end of a full line carries on.
* ``to_halfwidth`` maps only full-width digits and ASCII letters to half width. It deliberately is not
  NFKC, which would also turn （，；％￥ into ASCII.
* ``repair_pdfium_spacing`` removes the spaces pdfium puts between CJK characters and digits.
* ``unreadable`` tells a text layer that is not text (glyph ids read as characters, a scrambled ToUnicode
  map) from text, by the characters it is made of and by the length of its words.
"""

from __future__ import annotations

import bisect
import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

_FULLWIDTH_DIGITS_AND_LETTERS = (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))
_HALFWIDTH = {cp: cp - 0xFEE0 for cp in _FULLWIDTH_DIGITS_AND_LETTERS}

_PAGE_NUMBER = re.compile(
    r"""^(?:
        [-—–－~·•\s]*\d{1,4}[-—–－~·•\s]*                        # 3, - 3 -, — 3 —
      | 第\s*\d{1,4}\s*页(?:\s*[,，/／]?\s*共\s*\d{1,4}\s*页)?   # 第 3 页, 第 3 页 共 10 页
      | 共\s*\d{1,4}\s*页\s*第\s*\d{1,4}\s*页
      | (?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?         # Page 3, Page 3 of 10
      | \d{1,4}\s*/\s*\d{1,4}                                    # 3/10
    )$""",
    re.X | re.I,
)

# A line that starts a new paragraph: 第X条/章/节, 一、, （一）, (1), 1., 1、, 1.1, ①, 附件, Article 3.
_CLAUSE_START = re.compile(
    r"""^\s*(?:
        第[一二三四五六七八九十百千零〇\d]+[条章节款项部分编]
      | [一二三四五六七八九十百零〇]+[、.．]
      | [（(][一二三四五六七八九十百零〇\d]+[）)]
      | \d{1,3}(?:[.．]\d{1,3})*[.．、](?!\d)
      | \d{1,3}(?:[.．]\d{1,3})+\s
      | [①-⑳⑴-⒇⒈-⒛]
      | [•·●○■□◆◇▪\-–—*]\s
      | 附件|附表|抄送|印发
      | [\u2500-\u257f]                                      # a row of a table drawn in box characters
      | (?:article|section|clause|schedule|annex)\s+\d
    )""",
    re.X | re.I,
)
_BOX_CHARACTERS = tuple(chr(c) for c in range(0x2500, 0x2580))
_PARAGRAPH_END = (*"。；：！？;:!?", *_BOX_CHARACTERS)  # a box character ends a row of a drawn table
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")
# Characters that cannot end a line (openers) or begin one (closers) in CJK layout: they travel with the
# character they belong to, so the first thing that could have moved up to the line before is opener +
# character + closers.
_OPENERS = "（《〈「『【〔“‘([{"
_CLOSERS = "）》〉」』】〕”’，。、；：！？)]},.;:!?%％‰…—·"
# Clause starts that are as often a reference inside a sentence: 第七十一条的规定, 第三款、, 印发重庆市…的通知
# (a clause number followed by 的、，和或至及中所之第规 or a bracket; 印发/附件/附表/抄送 followed by a word, not
# a colon or a number). After a full line that stops in mid-sentence (on a character or 、，) they were wrapped.
_REFERENCE_START = re.compile(
    r"^\s*(?:第[一二三四五六七八九十百千零〇\d]+[条章节款项部分编](?=[的、，,和或至及中所之第规（(）)]|$)"
    r"|(?:附件|附表|抄送|印发)(?=[\u4e00-\u9fff]))"
)
_MID_SENTENCE_END = re.compile(r"[\u4e00-\u9fff、，]$")  # a CJK line cut in mid-sentence
# The title of an official document (GB/T 9704: issuer + 关于 + subject + 的 + kind) ends its line and its
# paragraph; quoted in a sentence it would stand in 《》, still open where the line ends.
_DOCUMENT_TITLE_END = re.compile(
    r"关于.+的(?:通知|通报|决定|意见|方案|办法|规定|批复|报告|请示|函|公告|通告|细则|规划|计划|要点|决议)$"
)
_AUTOSPACE = 0.4
_FITS_SLACK = 4  # display units (two CJK characters) for an indent or glyphs wider than counted
_SPACE_NEAR_CJK = re.compile(
    r"(?<=[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f\u2018-\u201f]) +"
    r"|(?<=[0-9A-Za-z%.]) +(?=[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f\u2018-\u201f])"
)


@dataclass(frozen=True, slots=True)
class Block:
    """Lines of one page region. Table rows are not ``joinable``: each stays its own line."""

    lines: tuple[str, ...]
    joinable: bool = True


def to_halfwidth(text: str) -> str:
    return text.translate(_HALFWIDTH)


def repair_pdfium_spacing(text: str, generated: Callable[[int], bool] | None = None) -> str:
    """pdfium writes ``2018 年 10 月`` where pdfplumber writes ``2018年10月``: pdfium *generates* a space
    where glyphs stand apart. A space next to a CJK character goes when ``generated(index)`` says pdfium
    made it up (every such space when ``generated`` is None); spaces in the content stream stay.

    A hyphen that ended a layout line comes as U+FFFE with the line break dropped (``X-X\ufffe人-民``): it
    becomes the hyphen and the line break again, and ``glue`` decides whether it split an English word."""
    chars = list(text)
    for match in _SPACE_NEAR_CJK.finditer(text):
        for index in range(match.start(), match.end()):
            if generated is None or generated(index):
                chars[index] = ""
    text = "".join(chars).replace("\r\n", "\n").replace("\r", "\n").replace("\x02", "")
    text = text.replace("\ufffe", "-\n")
    return "\n".join(line.rstrip() for line in text.split("\n"))


_OCR_PUNCTUATION = {"(": "（", ")": "）", ",": "，", ";": "；", ":": "：", "[": "〔", "]": "〕", "?": "？", "!": "！"}
_ASCII_PUNCT_NEAR_CJK = re.compile(
    r"(?<=[\u2e80-\u9fff\uff00-\uffef\u3000-\u303f])[(),;:\[\]?!]|[(\[](?=[\u2e80-\u9fff])"
    r"|[)\]](?=[\u2e80-\u9fff\uff00-\uffef\u3000-\u303f]|$)"
)


def ocr_punctuation(text: str) -> str:
    """OCR reads Chinese full-width punctuation as ASCII (``部门)``, ``[2021]``); next to CJK it is
    turned back into full width (（），；：〔〕？！). Only for OCR'd text: a text layer is trusted as is."""
    out = []
    for line in text.split("\n"):
        line = _ASCII_PUNCT_NEAR_CJK.sub(lambda m: _OCR_PUNCTUATION[m.group(0)], line)
        line = re.sub(r"〔([^\[\]〔〕]*)\]", r"〔\1〕", line)  # close what was opened in full width
        line = re.sub(r"（([^()（）]*)\)", r"（\1）", line)
        out.append(line)
    return "\n".join(out)


def is_page_number(line: str) -> bool:
    return bool(_PAGE_NUMBER.match(to_halfwidth(line.strip())))


def _shape(line: str) -> str:
    """A line with its numbers blanked, so ``第 3 页`` and ``第 4 页`` are the same running line."""
    return re.sub(r"\d+", "#", to_halfwidth(line).replace(" ", "").replace("\u3000", ""))


def _may_run(line: str) -> bool:
    """Running headers and footers are short and are not sentences."""
    line = line.strip()
    return len(line) <= 40 and not line.endswith(("。", "；", ";"))


_EDGE = 2  # how many lines at the top and at the bottom of a page can be running lines


def strip_running_lines(pages: Sequence[Sequence[Block]]) -> list[list[Block]]:
    """Drop page numbers and repeated headers/footers found in the first or last lines of each page."""
    edges: list[list[tuple[int, int]]] = []  # per page: (block index, line index) of its edge lines
    for blocks in pages:
        where = [
            (b, i)
            for b, block in enumerate(blocks)
            if block.joinable
            for i, line in enumerate(block.lines)
            if line.strip()
        ]
        edges.append(where[:_EDGE] + [w for w in where[-_EDGE:] if w not in where[:_EDGE]])
    counts: Counter[str] = Counter()
    for blocks, where in zip(pages, edges, strict=True):
        counts.update({_shape(blocks[b].lines[i]) for b, i in where if _may_run(blocks[b].lines[i])})
    enough = max(3, (len(pages) * 3 + 4) // 5)  # on at least 60 % of the pages, and at least 3 of them
    repeated = {shape for shape, n in counts.items() if n >= enough and len(pages) >= 3}
    out: list[list[Block]] = []
    for blocks, where in zip(pages, edges, strict=True):
        drop = {
            (b, i) for b, i in where if is_page_number(blocks[b].lines[i]) or _shape(blocks[b].lines[i]) in repeated
        }
        out.append(
            [
                Block(tuple(line for i, line in enumerate(block.lines) if (b, i) not in drop), block.joinable)
                for b, block in enumerate(blocks)
            ]
        )
    return out


def _width(line: str) -> float:
    """Display width: CJK counts 2, and so do the signs a CJK font draws full width (“”…—×①, box characters:
    East Asian width ambiguous) in a line that has CJK in it; everything else 1. Word processors put a
    fifth of an em between CJK and Latin letters or digits (``起50年``): 0.4 for each such seam."""
    if not _CJK.search(line):
        return len(line)
    width = sum(2 if _CJK.match(ch) or unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in line)
    seams = sum(bool(_CJK.match(a)) != bool(_CJK.match(b)) for a, b in itertools.pairwise(line) if (a + b).isalnum())
    return width + _AUTOSPACE * seams


def _head(line: str) -> str:
    """The start of a line that a CJK layout could have put at the end of the line before: opening
    brackets, then one CJK character or one run of Latin letters and digits, then closing punctuation."""
    i = 0
    while i < len(line) and line[i] in _OPENERS:
        i += 1
    if i < len(line) and _CJK.match(line[i]):
        i += 1
    else:
        while i < len(line) and not (line[i].isspace() or _CJK.match(line[i]) or line[i] in _OPENERS + _CLOSERS):
            i += 1
    while i < len(line) and line[i] in _CLOSERS:
        i += 1
    return line[:i]


def _still_open(line: str) -> bool:
    """Whether a round bracket opened on ``line`` is not closed by its end (…监管。（牵头单位：)."""
    depth = 0
    for ch in line:
        if ch in "（(":
            depth += 1
        elif ch in "）)" and depth:
            depth -= 1
    return depth > 0


def would_have_fit(raw_previous: str, line: str, full_width: float) -> bool:
    """Whether the first unbreakable piece of ``line`` had room at the end of the CJK line ``raw_previous``:
    then the layout did not wrap there, the line break is the author's (a title, a form field, a signature
    line). Only for CJK lines, whose characters are of known width; with room for an indent to spare."""
    if not _CJK.search(raw_previous):
        return False
    return _width(raw_previous + _head(line)) + _FITS_SLACK <= full_width


def continues(raw_previous: str, paragraph: str, line: str, full_width: float) -> bool:
    """Whether ``line`` continues ``paragraph``, whose last layout line was ``raw_previous``."""
    if _width(raw_previous) < 0.8 * full_width or would_have_fit(raw_previous, line, full_width):
        return False
    if _DOCUMENT_TITLE_END.search(paragraph) and paragraph.count("《") <= paragraph.count("》"):
        return False
    if paragraph.endswith(_PARAGRAPH_END):  # unless a bracket opened on the full line before is still open
        return _still_open(raw_previous) and not paragraph.endswith(_BOX_CHARACTERS)
    if _CLAUSE_START.match(line):
        return bool(
            _CJK.search(raw_previous) and _MID_SENTENCE_END.search(raw_previous) and _REFERENCE_START.match(line)
        )
    return True


def glue(paragraph: str, line: str) -> str:
    """Join a wrapped line to its paragraph: no space at a CJK edge, a hyphenated word mended, else one."""
    if _CJK.match(paragraph[-1]) or _CJK.match(line[0]):
        return paragraph + line
    if paragraph.endswith("-") and len(paragraph) > 1 and paragraph[-2].isalpha() and line[0].islower():
        return paragraph[:-1] + line
    return paragraph + " " + line


def join_wrapped_lines(lines: Sequence[str], full_width: float | None = None) -> list[str]:
    """Join lines that a layout wrapped; keep real paragraph breaks.

    ``full_width`` is the display width of a full line (CJK counts 2); by default the widest line's.
    A line shorter than 80 % of it ends a paragraph (a title, a signature, the last line of a paragraph).
    """
    lines = [line.strip() for line in lines]
    lines = [line for line in lines if line]
    if not lines:
        return []
    full = full_width or max(_width(line) for line in lines)
    out = [lines[0]]
    for raw_previous, line in itertools.pairwise(lines):
        if continues(raw_previous, out[-1], line, full):
            out[-1] = glue(out[-1], line)
        else:
            out.append(line)
    return out


def page_paragraphs(blocks: Sequence[Block], full_width: float | None = None) -> list[str]:
    """One page's paragraphs: wrapped lines joined within text blocks, table rows kept as lines."""
    out: list[str] = []
    for block in blocks:
        if block.joinable:
            out.extend(join_wrapped_lines(block.lines, full_width))
        else:
            out.extend(line.strip() for line in block.lines if line.strip())
    return out


def _edge_line(blocks: Sequence[Block], last: bool) -> str | None:
    """The last (or first) line of a page if it is running text, None if a table row stands there."""
    filled = [b for b in blocks if any(line.strip() for line in b.lines)]
    if not filled:
        return None
    block = filled[-1] if last else filled[0]
    if not block.joinable:
        return None
    lines = [line.strip() for line in block.lines if line.strip()]
    return lines[-1] if last else lines[0]


def join_across_pages(pages: Sequence[Sequence[Block]], paragraphs: list[list[str]], full_width: float | None) -> None:
    """Move the rest of a paragraph that a page break cut back to the page where it began, so that a
    sentence is never split by a page break (its page is the one it starts on). ``paragraphs`` is
    changed in place."""
    if full_width is None:
        return
    for index in range(1, len(pages)):
        last = _edge_line(pages[index - 1], last=True)
        first = _edge_line(pages[index], last=False)
        before, after = paragraphs[index - 1], paragraphs[index]
        if last is None or first is None or not before or not after:
            continue
        if continues(last, before[-1], first, full_width):
            before[-1] = glue(before[-1], after.pop(0))


def typical_width(pages: Sequence[Sequence[Block]]) -> float | None:
    """The display width of a full line across the document: the 90th percentile of text line widths."""
    widths = sorted(
        _width(line.strip())
        for blocks in pages
        for block in blocks
        if block.joinable
        for line in block.lines
        if line.strip()
    )
    if len(widths) < 5:
        return None
    return widths[int(len(widths) * 0.9)]


# Characters a Chinese or English agreement is written in: ASCII, Latin-1 signs, general punctuation,
# currency, letterlike and number forms, arrows, maths, enclosed numbers (①), box drawing and shapes, CJK
# radicals, symbols and punctuation, kana, bopomofo, enclosed CJK, ideographs, full-width forms.
_READABLE_RANGES = (
    (0x21, 0x7E),
    (0xA1, 0xBF),
    (0xD7, 0xD7),
    (0xF7, 0xF7),
    (0x2010, 0x2BFF),
    (0x2E80, 0x2FDF),
    (0x3000, 0x9FFF),
    (0xF900, 0xFAFF),
    (0xFE10, 0xFE6F),
    (0xFF01, 0xFFEF),
    (0x20000, 0x3FFFF),
)
_READABLE_STARTS = [low for low, _ in _READABLE_RANGES]
UNREADABLE_SHARE = 0.25  # of the visible characters, past which a text layer is not text
_LONGEST_MEAN_WORD = 20  # Latin letters a word, on average, past which the spaces are missing (glyph ids)


def _readable(ch: str) -> bool:
    point = ord(ch)
    index = bisect.bisect_right(_READABLE_STARTS, point) - 1
    return index >= 0 and point <= _READABLE_RANGES[index][1]


def unreadable(text: str) -> bool:
    """Whether a PDF's text layer is not text. A font without a Unicode map gives glyph ids, which come
    out as control and private-use characters, shifted letters without spaces (``3DUW\\$VKDOO`` for
    ``Party A shall``) or letters of scripts an agreement is not written in; a scrambled ToUnicode map
    gives such letters too, or mojibake (``ÏîÄ¿Í¶×Ê``). Decided by the share of such characters among the
    visible ones, and for Latin text by its mean word length."""
    visible = [ch for ch in text if not ch.isspace()]
    if not visible:
        return False
    if sum(not _readable(ch) for ch in visible) > UNREADABLE_SHARE * len(visible):
        return True
    letters = sum(ch.isascii() and ch.isalpha() for ch in visible)
    words = text.split()
    return letters >= 30 and letters > 0.6 * len(visible) and letters / len(words) > _LONGEST_MEAN_WORD
