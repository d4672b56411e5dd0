"""OCR of rendered page images with RapidOCR (its PP-OCR models ship in the wheel: no download)."""

from __future__ import annotations

import functools
import re
from typing import Any

_CJK_EDGE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")


@functools.cache
def _engine() -> Any:
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR()


def recognise_lines(image: Any) -> list[str]:
    """Text lines of an RGB image (numpy array, height × width × 3), top to bottom, left to right."""
    result, _ = _engine()(image)
    if not result:
        return []
    boxes = []
    for box, text, _score in result:
        ys = [point[1] for point in box]
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
