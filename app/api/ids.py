"""Id parameters bounded to the database's INTEGER range: a larger number is a 400 from validation, not a
driver overflow (SQLite) or out-of-range error (PostgreSQL ``int4``) answering 500."""

from __future__ import annotations

from typing import Annotated

from litestar.params import PathParameter, QueryParameter

MAX_ID = 2**31 - 1

IdPath = Annotated[int, PathParameter(ge=1, le=MAX_ID)]
IdQuery = Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)]
