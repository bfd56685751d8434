"""JSON Schema (as a page or an OpenAPI document states it) to model shapes.

Idioms (see DESIGN.md, "Normalisation"):

- ``anyOf`` with a branch ``{"type": "string", "enum": [""]}`` (any position) -> ``Emptyable``
  of the other branch, or of a ``Union`` of the others; any other ``anyOf`` -> ``Union``
  (one branch: that branch).
- ``enum`` holding ``""`` beside other values -> ``Emptyable(Enum(others))``; ``enum: [""]``
  alone stays ``Enum(("",))``.
- ``x-stripeBypassValidation: true`` on an enum -> ``Enum(open=True)``; on an ``anyOf`` it opens
  the enums among its branches. On a plain string, integer or object it says nothing a client
  can check (a string already takes any string) and is ignored.
- ``type: object``: ``additionalProperties`` alone -> ``Map`` (``true``/``{}`` -> ``Map(Any)``);
  ``additionalProperties: false`` alone -> an ``Object`` without fields that takes no keys;
  properties -> a named ``Object``. An object with neither (pages drop an empty
  ``"properties": {}``) is an ``Object`` without fields that takes any keys, so ``{}``
  (``card: {}`` enables a payment method) can still be sent and both spellings agree.
- ``format``: ``binary`` -> ``Binary``; others kept on ``String``/``Integer``/``Number``.
- ``nullable: true`` (3.0) and ``"null"`` in a type list (3.1): the model has no null (a form
  cannot send one), so null is dropped with a warning; a type list of several types -> ``Union``.
- ``allOf`` of one branch is that branch.
- ``$ref`` (response schemas keep theirs; ``Reader.definitions`` holds the targets): each
  target is read once per direction; an object that refers back to itself is a named
  recursive shape (a ``Ref`` to itself).
- ``readOnly`` properties are left out of requests, ``writeOnly`` ones out of responses
  (OpenAPI 3.x Schema Object).

Keys ignored because they carry no validation meaning: ``description`` (kept on fields),
``title`` (kept as a naming hint on objects, dropped elsewhere), ``default``, ``example``,
``examples``, ``deprecated``, ``externalDocs``, ``xml``,
``discriminator``, ``$schema``, ``$comment``, ``contentMediaType``, ``contentEncoding`` and
every other ``x-`` extension (``x-expansionResources`` ...).

Validation keywords the model cannot carry (``minLength``, ``minimum``, ``maxItems`` ...)
are dropped with a warning (the client checks less than the server). Structural constructs it
does not know (``not``, ``oneOf``, ``allOf`` of several, ``const``, ``$ref``, unknown ``type``,
``if``...) give ``AnyShape`` for that part, with a warning naming the JSON pointer.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from generator.model.naming import unique_names
from generator.model.shapes import (
    AnyShape,
    Array,
    Binary,
    Boolean,
    Emptyable,
    Enum,
    Field,
    Integer,
    Map,
    Number,
    Object,
    Ref,
    Shape,
    String,
    Union,
)

IGNORED = frozenset(
    {
        "description", "title", "default", "example", "examples", "deprecated", "readOnly",
        "writeOnly", "externalDocs", "xml", "discriminator", "$schema", "$comment",
        "contentMediaType", "contentEncoding", "x-stripeBypassValidation",
    }
)
DROPPED = frozenset(
    {
        "minLength", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
        "minItems", "maxItems", "uniqueItems", "minProperties", "maxProperties",
        "patternProperties", "propertyNames", "dependentRequired", "contains",
    }
)
KNOWN = frozenset(
    {
        "type", "enum", "anyOf", "allOf", "format", "maxLength", "pattern", "items",
        "properties", "required", "additionalProperties", "nullable",
    }
)
EMPTY_BRANCH: dict[str, Any] = {"enum": [""], "type": "string"}
MAX_INLINE_DEPTH = 12  # schema levels inside one property; Stripe's deepest is 4

Report = Callable[[str, str, str, str], None]  # (level, message, pointer, code)
Use = tuple[str, tuple[str, ...]]  # (operation id, field path); "\x00"-segments mark branches
Direction = Literal["request", "response"]  # which of readOnly / writeOnly fields are left out
RefKey = tuple[str, Direction]


@dataclass(slots=True)
class Registry:
    """Objects found so far, keyed by a content hash, with every place they were used.

    ``$ref`` targets (response schemas keep them) are read once per direction: ``refs``
    holds each one's shape. An object that refers back to itself is keyed by its reference
    instead of its content (its content holds that key).
    """

    objects: dict[str, Object] = field(default_factory=dict)
    uses: dict[str, set[Use]] = field(default_factory=dict)
    refs: dict[RefKey, Shape] = field(default_factory=dict)
    reading: set[RefKey] = field(default_factory=set)
    recursive: set[RefKey] = field(default_factory=set)
    components: dict[str, str] = field(default_factory=dict)  # key -> name of its $ref target

    def add(self, obj: Object, use: Use, key: str = "") -> Ref:
        key = key or "#" + hashlib.sha1(repr(obj).encode()).hexdigest()[:20]
        self.objects.setdefault(key, obj)
        self.uses.setdefault(key, set()).add(use)
        return Ref(key)

    def use(self, shape: Shape, use: Use) -> Shape:
        """``shape`` (read before), recording one more use of the object it names."""
        if isinstance(shape, Ref):
            self.uses[shape.name].add(use)
        return shape


def ref_key(ref: RefKey) -> str:
    """The registry key of a recursive ``$ref`` target."""
    return "#" + hashlib.sha1(repr(ref).encode()).hexdigest()[:20]


@dataclass(slots=True)
class Reader:
    """Reads the schemas of one operation; ``report`` reports with the page's location."""

    registry: Registry
    op_id: str
    report: Report
    depth: int = 0  # schema levels below the current object member (see ``shape``)
    definitions: Mapping[str, Any] = field(default_factory=dict)  # $ref -> target
    direction: Direction = "request"
    pending: RefKey | None = None  # the $ref whose target object is being read

    def warn(self, message: str, ptr: str, code: str) -> None:
        self.report("warning", message, ptr, code)

    def shape(self, s: Any, ptr: str, path: tuple[str, ...], *, open_enum: bool = False) -> Shape:
        """The model shape of schema ``s``.

        Arrays, maps and unions nest inline in the generated code (a validator loop in a
        loop ...), and Python allows only 20 nested blocks: past ``MAX_INLINE_DEPTH``
        levels inside one object member the rest is ``Any``, with a warning. Objects are
        named shapes of their own, so each property starts counting again.
        """
        if self.depth >= MAX_INLINE_DEPTH:
            self.warn(f"schema nested more than {MAX_INLINE_DEPTH} levels inside one property; "
                      "any value is accepted here", ptr, "too-deep")
            return AnyShape()
        self.depth += 1
        try:
            return self._shape(s, ptr, path, open_enum=open_enum)
        finally:
            self.depth -= 1

    def _shape(self, s: Any, ptr: str, path: tuple[str, ...], *, open_enum: bool) -> Shape:
        if not isinstance(s, dict):
            if s is True:
                return AnyShape()
            self.warn(f"schema is not an object: {_short(s)}", ptr, "bad-schema")
            return AnyShape()
        if isinstance(s.get("$ref"), str) and self.definitions:
            return self._ref(s["$ref"], ptr, path)
        self._check_keys(s, ptr)
        for construct in ("not", "oneOf", "const", "$ref", "if", "then", "else", "prefixItems"):
            if construct in s:
                self.warn(f"'{construct}' is not supported; any value is accepted here",
                          f"{ptr}/{construct}", "unsupported")
                return AnyShape()
        if "anyOf" in s:
            opened = open_enum or s.get("x-stripeBypassValidation") is True
            return self._any_of(s, ptr, path, opened)
        if "allOf" in s:
            return self._all_of(s, ptr, path)
        return self._typed(s, ptr, path, open_enum)

    def _ref(self, ref: str, ptr: str, path: tuple[str, ...]) -> Shape:
        """A ``$ref``'s target, read once; a target being read (a cycle) is a ``Ref`` to it."""
        key: RefKey = (ref, self.direction)
        registry = self.registry
        if key in registry.refs:
            return registry.use(registry.refs[key], (self.op_id, path))
        target = self.definitions.get(ref)
        if target is None:
            self.warn(f"unresolvable $ref {ref!r}; any value is accepted here", f"{ptr}/$ref",
                      "bad-ref")
            return AnyShape()
        if key in registry.reading:
            if _is_object(target):
                registry.recursive.add(key)
                return Ref(ref_key(key))
            self.warn(f"recursive $ref {ref!r} that is not an object; any value is accepted "
                      "here", f"{ptr}/$ref", "recursive-ref")
            return AnyShape()
        registry.reading.add(key)
        self.pending = key if _is_object(target) else None
        try:
            shape = self.shape(target, ref.partition("#")[2], path)
        finally:
            registry.reading.discard(key)
        registry.refs[key] = shape
        return shape

    def _check_keys(self, s: dict[str, Any], ptr: str) -> None:
        for key in s:
            if key in DROPPED:
                self.warn(f"'{key}' is not modelled; the client does not check it",
                          f"{ptr}/{key}", "dropped-keyword")
            elif key not in KNOWN and key not in IGNORED and not key.startswith("x-"):
                if key not in ("not", "oneOf", "const", "$ref", "if", "then", "else"):
                    self.warn(f"unknown keyword '{key}' ignored", f"{ptr}/{_esc(key)}",
                              "unknown-keyword")

    def _any_of(self, s: dict[str, Any], ptr: str, path: tuple[str, ...], open_enum: bool) -> Shape:
        branches = s["anyOf"]
        if not isinstance(branches, list) or not branches:
            self.warn("'anyOf' is not a non-empty list", f"{ptr}/anyOf", "bad-schema")
            return AnyShape()
        for key in sorted(set(s) & (KNOWN - {"anyOf"})):
            self.warn(f"'{key}' beside 'anyOf' is ignored", f"{ptr}/{key}", "unsupported")
        empty = [i for i, b in enumerate(branches) if b == EMPTY_BRANCH]
        rest = [
            self.shape(b, f"{ptr}/anyOf/{i}", (*path, f"\x00{i}") if len(branches) > 1 else path,
                       open_enum=open_enum)
            for i, b in enumerate(branches)
            if i not in empty
        ]
        inner: Shape = rest[0] if len(rest) == 1 else Union(tuple(rest))
        if not empty:
            return inner
        return Emptyable(inner) if rest else Enum(("",))

    def _all_of(self, s: dict[str, Any], ptr: str, path: tuple[str, ...]) -> Shape:
        branches = s["allOf"]
        if isinstance(branches, list) and len(branches) == 1 and len(set(s) & KNOWN) == 1:
            return self.shape(branches[0], f"{ptr}/allOf/0", path)
        self.warn("'allOf' that cannot be merged; any value is accepted here",
                  f"{ptr}/allOf", "unsupported")
        return AnyShape()

    def _typed(self, s: dict[str, Any], ptr: str, path: tuple[str, ...], open_enum: bool) -> Shape:
        typ = s.get("type")
        nullable = s.get("nullable") is True
        if isinstance(typ, list):
            nullable = nullable or "null" in typ
            types = [t for t in typ if t != "null"]
        else:
            types = [typ] if typ is not None else []
        if nullable:
            self.warn("null is not representable; it is dropped", ptr, "nullable")
        if len(types) > 1:
            return Union(tuple(self._one_type(s, t, ptr, path, open_enum) for t in types))
        return self._one_type(s, types[0] if types else None, ptr, path, open_enum)

    def _one_type(
        self, s: dict[str, Any], typ: Any, ptr: str, path: tuple[str, ...], open_enum: bool
    ) -> Shape:
        if "enum" in s and typ in ("string", None):
            return self._enum(s, ptr, open_enum)
        if "enum" in s:
            self.warn(f"enum on type {typ!r} is not modelled; not checked", f"{ptr}/enum",
                      "unsupported")
        if typ is None:
            return self._untyped(s, ptr, path)
        reader = _SCALARS.get(typ) if isinstance(typ, str) else None
        if reader is not None:
            return reader(s)
        if typ == "array":
            items = s.get("items")
            return Array(AnyShape() if items is None else self.shape(items, f"{ptr}/items", path))
        if typ == "object":
            return self._object(s, ptr, path)
        self.warn(f"unknown type {_short(typ)}; any value is accepted here", f"{ptr}/type",
                  "unsupported")
        return AnyShape()

    def _untyped(self, s: dict[str, Any], ptr: str, path: tuple[str, ...]) -> Shape:
        if "properties" in s or "additionalProperties" in s:
            return self._object(s, ptr, path)
        if "items" in s:
            return Array(self.shape(s["items"], f"{ptr}/items", path))
        return AnyShape()

    def _enum(self, s: dict[str, Any], ptr: str, open_enum: bool) -> Shape:
        values = s["enum"]
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            self.warn("enum with values that are not strings; not checked", f"{ptr}/enum",
                      "unsupported")
            return AnyShape()
        max_length = _max_length(s)
        opened = open_enum or s.get("x-stripeBypassValidation") is True
        rest = tuple(v for v in values if v != "")
        if not rest or len(rest) == len(values):
            return Enum(tuple(values), open=opened, max_length=max_length)
        return Emptyable(Enum(rest, open=opened, max_length=max_length))

    def _object(self, s: dict[str, Any], ptr: str, path: tuple[str, ...]) -> Shape:
        named, self.pending = self.pending, None
        props = s.get("properties") or {}
        extra = s.get("additionalProperties", None)
        if not isinstance(props, dict):
            self.warn("'properties' is not an object", f"{ptr}/properties", "bad-schema")
            props = {}
        listed, props = props, self._directed(props)
        if not props and extra is not None and extra is not False:
            value = AnyShape() if extra is True else self.shape(
                extra, f"{ptr}/additionalProperties", path)
            return Map(value)
        if props and extra not in (None, True, False):
            self.warn("'additionalProperties' schema beside 'properties' is not modelled; "
                      "other keys are accepted unchecked", f"{ptr}/additionalProperties",
                      "unsupported")
        title = s.get("title", "") if isinstance(s.get("title"), str) else ""
        obj = Object(  # the same data as an inlined copy of the schema, so the two are one
            name="",
            fields=self._fields(props, self._required(s, listed, ptr), ptr, path),
            additional=extra is not False,
            title=title,
        )
        key = ref_key(named) if named is not None and named in self.registry.recursive else ""
        ref = self.registry.add(obj, (self.op_id, path), key)
        if named is not None:
            self.registry.components.setdefault(ref.name, title or named[0].rpartition("/")[2])
        return ref

    def _directed(self, props: dict[str, Any]) -> dict[str, Any]:
        """``props`` without those the direction leaves out (OpenAPI 3.x Schema Object:
        ``readOnly`` ones are not sent, ``writeOnly`` ones not returned)."""
        hidden = "readOnly" if self.direction == "request" else "writeOnly"
        return {k: v for k, v in props.items() if not (isinstance(v, dict) and v.get(hidden))}

    def _required(self, s: dict[str, Any], props: dict[str, Any], ptr: str) -> frozenset[str]:
        required = s.get("required", [])
        if not isinstance(required, list):
            self.warn("'required' is not a list", f"{ptr}/required", "bad-schema")
            return frozenset()
        if not all(isinstance(r, str) for r in required):
            self.warn("'required' holds a value that is not a string; it is ignored",
                      f"{ptr}/required", "bad-schema")
        names = [r for r in required if isinstance(r, str)]
        missing = [r for r in names if r not in props]
        if missing:
            self.warn(f"required names no listed property: {', '.join(missing)}",
                      f"{ptr}/required", "unsupported")
        return frozenset(names)

    def _fields(
        self, props: dict[str, Any], required: frozenset[str], ptr: str, path: tuple[str, ...]
    ) -> tuple[Field, ...]:
        names, clashes = unique_names({w: w for w in props})
        for group in clashes:
            listed = ", ".join(f"'{w}' -> {names[w]}" for w in group)
            self.report("warning", f"properties renamed (they clash as Python names): {listed}",
                      f"{ptr}/properties", "name-clash")
        outer, self.depth = self.depth, 0
        try:
            return self._field_tuple(props, names, required, ptr, path)
        finally:
            self.depth = outer

    def _field_tuple(
        self, props: dict[str, Any], names: dict[str, str], required: frozenset[str], ptr: str,
        path: tuple[str, ...],
    ) -> tuple[Field, ...]:  # fmt: skip
        return tuple(
            Field(
                wire_name=wire,
                python_name=names[wire],
                shape=self.shape(sub, f"{ptr}/properties/{_esc(wire)}", (*path, wire)),
                required=wire in required,
                description=_description(sub),
            )
            for wire, sub in props.items()
        )


