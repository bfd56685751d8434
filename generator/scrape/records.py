"""Raw page records: what a page (or an OpenAPI operation) says, before any meaning.

A record mirrors its source. A page oddity (backslash paths, ``+{baseUrl}``,
capitalised locations, entity-encoded schemas) is undone in the scraper and never
reaches the normaliser; schema idioms are left for the normaliser.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generator.frozen import Frozen


@dataclass(frozen=True, slots=True)
class RawParameter(Frozen):
    name: str  # as on the wire (percent-decoded)
    location: str  # "path", "query", "header", "cookie", lower case; anything else is reported
    type: str  # the parameterType text ("string", "integer", "" ...)
    required: bool
    description: str
    line: int
    schema: dict[str, Any] | None = None  # an OpenAPI document's parameter schema; pages have none
    style: str = ""  # OpenAPI ``style`` as written ("" when absent; pages have none)
    explode: bool | None = None  # OpenAPI ``explode`` as written (None when absent)
    example: str = ""  # JSON text of the document's example value ("" when it gives none)


@dataclass(frozen=True, slots=True)
class RawEncoding(Frozen):
    """One entry of an OpenAPI request body's ``encoding`` map."""

    name: str  # the property it applies to
    style: str = ""
    explode: bool | None = None
    content_type: str = ""


@dataclass(frozen=True, slots=True)
class RawBody(Frozen):
    """One media type a request body is offered in (OpenAPI ``requestBody.content``)."""

    media_type: str
    schema: dict[str, Any] | None
    schema_pointer: str = ""
    schema_line: int = 0
    encoding: tuple[RawEncoding, ...] = ()


@dataclass(frozen=True, slots=True)
class RawSecurity(Frozen):
    """One security scheme an operation accepts (OpenAPI ``securitySchemes`` entry)."""

    name: str  # its key in ``securitySchemes``
    type: str  # "http", "apiKey", "oauth2", "openIdConnect", "mutualTLS"
    scheme: str = ""  # http: "bearer", "basic", ... (lower case)
    location: str = ""  # apiKey: "header", "query" or "cookie"
    parameter: str = ""  # apiKey: the header or query parameter name


@dataclass(frozen=True, slots=True)
class RawExample(Frozen):
    """An example body as a page shows it (the newest layout synthesises one per message).

    ``text`` is the example with entities decoded; ``value`` its parsed JSON where ``json``
    is true. A page's ``null`` example (the tool found nothing to show) is no example at all.
    """

    text: str
    value: Any = None
    json: bool = False


@dataclass(frozen=True, slots=True)
class RawResponse(Frozen):
    """One response of an operation: a status (``"200"``, ``"4XX"``, ``"default"``) and what
    its source says of it. Pages give no schema; an OpenAPI document gives the first media
    type's schema with its ``$ref``s kept (their targets are in ``RawPage.definitions``)."""

    status: str
    description: str
    media_type: str = ""  # "" when the source names none
    schema: dict[str, Any] | None = None
    pointer: str = ""  # JSON pointer of the schema in its document
    headers: tuple[str, ...] = ()  # response header names, lower case (OpenAPI ``headers``)
    example: RawExample | None = None  # newest page layout only; None for "null" or none
    # where the schema was read when not from its record's own file (a ``responses``
    # document beside pages: generator/scrape/responses.py): that file and the line
    file: str = ""
    line: int = 0


@dataclass(frozen=True, slots=True)
class RawPage(Frozen):
    """One operation as its source states it."""

    file: str  # path as given to the scraper (relative where possible)
    operation_id: str  # from the file name (pages) or operationId (OpenAPI); may be ""
    title: str  # <title>
    summary: str  # <h1 class="requestSummary">
    description: str  # inner HTML of <p class="requestDescription">
    method: str  # upper case
    path: str  # "/v1/customers/{customer}": slashes, no query template, no +{baseUrl}
    query_template: tuple[str, ...]  # names from a {?a*,b*} template, decoded
    host: str  # "api.stripe.com:443", or "" when the page has no host line
    headers: tuple[tuple[str, str], ...]  # every header line, in order
    parameters: tuple[RawParameter, ...]
    media_type: str  # request body media type ("" when the page has no body)
    schema: dict[str, Any] | None  # the body schema as parsed JSON; None when absent or empty
    responses: tuple[RawResponse, ...]
    line: int = 1  # line of the request line
    schema_line: int = 0  # line where the schema text starts
    schema_pointer: str = ""  # the schema's JSON pointer in its document (OpenAPI input)
    lines: dict[str, int] = field(default_factory=dict)  # other places: "h1", "parameters", ...
    has_body: bool = False  # the page has a request body section (even with an empty schema)
    body_required: bool = False  # OpenAPI ``requestBody.required`` (pages do not say)
    encoding: tuple[RawEncoding, ...] = ()  # the body's ``encoding`` map (OpenAPI only)
    # every media type the body is offered in, in document order (OpenAPI only; the fields
    # above hold the first): the normaliser chooses one (generator/model/conventions.py)
    bodies: tuple[RawBody, ...] = ()
    # OpenAPI ``security``: alternatives, each the schemes it needs together (pages have none)
    security: tuple[tuple[RawSecurity, ...], ...] = ()
    declared: bool = False  # from an OpenAPI document (whose defaults apply), not a page
    layout: str = ""  # the page layout (generator/layouts.py); "" for an OpenAPI document
    # the operation's own server (OpenAPI ``servers`` on the operation or its path item),
    # where it differs from the document's first: "" for the API's base URL
    server: str = ""
    example: RawExample | None = None  # the request body example, where the page gives one
    # what the ``$ref``s in the response schemas point to, by reference ("#/components/...");
    # one mapping shared by every record of a document, so it is left out of repr and ==
    definitions: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
