"""Names that reach Python: identifiers, class names, resources and methods.

Every name a template places into Python code passes through ``python_identifier`` or
``class_name`` first; a template never cleans a name itself.

Resource and method rule (``resource_method``), on the path with a leading version segment
(``v1``, ``v2beta``, ``2010-04-01``) and format suffixes (``Calls.json``) dropped:

- the path ends in a parameter (``/customers/{customer}``): the resource is every literal
  segment, the method is the verb's: GET ``retrieve``, POST/PUT/PATCH ``update``, DELETE ``delete``;
- the path is a *collection* (some other path is this path plus ``/{param}``, or it is read
  with GET and its last segment looks plural, ``/speakers``, not ``/status`` or
  ``/contains``; a plural segment right under a
  parameter that also takes POST/PUT/PATCH/DELETE needs paging (``Operation.paging``) on
  its GET: GET+POST ``/financial_accounts/{fa}/features`` is one object, not a list): GET
  ``list``, POST ``create``, PUT/PATCH ``update``, DELETE ``delete``;
- a single literal segment that is no collection (``/balance``, ``/tokens``): GET ``retrieve``,
  POST ``create``, otherwise as above;
- the last segment is a dotted *method name* (RPC style, as Slack's Web API writes them:
  ``/conversations.list``, ``/chat.postMessage``, ``/admin.users.invite``): its last part is
  the method and the parts before it extend the resource (``conversations.list``,
  ``chat.post_message``, ``admin.users.invite``), whatever the verb, unless it names a file
  (``widget.png``, ``webauthn.js``);
- otherwise the last segment is an *action* on the resource before it
  (``/customers/search``, ``/payment_intents/{intent}/confirm``) when the path has only one
  method, or a singleton sub-resource (``/customers/{customer}/discount``) with verb methods
  when it has several.

Uniqueness (``unique_methods``): an action that is also the name of a sub-resource keeps its name
and the sub-resource is joined with the segment below it (``invoices.upcoming`` and
``invoices.upcoming_lines.list``) where that sub-resource holds no method itself. Then every
operation whose (resource, method) is shared with another,
or whose method name equals the name of a sub-resource of its resource, is renamed to the snake
case of its operation id (plus ``_`` while that still names a sub-resource); all of a clash
group are renamed, so the result does not depend on processing order. Any clash that remains
(two ids with the same snake case) gets ``_2``, ``_3`` ... in operation-id order.
"""

from __future__ import annotations

import builtins
import hashlib
import keyword
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping

RUNTIME_NAMES = frozenset(
    {"self", "cls", "client", "request_options", "format_path", "strip_not_given"}
)
"""Names the generated runtime uses in the scope of a generated method: a parameter named like
one of them (``format_path``) gets a trailing ``_`` so it cannot shadow it."""

OPERATOR_SUFFIXES: tuple[tuple[str, str], ...] = (
    (">=", "gte"), ("<=", "lte"), ("!=", "ne"), ("<", "before"), (">", "after"),
)
"""Wire names ending in a comparison operator (``StartTime<``, ``Price>=``): the Python name is
the name before it plus ``_`` and this word (``start_time_before``, ``price_gte``). Longest
operators are tried first."""

RUNTIME_CLASSES = frozenset(
    {
        "Any", "APIError", "AsyncBaseClient", "AsyncClient", "AsyncPage", "BaseClient", "Client",
        "Literal", "Mapping", "NotGiven", "NotRequired", "Page", "RawResponse", "RequestOptions",
        "Required", "Sequence", "TypedDict", "Union", "ValidationError",
    }
)
"""Class-level names that generated modules import or define."""

ATTRIBUTE_NAMES = frozenset({"with_raw_response", "with_streaming_response"})
"""Attributes of a generated resource class that a method or sub-resource must not take."""

