"""Builders of test documents for the reading layer: small Python that writes PDFs, DOCX files and
hostile files byte by byte, so that no opaque binary is checked in."""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Sequence
from typing import Any

CJK_FONT = "STSong-Light"  # a CID font every reportlab install has: no font file needed


def _canvas(buffer: io.BytesIO) -> Any:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    return canvas.Canvas(buffer, pagesize=(595, 842), invariant=1)


def text_pdf(
    pages: Sequence[Sequence[str]],
    header: str | None = None,
    footer: str | None = None,
    size: int = 12,
    font: str = CJK_FONT,
) -> bytes:
    """A text PDF: each page's lines top-down; ``header`` on every page, ``footer`` formatted with
    ``{page}`` and ``{pages}``."""
    buffer = io.BytesIO()
    c = _canvas(buffer)
    for number, lines in enumerate(pages, start=1):
        if header:
            c.setFont(CJK_FONT, 9)
            c.drawCentredString(297, 800, header)
        c.setFont(font, size)
        y = 760
        for line in lines:
            c.drawString(72, y, line)
            y -= size * 1.8
        if footer:
            c.setFont(CJK_FONT, 9)
            c.drawCentredString(297, 40, footer.format(page=number, pages=len(pages)))
        c.showPage()
    c.save()
    return buffer.getvalue()


def table_pdf(before: Sequence[str], rows: Sequence[Sequence[str]], after: Sequence[str]) -> bytes:
    """A page with paragraphs, a ruled table (a 任务分工表) and more paragraphs."""
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    _canvas(io.BytesIO())  # registers the font
    style = ParagraphStyle("zh", fontName=CJK_FONT, fontSize=11, leading=16, wordWrap="CJK")
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=(595, 842), invariant=1)
    table = Table([[Paragraph(cell, style) for cell in row] for row in rows], colWidths=[40, 200, 120, 100])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.8, colors.black)]))
    story = [Paragraph(line, style) for line in before] + [table] + [Paragraph(line, style) for line in after]
    document.build(story)
    return buffer.getvalue()


def scanned_pdf(lines: Sequence[str]) -> bytes:
    """An image-only PDF: a text PDF rendered at 150 dpi and put back as a picture, as a scanner would.
    Latin text only: pdfium renders with the system's fonts, and a test machine may have no CJK font."""
    return scanned_pages_pdf([lines])


def scanned_pages_pdf(pages: Sequence[Sequence[str]]) -> bytes:
    """A scan of several pages, each built as ``scanned_pdf`` builds its one page."""
    import pypdfium2 as pdfium
    from reportlab.lib.utils import ImageReader

    source = pdfium.PdfDocument(text_pdf(pages, size=14, font="Helvetica"))
    buffer = io.BytesIO()
    c = _canvas(buffer)
    for index in range(len(pages)):
        image = source[index].render(scale=150 / 72).to_pil().convert("L")
        c.drawImage(ImageReader(image), 0, 0, width=595, height=842)
        c.showPage()
    c.save()
    return buffer.getvalue()


def form_pdf(fields: dict[str, str]) -> bytes:
    """A PDF whose only text is in filled-in form fields (AcroForm widgets), one field per row."""
    buffer = io.BytesIO()
    c = _canvas(buffer)
    for row, (name, value) in enumerate(fields.items()):
        c.acroForm.textfield(name=name, value=value, x=72, y=700 - 50 * row, width=400, height=20)
    c.showPage()
    c.save()
    return buffer.getvalue()


def encrypted_pdf(data: bytes, user_password: str = "secret", owner_password: str = "owner") -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# ---- raw PDF bytes, for structures no PDF writer would produce ----------------------------------

FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def raw_pdf(objects: dict[int, bytes], root: int = 1) -> bytes:
    """A PDF from numbered object bodies, with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    xref = len(out)
    size = max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        out += (b"%010d 00000 n \n" % offsets[number]) if number in offsets else b"0000000000 65535 f \n"
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, root, xref)
    return bytes(out)


def stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def one_page(content: bytes, resources: bytes = b"<< /Font << /F1 4 0 R >> >>", **more: bytes) -> bytes:
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R /Resources %s >>" % resources,
        4: FONT,
        5: stream(content),
    }
    objects.update({int(key[1:]): value for key, value in more.items()})
    return raw_pdf(objects)


def many_pages_pdf(count: int) -> bytes:
    """A real page tree of ``count`` pages sharing one content stream (100,000 pages ≈ 10 MB)."""
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        3: FONT,
        4: stream(b"BT /F1 12 Tf 72 700 Td (p) Tj ET"),
    }
    page = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 3 0 R >> >> >>"
    )
    for index in range(count):
        objects[10 + index] = page
    kids = b" ".join(b"%d 0 R" % (10 + index) for index in range(count))
    objects[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count)
    return raw_pdf(objects)


def page_count_lie_pdf() -> bytes:
    return raw_pdf(
        {
            1: b"<< /Type /Catalog /Pages 2 0 R >>",
            2: b"<< /Type /Pages /Kids [3 0 R] /Count 100000 >>",
            3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
        }
    )


def page_tree_loop_pdf() -> bytes:
    """The page tree lists itself among its kids."""
    return raw_pdf(
        {
            1: b"<< /Type /Catalog /Pages 2 0 R >>",
            2: b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
            3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R"
            b" /Resources << /Font << /F1 4 0 R >> >> >>",
            4: FONT,
            5: stream(b"BT /F1 12 Tf 72 700 Td (Loop) Tj ET"),
        }
    )


def self_referencing_object_stream_pdf() -> bytes:
    """An object stream whose own /Length and contents point back at itself."""
    return raw_pdf(
        {
            1: b"<< /Type /Catalog /Pages 2 0 R >>",
            2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 7 0 R >>",
            7: b"<< /Type /ObjStm /N 1 /First 4 /Length 7 0 R >>\nstream\n7 0 << /Self 7 0 R >>\nendstream",
        }
    )


def self_drawing_form_pdf() -> bytes:
    """A form XObject that draws itself (pdfminer recursion), on a page with ruling lines (pdfplumber)."""
    form = stream(
        b"/X Do BT /F1 12 Tf 72 700 Td (Recursion) Tj ET",
        b"/Type /XObject /Subtype /Form /BBox [0 0 612 792]"
        b" /Resources << /XObject << /X 6 0 R >> /Font << /F1 4 0 R >> >> ",
    )
    lines = b"72 600 m 500 600 l S 72 500 m 500 500 l S 72 500 m 72 600 l S 500 500 m 500 600 l S "
    return one_page(lines + b"/X Do", b"<< /XObject << /X 6 0 R >> >>", o6=form)


def xobject_laughs_pdf(levels: int = 9, fan_out: int = 10) -> bytes:
    """ "Billion laughs" with form XObjects: each form draws the next one ``fan_out`` times."""
    more = {}
    for level in range(levels):
        if level < levels - 1:
            body = b" ".join(b"q 1 0 0 1 0 0 cm /X Do Q" for _ in range(fan_out))
            resources = b"<< /XObject << /X %d 0 R >> >>" % (21 + level)
        else:
            body = b"BT /F1 12 Tf 72 700 Td (lol) Tj ET"
            resources = b"<< /Font << /F1 4 0 R >> >>"
        more[f"o{20 + level}"] = stream(
            body, b"/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources %s " % resources
        )
    return one_page(b"/X Do", b"<< /XObject << /X 20 0 R >> >>", **more)


def flate_bomb_pdf(megabytes: int = 400) -> bytes:
    """A content stream that inflates ~1000:1 (400 MB from 400 KB)."""
    return one_page(b"", o5=stream(zlib.compress(b" " * (megabytes << 20), 9), b"/Filter /FlateDecode "))


# ---- DOCX ---------------------------------------------------------------------------------------


def docx_file(blocks: Sequence[str | Sequence[Sequence[str]]]) -> bytes:
    """A DOCX of paragraphs (str) and tables (rows of cells), in the order given."""
    import docx

    document = docx.Document()
    for block in blocks:
        if isinstance(block, str):
            document.add_paragraph(block)
        else:
            table = document.add_table(rows=len(block), cols=len(block[0]))
            for r, row in enumerate(block):
                for c, text in enumerate(row):
                    table.cell(r, c).text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def replace_part(docx_bytes: bytes, name: str, content: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(docx_bytes))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, content if item.filename == name else source.read(item.filename))
    return out.getvalue()


def docx_zip_bomb(megabytes: int = 64) -> bytes:
    """A real DOCX whose document.xml inflates to ``megabytes`` MB of whitespace (about 1000:1)."""
    padding = b" " * (megabytes << 20)
    xml = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w='
        b'"http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        + padding
        + b"<w:p><w:r><w:t>bomb</w:t></w:r></w:p></w:body></w:document>"
    )
    return replace_part(docx_file(["x"]), "word/document.xml", xml)


def docx_xml_bomb() -> bytes:
    """A DOCX whose document.xml is the classic "billion laughs" entity expansion."""
    entities = b'<!ENTITY lol0 "lol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, b"".join(b"&lol%d;" % (i - 1) for _ in range(10))) for i in range(1, 10)
    )
    xml = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE w:document [' + entities + b"]>"
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        b"<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"
    )
    return replace_part(docx_file(["x"]), "word/document.xml", xml)


def plain_zip(name: str = "readme.txt") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(name, "not a document")
    return out.getvalue()


# ---- PDFs whose text layer cannot be read, and rotated pages ---------------------------------------

ENGLISH_LINES = ("Article 1. Party A shall pay the subsidy", "of 1,000,000 yuan before 31 December 2025.")


def scrambled_map(lines: Sequence[str]) -> dict[str, str]:
    """A ToUnicode map gone wrong: every character of ``lines`` sent to an Armenian letter."""
    return {ch: chr(0x0531 + (ord(ch) * 7) % 38) for ch in "".join(lines)}


def _vera() -> tuple[bytes, dict[int, int]]:
    """reportlab's bundled Vera.ttf (no system font needed) and its character → glyph id map."""
    import os

    import reportlab
    from reportlab.pdfbase.ttfonts import TTFontFile

    path = os.path.join(os.path.dirname(reportlab.__file__), "fonts", "Vera.ttf")
    with open(path, "rb") as file:
        data = file.read()
    return data, dict(TTFontFile(path).charToGlyph)


