"""JSON Schema (as a page or an OpenAPI document states it) to model shapes.

Idioms (see DESIGN.md, "Normalisation"):

- ``anyOf`` with a branch ``{"type": "string", "enum": [""]}`` (any position) -> ``Emptyable``
  of the other branch, or of a ``Union`` of the others; any other ``anyOf`` -> ``Union``
  (one branch: that branch); ``oneOf`` -> an exclusive ``Union``, tagged by a
  ``discriminator`` where there is one. Keywords beside ``anyOf``/``oneOf`` apply to every
  branch (they are merged into each, as ``allOf``); a branch that names a schema
  (``{properties: {id}, oneOf: [{$ref: Cat}, {$ref: Dog}]}``) is titled after it, so each
  variant with its parent's fields is the type ``Cat``, ``Dog`` (``_named_after``).
- ``enum`` holding ``""`` beside other strings -> ``Emptyable(Enum(others))``; ``enum: [""]``
  alone stays ``Enum(("",))``. Other values: strings -> ``Enum``, numbers and booleans ->
  ``Const``, ``null`` -> ``Null`` (a ``Union`` of those present). ``const`` likewise.
- ``x-stripeBypassValidation: true`` on an enum -> ``Enum(open=True)``; on an ``anyOf`` it opens
  the enums among its branches. On a plain string, integer or object it says nothing a client
  can check (a string already takes any string) and is ignored.
- ``type: object``: without ``properties`` (and not closed by ``additionalProperties: false``)
  -> an open ``Map`` (values: the ``additionalProperties`` schema, or anything);
  ``additionalProperties: false`` alone -> an ``Object`` without fields that takes no keys;
  properties -> a named ``Object`` (``additionalProperties`` as a schema is its ``extra``).
  ``required`` names without a listed property become fields of any shape.
- ``format``: ``binary`` (and 3.1's ``contentMediaType`` without ``contentEncoding``) ->
  ``Binary``; others kept on ``String``/``Integer``/``Number``.
- null: ``nullable: true`` (3.0), ``"null"`` in a type list or ``type: "null"`` (3.1) -> a
  ``Union`` with ``Null``; a type list of several types -> ``Union``. ``nullable: true``
  admits null beside an ``enum`` (or ``const``) that does not list it, as OpenAPI 3.0.0-3.0.2
  define it ("allows sending a null value for the defined schema"); 3.0.3's reading, where
  such an enum rejects null, would leave the keyword without effect, and documents that write
  it send null there (Stripe's example objects, ``fixtures3.json``, hold ``null`` in them).
- ``allOf`` -> merged into one schema first (``generator.model.merge``); a contradiction is an
  error at the branch that contradicts.
- a ``$ref`` left by the scraper (a cycle) -> a ``Ref`` to the named object it points back to
  (a recursive type); the target carries ``generator.scrape.refs.RECURSIVE``. Response
  schemas keep their ``$ref``s (``Reader.definitions`` holds the targets): each target is
  read once per direction, and an object that refers back to itself is a named recursive
  shape too.
- an object read through a ``$ref`` (kept, or inlined by the scraper, which marks it with
  ``REF_NAME``) is named by it (``Registry.components``): an ``allOf`` keeps that name only
  when it adds nothing but annotations to one such schema. Where requests and responses read
  a schema differently, the response's reading keeps the name.
- ``readOnly`` properties are left out of requests, ``writeOnly`` ones out of responses
  (OpenAPI 3.x Schema Object).
- ``pattern``: kept when Python's ``re`` reads it as ECMA-262 does (``generator.model.pattern``),
  else dropped with a located warning.

Keys ignored because they carry no validation meaning: ``description`` (kept on fields),
``title`` (kept as a naming hint on objects, dropped elsewhere), ``default`` and
``deprecated`` (kept on fields, for docs), ``readOnly`` (kept on response fields),
``example`` and ``examples`` (the first kept on fields, for the docs' example calls),
``writeOnly``, ``externalDocs, ``xml``, ``$schema``, ``$comment``, ``contentEncoding`` and
every ``x-`` extension.

Keywords the model does not check (``not``, ``if``/``then``/``else``, ``contains``,
``prefixItems``, ``dependentRequired`` ...) are reported as ``not-checked`` warnings; the rest
of the schema is still read (the client then accepts more than the server, never less).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from generator.diagnostics import Level
from generator.model import shapes as s
from generator.model.merge import merge_all_of
from generator.model.naming import naming_path, unique_names
from generator.model.pattern import translate
from generator.model.scalars import bounded_int, enum_shape, scalar_shape, union_of
from generator.scrape.openapi import example_text
from generator.scrape.refs import RECURSIVE, REF_NAME

IGNORED = frozenset(
    {
        "description", "title", "default", "example", "examples", "deprecated", "readOnly",
        "writeOnly", "externalDocs", "xml", "discriminator", "$schema", "$comment",
        "contentEncoding", "contentMediaType", "x-stripeBypassValidation", "$id", "$anchor",
    }
)
NOT_CHECKED = frozenset(
    {
        "not", "if", "then", "else", "contains", "minContains", "maxContains", "prefixItems",
        "dependentRequired", "dependentSchemas", "unevaluatedProperties", "unevaluatedItems",
        "$dynamicRef", "$defs", "definitions",
    }
)
KNOWN = frozenset(
    {
        "type", "enum", "const", "anyOf", "oneOf", "allOf", "format", "maxLength", "minLength",
        "pattern", "items", "properties", "required", "additionalProperties", "nullable",
        "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minItems",
        "maxItems", "uniqueItems", "minProperties", "maxProperties", "patternProperties",
        "propertyNames", "$ref",
    }
)
OBJECT_KEYS = frozenset({"properties", "additionalProperties", "patternProperties",
                         "propertyNames", "minProperties", "maxProperties", "required"})
ARRAY_KEYS = frozenset({"items", "minItems", "maxItems", "uniqueItems"})
UNION_SIBLINGS_IGNORED = IGNORED | {"oneOf", "anyOf", "nullable"}
INLINED = "x-doc2client-inlined"  # a kept $ref's target inlined to be merged (``_deref``)
EMPTY_BRANCH: dict[str, Any] = {"enum": [""], "type": "string"}
MAX_INLINE_DEPTH = 12  # schema levels inside one property; Stripe's deepest is 4

Report = Callable[[Level, str, str, str], None]  # (level, message, pointer, code)
Use = tuple[str, tuple[str, ...]]  # (operation id, field path); "\x00"-segments mark branches
Direction = Literal["request", "response"]  # which of readOnly / writeOnly fields are left out
RefKey = tuple[str, Direction]
Added = tuple[str, s.Object, Use]  # one ``Registry.add``: key, object, use


@dataclass(slots=True)
class Registry:
    """Objects found so far, keyed by a content hash, with every place they were used.

    ``$ref`` targets (response schemas keep them) are read once per direction: ``refs``
    holds each one's shape. An object that refers back to itself is keyed by its reference
    instead of its content (its content holds that key).
    """

    objects: dict[str, s.Object] = field(default_factory=dict)
    uses: dict[str, set[Use]] = field(default_factory=dict)
    refs: dict[RefKey, s.Shape] = field(default_factory=dict)
    reading: set[RefKey] = field(default_factory=set)
    recursive: set[RefKey] = field(default_factory=set)
    components: dict[str, str] = field(default_factory=dict)  # key -> name of its $ref target
    requested: set[str] = field(default_factory=set)  # components named by requests alone
    undirected: dict[str, bool] = field(default_factory=dict)  # $ref -> no readOnly/writeOnly
    log: list[Added] | None = None  # every ``add``, in order, when kept (``replay``)

    def add(self, obj: s.Object, use: Use, key: str = "") -> s.Ref:
        key = key or "#" + hashlib.sha1(repr(obj).encode()).hexdigest()[:20]
        self.objects.setdefault(key, obj)
        self.uses.setdefault(key, set()).add(use)
        if self.log is not None:
            self.log.append((key, obj, use))
        return s.Ref(key)

    def name_component(self, key: str, name: str, direction: Direction) -> None:
        """Object ``key`` is the schema ``name`` (the first name given stays), as read in
        ``direction``; ``requested`` keeps the keys no response reading named."""
        if key not in self.components:
            self.components[key] = name
            if direction == "request":
                self.requested.add(key)
        elif direction != "request":
            self.requested.discard(key)

    def use(self, shape: s.Shape, use: Use) -> s.Shape:
        """``shape`` (read before), recording one more use of the object it names."""
        if isinstance(shape, s.Ref):
            self.uses[shape.name].add(use)
        return shape

    @property
    def content_keyed(self) -> bool:
        """Whether every object was added under its content (no ``$ref`` target was read):
        then the objects and uses depend on nothing read before, and ``log`` replays them."""
        return not (self.refs or self.reading or self.recursive or self.components)

    def replay(self, log: Sequence[Added]) -> None:
        """Add what another registry's ``log`` holds, as its ``add`` calls did."""
        for key, obj, use in log:
            self.objects.setdefault(key, obj)
            self.uses.setdefault(key, set()).add(use)