_RESERVED = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist) | frozenset(dir(builtins))
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NON_WORD = re.compile(r"[^A-Za-z0-9]+")
_VERSION = re.compile(r"v\d+[a-z0-9]*|\d{4}-\d{2}-\d{2}")  # v1, v2beta, 2010-04-01
_FORMAT_SUFFIX = re.compile(r"\.(?:json|xml|csv|ya?ml|txt)$", re.IGNORECASE)  # Calls.json
_DOTTED = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+")  # chat.postMessage
# a file a path names (``/guilds/{id}/widget.png``, ``/webauthn.js``) is no RPC method name
_FILE_SUFFIX = re.compile(
    r"\.(?:png|jpe?g|gif|svg|webp|ico|bmp|tiff?|js|mjs|css|html?|pdf|zip|gz|tar|md|wasm)$",
    re.IGNORECASE,
)
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_VERB_METHODS = {"GET": "retrieve", "POST": "update", "PUT": "update", "PATCH": "update",
                 "DELETE": "delete"}
_COLLECTION_METHODS = {"GET": "list", "POST": "create", "PUT": "update", "PATCH": "update",
                       "DELETE": "delete"}


def _words(text: str) -> list[str]:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return [w for w in _NON_WORD.split(_CAMEL.sub(" ", ascii_text)) if w]


def python_identifier(text: str, *, fallback: str = "field_") -> str:
    """A safe snake_case identifier for ``text``: ASCII, no leading digit, no reserved name.

    A trailing comparison operator becomes a word (``OPERATOR_SUFFIXES``).
    """
    words = _words(text)
    for operator, word in OPERATOR_SUFFIXES:
        if text.endswith(operator) and text[: -len(operator)].strip():
            words = [*_words(text[: -len(operator)]), word]
            break
    name = "_".join(w.lower() for w in words)
    if not name:
        return fallback
    if name[0].isdigit():
        name = f"{fallback.rstrip('_')}_{name}"
    if name in _RESERVED or name in RUNTIME_NAMES:
        name += "_"
    return name


def abbreviated(name: str, limit: int) -> str:
    """``name`` (snake case) cut to at most ``limit`` characters by shortening its middle words
    to their first letter, from the left; the first and the last two words stay whole
    (``post_checkout_sessions_payment_method_options_acss_debit_param`` at 40 →
    ``post_c_s_p_m_o_acss_debit_param``). Long private names in generated code otherwise make
    lines no formatter can split. Not unique by itself: callers number clashes."""
    words = name.split("_")
    for i in range(1, len(words) - 2):
        if len(name) <= limit:
            break
        words[i] = words[i][:1]
        name = "_".join(words)
    return name


def api_name(name: str) -> str:
    """The API name (the package is ``<name>_client``) from a folder's or a document file's
    name: lower case, each run of other characters than letters and digits one ``_``
    (``apis-io`` → ``apis_io``, ``my api.v2`` → ``my_api_v2``); ``api_`` before a leading
    digit, ``_`` after a keyword; ``api`` when nothing is left. A builtin's name is kept
    (``list_client`` shadows nothing)."""
    name = re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")
    if not name:
        return "api"
    if name[0].isdigit():
        name = "api_" + name
    return name + "_" if keyword.iskeyword(name) else name


def title_api_name(title: str, *, fallback: str) -> str:
    """The API name from a document's ``info.title``: its words (camel case split) as
    ``api_name`` joins them, without parenthesised remarks, the word "API" and what follows
    it as a remark (``"Discord HTTP API (Preview)"`` → ``discord_http``, ``"Spotify Web API
    with fixes and improvements"`` → ``spotify_web``); ``fallback`` when nothing is left."""
    words = _words(re.sub(r"\([^()]*\)", " ", title))
    cut = next((i for i, w in enumerate(words) if w.lower() == "api" and i > 0), len(words))
    words = [w for w in words[:cut] if w.lower() != "api"]
    return api_name("_".join(words)) if words else fallback


