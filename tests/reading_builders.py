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
    import pypdfium2 as pdfium
    from reportlab.lib.utils import ImageReader

    source = pdfium.PdfDocument(text_pdf([lines], size=14, font="Helvetica"))
    image = source[0].render(scale=150 / 72).to_pil().convert("L")
    buffer = io.BytesIO()
    c = _canvas(buffer)
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
