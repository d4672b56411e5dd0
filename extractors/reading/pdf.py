"""PDF pages → raw pages. Runs inside the sandboxed child (``extractors.reading.child``).

A hybrid of two engines over the same bytes:

* pypdfium2 opens the file (robust, fast), counts the pages before any page is parsed, detects
  encryption, and extracts plain text pages (~20× faster than pdfminer; its spaces between CJK and digits
  are repaired in ``textclean``);
* pdfplumber stays the layout and table engine: a page with ruling lines (vector paths) is read by
  pdfplumber, its tables become rows of cells and appear in the page text row by row;
* a page with no text layer that is not blank (a scan, a form, outlined text) is rendered and OCR'd, and so
  is a page whose text layer is not text (``textclean.unreadable``: fonts without a Unicode map, a
  scrambled map, Type3 bitmap fonts); when OCR is off or finds nothing, the page is marked ``unreadable``.

Each pdfplumber page is closed after use so that a long document streams in bounded memory.
"""

from __future__ import annotations

import contextlib
import functools
import io
import re
import signal
import threading
from collections.abc import Callable, Iterator
from typing import Any

from extractors.errors import CorruptDocument, EmptyDocument, EncryptedDocument, LimitExceeded
from extractors.reading.raw import RawPage, Table
from extractors.reading.textclean import Block, repair_pdfium_spacing, unreadable

PDFMINER_PAGE_SECONDS = 10.0  # pdfminer is pure Python: past this, a page is read by pdfium instead
MIN_PATHS_FOR_LAYOUT = 3  # vector paths on a page before it is worth pdfplumber's table finder
OCR_DPI = 200
MAX_RENDER_PIXELS = 4200  # longest side of a rendered page, whatever its media box claims

_CJK_EDGE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")


def read_pdf(data: bytes, max_pages: int, ocr: bool, on_total: Callable[[int], None]) -> Iterator[RawPage]:
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if exc.err_code == pdfium_c.FPDF_ERR_PASSWORD:
            raise EncryptedDocument("文件有密码保护，请上传未加密的版本 (the PDF is password protected)") from exc
        if exc.err_code == pdfium_c.FPDF_ERR_SECURITY:
            raise EncryptedDocument("文件使用了不支持的加密方式 (the PDF uses an unsupported encryption)") from exc
        raise CorruptDocument("PDF 文件已损坏或不完整，无法打开 (the PDF is damaged or truncated)") from exc
    with contextlib.suppress(Exception):
        document.init_forms()  # before any page is loaded, so that form fields render and can be read
    try:
        total = len(document)
        if total > max_pages:
            raise LimitExceeded(f"文件有 {total} 页，超过 {max_pages} 页上限 (too many pages: {total} > {max_pages})")
        if total == 0:
            raise EmptyDocument("PDF 中没有任何页面 (the PDF has no pages)")
        on_total(total)
        plumber = _Plumber(data)
        try:
            for index in range(total):
                yield _read_page(document, plumber, index, ocr)
        finally:
            plumber.close()
    finally:
        document.close()


class _TooSlow(BaseException):
    """Raised by the alarm inside pdfminer; a BaseException so that pdfminer's own handlers let it pass."""


@contextlib.contextmanager
def _time_budget(seconds: float) -> Iterator[None]:
    """Interrupt pure-Python parsing (pdfminer) that spins on a reference loop. Main thread only."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise _TooSlow

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class _Plumber:
    """pdfplumber, opened only when a page needs it; None when pdfminer cannot parse the file."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._pdf: Any = None
        self._failed = False

    def page(self, index: int) -> Any:
        if self._pdf is None and not self._failed:
            import pdfplumber

            try:
                with _time_budget(PDFMINER_PAGE_SECONDS):
                    self._pdf = pdfplumber.open(io.BytesIO(self._data))
                    self._pages = self._pdf.pages
            except MemoryError:
                raise
            except (Exception, _TooSlow):
                self._pdf = None
                self._failed = True
        if self._pdf is None or index >= len(self._pages):
            return None
        page = self._pages[index]
        if page.rotation:  # laid out turned, the lines come out in the wrong order: lay it out unturned
            from pdfplumber.page import Page

            page.page_obj.attrs["Rotate"] = 0
            page.page_obj.rotate = 0
            page = Page(self._pdf, page.page_obj, page.page_number, page.initial_doctop)
        return page

    def give_up(self) -> None:
        """pdfminer spun past its budget on this file: the remaining pages go to pdfium."""
        self.close()
        self._pdf = None
        self._failed = True

    def close(self) -> None:
        if self._pdf is not None:
            self._pdf.close()


