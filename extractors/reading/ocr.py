"""OCR of rendered page images with RapidOCR (its PP-OCR models ship in the wheel: no download)."""

from __future__ import annotations

import functools
import itertools
import re
from typing import Any

_CJK_EDGE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")


@functools.cache
def _engine() -> Any:
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR()


STRIP_HEIGHT = 900  # pixels; the detector misses long lines when it sees a whole A4 page at once


def strip_cuts(ink_per_row: list[int], target: int = STRIP_HEIGHT) -> list[int]:
    """Row indices that cut a page image into strips of about ``target`` rows, each cut on the row with
    the least ink near the ideal place, so that no text line is cut in two."""
    height = len(ink_per_row)
    cuts = [0]
    while height - cuts[-1] > target * 1.3:
        low, high = cuts[-1] + int(target * 0.7), min(height - 1, cuts[-1] + int(target * 1.3))
        window = ink_per_row[low:high]
        cuts.append(low + window.index(min(window)))
    cuts.append(height)
    return cuts


def recognise_lines(image: Any) -> list[str]:
    """Text lines of an RGB image (numpy array, height × width × 3), top to bottom, left to right."""
    import numpy as np

    ink = (image.min(axis=2) < 160).sum(axis=1).tolist()
    boxes = []
    cuts = strip_cuts(ink)
    for top, bottom in itertools.pairwise(cuts):
        # no angle classifier: pdfium renders pages upright (/Rotate applied); skipping it halves the time
        result, _ = _engine()(np.ascontiguousarray(image[top:bottom]), use_cls=False)
        for box, text, _score in result or ():
            ys = [point[1] + top for point in box]
            xs = [point[0] for point in box]
            boxes.append((min(ys), max(ys), min(xs), str(text)))
    return group_lines(boxes)


def group_lines(boxes: list[tuple[float, float, float, str]]) -> list[str]:
    """Group (top, bottom, left, text) boxes into lines: boxes whose vertical centres are within half a
    line height of the line's first box share a line; each line is read left to right."""
    lines: list[list[tuple[float, float, float, str]]] = []
    for box in sorted(boxes, key=lambda b: (b[0] + b[1]) / 2):
        centre, height = (box[0] + box[1]) / 2, box[1] - box[0]
        if lines:
            first = lines[-1][0]
            if abs(centre - (first[0] + first[1]) / 2) < max(height, first[1] - first[0]) / 2:
                lines[-1].append(box)
                continue
        lines.append([box])
    out = []
    for line in lines:
        text = ""
        for _, _, _, part in sorted(line, key=lambda b: b[2]):
            part = part.strip()
            if not part:
                continue
            if text and not (_CJK_EDGE.match(text[-1]) or _CJK_EDGE.match(part[0])):
                text += " "
            text += part
        if text:
            out.append(text)
    return out
