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


Box = tuple[float, float, float, str, float, float]  # top, bottom, left, text, confidence, width


def recognise_lines(image: Any) -> list[str]:
    """Text lines of an RGB image (numpy array, height × width × 3), top to bottom, left to right. A page
    scanned sideways or upside down is turned first (``turns_needed``)."""
    import numpy as np

    boxes = _recognise(image)
    if looks_turned(boxes):
        turns = turns_needed(image)
        if turns:
            boxes = _recognise(np.ascontiguousarray(np.rot90(image, turns)))
    return group_lines([box[:4] for box in boxes])


def _recognise(image: Any, strips: bool = True) -> list[Box]:
    import numpy as np

    ink = (image.min(axis=2) < 160).sum(axis=1).tolist()
    boxes: list[Box] = []
    cuts = strip_cuts(ink) if strips else [0, len(ink)]
    for top, bottom in itertools.pairwise(cuts):
        # no angle classifier: pdfium renders pages upright (/Rotate applied) and a page scanned turned is
        # turned whole by recognise_lines; skipping the classifier halves the time
        result, _ = _engine()(np.ascontiguousarray(image[top:bottom]), use_cls=False)
        for box, text, score in result or ():
            ys = [point[1] + top for point in box]
            xs = [point[0] for point in box]
            boxes.append((min(ys), max(ys), min(xs), str(text), float(score), max(xs) - min(xs)))
    return boxes


def looks_turned(boxes: list[Box]) -> bool:
    """Whether OCR read the page as if it were turned: most of its text in boxes taller than wide (lines
    running up or down the page), or read with low confidence (upside down)."""
    chars = sum(len(box[3]) for box in boxes)
    if chars == 0:
        return False
    tall = sum(len(box[3]) for box in boxes if box[1] - box[0] > 1.5 * box[5])
    confidence = sum(box[4] * len(box[3]) for box in boxes) / chars
    return tall > chars / 2 or confidence < 0.75


def reading_score(boxes: list[Box]) -> float:
    """How much text OCR read, and how surely: confidence-weighted characters."""
    return sum(box[4] * len(box[3].strip()) for box in boxes)


def turns_needed(image: Any) -> int:
    """Quarter turns (anticlockwise, as ``numpy.rot90``) that set a page upright: each orientation is read
    at half resolution and the one that reads best is kept."""
    import numpy as np

    small = image[::2, ::2]
    scores = [
        reading_score(_recognise(np.ascontiguousarray(np.rot90(small, turns)), strips=False)) for turns in range(4)
    ]
    return max(range(4), key=lambda turns: (scores[turns], -turns))


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
