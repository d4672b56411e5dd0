"""The bare app ``benchmarks/serve.py`` measures against: Litestar answering one GET with a decoded JSON page
(encoded again on every request, as a handler returning a list is), served by granian like ``chengxin serve``.

    python benchmarks/bare_app.py PORT PAGE.json
"""

from __future__ import annotations

import json
import sys
from typing import Any

from granian import Granian
from granian.constants import Interfaces
from litestar import Litestar, get


def create_app() -> Litestar:
    with open(sys.argv[2], "rb") as f:
        page: dict[str, Any] = json.load(f)

    @get("/items")
    async def items() -> dict[str, Any]:
        return page

    return Litestar([items])


if __name__ == "__main__":
    Granian(
        "bare_app:create_app", address="127.0.0.1", port=int(sys.argv[1]), interface=Interfaces.ASGI, factory=True
    ).serve()