def component_name(ref: str) -> str:
    """The name a ``$ref`` gives its target: the last part of its fragment
    (``#/components/schemas/Address``: ``Address``), else its file's name without the
    format suffix ``naming_path`` drops (``models/load_balancer.yml``: ``load_balancer``)."""
    path, _, fragment = ref.partition("#")
    last = fragment.strip("/").rpartition("/")[2] if fragment.strip("/") else ""
    return last or naming_path(path).rpartition("/")[2]


def ref_key(ref: RefKey) -> str:
    """The registry key of a recursive ``$ref`` target."""
    return "#" + hashlib.sha1(repr(ref).encode()).hexdigest()[:20]


def recursive_key(ref: str) -> str:
    """The registry key of the object a cyclic ``$ref`` points back to."""
    return "$" + ref


@dataclass(slots=True)
class Reader:
    """Reads the schemas of one operation; ``report`` reports with the page's location."""

    registry: Registry
    op_id: str
    report: Report
    depth: int = 0  # schema levels below the current object member (see ``shape``)
    recursive: dict[str, bool] = field(default_factory=dict)  # enclosing targets: is an object
    inlined: set[str] = field(default_factory=set)  # kept $refs inlined by the enclosing read
    definitions: Mapping[str, Any] = field(default_factory=dict)  # $ref -> target
    direction: Direction = "request"
    pending: RefKey | None = None  # the $ref whose target object is being read

    def warn(self, message: str, ptr: str, code: str) -> None:
        self.report("warning", message, ptr, code)

    def shape(
        self, raw: Any, ptr: str, path: tuple[str, ...], *, open_enum: bool = False,
    ) -> s.Shape:
        """The model shape of schema ``raw``.

        Arrays, maps and unions nest inline in the generated code (a validator loop in a
        loop ...), and Python allows only 20 nested blocks: past ``MAX_INLINE_DEPTH``
        levels inside one object member the rest is ``Any``, with a warning. Objects are
        named shapes of their own, so each property starts counting again.
        """
        if self.depth >= MAX_INLINE_DEPTH:
            self.warn(f"schema nested more than {MAX_INLINE_DEPTH} levels inside one property; "
                      "any value is accepted here", ptr, "too-deep")
            return s.AnyShape("unchecked")
        self.depth += 1
        try:
            return self._target(raw, ptr, path, open_enum)
        finally:
            self.depth -= 1

    def _target(self, raw: Any, ptr: str, path: tuple[str, ...], open_enum: bool) -> s.Shape:
        """``raw``, and while it is read, whether it is the target of a cyclic ``$ref`` (and
        which kept ``$ref``s it holds inlined, so that they are not inlined again)."""
        inlined = raw.get(INLINED) if isinstance(raw, dict) else None
        if isinstance(inlined, str) and inlined not in self.inlined:
            self.inlined.add(inlined)
            try:
                return self._target({k: v for k, v in raw.items() if k != INLINED}, ptr, path,
                                    open_enum)
            finally:
                self.inlined.discard(inlined)
        ref = raw.get(RECURSIVE) if isinstance(raw, dict) else None
        if not isinstance(ref, str):
            return self._shape(raw, ptr, path, open_enum)
        outer = self.recursive.get(ref)
        self.recursive[ref] = _named_target(raw)
        try:
            return self._shape(raw, ptr, path, open_enum)
        finally:
            if outer is None:
                del self.recursive[ref]
            else:
                self.recursive[ref] = outer

    def _shape(self, raw: Any, ptr: str, path: tuple[str, ...], open_enum: bool) -> s.Shape:
        if not isinstance(raw, dict):
            if raw is True:
                return s.AnyShape()
            self.warn(f"schema is not an object: {_short(raw)}", ptr, "bad-schema")
            return s.AnyShape("unchecked")
        if isinstance(raw.get("$ref"), str):
            ref = raw["$ref"]
            if ref in self.recursive or not self.definitions:
                return self._cycle(ref, ptr)
            return self._ref(ref, ptr, path)
        self._check_keys(raw, ptr)
        if (only := _sole_ref(raw)) is not None and self.definitions:
            return self._shape({"$ref": only}, ptr, path, open_enum)
        if "allOf" in raw:
            merged = self._all_of(raw, ptr)
            if merged is None:
                return s.AnyShape("unchecked")
            if isinstance(merged.get("$ref"), str):  # a branch that refers back (a cycle)
                return self._shape(merged, ptr, path, open_enum)
            raw = merged
        if "oneOf" in raw or "anyOf" in raw:
            opened = open_enum or raw.get("x-stripeBypassValidation") is True
            return self._union(raw, ptr, path, opened)
        return self._typed(raw, ptr, path, open_enum)

    def _cycle(self, ref: str, ptr: str) -> s.Shape:
        if self.recursive.get(ref):
            return s.Ref(recursive_key(ref))
        if ref not in self.recursive:  # no definitions at all: a $ref that does not resolve
            self.warn(f"$ref {ref!r} is not resolved; any value is accepted here", ptr,
                      "bad-ref")
            return s.AnyShape("unchecked")
        self.warn(f"$ref {ref!r} points back to a schema that is not an object; any value is "
                  "accepted here", ptr, "recursive-ref")
        return s.AnyShape("unchecked")

    def _ref(self, ref: str, ptr: str, path: tuple[str, ...]) -> s.Shape:
        """A ``$ref``'s target, read once; a target being read (a cycle) is a ``Ref`` to it."""
        key: RefKey = (ref, self.direction)
        registry = self.registry
        if key in registry.refs:
            return registry.use(registry.refs[key], (self.op_id, path))
        target = self.definitions.get(ref)
        if target is None:
            self.warn(f"unresolvable $ref {ref!r}; any value is accepted here", f"{ptr}/$ref",
                      "bad-ref")
            return s.AnyShape("unchecked")
        if key in registry.reading:
            if _is_object(target):
                registry.recursive.add(key)
                return s.Ref(self._recursive_key(ref))
            self.warn(f"recursive $ref {ref!r} that is not an object; any value is accepted "
                      "here", f"{ptr}/$ref", "recursive-ref")
            return s.AnyShape("unchecked")
        registry.reading.add(key)
        self.pending = key if _is_object(target) or _is_all_of(target) else None
        try:
            shape = self.shape(target, ref.partition("#")[2], path)
        finally:
            registry.reading.discard(key)
            if self.pending == key:  # the target was not an object after all (an allOf of
                self.pending = None  # scalars): no later object may take its name
        registry.refs[key] = shape
        return shape

    def _check_keys(self, raw: dict[str, Any], ptr: str) -> None:
        for key in raw:
            if key in NOT_CHECKED:
                self.warn(f"'{key}' is not checked by the client (the server checks it)",
                          f"{ptr}/{_esc(key)}", "not-checked")
            elif key not in KNOWN and key not in IGNORED and not key.startswith("x-"):
                self.warn(f"unknown keyword '{key}' ignored", f"{ptr}/{_esc(key)}",
                          "unknown-keyword")

    def _deref(self, branch: Any) -> Any:
        """A kept ``$ref`` (response schemas) replaced by its target, to be merged; a target
        being read (a cycle) stays a ``$ref``. The target is marked with its reference."""
        ref = branch.get("$ref") if isinstance(branch, dict) else None
        if not isinstance(ref, str) or ref not in self.definitions or ref in self.recursive:
            return branch
        if (ref, self.direction) in self.registry.reading or ref in self.inlined:
            return branch
        target = self.definitions[ref]
        if not isinstance(target, dict):
            return branch
        rest = {k: v for k, v in branch.items() if k != "$ref"}
        return {**target, **rest, REF_NAME: ref, INLINED: ref}

    def _properties_ref(self, raw: Any, ptr: str) -> Any:
        """``raw`` with a ``$ref`` standing directly under ``properties`` followed: a quirk of
        documents in the wild (a reusable map of properties, which JSON Schema does not have:
        ``properties`` maps names to schemas), read as the map it names, with a note (it is
        carried as meant)."""
        props = raw.get("properties") if isinstance(raw, dict) else None
        ref = props.get("$ref") if isinstance(props, dict) and len(props) == 1 else None
        target = self.definitions.get(ref) if isinstance(ref, str) else None
        if not isinstance(target, dict):
            return raw
        self.report("note", "a $ref directly under 'properties' is not JSON Schema (properties "
                    "maps names to schemas); the map it names is read", f"{ptr}/properties/$ref",
                    "properties-ref")
        return {**raw, "properties": target}

    def _all_of(self, raw: dict[str, Any], ptr: str) -> dict[str, Any] | None:
        if self.definitions and isinstance(raw.get("allOf"), list):
            raw = {**raw, "allOf": [self._properties_ref(self._deref(b), f"{ptr}/allOf/{i}")
                                    for i, b in enumerate(raw["allOf"])]}  # fmt: skip
        merged = merge_all_of(raw, ptr)
        for where, message in merged.conflicts:
            self.report("error", f"allOf branches contradict each other: {message}", where,
                        "all-of-conflict")
        for where, message in merged.unmerged:
            self.warn(message, where, "not-checked")
        if merged.conflicts:
            return None
        schema = {k: v for k, v in merged.schema.items() if k != REF_NAME}
        name = raw.get(REF_NAME) or _sole_name(raw)  # a named composition, or a named branch
        return schema if name is None else {**schema, REF_NAME: name}

    def _union(
        self, raw: dict[str, Any], ptr: str, path: tuple[str, ...], open_enum: bool,
    ) -> s.Shape:
        key = "oneOf" if "oneOf" in raw else "anyOf"
        branches = raw[key]
        if not isinstance(branches, list) or not branches:
            self.warn(f"'{key}' is not a non-empty list", f"{ptr}/{key}", "bad-schema")
            return s.AnyShape("unchecked")
        rest = {k: v for k, v in raw.items()
                if (k not in UNION_SIBLINGS_IGNORED and not k.startswith("x-")) or k == "anyOf"}
        if key == "anyOf":
            rest.pop("anyOf")
        empty = [i for i, b in enumerate(branches) if b == EMPTY_BRANCH] if key == "anyOf" else []
        many = len(branches) > 1
        shapes: list[tuple[int, s.Shape]] = []
        for i, branch in enumerate(branches):
            if i in empty:
                continue
            where = f"{ptr}/{key}/{i}"
            merged = _named_after(self._all_of({"allOf": [rest, self._deref(branch)]}, where),
                                  branch) if rest else branch  # fmt: skip
            shape = s.AnyShape("unchecked") if merged is None else self.shape(
                merged, where, (*path, f"\x00{i}") if many else path, open_enum=open_enum)
            shapes.append((i, shape))
        return self._union_shape(raw, ptr, key, [sh for _, sh in shapes], branches,
                                 empty=bool(empty))

    def _union_shape(
        self, raw: dict[str, Any], ptr: str, key: str, shapes: list[s.Shape], branches: list[Any],
        *, empty: bool,
    ) -> s.Shape:  # fmt: skip
        nullable = raw.get("nullable") is True
        if empty:
            inner = shapes[0] if len(shapes) == 1 else s.Union(tuple(shapes))
            shape: s.Shape = s.Emptyable(inner) if shapes else s.Enum(("",))
            return union_of([shape, s.Null()]) if nullable else shape
        tagged = (self._discriminator(raw, ptr, branches)
                  if key == "oneOf" or "discriminator" in raw else None)
        if len(shapes) == 1 and tagged is None:
            return union_of([shapes[0], s.Null()]) if nullable else shapes[0]
        union = s.Union(tuple(shapes), exclusive=key == "oneOf", discriminator=tagged)
        if not nullable:
            return union
        if union.exclusive or tagged is not None:
            return s.Union((union, s.Null()))
        return union_of([*shapes, s.Null()])

    def _discriminator(
        self, raw: dict[str, Any], ptr: str, branches: list[Any]
    ) -> s.Discriminator | None:
        spec = raw.get("discriminator")
        if not isinstance(spec, dict) or not isinstance(spec.get("propertyName"), str):
            return None
        prop = spec["propertyName"]
        mapping: dict[str, Any] = spec["mapping"] if isinstance(spec.get("mapping"), dict) else {}
        by_ref = {_canonical(str(ref)): str(value) for value, ref in mapping.items()}
        pairs: list[tuple[str, int]] = []
        for i, branch in enumerate(branches):
            tags = _tags(branch, prop, by_ref)
            if not tags:
                self.warn(f"discriminator: no value of '{prop}' names {key_of(branch, i)}; the "
                          "union is checked without the tag", f"{ptr}/discriminator", "not-checked")
                return None
            pairs += [(tag, i) for tag in tags]
        return s.Discriminator(prop, tuple(sorted(set(pairs))))

    def _typed(
        self, raw: dict[str, Any], ptr: str, path: tuple[str, ...], open_enum: bool,
    ) -> s.Shape:
        if raw.get("enum") == []:  # as in an allOf (model/merge.py): read as no enum
            self.warn("'enum' is empty; read as no 'enum' (not checked)", f"{ptr}/enum",
                      "not-checked")
            raw = {k: v for k, v in raw.items() if k != "enum"}
        typ = raw.get("type")
        types = [t for t in typ] if isinstance(typ, list) else ([typ] if typ is not None else [])
        if raw.get("nullable") is True and types and "null" not in types:
            types.append("null")
        key = "const" if "const" in raw else "enum" if "enum" in raw else None
        if key is not None:
            listed = [raw["const"]] if key == "const" else raw["enum"]
            shape = self._values(listed, types, raw, ptr, key, open_enum=open_enum)
            nullable = raw.get("nullable") is True and not isinstance(shape, s.AnyShape)
            return union_of([shape, s.Null()]) if nullable else shape
        if not types:
            return self._untyped(raw, ptr, path)
        distinct = [t for i, t in enumerate(types) if t not in types[:i]]  # a bad one may be a dict
        return union_of([self._one_type(raw, t, ptr, path) for t in distinct])

    def _values(
        self, values: Any, types: list[Any], raw: dict[str, Any], ptr: str, key: str,
        *, open_enum: bool,
    ) -> s.Shape:  # fmt: skip
        if not isinstance(values, list):
            self.warn(f"'{key}' is not a list", f"{ptr}/{key}", "bad-schema")
            return s.AnyShape("unchecked")
        opened = open_enum or raw.get("x-stripeBypassValidation") is True
        shape, dropped = enum_shape(values, types, raw, opened)
        if dropped:
            self.warn(f"{key} values that are arrays or objects are not checked: "
                      f"{_short(dropped)}", f"{ptr}/{key}", "not-checked")
        return shape

    def _one_type(self, raw: dict[str, Any], typ: Any, ptr: str, path: tuple[str, ...]) -> s.Shape:
        if typ == "array":
            return self._array(raw, ptr, path)
        if typ == "object":
            return self._object(raw, ptr, path)
        if typ == "null":
            return s.Null()
        shape = scalar_shape(raw, typ) if isinstance(typ, str) else None
        if shape is None:
            self.warn(f"unknown type {_short(typ)}; any value is accepted here", f"{ptr}/type",
                      "unsupported")
            return s.AnyShape("unchecked")
        return self._checked_pattern(shape, raw, ptr)

    def _checked_pattern(self, shape: s.Shape, raw: dict[str, Any], ptr: str) -> s.Shape:
        if not isinstance(shape, s.String) or shape.pattern is None:
            return shape
        problem = translate(shape.pattern).problem
        if not problem:
            return shape
        self.warn(f"pattern {_short(shape.pattern)} is not checked: {problem}", f"{ptr}/pattern",
                  "bad-pattern")
        return replace(shape, pattern=None)

    def _untyped(self, raw: dict[str, Any], ptr: str, path: tuple[str, ...]) -> s.Shape:
        if OBJECT_KEYS & set(raw):
            return self._object(raw, ptr, path)
        if ARRAY_KEYS & set(raw):
            return self._array(raw, ptr, path)
        if NOT_CHECKED & set(raw):  # warned by ``_check_keys``
            return s.AnyShape("unchecked")
        checked = sorted(set(raw) & (KNOWN - {"type", "nullable"}))
        if checked:
            self.warn(f"{', '.join(checked)} without 'type' apply to some types only; not "
                      "checked", ptr, "not-checked")
            return s.AnyShape("unchecked")
        return s.AnyShape("schema")

    def _array(self, raw: dict[str, Any], ptr: str, path: tuple[str, ...]) -> s.Shape:
        items = raw.get("items")
        if "prefixItems" in raw:  # warned as not checked: the items are any values
            return s.Array(s.AnyShape("unchecked"), min_items=bounded_int(raw, "minItems"),
                         max_items=bounded_int(raw, "maxItems"),
                         unique_items=raw.get("uniqueItems") is True)
        return s.Array(
            s.AnyShape("absent") if items is None else self.shape(items, f"{ptr}/items", path),
            min_items=bounded_int(raw, "minItems"),
            max_items=bounded_int(raw, "maxItems"),
            unique_items=raw.get("uniqueItems") is True,
        )

    def _keys(self, raw: dict[str, Any], ptr: str, path: tuple[str, ...]) -> s.Keys:
        names = raw.get("propertyNames")
        patterns: dict[str, Any] = raw["patternProperties"] if isinstance(
            raw.get("patternProperties"), dict) else {}
        found: list[s.PatternField] = []
        for pattern, sub in patterns.items():
            problem = translate(pattern).problem
            if problem:
                self.warn(f"patternProperties {_short(pattern)} is not checked: {problem}",
                          f"{ptr}/patternProperties/{_esc(pattern)}", "bad-pattern")
                continue
            found.append(s.PatternField(pattern, self.shape(
                sub, f"{ptr}/patternProperties/{_esc(pattern)}", (*path, "\x00*"))))
        keys = s.Keys(
            min_properties=bounded_int(raw, "minProperties"),
            max_properties=bounded_int(raw, "maxProperties"),
            names=None if names is None else self.shape(
                {"type": "string", **names} if isinstance(names, dict) else names,
                f"{ptr}/propertyNames", path),
            patterns=tuple(found),
        )
        return s.ANY_KEYS if keys == s.ANY_KEYS else keys

    def _object(self, raw: dict[str, Any], ptr: str, path: tuple[str, ...]) -> s.Shape:
        named, self.pending = self.pending, None
        raw = self._properties_ref(raw, ptr)
        props = raw.get("properties") or {}
        extra = raw.get("additionalProperties", None)
        if not isinstance(props, dict):
            self.warn("'properties' is not an object", f"{ptr}/properties", "bad-schema")
            props = {}
        required = self._required(raw, ptr)
        listed = {**props}
        props = self._directed(props)
        required = frozenset(r for r in required if r in props or r not in listed)
        props = {**props, **{r: {} for r in required if r not in props}}
        keys = self._keys(raw, ptr, path)
        if not props and extra is not False and RECURSIVE not in raw and named is None:
            if extra in (None, True):
                return s.Map(s.AnyShape("absent" if extra is None else "schema"), keys)
            return s.Map(self.shape(extra, f"{ptr}/additionalProperties", path), keys)
        title = raw.get("title", "") if isinstance(raw.get("title"), str) else ""
        target = named[0] if named is not None else raw.get(REF_NAME)
        # read through a $ref (kept, or inlined by the scraper): a named schema. In responses
        # the unnamed objects it holds are named after it and their place in it
        # (``OrderShippingAddress``), not after the first operation that happens to return
        # it; in requests after the operation (a schema with readOnly fields reads as two)
        component = (title or component_name(target)) if isinstance(target, str) else ""
        root = component if self.direction == "response" else ""
        outer, inner = self.op_id, () if root else path
        self.op_id = root or outer
        try:
            extra_shape = None if extra in (None, True, False, {}) else self.shape(
                extra, f"{ptr}/additionalProperties", (*inner, "\x00*"))
            fields = self._fields(props, required, ptr, inner)
        finally:
            self.op_id = outer
        obj = s.Object(  # the same data as an inlined copy of the schema, so the two are one
            name="",
            fields=fields,
            additional=extra is not False,
            title=title,
            extra=extra_shape,
            keys=keys,
        )
        marked = raw.get(RECURSIVE)
        key = recursive_key(marked) if isinstance(marked, str) else ""
        if named is not None and named in self.registry.recursive:
            key = self._recursive_key(named[0])
        ref = self.registry.add(obj, (self.op_id, path), key)
        if component:
            self.registry.name_component(ref.name, component, self.direction)
        return ref

    def _recursive_key(self, ref: str) -> str:
        """The registry key of the recursive object ``ref`` names. Where no schema under it is
        ``readOnly`` or ``writeOnly``, requests and responses read it alike: one key for both
        directions, the key its inlined request copy has (``recursive_key``), so that the two
        are one type. Otherwise one key per direction."""
        undirected = self.registry.undirected
        if ref not in undirected:
            undirected[ref] = not _directed_anywhere(ref, self.definitions)
        return recursive_key(ref) if undirected[ref] else ref_key((ref, self.direction))

    def _directed(self, props: dict[str, Any]) -> dict[str, Any]:
        """``props`` without those the direction leaves out (OpenAPI 3.x Schema Object:
        ``readOnly`` ones are not sent, ``writeOnly`` ones not returned)."""
        hidden = "readOnly" if self.direction == "request" else "writeOnly"
        return {k: v for k, v in props.items() if not (isinstance(v, dict) and v.get(hidden))}

    def _required(self, raw: dict[str, Any], ptr: str) -> frozenset[str]:
        required = raw.get("required", [])
        if not isinstance(required, list):
            self.warn("'required' is not a list", f"{ptr}/required", "bad-schema")
            return frozenset()
        if not all(isinstance(r, str) for r in required):
            self.warn("'required' holds a value that is not a string; it is ignored",
                      f"{ptr}/required", "bad-schema")
        return frozenset(r for r in required if isinstance(r, str))

    def _fields(
        self, props: dict[str, Any], required: frozenset[str], ptr: str, path: tuple[str, ...]
    ) -> tuple[s.Field, ...]:
        names, clashes = unique_names({w: w for w in props})
        for group in clashes:
            listed = ", ".join(f"'{w}' -> {names[w]}" for w in group)
            self.report("note", f"properties renamed (they clash as Python names): {listed}",
                      f"{ptr}/properties", "name-clash")
        outer, self.depth = self.depth, 0
        try:
            return tuple(self._field(wire, sub, names[wire], ptr, path, required=wire in required)
                         for wire, sub in props.items())  # fmt: skip
        finally:
            self.depth = outer

    def _field(
        self, wire: str, sub: Any, python: str, ptr: str, path: tuple[str, ...], *,
        required: bool,
    ) -> s.Field:
        info = sub if isinstance(sub, dict) else {}
        default = json.dumps(info["default"], sort_keys=True) if "default" in info else ""
        return s.Field(
            wire_name=wire,
            python_name=python,
            shape=self.shape(sub, f"{ptr}/properties/{_esc(wire)}", (*path, wire)),
            required=required,
            description=_description(sub),
            read_only=info.get("readOnly") is True,
            deprecated=info.get("deprecated") is True,
            default=default,
            example=example_text(info),
        )


