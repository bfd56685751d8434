"""The plan of ``_validators.py`` as data: one check node per shape, and the planner.

A node says what to check and where (``At``: the local holding the value, its path as a
Python expression, the list problems go to); the template partial of its ``kind``
(``templates/package/validators/<kind>.py.jinja``, macro ``check(node)``) writes the code.
``generator/emit/checks.py`` builds the nodes of objects, operations and containers,
``check_scalars.py`` those of scalars, ``check_messages.py`` the words of their messages.
Adding a check kind is one node class here, one case in ``checks._check``, one partial.

Module constants (enum sets, compiled patterns, long texts) are named by the ``Planner`` for
what they hold (``_TAX_EXEMPT_VALUES``) and written into the text as placeholders
``\\0<n>\\0``; the module gives them their final names (``validators._place``), sharing equal
ones.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import ClassVar

from generator.emit.python import pyrepr
from generator.frozen import Frozen

LITERAL_WIDTH = 40  # longer text in a check becomes a module constant, so lines stay short

# Helper functions of the generated module, in the order it defines them, with the helpers
# each one calls. A partial that uses a helper names it in the node's ``helpers``.
HELPERS: dict[str, tuple[str, ...]] = {
    "_show": (),
    "_got": ("_show",),
    "_expected": ("_got",),
    "_values": (),
    "_expected_one_of": ("_expected", "_values"),
    "_not_one_of": ("_show", "_values"),
    "_missing": (),
    "_unknown": ("_show",),
    "_too_long": (),
    "_no_match": (),
    "_is_int": (),
    "_is_time": ("_is_int",),
    "_is_number": (),
    "_prefix": (),
    "_union": ("_expected",),
    "_matched": (),
    "_is_date": (),
    "_is_date_time": ("_is_date",),
    "_is_uuid": (),
    "_is_byte": (),
    "_is_uri": (),
    "_json_key": (),
    "_has_duplicates": ("_json_key",),
}
# Names a local variable of a generated function may not take: the parameters, the locals
# the partials use, and the modules and names the module imports.
TAKEN = frozenset({
    "value", "query", "problems", "start", "index", "item", "key", "Any", "Mapping",
    "datetime", "decimal", "numbers", "re",
})  # fmt: skip


@dataclass(frozen=True, slots=True)
class At:
    """Where a check looks: the local holding the value, its path, the list problems go to."""

    value: str
    path: str  # a Python expression (a literal, an f-string or a join)
    problems: str


@dataclass(frozen=True, slots=True)
class Limit:
    """One keyword checked on a value of the right type: ``test`` is true when it is broken,
    ``message`` the problem (both Python expressions)."""

    test: str
    message: str


@dataclass(frozen=True, slots=True)
class StringCheck:
    kind: ClassVar[str] = "string"
    at: At
    expected: str  # literal (or constant) for the message when ``value`` is no string
    test: str  # the type test
    limits: tuple[Limit, ...]  # lengths, pattern, format
    objects: str = ""  # a test for the Python objects also accepted (``uuid.UUID``), or ""


@dataclass(frozen=True, slots=True)
class EnumCheck:
    kind: ClassVar[str] = "enum"
    at: At
    allowed: str  # the constant holding the frozenset of values


@dataclass(frozen=True, slots=True)
class ScalarCheck:
    """A type test, then limits: ``integer``, ``unix_time``, ``number``, ``boolean``,
    ``binary``, ``null``, ``const`` (``test`` is the type or value test)."""

    at: At
    expected: str
    kind: str
    test: str
    limits: tuple[Limit, ...] = ()
    objects: str = ""


@dataclass(frozen=True, slots=True)
class ArrayCheck:
    kind: ClassVar[str] = "array"
    at: At
    index: str
    item: str
    items: Check | None
    limits: tuple[Limit, ...] = ()


@dataclass(frozen=True, slots=True)
class PatternCheck:
    """``patternProperties``: a key for which ``test`` holds has its value checked."""

    test: str
    check: Check | None


@dataclass(frozen=True, slots=True)
class MapCheck:
    """Every entry: its key (``names``), the patterns it matches, and, when it is not a
    field (``known``) nor matched, ``values`` (``None``: anything)."""

    kind: ClassVar[str] = "map"
    at: At
    key: str
    item: str
    values: Check | None
    limits: tuple[Limit, ...] = ()
    names: Check | None = None
    patterns: tuple[PatternCheck, ...] = ()
    unmatched: str = ""  # the test a key must pass for ``values`` to apply ("" : always)

    @property
    def entries(self) -> bool:
        """Whether the entries are looked at one by one."""
        return self.values is not None or self.names is not None or bool(self.patterns)


@dataclass(frozen=True, slots=True)
class RefCheck:
    kind: ClassVar[str] = "ref"
    at: At
    function: str
    nested: bool  # problems get the path as prefix (not at the root)


@dataclass(frozen=True, slots=True)
class UnionCheck:
    kind: ClassVar[str] = "union"
    at: At
    description: str  # literal (or constant): what a person should send
    variants: tuple[Check, ...]  # each checks into its own list, ``variant.at.problems``
    labels: str  # constant: a tuple naming each variant in messages


@dataclass(frozen=True, slots=True)
class EmptyableCheck:
    kind: ClassVar[str] = "emptyable"
    at: At
    inner: Check


@dataclass(frozen=True, slots=True)
class OneOfCheck:
    """``oneOf``: every variant checks into a list of its own; exactly one must accept the
    value. With a discriminator, the tag's variant's problems are reported when none does."""

    kind: ClassVar[str] = "one_of"
    at: At
    description: str
    variants: tuple[Check, ...]
    labels: str  # constant: a tuple naming each variant in messages
    count: str  # local: how many variants accept
    passed: str  # expression: that count
    many: str | None  # the problem when several accept, naming them (``None``: anyOf with a tag)
    tag: str | None = None  # local for the tag's value
    property: str | None = None  # literal: the tag property
    tags: str | None = None  # constant: tag value -> variant index
    lists: str = ""  # expression: the variants' problem lists, as a tuple
    nested: bool = False


Check = (
    StringCheck | EnumCheck | ScalarCheck | ArrayCheck | MapCheck | RefCheck | UnionCheck
    | EmptyableCheck | OneOfCheck
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Member:
    """One field of an object or one query parameter: present (or required), then checked."""

    key: str  # literal of the wire name
    local: str
    source: str  # the mapping it is read from
    check: Check | None
    missing: str | None  # the problem when it is required and absent (an expression)
    where: str  # path expression of the mapping


@dataclass(frozen=True, slots=True)
class FunctionPlan:
    """One function of the module: an object's check or an operation's validator."""

    kind: str  # "object" or "operation"
    name: str
    signature: str
    doc: str
    members: tuple[Member, ...] = ()
    fields: str | None = None  # constant of the known keys of a closed object
    limits: tuple[Limit, ...] = ()  # an object's property counts
    others: MapCheck | None = None  # an object's other keys (names, patterns, extra)
    body: Check | None = None  # an operation's body check (on ``value``)
    query: tuple[Member, ...] = ()  # an operation's query parameters
    query_optional: bool = False  # ``query`` may be None (the operation has a body too)
    needs: Needs | None = None


@dataclass(frozen=True, slots=True)
class Needs(Frozen):
    """What a function needs from its module."""

    constants: tuple[tuple[str, str], ...]  # (wanted name, literal) in first-use order
    imports: tuple[str, ...]  # names of the module's optional imports (``IMPORTS``)
    helpers: tuple[str, ...]  # names of helper functions (``HELPERS``)


@dataclass(frozen=True, slots=True)
class Chunk(Frozen):
    """A rendered function: its text (constants as placeholders) and what it needs."""

    text: str
    needs: Needs


@dataclass(slots=True)
class Planner:
    """Collects the constants, imports, helpers and local names of one function."""

    check_names: dict[str, str]
    owner: str  # upper-case stem for constants at the root (``CUSTOMER_PARAM``)
    constants: dict[str, tuple[str, str]] = field(default_factory=dict)  # literal → (ph, name)
    imports: set[str] = field(default_factory=set)
    helpers: set[str] = field(default_factory=set)
    depth: int = 0  # loops around the check being planned
    taken: set[str] = field(default_factory=lambda: set(TAKEN))

    def constant(self, wanted: str, literal: str) -> str:
        if literal not in self.constants:
            self.constants[literal] = (f"\0{len(self.constants)}\0", wanted)
        return self.constants[literal][0]

    def literal(self, text: str, wanted: str) -> str:
        """A string literal; long text as a module constant, so lines need no splitting."""
        return pyrepr(text) if len(text) <= LITERAL_WIDTH else self.constant(wanted, pyrepr(text))

    def use(self, *helpers: str) -> None:
        self.helpers.update(helpers)

    def unique(self, base: str) -> str:
        """``base``, or ``base_2``, ``base_3`` ... whichever the function has not used yet."""
        name, n = base, 2
        while name in self.taken:
            name, n = f"{base}_{n}", n + 1
        self.taken.add(name)
        return name

    def fresh(self, base: str) -> str:
        """``base`` at the outermost loop, ``base_2`` one level in, and so on."""
        return base if self.depth == 0 else f"{base}_{self.depth + 1}"

    def needs(self) -> Needs:
        """What the function planned so far needs from the module."""
        constants = tuple((wanted, literal) for literal, (_, wanted) in self.constants.items())
        return Needs(constants, tuple(sorted(self.imports)), tuple(sorted(self.helpers)))


Segment = tuple[str, str]  # ("lit", wire text) or ("var", loop variable)


def constant_stem(at: At, p: Planner) -> str:
    """Upper-case stem of a constant's name: the field the value is in, else the owner."""
    name = at.value
    if name in {"value", "item"} or name.startswith("item_"):
        return p.owner
    return name.strip("_").upper() or p.owner


def frozenset_text(values: Iterable[str]) -> str:
    items = sorted(set(values))
    if not items:
        return "frozenset[str]()"
    return "frozenset({" + ", ".join(pyrepr(v) for v in items) + "})"