def attribute_name(text: str, *, fallback: str = "call") -> str:
    """A snake_case attribute (method or resource) name: builtins are fine, keywords are not."""
    name = "_".join(w.lower() for w in _words(text)) or fallback
    if name[0].isdigit():
        name = f"{fallback}_{name}"
    if keyword.iskeyword(name) or keyword.issoftkeyword(name) or name in ATTRIBUTE_NAMES:
        name += "_"
    return name


def class_name(text: str, *, fallback: str = "Model") -> str:
    """A safe PascalCase class name for ``text``."""
    name = "".join(w[0].upper() + w[1:] for w in _words(text))
    if not name:
        return fallback
    if name[0].isdigit():
        name = fallback + name
    if name in _RESERVED or name in RUNTIME_CLASSES:
        name += "_"
    return name


def placeholders(path: str) -> list[str]:
    """Path placeholder names in order of appearance."""
    return _PLACEHOLDER.findall(path)


def naming_path(path: str) -> str:
    """The path as names read it: format suffixes dropped (``/Calls.json`` is ``/Calls``)."""
    return "/".join(_FORMAT_SUFFIX.sub("", s) for s in path.split("/"))


def _segments(path: str) -> list[str]:
    segments = [s for s in naming_path(path).split("/") if s]
    if segments and _VERSION.fullmatch(segments[0]):
        segments = segments[1:]
    return segments


def _is_param(segment: str) -> bool:
    return segment.startswith("{") and segment.endswith("}")




def collections_of(
    paths: Iterable[tuple[str, str]], *, paged: Iterable[tuple[str, str]] = ()
) -> frozenset[str]:
    """The paths that are collections, from (method, path) pairs: another path is this one plus
    ``/{param}``, or the path is read with GET and its last segment looks plural (``/speakers``).

    A plural segment right under a parameter that is also written to
    (``GET``+``POST /financial_accounts/{fa}/features``) is a collection only when its GET is
    in ``paged`` (``paging.takes_paging``): such a sub-resource of one object reads
    as plural as often as a list does, and a list is paged."""
    pairs = [(m.upper(), naming_path(p)) for m, p in paths]
    listed = {(m.upper(), naming_path(p)) for m, p in paged}
    written = {p for m, p in pairs if m != "GET"}
    found: set[str] = set()
    for method, path in pairs:
        head, _, last = path.rstrip("/").rpartition("/")
        if _is_param(last) and head:
            found.add(_blank(head))
        elif method == "GET" and _plural(last):
            single = _is_param(head.rpartition("/")[2]) and path in written
            if not single or (method, path) in listed:
                found.add(_blank(path))
    return frozenset(found)


# words in "s" that are no plurals: Latin and Greek singulars (status, analysis) and verbs
# that paths use for a check (/me/following/contains, /users/exists)
_SINGULAR_S = re.compile(r".*(?:[^s]us|sis|xis|contains|exists|equals|matches|includes)", re.I)


def _plural(segment: str) -> bool:
    """Whether a path segment looks plural: it ends in one ``s`` (``speakers``, not
    ``access``) and is none of ``_SINGULAR_S``."""
    return bool(re.fullmatch(r"[A-Za-z0-9_-]*[^s]s", segment)) and not _SINGULAR_S.fullmatch(
        segment)


def _blank(path: str) -> str:
    """The path with placeholder names blanked: ``/a/{id}/b`` and ``/a/{x}/b`` compare equal."""
    return _PLACEHOLDER.sub("{}", path.rstrip("/"))


def resource_method(
    method: str, path: str, collections: frozenset[str], path_methods: int
) -> tuple[tuple[str, ...], str]:
    """(resource, method name) for one operation (see the module docstring)."""
    segments = _segments(path)
    literal = tuple(attribute_name(s) for s in segments if not _is_param(s))
    verb = method.upper()
    if segments and _DOTTED.fullmatch(segments[-1]) and not _FILE_SUFFIX.search(segments[-1]):
        *owner, name = (attribute_name(part) for part in segments[-1].split("."))
        return (*literal[:-1], *owner), name
    if not segments or _is_param(segments[-1]):
        return literal, _VERB_METHODS.get(verb, attribute_name(verb.lower()))
    if _blank(naming_path(path)) in collections:
        return literal, _COLLECTION_METHODS.get(verb, attribute_name(verb.lower()))
    if len(segments) == 1:
        single = {"GET": "retrieve", "POST": "create"}
        return literal, single.get(verb) or _VERB_METHODS.get(verb, attribute_name(verb.lower()))
    if path_methods == 1:
        return literal[:-1], literal[-1]
    return literal, _VERB_METHODS.get(verb, attribute_name(verb.lower()))


