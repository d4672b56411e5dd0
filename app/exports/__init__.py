"""Exports in the formats evaluators and other programs use: CSV, XLSX, a PDF report, OCDS, iCalendar."""