def _named_target(raw: dict[str, Any]) -> bool:
    """Whether a schema reads as a named object (the target of a recursive ``Ref``)."""
    typ = raw.get("type")
    types = typ if isinstance(typ, list) else [typ]
    return ("object" in types or (typ is None and "properties" in raw)) and not (
        "oneOf" in raw or "anyOf" in raw)


def _directed_anywhere(ref: str, definitions: Mapping[str, Any]) -> bool:
    """Whether a schema reachable from ``ref`` (through ``definitions``) is ``readOnly`` or
    ``writeOnly``: then requests and responses read ``ref`` differently."""
    seen, todo = {ref}, [definitions.get(ref)]
    while todo:
        node = todo.pop()
        if isinstance(node, list):
            todo.extend(node)
        elif isinstance(node, dict):
            if node.get("readOnly") is True or node.get("writeOnly") is True:
                return True
            target = node.get("$ref")
            if isinstance(target, str) and target not in seen:
                seen.add(target)
                todo.append(definitions.get(target))
            todo.extend(node.values())
    return False


def _is_object(raw: Any) -> bool:
    """Whether schema ``raw`` is an object with properties (what becomes a named ``Object``)."""
    return (isinstance(raw, dict) and "properties" in raw and raw.get("type") in ("object", None)
            and not {"anyOf", "allOf", "oneOf", "$ref"} & set(raw))


