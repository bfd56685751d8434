"""The intermediate model: what every input becomes and every template reads.

Small frozen dataclasses, one class per kind, closed by the ``Shape`` and ``Node``
aliases. The model is plain data: it holds no I/O, nothing mutable and nothing that
depends on set order or the hash seed, so equal inputs give equal models and the
model can be dumped to JSON (``doc2client ir``).

Object shapes are *named*: an operation's body or a field never holds an ``Object``
inline but a ``Ref`` to an entry of ``Api.shapes``. Two objects that are equal as
data are one named shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, TypeAlias

from generator.frozen import Frozen

MODEL_VERSION = "2.6"


@dataclass(frozen=True, slots=True)
class Source(Frozen):
    """Where a record came from: a file and a 1-based line (0 when unknown)."""

    file: str
    line: int = 0
    pointer: str = ""  # JSON pointer inside the schema, where there is one
    layout: str = ""  # the page layout it was read from (generator/layouts.py); "" if none


Scalar: TypeAlias = str | int | float | bool | None  # a JSON scalar value
Real: TypeAlias = int | float


@dataclass(frozen=True, slots=True)
class String(Frozen):
    """A string; ``pattern`` is an ECMA-262 regular expression that Python's ``re`` reads the
    same way (checked at generation time), searched anywhere in the value (JSON Schema)."""

    max_length: int | None = None
    format: str | None = None  # "decimal", "date-time", "uuid", ... ("binary" becomes Binary)
    pattern: str | None = None
    min_length: int | None = None
    kind: Literal["string"] = "string"


@dataclass(frozen=True, slots=True)
class Bounds(Frozen):
    """Numeric limits (JSON Schema 2020-12 forms; OpenAPI 3.0's boolean exclusive forms are
    read into these): ``minimum <= x``, ``x < exclusive_maximum``, ``x / multiple_of`` whole."""

    minimum: Real | None = None
    maximum: Real | None = None
    exclusive_minimum: Real | None = None
    exclusive_maximum: Real | None = None
    multiple_of: Real | None = None


NO_BOUNDS = Bounds()


@dataclass(frozen=True, slots=True)
class Integer(Frozen):
    format: str | None = None  # "unix-time": a datetime is also accepted
    bounds: Bounds = NO_BOUNDS
    kind: Literal["integer"] = "integer"


@dataclass(frozen=True, slots=True)
class Number(Frozen):
    format: str | None = None
    bounds: Bounds = NO_BOUNDS
    kind: Literal["number"] = "number"


@dataclass(frozen=True, slots=True)
class Null(Frozen):
    """JSON ``null`` (Python ``None``): a value, distinct from an argument not given."""

    kind: Literal["null"] = "null"


@dataclass(frozen=True, slots=True)
class Const(Frozen):
    """A closed set of JSON scalar values of any type: ``const``, and enums of numbers,
    booleans or mixed types (string-only enums are ``Enum``). Compared as JSON compares:
    ``1`` equals ``1.0`` but not ``true``."""

    values: tuple[Scalar, ...]
    kind: Literal["const"] = "const"


@dataclass(frozen=True, slots=True)
class Boolean(Frozen):
    kind: Literal["boolean"] = "boolean"


@dataclass(frozen=True, slots=True)
class Enum(Frozen):
    """A closed set of string values; ``open`` when the API also takes other strings."""

    values: tuple[str, ...]
    open: bool = False
    max_length: int | None = None
    kind: Literal["enum"] = "enum"


@dataclass(frozen=True, slots=True)
class Array(Frozen):
    items: Shape
    min_items: int | None = None
    max_items: int | None = None
    unique_items: bool = False
    kind: Literal["array"] = "array"


@dataclass(frozen=True, slots=True)
class PatternField(Frozen):
    """``patternProperties``: keys that match ``pattern`` (searched) have values of ``shape``."""

    pattern: str
    shape: Shape


@dataclass(frozen=True, slots=True)
class Keys(Frozen):
    """Rules on an object's keys as a whole: counts, ``propertyNames``, ``patternProperties``."""

    min_properties: int | None = None
    max_properties: int | None = None
    names: Shape | None = None  # every key (a string) must match this shape
    patterns: tuple[PatternField, ...] = ()