def _page_tree(content: bytes, resources: bytes, page_extra: bytes = b"", **more: bytes) -> bytes:
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R /Resources %s %s>>"
        % (resources, page_extra),
        5: stream(content),
    }
    objects.update({int(key[1:]): value for key, value in more.items()})
    return raw_pdf(objects)


def identity_h_pdf(lines: Sequence[str], to_unicode: dict[str, str] | None = None, invisible: bool = False) -> bytes:
    """Text in an embedded TrueType font addressed by glyph id (Type0, Identity-H) with no ToUnicode map —
    what PDF printers write for subset fonts — so a reader gets glyph ids, not characters. With
    ``to_unicode`` the font carries a ToUnicode map that sends each character to the given one (a
    scrambled map: the text comes out as other characters). ``invisible`` text is not painted (render
    mode 3, as the hidden layer over a scan), so that OCR finds nothing either."""
    font, glyphs = _vera()
    shown = b" ".join(b"<%s> Tj T*" % b"".join(b"%04X" % glyphs[ord(ch)] for ch in line) for line in lines)
    to_unicode_ref = b""
    more: dict[str, bytes] = {}
    if to_unicode is not None:
        pairs = sorted({(glyphs[ord(ch)], to_unicode.get(ch, ch)) for line in lines for ch in line})
        body = b"".join(
            b"<%04X> <%s>\n" % (gid, target.encode("utf-16-be").hex().upper().encode()) for gid, target in pairs
        )
        cmap = (
            b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Scrambled def "
            b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def /CMapType 2 def "
            b"1 begincodespacerange <0000> <FFFF> endcodespacerange "
            b"%d beginbfchar\n%sendbfchar endcmap CMapName currentdict /CMap defineresource pop end end"
            % (len(pairs), body)
        )
        more["o9"] = stream(cmap)
        to_unicode_ref = b"/ToUnicode 9 0 R "
    return _page_tree(
        b"BT /F1 16 Tf 22 TL %s72 720 Td " % (b"3 Tr " if invisible else b"") + shown + b" ET",
        b"<< /Font << /F1 4 0 R >> >>",
        o4=b"<< /Type /Font /Subtype /Type0 /BaseFont /Vera /Encoding /Identity-H /DescendantFonts [6 0 R] %s>>"
        % to_unicode_ref,
        o6=b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Vera /CIDSystemInfo << /Registry (Adobe)"
        b" /Ordering (Identity) /Supplement 0 >> /FontDescriptor 7 0 R /CIDToGIDMap /Identity /DW 600 >>",
        o7=b"<< /Type /FontDescriptor /FontName /Vera /Flags 32 /FontBBox [-183 -236 1287 928] /ItalicAngle 0"
        b" /Ascent 928 /Descent -236 /CapHeight 700 /StemV 80 /FontFile2 8 0 R >>",
        o8=stream(font, b"/Length1 %d " % len(font)),
        **more,
    )