def _is_all_of(raw: Any) -> bool:
    """Whether schema ``raw`` is an ``allOf`` alone (merged into one schema, maybe an object,
    which then keeps the name the ``$ref`` gives it)."""
    return isinstance(raw, dict) and isinstance(raw.get("allOf"), list) and \
        not {"anyOf", "oneOf", "$ref"} & set(raw)


def _sole_ref(raw: dict[str, Any]) -> str | None:
    """The ``$ref`` of an ``allOf`` that adds nothing but annotations to one reference (the
    idiom for a description beside a ``$ref`` before OpenAPI 3.1: ``{"description": ...,
    "allOf": [{"$ref": ...}]}``), so the value is that named schema itself; else None."""
    branches = raw.get("allOf")
    if not isinstance(branches, list) or not _annotations_only(raw, "allOf"):
        return None
    refs = [b["$ref"] for b in branches if isinstance(b, dict) and isinstance(b.get("$ref"), str)]
    rest = [b for b in branches if not (isinstance(b, dict) and "$ref" in b)]
    if len(refs) != 1 or not all(isinstance(b, dict) and _annotations_only(b) for b in rest):
        return None
    return refs[0] if all(_annotations_only(b, "$ref") for b in branches) else None


def _sole_name(raw: dict[str, Any]) -> str | None:
    """The reference an ``allOf``'s merge stays named by: that of its one branch that is more
    than annotations, when that branch is an inlined ``$ref`` target (``REF_NAME``) and the
    holder adds only annotations (``_sole_ref``'s idiom, inlined); else None (a composition
    is a schema of its own)."""
    branches = raw.get("allOf")
    if not isinstance(branches, list) or not _annotations_only(raw, "allOf"):
        return None
    content = [b for b in branches if not (isinstance(b, dict) and _annotations_only(b))]
    ref = content[0].get(REF_NAME) if len(content) == 1 and isinstance(content[0], dict) else None
    return ref if isinstance(ref, str) else None