ANY_KEYS = Keys()


@dataclass(frozen=True, slots=True)
class Map(Frozen):
    """An object whose keys are free and whose values share one shape (``metadata``); a
    key matched by one of ``keys.patterns`` has that pattern's shape instead."""

    values: Shape
    keys: Keys = ANY_KEYS
    kind: Literal["map"] = "map"


@dataclass(frozen=True, slots=True)
class Discriminator(Frozen):
    """OpenAPI ``discriminator``: the member's ``property`` value names the variant.

    ``mapping`` pairs each tag value with the index of its variant in the union (from the
    ``mapping`` and, for variants it does not name, the variant's schema name)."""

    property: str
    mapping: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class Union(Frozen):
    """One of several shapes (object-or-id, integer-or-"now", ...).

    ``exclusive`` (``oneOf``): exactly one variant may accept the value; otherwise
    (``anyOf``, type lists) at least one. With a ``discriminator`` the tag picks the variant.
    """

    variants: tuple[Shape, ...]
    exclusive: bool = False
    discriminator: Discriminator | None = None
    kind: Literal["union"] = "union"


@dataclass(frozen=True, slots=True)
class Emptyable(Frozen):
    """A shape that may also be sent as ``""`` to clear the field."""

    shape: Shape
    kind: Literal["emptyable"] = "emptyable"


@dataclass(frozen=True, slots=True)
class Binary(Frozen):
    """A file upload (multipart part)."""

    kind: Literal["binary"] = "binary"


AnyOrigin: TypeAlias = Literal["schema", "absent", "unchecked"]


@dataclass(frozen=True, slots=True)
class AnyShape(Frozen):
    """Any JSON value. ``origin`` says why:

    - ``"schema"``: the source's schema admits any value (``{}``, ``true``, only annotations
      such as ``description``): ``Any`` is exact.
    - ``"absent"``: the source gives no schema here (an array without ``items``, an object
      without ``additionalProperties``, a body or page parameter without a schema).
    - ``"unchecked"``: the source's schema says something the model does not check (a
      located warning names it): the client accepts more than the server.
    """

    origin: AnyOrigin = "schema"
    kind: Literal["any"] = "any"


@dataclass(frozen=True, slots=True)
class Ref(Frozen):
    """A use of a named object shape: ``Api.shapes`` holds the ``Object`` by ``name``."""

    name: str
    kind: Literal["ref"] = "ref"


@dataclass(frozen=True, slots=True)
class Field(Frozen):
    """A property; ``read_only`` ones are left out of request types (the server sets them),
    ``default`` is the JSON text of the schema's default ("" when it gives none)."""

    wire_name: str
    python_name: str
    shape: Shape
    required: bool = False
    description: str = ""
    read_only: bool = False
    deprecated: bool = False
    default: str = ""
    example: str = ""  # JSON text of the schema's example (``example``, ``examples[0]``), or ""


@dataclass(frozen=True, slots=True)
class Object(Frozen):
    """A named object shape; ``title`` is the hint it was named from (may be empty).

    Keys other than the fields: refused when ``additional`` is false, else checked against
    ``extra`` (``additionalProperties`` as a schema; ``None``: any value)."""

    name: str
    fields: tuple[Field, ...]
    additional: bool = True  # False where the schema says additionalProperties: false
    title: str = ""
    description: str = ""
    extra: Shape | None = None
    keys: Keys = ANY_KEYS
    kind: Literal["object"] = "object"


Shape: TypeAlias = (
    String | Integer | Number | Boolean | Null | Const | Enum | Array | Map | Union | Emptyable
    | Binary | AnyShape | Ref
)

