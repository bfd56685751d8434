"""The docs show the JSON Schema vocabulary: ``default`` and ``deprecated`` of a field, null and
const types, numeric, array and key limits (issue 12)."""

from __future__ import annotations

from pathlib import Path

from generator.diagnostics import Reporter
from generator.emit import render_api
from tests.openapi_client import build_api

DOC = """\
openapi: 3.1.0
info: {title: Shop, version: "1"}
paths:
  /orders:
    post:
      operationId: createOrder
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              properties:
                size: {type: integer, minimum: 1, maximum: 10, default: 5}
                note: {type: [string, "null"], deprecated: true}
                version: {const: 2}
                tags: {type: array, items: {type: string}, maxItems: 3, uniqueItems: true}
                labels: {type: object, additionalProperties: {type: string}, maxProperties: 4}
      responses:
        "204": {description: created}
"""


def test_docs_show_defaults_deprecation_and_limits(tmp_path: Path) -> None:
    reporter = Reporter()
    api = build_api(tmp_path, DOC, "shop", reporter)
    files = render_api(api, source_label="shop.yaml")
    [md] = [text for path, text in files.items() if path.endswith("operations/createOrder.md")]
    size = md.split("**`size`**", 1)[1].split("- **", 1)[0]
    assert "Default: `5`" in size and "minimum 1; maximum 10" in size
    note = md.split("**`note`**", 1)[1].split("- **", 1)[0]
    assert "`string or null`" in note and "**deprecated**" in note
    assert "`constant 2`" in md
    tags = md.split("**`tags`**", 1)[1].split("- **", 1)[0]
    assert "at most 3 items; items unique" in tags
    assert "at most 4 keys" in md.split("**`labels`**", 1)[1]
    [html] = [text for path, text in files.items()
              if path.endswith("operations/createOrder.html")]  # fmt: skip
    assert "<em>deprecated</em>" in html and "default <code>5</code>" in html