VALIDATOR_NAME_LIMIT = 60
"""The longest validator name: a resource method's ``problems := _validators.<name>(`` then fits
a 100-character line (twelve spaces in)."""


def validator_name(resource: tuple[str, ...], method_name: str) -> str:
    """The name of an operation's validator: resource path and method, ``customers_update``;
    a long one ``abbreviated`` (not unique by itself: callers number clashes)."""
    name = python_identifier("_".join((*resource, method_name)), fallback="op")
    return abbreviated(name, VALIDATOR_NAME_LIMIT)


def file_stem(name: str) -> str:
    """A name safe as a file name on every system (``..`` and separators replaced).

    The docs and pages of an operation are named so; two operation ids that give the
    same stem, even in another case (a case-insensitive checkout), cannot both be kept.
    """
    stem = re.sub(r"[^A-Za-z0-9_.-]", "_", name).lstrip(".")
    return stem or "_"


def derived_operation_id(method: str, path: str) -> str:
    """An operation id for an operation that has none: ``get_speakers``."""
    parts = [method.lower(), *(s.strip("{}") for s in path.split("/") if s)]
    return python_identifier("_".join(parts), fallback="operation")


def unique_methods(
    wanted: Mapping[str, tuple[tuple[str, ...], str]],
) -> dict[str, tuple[tuple[str, ...], str]]:
    """Operation id -> (resource, method), unique and independent of processing order."""
    wanted = _lift_actions(wanted)
    groups: dict[tuple[tuple[str, ...], str], list[str]] = defaultdict(list)
    for op_id, key in wanted.items():
        groups[key].append(op_id)
    subresources = {(*r[:i], r[i]) for r, _ in wanted.values() for i in range(len(r))}
    result: dict[str, tuple[tuple[str, ...], str]] = {}
    for (resource, method), op_ids in groups.items():
        clash = len(op_ids) > 1 or (*resource, method) in subresources
        for op_id in op_ids:
            name = attribute_name(op_id) if clash else method
            while (*resource, name) in subresources:
                name += "_"
            result[op_id] = (resource, name)
    return _suffix_remaining(result)


def _lift_actions(
    wanted: Mapping[str, tuple[tuple[str, ...], str]],
) -> dict[str, tuple[tuple[str, ...], str]]:
    """Keep an action that is also the name of a sub-resource: join that sub-resource with the
    segment below it (GET ``/invoices/upcoming`` is ``invoices.upcoming``, GET
    ``/invoices/upcoming/lines`` is ``invoices.upcoming_lines.list``). Only where the action is
    the one operation of that name and no operation sits on the sub-resource itself."""
    counts = Counter((*r, m) for r, m in wanted.values())
    direct = {r for r, _ in wanted.values()}
    prefixes = {r[:i] for r, _ in wanted.values() for i in range(1, len(r) + 1)}
    lifted = {key for key, n in counts.items() if n == 1 and key not in direct and key in prefixes}
    result: dict[str, tuple[tuple[str, ...], str]] = {}
    for op_id, (where, method) in wanted.items():
        cut = next((k for k in range(1, len(where)) if where[:k] in lifted), 0)
        joined = f"{where[cut - 1]}_{where[cut]}" if cut else ""
        result[op_id] = ((*where[: cut - 1], joined, *where[cut + 1 :]) if cut else where, method)
    return result


