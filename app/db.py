"""Tortoise configuration. Import-light: aerich reads ``TORTOISE_ORM`` from here."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

MODELS = ["app.models", "aerich.models"]


def tortoise_config(db_url: str) -> dict[str, Any]:
    if db_url.startswith("sqlite://") and not db_url.startswith("sqlite://:memory:"):
        Path(db_url.removeprefix("sqlite://")).parent.mkdir(parents=True, exist_ok=True)
    return {
        "connections": {"default": db_url},
        "apps": {"models": {"models": MODELS, "default_connection": "default"}},
        "use_tz": True,
        "timezone": "UTC",
    }


def _env_db_url() -> str:
    url = os.environ.get("CHENGXIN_DATABASE_URL")
    if url:
        return url
    data_dir = Path(os.environ.get("CHENGXIN_DATA_DIR", "data")).resolve()
    return f"sqlite://{data_dir / 'chengxin.sqlite3'}"


TORTOISE_ORM = tortoise_config(_env_db_url())