def type3_bitmap_pdf(lines: Sequence[str]) -> bytes:
    """Text in a Type3 font whose glyphs are bitmaps (as TeX's dvips writes), the codes numbered 1, 2, 3 …
    in order of first use, with no ToUnicode map: the page shows letters, its text layer has none."""
    import os

    import reportlab
    from PIL import Image, ImageDraw, ImageFont

    face = ImageFont.truetype(os.path.join(os.path.dirname(reportlab.__file__), "fonts", "Vera.ttf"), 64)
    codes: dict[str, int] = {}
    for ch in "".join(lines):
        codes.setdefault(ch, len(codes) + 1)
    procs, widths = [], []
    for index, (ch, code) in enumerate(codes.items()):
        advance = int(face.getlength(ch)) or 20
        image = Image.new("1", (advance, 80), 1)
        ImageDraw.Draw(image).text((0, 0), ch, font=face, fill=0)
        mask = image.tobytes()  # 1 bit a pixel, rows padded to bytes, 1 = white
        proc = b"%d 0 0 0 %d 80 d1 q %d 0 0 80 0 -16 cm BI /W %d /H 80 /IM true /BPC 1 /D [1 0] ID %s EI Q" % (
            advance,
            advance,
            advance,
            advance,
            mask,
        )
        procs.append((code, 20 + index, proc))
        widths.append(advance)
    char_procs = b" ".join(b"/g%d %d 0 R" % (code, ref) for code, ref, _ in procs)
    differences = b" ".join(b"/g%d" % code for code, _, _ in procs)
    shown = b" ".join(b"<%s> Tj T*" % b"".join(b"%02X" % codes[ch] for ch in line) for line in lines)
    more = {f"o{ref}": stream(proc) for _, ref, proc in procs}
    return _page_tree(
        b"BT /F1 16 Tf 22 TL 72 720 Td " + shown + b" ET",
        b"<< /Font << /F1 4 0 R >> >>",
        o4=b"<< /Type /Font /Subtype /Type3 /FontBBox [0 -16 100 64] /FontMatrix [0.0125 0 0 0.0125 0 0]"
        b" /CharProcs << %s >> /Encoding << /Type /Encoding /Differences [1 %s] >> /FirstChar 1 /LastChar %d"
        b" /Widths [%s] /Resources << >> >>"
        % (char_procs, differences, len(codes), b" ".join(b"%d" % w for w in widths)),
        **more,
    )


def annotation_only_pdf(notes: Sequence[tuple[str, str]]) -> bytes:
    """A page with no content at all, its text only in annotations without appearance streams:
    (subtype, text) pairs such as ("FreeText", …) or ("Text", …) (a sticky note), top to bottom."""
    refs = b" ".join(b"%d 0 R" % (10 + index) for index in range(len(notes)))
    more = {
        f"o{10 + index}": b"<< /Type /Annot /Subtype /%s /Rect [72 %d 540 %d] /Contents <%s> /DA (/Helv 12 Tf 0 g) >>"
        % (subtype.encode(), 700 - 40 * index, 720 - 40 * index, b"FEFF" + text.encode("utf-16-be").hex().encode())
        for index, (subtype, text) in enumerate(notes)
    }
    return _page_tree(b"", b"<< >>", b"/Annots [%s] " % refs, **more)


def rotated_pdf(lines: Sequence[str], rotate: int = 0, drawn_at: int = 0) -> bytes:
    """A text page shown turned by ``rotate`` degrees (/Rotate), its text drawn at ``drawn_at`` degrees."""
    import math

    buffer = io.BytesIO()
    c = _canvas(buffer)
    c.setFont(CJK_FONT, 12)
    c.translate(300, 420)
    c.rotate(drawn_at)
    c.translate(-250, 300)
    for row, line in enumerate(lines):
        c.drawString(0, -22 * row, line)
    c.showPage()
    c.save()
    data = buffer.getvalue()
    if not rotate:
        return data
    assert math.isfinite(rotate)
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.pages[0].rotate(rotate)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def sideways_scan_pdf(lines: Sequence[str], turn: int = 90) -> bytes:
    """A scan fed into the scanner sideways: the page image holds the text turned by ``turn`` degrees
    (90, 180 or 270) and the page itself is not rotated. Latin text, as in ``scanned_pdf``."""
    import pypdfium2 as pdfium
    from reportlab.lib.utils import ImageReader

    source = pdfium.PdfDocument(text_pdf([lines], size=14, font="Helvetica"))
    image = source[0].render(scale=150 / 72).to_pil().convert("L").rotate(turn, expand=True)
    buffer = io.BytesIO()
    c = _canvas(buffer)
    width, height = (842, 595) if turn in (90, 270) else (595, 842)
    c.setPageSize((width, height))
    c.drawImage(ImageReader(image), 0, 0, width=width, height=height)
    c.showPage()
    c.save()
    return buffer.getvalue()