ParameterLocation: TypeAlias = Literal["path", "query", "header", "cookie"]
StyleName: TypeAlias = Literal[
    "form", "spaceDelimited", "pipeDelimited", "deepObject", "simple", "label", "matrix"]


@dataclass(frozen=True, slots=True)
class WireStyle(Frozen):
    """How a parameter or form field is written: OpenAPI ``style`` and ``explode``.

    ``deepObject`` nests with brackets at every level and indexes arrays (``o[k]=v``,
    ``a[0]=1``, ``a[0][k]=v``): the specification's ``o[k]=v`` for flat objects, extended as
    Stripe's documents (which declare deepObject) and Rails/qs do. ``simple`` is for path and
    header parameters; ``label`` (``.5``) and ``matrix`` (``;id=5``) for path parameters.
    """

    style: StyleName = "form"
    explode: bool = True


@dataclass(frozen=True, slots=True)
class Parameter(Frozen):
    name: str  # as on the wire
    python_name: str
    location: ParameterLocation
    shape: Shape
    required: bool = False
    description: str = ""
    wire: WireStyle = WireStyle()
    example: str = ""  # JSON text of the document's example value, or ""


@dataclass(frozen=True, slots=True)
class Encoding(Frozen):
    """The wire style of one top-level field of a form or multipart body."""

    name: str  # the field's wire name
    wire: WireStyle


@dataclass(frozen=True, slots=True)
class Body(Frozen):
    media_type: str  # application/x-www-form-urlencoded, application/json, multipart/form-data
    shape: Shape  # a Ref to an object for forms and multipart; anything for JSON
    required: bool = False
    encoding: tuple[Encoding, ...] = ()  # form and multipart: every top-level field, by name


@dataclass(frozen=True, slots=True)
class Response(Frozen):
    """One response: its status, media type and, where the input gives a schema, its shape.

    ``shape`` is ``None`` when the input says nothing of the body (pages; a response without
    ``content``). Fields marked ``writeOnly`` are not in it; ``readOnly`` ones are.
    """

    status: str  # "200", "2XX", "default", ...
    description: str = ""
    media_type: str = ""  # "" when the input names none
    shape: Shape | None = None
    # the input says there is no content (a document's Response Object without ``content``);
    # False where it cannot say (pages name no media type per response)
    empty: bool = False


# Statuses whose response has no content (RFC 9110, 15.2, 15.3.5, 15.3.6, 15.4.5): nothing
# to type, and no media type to give them.
NO_CONTENT_STATUSES = frozenset({"204", "205", "304"})


def has_content(status: str) -> bool:
    """Whether a response of ``status`` (``"200"``, ``"2XX"``, ``"default"``) may carry
    content: not a 1xx, 204, 205 or 304 (RFC 9110, 15.2, 15.3.5, 15.3.6, 15.4.5)."""
    return not (status.startswith("1") or status in NO_CONTENT_STATUSES)


PagingStyle: TypeAlias = Literal["cursor_id", "cursor", "next_url", "link_header", "page", "offset"]