def _annotations_only(raw: dict[str, Any], *besides: str) -> bool:
    """Whether ``raw`` holds nothing that constrains a value, apart from the keys ``besides``."""
    return all(k in IGNORED or k in besides or k.startswith("x-") for k in raw)


def _tags(branch: Any, prop: str, by_ref: dict[str, str]) -> list[str]:
    """The discriminator values that name ``branch``: from the mapping, else its schema's
    name (OpenAPI's implicit mapping), else a single ``enum``/``const`` of the property."""
    if not isinstance(branch, dict):
        return []
    ref = branch.get(REF_NAME, branch.get("$ref"))
    if isinstance(ref, str):
        named = [v for r, v in by_ref.items() if r == ref]
        return named or [ref.rsplit("/", 1)[-1]]
    sub = (branch.get("properties") or {}).get(prop)
    if isinstance(sub, dict):
        values = sub.get("enum", [sub["const"]] if "const" in sub else [])
        if isinstance(values, list) and values and all(isinstance(v, str) for v in values):
            return list(values)
    return []


def _named_after(merged: dict[str, Any] | None, branch: Any) -> dict[str, Any] | None:
    """A union branch with its siblings merged in (``{properties, oneOf: [$ref Cat, ...]}``:
    the parent's fields in each variant), titled after the branch's schema (``Cat``) when it
    names one and has no title of its own: the merge is that variant of the parent, and the
    title names its class (``shape_names``)."""
    ref = branch.get(REF_NAME, branch.get("$ref")) if isinstance(branch, dict) else None
    if merged is None or not isinstance(ref, str) or isinstance(merged.get("title"), str):
        return merged
    return {**merged, "title": component_name(ref)}


def _canonical(ref: str) -> str:
    """A discriminator mapping value as a reference (a bare name names a component schema)."""
    return ref if "#" in ref or "/" in ref or "." in ref else f"#/components/schemas/{ref}"


def key_of(branch: Any, index: int) -> str:
    ref = branch.get(REF_NAME) if isinstance(branch, dict) else None
    return repr(ref) if isinstance(ref, str) else f"branch {index}"


def _description(raw: Any) -> str:
    if isinstance(raw, dict) and isinstance(raw.get("description"), str):
        return str(raw["description"])
    return ""


def _esc(key: str) -> str:
    """A JSON pointer token (RFC 6901)."""
    return key.replace("~", "~0").replace("/", "~1")


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