def _is_object(s: Any) -> bool:
    """Whether schema ``s`` is an object with properties (what becomes a named ``Object``)."""
    return (isinstance(s, dict) and "properties" in s and s.get("type") in ("object", None)
            and not {"anyOf", "allOf", "oneOf", "$ref"} & set(s))


def _string(s: dict[str, Any]) -> Shape:
    fmt = s.get("format") if isinstance(s.get("format"), str) else None
    if fmt == "binary":
        return Binary()
    pattern = s.get("pattern") if isinstance(s.get("pattern"), str) else None
    return String(max_length=_max_length(s), format=fmt, pattern=pattern)


def _format(s: dict[str, Any]) -> str | None:
    fmt = s.get("format")
    return fmt if isinstance(fmt, str) else None


_SCALARS: dict[str, Callable[[dict[str, Any]], Shape]] = {
    "string": _string,
    "integer": lambda s: Integer(format=_format(s)),
    "number": lambda s: Number(format=_format(s)),
    "boolean": lambda s: Boolean(),
}


def _max_length(s: dict[str, Any]) -> int | None:
    value = s.get("maxLength")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _description(s: Any) -> str:
    if isinstance(s, dict) and isinstance(s.get("description"), str):
        return str(s["description"])
    return ""


def _esc(key: str) -> str:
    """A JSON pointer token (RFC 6901)."""
    return key.replace("~", "~0").replace("/", "~1")


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
