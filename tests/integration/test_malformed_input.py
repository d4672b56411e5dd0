"""The malformed-input battery: every write route and every GET route with parameters, walked from the app's
own route table (a new route is covered without touching this file), receives ids beyond the database's
INTEGER range, NUL bytes, oversized strings and numbers, impossible and far-away dates, wrong types, a
100,000-deep JSON body and odd multipart bodies. None may answer 5xx; an id beyond the database's range is
a 404 or 422, and a rejected field is named in the problem+json answer."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

from tests.conftest import City
from tests.integration.test_access import WRITE, concrete, fixture_ids, handler_roles, routes

TOO_BIG_IDS = [2**31, 2**63, 10**30]
BAD_IDS = [*TOO_BIG_IDS, 0, -1]
FIELD_VALUES: list[Any] = [
    2**31,
    2**63,
    -(2**63) - 1,
    10**40,
    1e308,
    -1e308,
    "\x00",
    "a\x00b",
    "x" * 100_000,
    "2025-02-30",
    "9999-12-31",
    "0001-01-01",
    "NaN",
    "Infinity",
    "1e400",
    "-1e30",
    True,
    None,
    [],
    {},
    [[[[[[[[[[1]]]]]]]]]],
]
QUERY_VALUES = ["\x00", "%00", str(2**31), str(2**63), "-1", "9999-12", "9999-12-31", "2025-02-30", "x" * 5000, "🙂"]
UI_QUERY = ["month", "q", "status", "kind", "state", "page", "from", "to", "as_of", "organisation_id", "next"]
DEEP = 100_000
DEEP_BODIES = ["[" * DEEP + "]" * DEEP, '{"a":' * DEEP + "1" + "}" * DEEP]
WHOLE_BODIES = ["", "null", "[]", '"text"', "{", "1e999999", '{"\u0000": 1}', *DEEP_BODIES]
STAFF_ORDER = ["admin", "investment", "finance", "department"]


def _who(handler: Any) -> str:
    allowed = handler_roles(handler)
    for who in STAFF_ORDER:
        if not isinstance(allowed, frozenset | set) or any(str(role) == who for role in allowed):
            return who
    return "admin"


def _operation(schema: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    openapi_path = re.sub(r":\w+\}", "}", path)
    result: dict[str, Any] = schema["paths"].get(openapi_path, {}).get(method.lower(), {})
    return result


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if ref:
        return _resolve(schema, schema["components"]["schemas"][ref.rsplit("/", 1)[1]])
    return node


def _options(schema: dict[str, Any], node: dict[str, Any]) -> list[dict[str, Any]]:
    node = _resolve(schema, node)
    branches = node.get("oneOf") or node.get("anyOf")
    if branches:
        return [b for branch in branches for b in _options(schema, branch) if b.get("type") != "null"]
    return [node]


def _sample(schema: dict[str, Any], name: str, node: dict[str, Any], ids: dict[str, int]) -> Any:
    """A plausible valid value, so that the one malformed field is what validation meets."""
    options = _options(schema, node) or [{}]
    first = options[0]
    if "enum" in first:
        return first["enum"][0]
    kind = first.get("type")
    if kind == "integer":
        if name == "year":
            return 2025
        return ids.get(name, 1)
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    if kind == "array":
        return [ids.get("obligation_id", 1)] if name == "ids" else []
    if first.get("format") == "date":
        return "2025-06-01"
    if "pattern" in first or "pattern" in node:
        return "CNY"
    if any(word in name for word in ("amount", "expenditure", "score")):
        return "100"
    if name == "url":
        return "https://example.org/hook"
    return "测试"


def _body_fields(schema: dict[str, Any], operation: dict[str, Any]) -> dict[str, dict[str, Any]]:
    content = (operation.get("requestBody") or {}).get("content", {})
    body = content.get("application/json", {}).get("schema")
    if not body:
        return {}
    props: dict[str, dict[str, Any]] = _resolve(schema, body).get("properties", {})
    return props


def _is_multipart(operation: dict[str, Any]) -> bool:
    return "multipart/form-data" in (operation.get("requestBody") or {}).get("content", {})


def _int_path_params(path: str) -> list[str]:
    return re.findall(r"\{(\w+):int\}", path)


def _assert_sane(response: Any, label: str, failures: list[str]) -> None:
    if response.status_code >= 500:
        failures.append(f"{label} -> {response.status_code}: {response.text[:200]}")


async def test_write_routes_survive_malformed_input(client: Any, city: City) -> None:
    ids = await fixture_ids(client, city)
    schema = client.app.openapi_schema.to_schema()
    failures: list[str] = []
    unnamed: list[str] = []
    writes = 0
    for path, method, handler in routes(client.app):
        if method not in WRITE:
            continue
        writes += 1
        headers = city.auth(_who(handler))
        operation = _operation(schema, path, method)
        url = concrete(path, ids)
        fields = _body_fields(schema, operation)
        base = {name: _sample(schema, name, node, ids) for name, node in fields.items()}
        for param in _int_path_params(path):  # ids beyond INTEGER: 404 or 422, never the driver's overflow
            for bad in BAD_IDS:
                bad_url = concrete(path, {**ids, param: bad})
                response = await client.request(method, bad_url, headers=headers, json=base)
                _assert_sane(response, f"{method} {bad_url}", failures)
                if bad in TOO_BIG_IDS and response.status_code not in (400, 404, 422):
                    failures.append(f"{method} {bad_url} -> {response.status_code}, expected 404/422")
        for raw in WHOLE_BODIES:
            response = await client.request(
                method, url, headers={**headers, "Content-Type": "application/json"}, content=raw.encode()
            )
            _assert_sane(response, f"{method} {path} body {raw[:20]!r}", failures)
        if _is_multipart(operation):
            for label, kwargs in _multipart_cases():
                response = await client.request(method, url, headers={**headers, **kwargs.pop("headers", {})}, **kwargs)
                _assert_sane(response, f"{method} {path} multipart {label}", failures)
        for name in fields:
            for value in FIELD_VALUES:
                response = await client.request(method, url, headers=headers, json={**base, name: value})
                label = f"{method} {path} {name}={str(value)[:20]!r}"
                _assert_sane(response, label, failures)
                if response.status_code in (400, 422) and path.startswith("/api/"):
                    problem = response.headers.get("content-type", "")
                    names = [*fields, *re.findall(r"\{(\w+):", path)]
                    named = any(f'"{n}{end}' in response.text for n in names for end in ('"', "["))
                    if not problem.startswith("application/problem+json") or not named:
                        unnamed.append(f"{label} -> {response.status_code}: {response.text[:400]}")
        if not path.startswith("/api/"):  # forms of the web UI
            for value in ("\x00", "x" * 100_000, str(2**63), "2025-02-30", "9999-12-31"):
                form = {"note": value, "kind": value, "occurred_on": value, "as_of": value, "decision": value}
                response = await client.request(method, url, headers=headers, data=form)
                _assert_sane(response, f"{method} {path} form {value[:20]!r}", failures)
    assert writes >= 40
    assert failures == [], "\n".join(failures[:40])
    assert unnamed == [], "\n".join(unnamed[:40])


def _multipart_cases() -> list[tuple[str, dict[str, Any]]]:
    pdf = ("a.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    pdf_part = {"file": pdf}
    return [
        ("no file part", {"data": {"signed_on": "2025-01-01"}, "files": {"other": ("x", b"x")}}),
        ("two file parts", {"files": [("file", pdf), ("file", ("b.pdf", b"%PDF-1.4 b", "application/pdf"))]}),
        ("empty filename", {"files": {"file": ("", b"text", "text/plain")}}),
        ("huge filename", {"files": {"file": ("x" * 5000 + ".txt", b"text", "text/plain")}}),
        ("NUL filename", {"files": {"file": ("a\x00b.txt", b"text", "text/plain")}}),
        ("odd part headers", {"files": {"file": ("a.txt", b"text", "text/plain; charset=\x00;;;")}}),
        ("impossible date", {"data": {"signed_on": "2025-02-30", "fulfilled_on": "2025-02-30"}, "files": pdf_part}),
        ("far date", {"data": {"signed_on": "9999-12-31", "fulfilled_on": "9999-12-31"}, "files": pdf_part}),
        ("NUL field", {"data": {"kind": "\x00", "note": "\x00", "amount": "\x00"}, "files": {"file": pdf}}),
        ("overflow field", {"data": {"amount": "1e400", "kind": "x" * 100_000}, "files": {"file": pdf}}),
        ("no boundary", {"headers": {"Content-Type": "multipart/form-data"}, "content": b"--x\r\n\r\n"}),
        ("garbage", {"headers": {"Content-Type": "multipart/form-data; boundary=zz"}, "content": b"\x00" * 1000}),
        ("json instead", {"json": {"file": "x"}}),
    ]


async def test_get_routes_survive_malformed_parameters(client: Any, city: City) -> None:
    ids = await fixture_ids(client, city)
    schema = client.app.openapi_schema.to_schema()
    failures: list[str] = []
    checked = 0
    for path, method, handler in routes(client.app):
        if method != "GET":
            continue
        headers = city.auth(_who(handler))
        for param in _int_path_params(path):
            for bad in BAD_IDS:
                bad_url = concrete(path, {**ids, param: bad})
                response = await client.get(bad_url, headers=headers)
                _assert_sane(response, f"GET {bad_url}", failures)
                if bad in TOO_BIG_IDS and response.status_code not in (400, 404, 422):
                    failures.append(f"GET {bad_url} -> {response.status_code}, expected 404/422")
        url = concrete(path, ids)
        if "{" in url:  # a string path parameter (export dataset, language): a bad value there too
            for value in QUERY_VALUES:
                bad_url = re.sub(r"\{\w+:str\}", quote(value, safe=""), url)
                response = await client.get(bad_url, headers=headers)
                _assert_sane(response, f"GET {bad_url[:80]}", failures)
            url = re.sub(r"\{\w+:str\}", "obligations", url)
        operation = _operation(schema, path, method)
        query = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
        if not operation:  # a page of the web UI: the parameters its forms and links send
            query = UI_QUERY
        for name in query:
            checked += 1
            for value in QUERY_VALUES:
                response = await client.get(url, params={name: value}, headers=headers)
                _assert_sane(response, f"GET {path}?{name}={value[:20]!r}", failures)
        for anonymous in ("/api/public/failures?q=%00", "/api/public/failures?q=" + "%00" * 50):
            response = await client.get(anonymous)
            _assert_sane(response, f"GET {anonymous} (anonymous)", failures)
    assert checked >= 40
    assert failures == [], "\n".join(failures[:40])


async def test_deep_json_is_a_400_naming_the_body(client: Any, city: City) -> None:
    for raw in DEEP_BODIES:
        response = await client.post(
            "/api/sweep", content=raw.encode(), headers={**city.auth("admin"), "Content-Type": "application/json"}
        )
        assert response.status_code == 400, response.text[:300]
        assert response.headers["content-type"].startswith("application/problem+json")
        assert "nest" in json.loads(response.text)["detail"]
