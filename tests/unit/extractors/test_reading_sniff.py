"""The bytes decide a file's format; a name promising a PDF or Word file over plain text is refused."""

from __future__ import annotations

import pytest

from extractors.errors import UnsupportedFormat
from extractors.reading.sniff import DOCX, PDF, TEXT, check_name_matches


@pytest.mark.parametrize(
    ("media_type", "filename", "refused"),
    [
        (TEXT, "协议.pdf", "PDF"),
        (TEXT, "协议.PDF", "PDF"),
        (TEXT, "合同.docx", "Word"),
        (TEXT, "合同.doc", "Word"),
        (TEXT, "规划.ofd", "OFD"),
        (TEXT, "协议.txt", None),
        (TEXT, "协议", None),
        (TEXT, "pdf", None),  # no suffix: nothing is promised
        (TEXT, None, None),
        (PDF, "协议.pdf", None),
        (PDF, "协议.docx", None),  # a real PDF under a Word name is still a document
        (DOCX, "协议.pdf", None),
    ],
)
def test_text_under_a_document_name_is_refused(media_type: str, filename: str | None, refused: str | None) -> None:
    if refused is None:
        check_name_matches(media_type, filename)
        return
    with pytest.raises(UnsupportedFormat) as caught:
        check_name_matches(media_type, filename)
    reason = caught.value.reason
    assert "纯文本" in reason
    assert f"不是 {refused} 文件" in reason
    assert "\n" not in reason
