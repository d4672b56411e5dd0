"""The API documentation page needs nothing from the network: no scripts at all, no CDN."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.mark.parametrize("path", ["/schema", "/schema/docs"])
async def test_docs_page_loads_no_scripts(client: Any, path: str) -> None:
    response = await client.get(path, follow_redirects=True)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text.lower()
    assert "<script" not in page
    assert "<link" not in page
    for cdn in ("jsdelivr", "unpkg", "cdn"):
        assert cdn not in page
    assert "post /api/documents" in page  # every operation is listed
    assert "/schema/openapi.json" in page


async def test_raw_openapi_document_is_still_served(client: Any) -> None:
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    assert "/api/documents" in response.json()["paths"]