def _suffix_remaining(
    result: dict[str, tuple[tuple[str, ...], str]],
) -> dict[str, tuple[tuple[str, ...], str]]:
    seen: set[tuple[tuple[str, ...], str]] = set()
    final: dict[str, tuple[tuple[str, ...], str]] = {}
    for op_id in sorted(result):
        resource, name = result[op_id]
        candidate, n = name, 1
        while (resource, candidate) in seen:
            n += 1
            candidate = f"{name}_{n}"
        seen.add((resource, candidate))
        final[op_id] = (resource, candidate)
    return final


def unique_names(texts: Mapping[str, str]) -> tuple[dict[str, str], list[tuple[str, ...]]]:
    """Key -> Python name of its text, unique; and the groups of keys that collided.

    In a group of texts that clean to the same identifier, the text that already *is* that
    identifier (less a trailing ``_``) keeps it (``ban_type`` beside ``banType``, ``id`` beside
    ``_id``), else the smallest (text, key); the others get ``_2``, ``_3`` ... in (text, key)
    order. The result does not depend on the order of ``texts``.
    """
    groups: dict[str, list[str]] = defaultdict(list)
    for key, text in texts.items():
        groups[python_identifier(text)].append(key)
    taken = set(groups)
    names: dict[str, str] = {}
    clashes: list[tuple[str, ...]] = []
    for base, keys in sorted(groups.items()):
        exact = (base, base.rstrip("_"))
        ordered = sorted(keys, key=lambda k: (texts[k] not in exact, texts[k], k))
        names[ordered[0]] = base
        if len(ordered) > 1:
            clashes.append(tuple(ordered))
        for index, key in enumerate(ordered[1:], start=2):
            candidate = f"{base.rstrip('_')}_{index}"
            while candidate in taken:
                candidate += "_"
            taken.add(candidate)
            names[key] = candidate
    return names, clashes


Use = tuple[str, tuple[str, ...]]  # (operation id, field path); "\x00"-segments mark branches


def use_name(use: Use) -> str:
    """The name a shape gets from a place it is used: operation id + field path (or ``Body``)."""
    op_id, path = use
    parts = [p for p in path if not p.startswith("\x00")]
    # after the operation's own name a part may start with a digit (``Response200``)
    return class_name(op_id) + ("".join(class_name(p, fallback="") for p in parts) if parts
                                else "Body")


def shape_names(titles: Mapping[str, str], uses: Mapping[str, Iterable[Use]]) -> dict[str, str]:
    """Content key -> class name for every named object shape.

    A shape is named from its title, else from its first use (the smallest (operation id, field
    path) among its uses). Where one name would denote several shapes, each of them is
    qualified with the name of its own first use (``<FirstUse><Title>``); names still shared
    after that get the first eight hex digits of their content key. Nothing here depends on
    the order shapes were found in.
    """
    first = {key: min(uses[key]) for key in titles}
    wanted = {
        key: class_name(title) if title else use_name(first[key]) for key, title in titles.items()
    }
    names = _qualify(wanted, lambda key, base: use_name(first[key]) + base
                     if titles[key] else base)
    names = _qualify(names, lambda key, base: f"{base}{_key_digits(key)[:8]}")
    if len(set(names.values())) != len(names):
        names = {key: f"{base}{_key_digits(key)}" for key, base in names.items()}
    assert len(set(names.values())) == len(names), "shape names are not unique"
    return names


def _key_digits(key: str) -> str:
    """A registry key as upper-case hex digits for a name: a content key's own digits
    (``#3fa0...``), a digest of any other (a recursive object's ``$#/components/...``)."""
    digits = key.removeprefix("#")
    if not all(c in "0123456789abcdef" for c in digits):
        digits = hashlib.sha1(key.encode()).hexdigest()[:20]
    return digits.upper()


def _qualify(names: Mapping[str, str], qualify: Callable[[str, str], str]) -> dict[str, str]:
    counts: dict[str, int] = defaultdict(int)
    for name in names.values():
        counts[name] += 1
    return {key: qualify(key, name) if counts[name] > 1 else name for key, name in names.items()}
