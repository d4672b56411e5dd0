"""Imported once by the fork server so that each parsing child starts warm (see ``sandbox``)."""

import docx  # noqa: F401
import pdfplumber  # noqa: F401
import pypdfium2  # noqa: F401

import extractors.reading.child
import extractors.reading.pdf  # noqa: F401
