"""The API documentation page, rendered on the server from the OpenAPI document: no scripts, no styles and
nothing fetched from a CDN (the Swagger UI and Scalar plugins load their code from jsdelivr/unpkg). The raw
document stays at ``/schema/openapi.json``."""

from __future__ import annotations

import json
from html import escape
from typing import Any

from litestar import Request
from litestar.openapi.plugins import OpenAPIRenderPlugin

METHODS = ("get", "post", "put", "patch", "delete")


def _schema_text(schema: dict[str, Any] | None) -> str:
    if not schema:
        return ""
    ref = schema.get("$ref")
    if ref:
        return str(ref).rsplit("/", 1)[-1]
    return json.dumps(schema, ensure_ascii=False)[:300]


def render_docs(openapi: dict[str, Any]) -> str:
    info = openapi.get("info", {})
    out = [
        "<!doctype html><html lang=en><head><meta charset=utf-8>",
        f"<title>{escape(str(info.get('title', 'API')))}</title></head><body>",
        f"<h1>{escape(str(info.get('title', 'API')))} {escape(str(info.get('version', '')))}</h1>",
        '<p>Machine-readable: <a href="/schema/openapi.json">openapi.json</a>.</p>',
    ]
    for path, item in sorted(openapi.get("paths", {}).items()):
        for method in METHODS:
            operation = item.get(method)
            if not operation:
                continue
            out.append(f"<h2 id={escape(operation.get('operationId', ''), quote=True)}>")
            out.append(f"<code>{method.upper()} {escape(path)}</code></h2>")
            summary = operation.get("summary") or ""
            description = operation.get("description") or ""
            if summary or description:
                out.append(f"<p>{escape(summary)} {escape(description)}</p>")
            parameters = operation.get("parameters") or []
            if parameters:
                out.append("<table><tr><th>parameter</th><th>in</th><th>required</th><th>schema</th></tr>")
                for p in parameters:
                    out.append(
                        f"<tr><td><code>{escape(p['name'])}</code></td><td>{escape(p['in'])}</td>"
                        f"<td>{'yes' if p.get('required') else ''}</td>"
                        f"<td><code>{escape(_schema_text(p.get('schema')))}</code></td></tr>"
                    )
                out.append("</table>")
            body = (operation.get("requestBody") or {}).get("content") or {}
            for media_type, content in body.items():
                out.append(
                    f"<p>body ({escape(media_type)}): <code>{escape(_schema_text(content.get('schema')))}</code></p>"
                )
    schemas = openapi.get("components", {}).get("schemas", {})
    if schemas:
        out.append("<h2>Schemas</h2>")
        for name, schema in sorted(schemas.items()):
            out.append(f"<h3 id=schema-{escape(name, quote=True)}>{escape(name)}</h3>")
            out.append(f"<pre>{escape(json.dumps(schema, ensure_ascii=False, indent=2))}</pre>")
    out.append("</body></html>")
    return "\n".join(out)


class StaticDocsPlugin(OpenAPIRenderPlugin):
    """``/schema`` (and ``/schema/docs``): the documentation as plain HTML."""

    def __init__(self, path: str | list[str] = "/docs") -> None:
        super().__init__(path=path)

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        return render_docs(openapi_schema).encode()