def _read_page(document: Any, plumber: _Plumber, index: int, ocr: bool) -> RawPage:
    import pypdfium2.raw as pdfium_c

    number = index + 1
    try:
        page = document[index]
    except Exception as exc:
        raise CorruptDocument(f"PDF 第 {number} 页已损坏 (page {number} of the PDF is damaged)") from exc
    rotation = page.get_rotation()
    if rotation:  # pdfium orders a turned page's lines as they stand turned: read them unturned
        page.set_rotation(0)
    textpage = page.get_textpage()
    if rotation:
        page.set_rotation(rotation)  # OCR renders the page as it is shown
    try:
        paths = images = texts = silent = 0
        for obj in page.get_objects(max_depth=2):
            if obj.type == pdfium_c.FPDF_PAGEOBJ_PATH:
                paths += 1
            elif obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE:
                images += 1
            elif obj.type == pdfium_c.FPDF_PAGEOBJ_TEXT:
                texts += 1
                silent += not _text_object_text(obj, textpage)
        if paths >= MIN_PATHS_FOR_LAYOUT:
            laid_out = _plumber_page(plumber, index)
            if laid_out is not None:
                return RawPage(number, laid_out[0], tables=laid_out[1])
        text = _pdfium_text(textpage)
        layer_unreadable = unreadable(text)  # glyph ids or a scrambled map: OCR the page or say so
        if layer_unreadable:
            text = ""
        if text.strip() and not silent:
            return RawPage(number, (Block(tuple(text.split("\n"))),))
        if texts:  # pdfium dropped text (a text object it has no text for: a lone CJK glyph): ask pdfminer
            laid_out = _plumber_page(plumber, index)
            if laid_out is not None:
                return RawPage(number, laid_out[0], tables=laid_out[1])
            if text.strip():
                return RawPage(number, (Block(tuple(text.split("\n"))),))
        fields = _form_field_lines(document, page)
        if fields:
            return RawPage(number, (Block(tuple(fields), joinable=False),))
        annotations = pdfium_c.FPDFPage_GetAnnotCount(page.raw)
        if ocr and (paths or images or texts or annotations > 0):
            lines = _ocr_page(document, page)
            return RawPage(number, (Block(tuple(lines)),), ocr=True, unreadable=layer_unreadable and not lines)
        return RawPage(number, (), unreadable=layer_unreadable)
    finally:
        textpage.close()
        page.close()


def _text_object_text(obj: Any, textpage: Any) -> str:
    import pypdfium2.raw as pdfium_c

    return _utf16(functools.partial(pdfium_c.FPDFTextObj_GetText, obj.raw, textpage.raw))


def _utf16(call: Callable[[Any, int], int]) -> str:
    """A pdfium string getter's answer: called once for the size, once to fill a UTF-16LE buffer."""
    import ctypes

    size = call(None, 0)
    if size <= 2:
        return ""
    buffer = ctypes.create_string_buffer(size)
    call(ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)), size)
    return buffer.raw[: size - 2].decode("utf-16-le", errors="ignore")


def _form_field_lines(document: Any, page: Any) -> list[str]:
    """The values of a page's form fields and the text of its text boxes and notes, top to bottom: the text
    of a form-only or annotation-only page."""
    import pypdfium2.raw as pdfium_c

    formenv = getattr(document, "formenv", None)
    found: list[tuple[float, float, str]] = []
    for index in range(max(0, min(pdfium_c.FPDFPage_GetAnnotCount(page.raw), 10_000))):
        annot = pdfium_c.FPDFPage_GetAnnot(page.raw, index)
        if not annot:
            continue
        try:
            subtype = pdfium_c.FPDFAnnot_GetSubtype(annot)
            if subtype == pdfium_c.FPDF_ANNOT_WIDGET and formenv is not None:
                value = _utf16(functools.partial(pdfium_c.FPDFAnnot_GetFormFieldValue, formenv.raw, annot))
            elif subtype in (pdfium_c.FPDF_ANNOT_FREETEXT, pdfium_c.FPDF_ANNOT_TEXT):  # a text box, a note
                value = _utf16(functools.partial(pdfium_c.FPDFAnnot_GetStringValue, annot, b"Contents"))
            else:
                continue
            rect = pdfium_c.FS_RECTF()
            pdfium_c.FPDFAnnot_GetRect(annot, rect)
            if value.strip():
                found.append((-rect.top, rect.left, value.strip()))
        finally:
            pdfium_c.FPDFPage_CloseAnnot(annot)
    return [value for _, _, value in sorted(found)]