@dataclass(frozen=True, slots=True)
class Paging(Frozen):
    """How a list operation reaches its next page (docs/conventions.md, "Paging").

    ``parameter`` is the query parameter that moves (``starting_after``, ``page_token``,
    ``page``, ``offset``; empty for ``next_url`` and ``link_header``); ``next`` the dotted path
    of the next cursor or URL in the body; ``items`` the dotted path of the list in the body
    (empty: the body is the list, or the runtime takes ``data``, ``items`` or the only list);
    ``size`` the page-size parameter; ``backward`` the parameter of a ``cursor_id`` list that
    pages backwards (``ending_before``); ``has_more`` a boolean field saying more follow.
    """

    style: PagingStyle
    parameter: str = ""
    next: str = ""
    items: str = ""
    size: str = ""
    backward: str = ""
    has_more: str = ""
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Operation(Frozen):
    operation_id: str
    method: str  # upper case
    path: str  # template with {name} placeholders, always starting with "/"
    resource: tuple[str, ...]  # ("customers", "sources"): where the method sits on the client
    method_name: str  # "update": the Python method name on that resource
    summary: str = ""
    description: str = ""  # HTML as on the page
    path_params: tuple[Parameter, ...] = ()
    query_params: tuple[Parameter, ...] = ()
    header_params: tuple[Parameter, ...] = ()
    body: Body | None = None
    responses: tuple[Response, ...] = ()
    source: Source = field(default_factory=lambda: Source(""))
    paging: Paging | None = None  # None: not a list this client can page through
    validator: str = ""  # the ``_validators`` function checking its body and query ("": none)
    # the query and form/multipart keys whose clear value is "" (``Emptyable``), as brackets
    # nest them, a list index written ``[]`` (``items[][tax_rates]``): an empty list or object
    # given there is sent as the clear value (docs/conventions.md, "Clearing a field")
    clear: tuple[str, ...] = ()
    # the ways (``Auth.requirement``) this operation accepts, from its own OpenAPI ``security``:
    # None for every way of the API, () for none (``security: []``)
    auth: tuple[int, ...] | None = None
    cookie_params: tuple[Parameter, ...] = ()  # sent in the ``Cookie`` header (RFC 6265)
    # the operation's own base URL (OpenAPI ``servers`` on it or its path item) where it
    # differs from the API's; "" for the API's
    server: str = ""

    @property
    def parameters(self) -> tuple[Parameter, ...]:
        """Every parameter: path, query, header, then cookie ones."""
        return (*self.path_params, *self.query_params, *self.header_params, *self.cookie_params)


AuthMethod: TypeAlias = Literal["bearer", "basic", "header", "query", "cookie"]


@dataclass(frozen=True, slots=True)
class Auth(Frozen):
    """One way to authenticate: HTTP bearer, HTTP basic, or an API key in a header or query.

    ``parameter`` is the header or query parameter name of an API key (``X-API-Key``).
    """

    method: AuthMethod
    parameter: str = ""
    scheme: str = ""  # the securitySchemes key it came from ("" for a default or configured)
    credential: str = "api_key"  # the Client argument holding it; basic: username and password
    requirement: int = 0  # schemes with the same requirement are sent together; others are
    # alternatives (OpenAPI Security Requirement Objects)


@dataclass(frozen=True, slots=True)
class Conventions(Frozen):
    """What differs from API to API, each with the reason it was chosen (the run summary)."""

    wire: WireStyle = WireStyle()  # where the input declares none: query parameters, form fields
    wire_reason: str = ""
    auth: tuple[Auth, ...] = (Auth("bearer"),)  # any one of them authenticates
    auth_reason: str = ""
    idempotency_header: str = ""  # POST/PATCH are retried only when this is set
    idempotency_reason: str = ""
    base_url_reason: str = ""
    # True when the header was read from the document (a declared header parameter): only the
    # operations that declare it get a key; False when configured (every POST and PATCH)
    idempotency_declared: bool = False


@dataclass(frozen=True, slots=True)
class Api(Frozen):
    name: str  # "stripe": the package is f"{name}_client"
    base_url: str  # "https://api.stripe.com" (empty when the pages name no host)
    operations: tuple[Operation, ...]  # sorted by operation id
    shapes: tuple[Object, ...]  # sorted by name
    title: str = ""
    version: str = ""
    conventions: Conventions = Conventions()
    # the layout pages are written back in (generator/layouts.py LAYOUTS); "" for the
    # layout each operation was read from (configuration: page_layout)
    page_layout: str = ""

    @property
    def package(self) -> str:
        return f"{self.name}_client"


Node: TypeAlias = Api | Operation | Parameter | Body | Response | Field | Object | Shape | Source
