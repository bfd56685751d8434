"""Pages plus a document: response schemas taken from an OpenAPI document for page records.

Pages name no response schema (``corpus/pages/GENERATOR.md``), so a client generated from
pages alone returns ``Any``. Configured with ``responses = "openapi.json"`` (or
``--responses``), each page record is matched to an operation of the document, by operation
id, then by method and path (parameter names aside: ``/v1/customers/{customer}`` matches
``/v1/customers/{id}``), and takes the schema of each of its responses from the document's
response of the same status (else of the status's class, ``2XX``, else ``default``: the
order OpenAPI 3.1, 4.8.16 gives). The page stays the source of everything else: the request,
the statuses it lists, their descriptions, a media type it names.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from generator.scrape.records import RawPage, RawResponse

_PARAMETER = re.compile(r"\{[^}]*\}")


def path_key(method: str, path: str) -> tuple[str, str]:
    """``(METHOD, path)`` with every path parameter's name left out, trailing ``/`` kept."""
    return method.upper(), _PARAMETER.sub("{}", path)


def take_responses(
    pages: Sequence[RawPage], document: Sequence[RawPage]
) -> tuple[list[RawPage], list[RawPage]]:
    """``pages`` with response schemas from ``document``, and the pages it does not know.

    A page whose operation the document does not have is returned unchanged (its responses
    stay untyped) and listed second.
    """
    by_id = {p.operation_id: p for p in document if p.operation_id}
    by_path = {path_key(p.method, p.path): p for p in document}
    out: list[RawPage] = []
    unknown: list[RawPage] = []
    for page in pages:
        found = by_id.get(page.operation_id) if page.operation_id else None
        found = found or by_path.get(path_key(page.method, page.path))
        if found is None:
            unknown.append(page)
            out.append(page)
            continue
        responses = tuple(_typed(r, found) for r in page.responses)
        out.append(replace(page, responses=responses, definitions=found.definitions))
    return out, unknown


def _typed(response: RawResponse, operation: RawPage) -> RawResponse:
    """``response`` with the schema (and, where the page names none, the media type and
    headers) of the document's response for its status."""
    match = _for_status(response.status, operation.responses)
    if match is None or match.schema is None:
        return response
    return replace(response, schema=match.schema, pointer=match.pointer,
                   media_type=response.media_type or match.media_type,
                   headers=response.headers or match.headers,
                   file=operation.file, line=operation.line)  # fmt: skip


def _for_status(status: str, declared: Sequence[RawResponse]) -> RawResponse | None:
    """The declared response for ``status``: the same status, else its class (``4XX``),
    else ``default``; a page's own range or ``default`` matches the same key only."""
    by_status = {r.status.upper(): r for r in declared}
    wanted = status.upper()
    if wanted in by_status:
        return by_status[wanted]
    if len(wanted) == 3 and wanted[0].isdigit():
        return by_status.get(f"{wanted[0]}XX") or by_status.get("DEFAULT")
    return None