def _pdfium_text(textpage: Any) -> str:
    import pypdfium2.raw as pdfium_c

    text = textpage.get_text_range()
    if len(text) != pdfium_c.FPDFText_CountChars(textpage.raw):  # characters beyond the BMP shift indices
        return repair_pdfium_spacing(text)
    return repair_pdfium_spacing(text, lambda index: bool(pdfium_c.FPDFText_IsGenerated(textpage.raw, index) == 1))


def _ocr_page(document: Any, page: Any) -> list[str]:
    from extractors.reading.ocr import recognise_lines

    width, height = page.get_size()
    scale = min(OCR_DPI / 72, MAX_RENDER_PIXELS / max(width, height, 1))
    bitmap = page.render(scale=scale, may_draw_forms=True)
    try:
        image = bitmap.to_numpy()
        if image.ndim == 3 and image.shape[2] == 4:
            image = image[:, :, :3]
        if bitmap.mode in ("BGR", "BGRA", "BGRX"):
            image = image[:, :, ::-1]
        return recognise_lines(image.copy())
    finally:
        bitmap.close()


def _plumber_page(
    plumber: _Plumber, index: int, budget: float = PDFMINER_PAGE_SECONDS
) -> tuple[tuple[Block, ...], tuple[Table, ...]] | None:
    """A page laid out by pdfplumber, or None when pdfminer cannot (in ``budget`` seconds)."""
    page = plumber.page(index)
    if page is None:
        return None
    try:
        with _time_budget(budget):
            blocks, tables = _layout(page)
        text = "".join(line for block in blocks for line in block.lines)
        if not text.strip() or text.count("(cid:") * 6 > len(text) / 2 or unreadable(text):
            return None  # nothing, or glyph ids without a Unicode mapping: not text
        return blocks, tables
    except MemoryError:
        raise
    except _TooSlow:
        plumber.give_up()
        return None
    except Exception:
        return None  # pdfminer could not lay this page out; pdfium's text is used instead
    finally:
        with contextlib.suppress(Exception):
            page.close()


def _inside(obj: dict[str, Any], bbox: tuple[float, float, float, float]) -> bool:
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return bool(bbox[0] <= x <= bbox[2] and bbox[1] <= y <= bbox[3])


def _lines(page: Any) -> tuple[str, ...]:
    return tuple((page.extract_text() or "").split("\n"))


def _layout(page: Any) -> tuple[tuple[Block, ...], tuple[Table, ...]]:
    """Text outside tables, band by band from the top, with each table's rows where the table stands."""
    found = sorted(page.find_tables(), key=lambda t: t.bbox[1])
    if not found:
        return (Block(_lines(page)),), ()
    boxes = [t.bbox for t in found]
    rest = page.filter(lambda obj: not any(_inside(obj, box) for box in boxes) if "x0" in obj else True)
    x0, top, x1, bottom = page.bbox
    blocks: list[Block] = []
    tables: list[Table] = []
    y = top
    for table in found:
        t_top, t_bottom = max(table.bbox[1], y), min(table.bbox[3], bottom)
        if t_top > y:
            blocks.append(Block(_lines(rest.crop((x0, y, x1, t_top), strict=False))))
        rows = tuple(tuple(_cell(cell) for cell in row) for row in table.extract())
        tables.append(rows)
        blocks.append(Block(tuple(" ".join(c for c in row if c) for row in rows), joinable=False))
        if t_bottom > t_top:  # text beside the table
            blocks.append(Block(_lines(rest.crop((x0, t_top, x1, t_bottom), strict=False))))
        y = max(y, t_bottom)
    if bottom > y:
        blocks.append(Block(_lines(rest.crop((x0, y, x1, bottom), strict=False))))
    return tuple(b for b in blocks if any(line.strip() for line in b.lines)), tuple(tables)


def _cell(cell: str | None) -> str | None:
    if cell is None:
        return None
    out = ""
    for line in cell.split("\n"):
        line = line.strip()
        if not line:
            continue
        if out and not (_CJK_EDGE.match(out[-1]) or _CJK_EDGE.match(line[0])):
            out += " "
        out += line
    return out
