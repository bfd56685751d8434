"""black's line splitting, for the statements doc2client's own emitters write.

black spends almost all of a cold run splitting long lines (``def`` signatures, calls,
dict literals): about 9 ms of CPU per long line. The generated code is written in
black's style except for line length, so ``layout_module`` splits each long line the way
black's ``linegen`` does (``transform_line``, ``right_hand_split_with_omits``,
``_maybe_split_omitting_optional_parens``, ``left_hand_split``, ``delimiter_split``,
ported from black 26 stable style with black's names, including the order in which black
mutates its leaves), and keeps every other line as it is.

It knows a subset of Python: ``def`` lines, ``return``, ``raise``, assignments, ``if``/
``elif``/``while`` headers, ``from ... import`` and expression statements, made of names,
numbers, single-line strings, operators and brackets. A long line outside that subset
(a comment, a lambda, a comprehension, a ternary, a multi-line string, a magic trailing
comma, non-ASCII text, ...) raises ``Unsupported``, and the caller hands the text to
black. ``tests/test_layout.py`` compares the result with black's over the whole corpus.

An async method's lines are mostly its sync twin's, laid out once: an ``async def`` line is
split as the ``def`` line, and ``x = await f(...)`` as ``x = f(...)`` when its head fits. A
``def`` line whose parameters fit on one line, or one per line, and an assignment of a call
whose arguments do, are split without the general transforms (``_plain``: what they give
then, for a fraction of the time).
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

LINE_LENGTH = 100

COMPREHENSION_PRIORITY = 20
COMMA_PRIORITY = 18
TERNARY_PRIORITY = 16
LOGIC_PRIORITY = 14
STRING_PRIORITY = 12
COMPARATOR_PRIORITY = 10
MATH_PRIORITIES = {
    "|": 9, "^": 8, "&": 7, "<<": 6, ">>": 6, "+": 5, "-": 5,
    "*": 4, "/": 4, "//": 4, "%": 4, "@": 4, "~": 3, "**": 2,
}  # fmt: skip
DOT_PRIORITY = 1
DELIMITER_WORDS = frozenset({"is", "in", "not", "and", "or"})
COMPARATORS = {"<", ">", "==", "!=", "<=", ">=", "<>"}
OPENING = {"(", "[", "{"}
CLOSING = {")", "]", "}"}
MATCHING = {")": "(", "]": "[", "}": "{"}
DELIMITER_KINDS = frozenset({".", "string", *MATH_PRIORITIES, *COMPARATORS})  # may split before
ASSIGNMENTS = {"=", "+=", "-=", "*=", "@=", "/=", "%=", "&=", "|=", "^=", "<<=", ">>=", "**=",
               "//="}  # fmt: skip
KEYWORDS = frozenset(keyword.kwlist) - {"True", "False", "None"}
DECLINED_WORDS = {"lambda", "for", "yield", "with", "del", "assert", "global", "nonlocal",
                  "class", "try", "except", "finally", "else"}  # fmt: skip

_TOKEN = re.compile(
    r"""(?P<space>[ ]*)(?:
      (?P<string>(?:[rRbBuUfF]{1,2})?(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'))
    | (?P<number>\d[\w.]*|\.\d[\w.]*)
    | (?P<name>[A-Za-z_]\w*)
    | (?P<op>->|:=|\*\*=|//=|>>=|<<=|\*\*|//|<<|>>|<=|>=|==|!=|[-+*/%@&|^~]=
             |[-+*/%@&|^~<>=.,:;()\[\]{}])
    )""",
    re.VERBOSE,
)


class Unsupported(Exception):
    """The line is outside the subset this module reproduces black's output for."""


class CannotSplit(Exception):
    """As black's ``CannotSplit``/``CannotTransform``: this split does not apply."""


@dataclass(eq=False, slots=True)
class Leaf:
    """A token of the line, as black's ``Leaf`` (``kind`` is black's token type)."""

    kind: str  # "name", "string", "number", or the operator / bracket itself
    value: str
    prefix: str  # the whitespace before it (black's spacing, taken from the input)
    parent: str = ""  # for brackets: "trailer", "atom", "parameters" or "import_from"
    opening: Leaf | None = None  # for closing brackets: the matching opening bracket
    bracket_depth: int = 0
    vararg: bool = False  # a * / ** / / that is no operator (unpacking, signatures)
    annotation: str = ""  # "param" or "return" for leaves inside an annotation
    unary: bool = False
    original_prefix: str = ""  # black's spacing before it, for a line built afresh
    comment: str = ""  # an inline comment black attached to it (two spaces, then the comment)

    def __str__(self) -> str:
        return self.prefix + self.value


@dataclass(eq=False, slots=True)
class Line:
    """As black's ``Line``: leaves at an indentation depth, with bracket tracking."""

    depth: int
    inside_brackets: bool = False
    leaves: list[Leaf] = field(default_factory=list)
    should_split_rhs: bool = False
    delimiters: dict[int, int] = field(default_factory=dict)
    invisible: list[Leaf] = field(default_factory=list)
    comments: int = 0  # leaves with an inline comment
    _depth: int = 0
    _open: list[Leaf] = field(default_factory=list)
    _previous: Leaf | None = None

    def append(self, leaf: Leaf, track: bool = True) -> None:
        if track:
            self._mark(leaf)
        if leaf.comment:
            self.comments += 1
        self.leaves.append(leaf)

    def _mark(self, leaf: Leaf) -> None:
        """black's ``BracketTracker.mark``."""
        kind = leaf.kind
        depth = self._depth
        if kind in CLOSING:
            if depth == 0:
                return
            depth = self._depth = depth - 1
            leaf.opening = self._open.pop()
            if not leaf.value:
                self.invisible.append(leaf)
        leaf.bracket_depth = depth
        if depth == 0:
            previous = self._previous
            maybe = kind in DELIMITER_KINDS or (kind == "name" and leaf.value in DELIMITER_WORDS)
            before = split_before_priority(leaf, previous) if maybe else 0
            if before and previous is not None:
                self.delimiters[id(previous)] = before
            elif kind == ",":
                self.delimiters[id(leaf)] = COMMA_PRIORITY
        if kind in OPENING:
            self._open.append(leaf)
            self._depth += 1
            if not leaf.value:
                self.invisible.append(leaf)
        self._previous = leaf

    def __str__(self) -> str:
        leaves = self.leaves
        first = leaves[0]
        text = first.prefix + "    " * self.depth + "".join(
            [leaf.value if leaf is first else leaf.prefix + leaf.value for leaf in leaves]
        )
        if self.comments:
            text += "".join([leaf.comment for leaf in leaves if leaf.comment])
        return text

    def __bool__(self) -> bool:
        return bool(self.leaves)

    @property
    def is_def(self) -> bool:
        values = [leaf.value for leaf in self.leaves[:2]]
        return values[:1] == ["def"] or values == ["async", "def"]

    @property
    def is_import(self) -> bool:
        return bool(self.leaves) and self.leaves[0].value in ("import", "from")

    def max_priority(self, exclude: Sequence[Leaf] = ()) -> int:
        skip = {id(leaf) for leaf in exclude}
        values = [p for k, p in self.delimiters.items() if k not in skip]
        if not values:
            raise CannotSplit("no delimiters")
        return max(values)

    def count_priority(self, priority: int) -> int:
        return sum(1 for p in self.delimiters.values() if p == priority)

    def lengths(self, reverse: bool = False) -> Iterator[tuple[int, Leaf, int]]:
        indexed = list(enumerate(self.leaves))
        for index, leaf in reversed(indexed) if reverse else indexed:
            yield index, leaf, len(leaf.prefix) + len(leaf.value) + len(leaf.comment)


def split_before_priority(leaf: Leaf, previous: Leaf | None) -> int:
    """black's ``is_split_before_delimiter`` for the tokens of the subset."""
    if leaf.vararg:
        return 0
    if leaf.kind == "." and (previous is None or previous.kind in CLOSING):
        return DOT_PRIORITY
    if leaf.kind in MATH_PRIORITIES and not leaf.unary:
        return MATH_PRIORITIES[leaf.kind]
    if leaf.kind in COMPARATORS:
        return COMPARATOR_PRIORITY
    if leaf.kind == "string" and previous is not None and previous.kind == "string":
        return STRING_PRIORITY
    if leaf.kind != "name":
        return 0
    if leaf.value == "is":
        return COMPARATOR_PRIORITY
    if leaf.value == "in" and not (previous is not None and previous.value == "not"):
        return COMPARATOR_PRIORITY
    if leaf.value == "not" and not leaf.unary and not (previous and previous.value == "is"):
        return COMPARATOR_PRIORITY
    if leaf.value in ("and", "or"):
        return LOGIC_PRIORITY
    return 0


def short_enough(line: Line | str) -> bool:
    return len(str(line).strip("\n")) <= LINE_LENGTH


# ------------------------------------------------------------------ reading one line


def tokenize(text: str) -> list[Leaf]:
    """The leaves of one logical line (no indentation); ``Unsupported`` when unsure."""
    found = _TOKEN.findall(text)  # (space, string, number, name, op) of each token, in order
    if sum(len(space) + len(string or number or name or op)
           for space, string, number, name, op in found) != len(text):  # fmt: skip
        raise Unsupported("a character outside the subset")  # findall skipped it
    leaves: list[Leaf] = []
    for space, string, number, name, op in found:
        if string:
            if string.endswith(('"""', "'''")) and len(string) >= 6:
                raise Unsupported("triple-quoted string")
            if string[:2].lower().count("f") and "{" in string:
                quote = string[-1]
                if string[string.index(quote) + 1 : -1].count(quote):
                    raise Unsupported("nested quotes in an f-string")
            leaves.append(Leaf("string", string, space))
        elif number:
            leaves.append(Leaf("number", number, space))
        elif name:
            if name in DECLINED_WORDS:
                raise Unsupported(name)
            leaves.append(Leaf("name", name, space))
        else:
            leaves.append(Leaf(op, op, space))
    if leaves and leaves[0].prefix:
        raise Unsupported("leading space")
    return leaves


def _is_operand_end(leaf: Leaf | None) -> bool:
    if leaf is None:
        return False
    if leaf.kind == "name":
        return leaf.value not in KEYWORDS or leaf.value in ("True", "False", "None")
    return leaf.kind in ("string", "number") or leaf.kind in CLOSING


def classify(leaves: list[Leaf]) -> None:
    """Bracket roles, unary operators and varargs, as black's tree would know them.

    A trailing comma is magic (black explodes its brackets) but in a one-tuple, as
    black's ``Line.has_magic_trailing_comma`` has it: ``("metadata",)`` is laid out.
    """
    stack: list[Leaf] = []
    commas: list[int] = []  # the commas directly inside each open bracket
    previous: Leaf | None = None
    for leaf in leaves:
        if leaf.kind in OPENING:
            operand = _is_operand_end(previous)
            leaf.parent = "trailer" if operand and leaf.kind != "{" else "atom"
            stack.append(leaf)
            commas.append(0)
        elif leaf.kind in CLOSING:
            if not stack or MATCHING[leaf.kind] != stack[-1].kind:
                raise Unsupported("unbalanced brackets")
            leaf.opening = stack.pop()
            leaf.parent = leaf.opening.parent
            inner = commas.pop()
            one_tuple = leaf.kind == ")" and leaf.parent == "atom" and inner == 1
            if previous is not None and previous.kind == "," and not one_tuple:
                raise Unsupported("magic trailing comma")
        elif leaf.kind == "," and commas:
            commas[-1] += 1
        elif leaf.kind in ("*", "**", "/", "-", "+", "~") and not _is_operand_end(previous):
            if leaf.kind in ("*", "**", "/"):
                leaf.vararg = True
            else:
                leaf.unary = True
        elif leaf.kind == "**":
            raise Unsupported("power operator")
        elif leaf.kind == "name" and leaf.value == "not" and not _is_operand_end(previous):
            leaf.unary = True
        elif leaf.kind == ";":
            raise Unsupported("two statements on one line")
        if leaf.kind == "name" and leaf.value in ("if", "else") and previous is not None:
            raise Unsupported("conditional expression")
        previous = leaf
    if stack:
        raise Unsupported("unbalanced brackets")


def _invisible(prefix: str) -> tuple[Leaf, Leaf]:
    opening = Leaf("(", "", prefix, parent="atom")
    closing = Leaf(")", "", "", parent="atom", opening=opening)
    return opening, closing


def _wrap(leaves: list[Leaf], start: int, end: int) -> list[Leaf]:
    """``leaves`` with invisible parentheses around ``leaves[start:end]``.

    A parenthesised tuple there keeps its parentheses and gets none (black's
    ``maybe_make_parens_invisible_in_atom`` leaves a tuple's alone); other parentheses
    around the whole range are redundant ones black would remove: ``Unsupported``.
    """
    if start >= end:
        return leaves
    first = leaves[start]
    if first.kind == "(" and _match(leaves, start) == end - 1:
        inner = _top_level(leaves, start + 1, end - 1)
        if end - start == 2 or any(leaves[i].kind == "," for i in inner):
            return leaves
        raise Unsupported("redundant parentheses")
    opening, closing = _invisible(first.prefix)
    first.prefix = ""
    return [*leaves[:start], opening, *leaves[start:end], closing, *leaves[end:]]


def _match(leaves: Sequence[Leaf], index: int) -> int:
    opening = leaves[index]
    for i in range(index + 1, len(leaves)):
        if leaves[i].opening is opening:
            return i
    raise Unsupported("unbalanced brackets")


def _top_level(leaves: Sequence[Leaf], start: int = 0, end: int | None = None) -> Iterator[int]:
    """Indices of the leaves in ``leaves[start:end]`` outside any bracket there."""
    depth = 0
    for i in range(start, len(leaves) if end is None else end):
        kind = leaves[i].kind
        if kind in CLOSING:
            depth -= 1
        if depth == 0:
            yield i
        if kind in OPENING:
            depth += 1


def statement(leaves: list[Leaf]) -> list[Leaf]:
    """The statement's leaves with invisible parentheses (black's normalize_invisible_parens)."""
    first = leaves[0].value
    if first in ("def", "async"):
        return _function(leaves)
    if first == "return":
        return _wrap(leaves, 1, len(leaves))
    if first in ("if", "elif", "while"):
        if leaves[-1].kind != ":":
            raise Unsupported("compound statement on one line")
        return _wrap(leaves, 1, len(leaves) - 1)
    if first == "from":
        return _import(leaves)
    if first in ("raise", "await") or (first not in KEYWORDS and leaves[0].kind == "name"):
        return _assignment(leaves) if first not in ("raise", "await") else leaves
    raise Unsupported(f"statement {first!r}")


def _assignment(leaves: list[Leaf]) -> list[Leaf]:
    top = list(_top_level(leaves))
    marks = [i for i in top if leaves[i].kind in ASSIGNMENTS]
    if not marks:
        if any(leaves[i].kind == ":" for i in top):
            marks = [next(i for i in top if leaves[i].kind == ":")]
        else:
            return leaves  # an expression statement: no invisible parentheses
    elif any(leaves[i].kind == ":" for i in top if i < marks[0]):
        marks.insert(0, next(i for i in top if leaves[i].kind == ":"))
    target = leaves[: marks[0]]
    if any(leaf.kind in OPENING or leaf.kind == "," for leaf in target):
        raise Unsupported("assignment target with brackets or commas")
    bounds = [*marks, len(leaves)]
    for k in range(len(marks) - 1, -1, -1):
        leaves = _wrap(leaves, bounds[k] + 1, bounds[k + 1])
    return leaves


def _function(leaves: list[Leaf]) -> list[Leaf]:
    """A ``def`` line: invisible parentheses around union annotations and the return one."""
    start = 2 if leaves[0].value == "def" else 3
    if leaves[start].kind != "(" or leaves[-1].kind != ":":
        raise Unsupported("def without parameters")
    close = _match(leaves, start)
    arrow = close + 1 if leaves[close + 1].kind == "->" else None
    for leaf in leaves[arrow + 1 : -1] if arrow else ():
        leaf.annotation = "return"
    if arrow is not None:
        leaves = _wrap(leaves, arrow + 1, len(leaves) - 1)
    leaves[start].parent = "parameters"
    leaves[close].parent = "parameters"
    for begin, end in reversed(_params(leaves, start, close)):
        colon = next((i for i in _top_level(leaves, begin, end) if leaves[i].kind == ":"), None)
        if colon is None:
            continue
        stop = next((i for i in _top_level(leaves, colon, end) if leaves[i].kind == "="), end)
        for leaf in leaves[colon + 1 : stop]:
            leaf.annotation = "param"
        if any(leaves[i].kind == "|" for i in _top_level(leaves, colon + 1, stop)):
            leaves = _wrap(leaves, colon + 1, stop)
    return leaves


def _params(leaves: Sequence[Leaf], start: int, close: int) -> list[tuple[int, int]]:
    cuts = [i for i in _top_level(leaves, start + 1, close) if leaves[i].kind == ","]
    bounds = [start, *cuts, close]
    return [(bounds[k] + 1, bounds[k + 1]) for k in range(len(bounds) - 1)]


def _import(leaves: list[Leaf]) -> list[Leaf]:
    names = next((i for i, leaf in enumerate(leaves) if leaf.value == "import"), None)
    if names is None or names + 1 >= len(leaves) or leaves[names + 1].kind in ("(", "*"):
        raise Unsupported("import form")
    opening, closing = _invisible(leaves[names + 1].prefix)
    opening.parent = closing.parent = "import_from"
    leaves[names + 1].prefix = ""
    return [*leaves[: names + 1], opening, *leaves[names + 1 :], closing]


# ------------------------------------------------------------------ black's transforms


@dataclass(eq=False, slots=True)
class RHS:
    head: Line
    body: Line
    tail: Line
    opening: Leaf
    closing: Leaf


def transform_line(line: Line, force_parens: bool = False, text: str | None = None) -> list[Line]:
    """black's ``transform_line``: ``line`` split until its pieces fit, where black can
    (``text``: ``str(line)`` without newlines, when the caller has it)."""
    text = str(line).strip("\n") if text is None else text
    if not line.should_split_rhs and short_enough(text):
        return [line]
    transforms = (
        [left_hand_split] if line.is_def and not line.inside_brackets
        else [delimiter_split, rhs_with_omits] if line.inside_brackets
        else [rhs_with_omits]
    )  # fmt: skip
    for transform in transforms:
        try:
            return run_transformer(line, transform, text, force_parens)
        except CannotSplit:
            continue
    return [line]


def run_transformer(line: Line, transform: object, text: str, force: bool) -> list[Line]:
    """black's ``run_transformer``, with its second opinion (forced optional parentheses)."""
    optional = [b for b in line.invisible if b.bracket_depth == 0]
    result: list[Line] = []
    for piece in transform(line, force):  # type: ignore[operator]
        piece_text = str(piece).strip("\n")
        if piece_text == text:
            raise CannotSplit("unchanged")
        result.extend(transform_line(piece, force, piece_text))
    if (
        force
        or transform is not rhs_with_omits
        or not line.invisible
        or any(b.value for b in optional)
        or short_enough(result[0])
    ):
        return result
    copy = Line(line.depth, line.inside_brackets)
    for old in line.leaves:
        prefix = old.original_prefix if copy.leaves else ""
        copy.append(Leaf(old.kind, old.value, prefix, old.parent, None, 0, old.vararg,
                         old.annotation, old.unary, old.original_prefix, old.comment))  # fmt: skip
    second = run_transformer(copy, transform, text, True)
    if all(short_enough(piece) for piece in second):
        return second
    return result


def left_hand_split(line: Line, force: bool) -> Iterator[Line]:
    """black's ``left_hand_split`` (``def`` lines): split at the parameters' brackets."""
    head: list[Leaf] = []
    body: list[Leaf] = []
    tail: list[Leaf] = []
    current = head
    matching: Leaf | None = None
    for leaf in line.leaves:
        if current is body and leaf.kind in CLOSING and leaf.opening is matching:
            current = tail if body else head
        current.append(leaf)
        if current is head and leaf.kind == "(":
            matching = leaf
            current = body
    if matching is None or not tail:
        raise CannotSplit("no brackets")
    lines = [build_line(head, line, matching, "head"), build_line(body, line, matching, "body"),
             build_line(tail, line, matching, "tail")]  # fmt: skip
    succeeded_or_raise(*lines)
    yield from (piece for piece in lines if piece)


def rhs_with_omits(line: Line, force: bool) -> Iterator[Line]:
    """black's ``right_hand_split_with_omits``."""
    prefix_lengths: dict[int, int] = {}
    length = 4 * line.depth
    for leaf in line.leaves:
        prefix_lengths[id(leaf)] = length
        length += len(leaf.prefix) + len(leaf.value)
    first_lines: list[Line] | None = None
    for omit in trailers_to_omit(line):
        if omit:
            target = next((leaf.opening for leaf in reversed(line.leaves)
                           if leaf.kind in CLOSING and id(leaf) not in omit), None)  # fmt: skip
            start = prefix_lengths.get(id(target), 0) if target is not None else 0
            if target is not None and target.value and start > LINE_LENGTH:
                continue
        lines = list(right_hand_split(line, force, omit))
        if first_lines is None and not omit:
            first_lines = lines
        if short_enough(lines[0]):
            yield from lines
            return
    yield from first_lines if first_lines is not None else right_hand_split(line, force, ())


def right_hand_split(line: Line, force: bool, omit: Sequence[int] | set[int]) -> Iterator[Line]:
    yield from maybe_split_omitting_optional_parens(first_rhs(line, omit), line, force, omit)


def first_rhs(line: Line, omit: Sequence[int] | set[int] = ()) -> RHS:
    """black's ``_first_right_hand_split``: split at the last bracket pair not omitted."""
    tail: list[Leaf] = []
    body: list[Leaf] = []
    head: list[Leaf] = []
    current = tail
    opening: Leaf | None = None
    closing: Leaf | None = None
    for leaf in reversed(line.leaves):
        if current is body and leaf is opening:
            current = head if body else tail
        current.append(leaf)
        if current is tail and leaf.kind in CLOSING and id(leaf) not in omit:
            opening, closing = leaf.opening, leaf
            current = body
    if not (opening and closing and head):
        raise CannotSplit("no brackets found")
    tail.reverse()
    body.reverse()
    head.reverse()
    result = RHS(build_line(head, line, opening, "head"), build_line(body, line, opening, "body"),
                 build_line(tail, line, opening, "tail"), opening, closing)  # fmt: skip
    succeeded_or_raise(result.head, result.body, result.tail)
    return result


def maybe_split_omitting_optional_parens(
    rhs: RHS, line: Line, force: bool, omit: Sequence[int] | set[int]
) -> Iterator[Line]:
    """black's ``_maybe_split_omitting_optional_parens``."""
    if (
        not force
        and rhs.opening.kind == "(" and not rhs.opening.value
        and rhs.closing.kind == ")" and not rhs.closing.value
        and not line.is_import
        and can_omit_invisible_parens(rhs)
    ):  # fmt: skip
        omit = {id(rhs.closing), *omit}
        try:
            oop = first_rhs(line, omit)
            if prefer_split_rhs_oop(oop, rhs):
                yield from list(maybe_split_omitting_optional_parens(oop, line, force, omit))
                return
        except CannotSplit as exc:
            if is_chained_assignment(line):
                pass
            elif not can_be_split(rhs.body) and not short_enough(rhs.body):
                raise CannotSplit("body still too long") from exc
    rhs.opening.value = "(" if rhs.opening.kind == "(" else rhs.opening.value
    rhs.closing.value = ")" if rhs.closing.kind == ")" else rhs.closing.value
    for piece in (rhs.head, rhs.body, rhs.tail):
        if piece:
            yield piece


def is_chained_assignment(line: Line) -> bool:
    return sum(1 for leaf in line.leaves if leaf.kind == "=") > 1


def prefer_split_rhs_oop(oop: RHS, rhs: RHS) -> bool:
    """black's ``_prefer_split_rhs_oop_over_rhs`` (without type comments)."""
    if not (len(rhs.head.leaves) >= 2 and rhs.head.leaves[-2].kind == "="):
        return True
    if not any(leaf.kind in OPENING or leaf.kind in CLOSING for leaf in rhs.head.leaves[:-1]):
        return True
    if len(str(rhs.head).strip("\n")) > LINE_LENGTH - 1:
        return True
    equals = sum(1 for leaf in rhs.head.leaves if leaf.kind == "=")
    if equals > 1 and equals > sum(1 for leaf in oop.head.leaves if leaf.kind == "="):
        return False
    for leaf in reversed(oop.head.leaves):
        if leaf.kind == "=":
            break
        if leaf.kind in CLOSING:
            return True  # matching brackets after the "="
    return any(leaf.kind == "=" for leaf in oop.head.leaves) and short_enough(oop.head)


def can_omit_invisible_parens(rhs: RHS) -> bool:
    """black's ``can_omit_invisible_parens`` (without comments)."""
    line = rhs.body
    if not line.delimiters:
        return True
    priority = line.max_priority()
    if line.count_priority(priority) > 1:
        return False
    if priority == DOT_PRIORITY:
        return True
    first, second = line.leaves[0], line.leaves[1]
    if first.kind in OPENING and second.kind not in CLOSING and _can_omit_opening(line, first):
        return True
    penultimate, last = line.leaves[-2], line.leaves[-1]
    if last.kind in (")", "}") or (last.kind == "]" and last.parent != "trailer"):
        if penultimate.kind in OPENING:
            return False
        if _can_omit_closing(line, last):
            return True
    return False


def _can_omit_opening(line: Line, first: Leaf) -> bool:
    remainder = False
    length = 4 * line.depth
    for _index, leaf, leaf_length in line.lengths():
        if leaf.kind in CLOSING and leaf.opening is first:
            remainder = True
        if remainder:
            length += leaf_length
            if length > LINE_LENGTH:
                return False
            if leaf.kind in OPENING:
                remainder = False
    return True  # the whole line was checked without exceeding the limit


def _can_omit_closing(line: Line, last: Leaf) -> bool:
    length = 4 * line.depth
    seen_other_brackets = False
    for _index, leaf, leaf_length in line.lengths():
        length += leaf_length
        if leaf is last.opening:
            if seen_other_brackets or length <= LINE_LENGTH:
                return True
        elif leaf.kind in OPENING:
            seen_other_brackets = True
    return False


def can_be_split(line: Line) -> bool:
    """black's ``can_be_split``."""
    leaves = line.leaves
    if len(leaves) < 2:
        return False
    if leaves[0].kind == "string" and leaves[1].kind == ".":
        calls = dots = 0
        following = leaves[-1]
        for leaf in leaves[-2::-1]:
            if leaf.kind in OPENING:
                if following.kind not in CLOSING:
                    return False
                calls += 1
            elif leaf.kind == ".":
                dots += 1
            elif leaf.kind == "name":
                if not (following.kind == "." or following.kind in OPENING):
                    return False
            elif leaf.kind not in CLOSING:
                return False
            if dots > 1 and calls > 1:
                return False
            following = leaf
    return True


def succeeded_or_raise(head: Line, body: Line, tail: Line) -> None:
    """black's ``bracket_split_succeeded_or_raise``."""
    tail_len = len(str(tail).strip()) if tail else 0
    if not body and tail_len < 3:
        raise CannotSplit("splitting brackets on an empty body is not worth it")


def build_line(leaves: list[Leaf], original: Line, opening: Leaf, component: str) -> Line:
    """black's ``bracket_split_build_line``."""
    result = Line(original.depth)
    if component == "body":
        result.inside_brackets = True
        result.depth += 1
        if _ensure_trailing_comma(leaves, original, opening):
            for i in range(len(leaves) - 1, -1, -1):
                if leaves[i].kind != ",":
                    leaves.insert(i + 1, Leaf(",", ",", ""))
                break
    tracked = _inside_matching_brackets(leaves) if component == "head" else set()
    for leaf in leaves:
        result.append(leaf, track=result.inside_brackets or id(leaf) in tracked)
    if component == "body" and should_split_line(result, opening):
        result.should_split_rhs = True
    return result


def _ensure_trailing_comma(leaves: list[Leaf], original: Line, opening: Leaf) -> bool:
    if not leaves:
        return False
    if original.is_import:
        return True
    if not original.is_def or opening.value != "(":
        return False
    if any(leaf.kind == "," and not leaf.annotation for leaf in leaves):
        return False
    return leaves[0].annotation != "return"


def _inside_matching_brackets(leaves: Sequence[Leaf]) -> set[int]:
    """black's ``get_leaves_inside_matching_brackets``."""
    start = next((i for i, leaf in enumerate(leaves) if leaf.kind in OPENING), None)
    if start is None:
        return set()
    ids: set[int] = set()
    stack: list[tuple[str, list[int]]] = []
    for leaf in leaves[start:]:
        if leaf.kind in OPENING:
            stack.append((leaf.kind, [id(leaf)]))
        elif leaf.kind in CLOSING:
            if stack and MATCHING[leaf.kind] == stack[-1][0]:
                _, level = stack.pop()
                level.append(id(leaf))
                ids.update(level)
            else:
                break
        elif stack:
            stack[-1][1].append(id(leaf))
    return ids


def should_split_line(line: Line, opening: Leaf) -> bool:
    """black's ``should_split_line``: explode a collection or import after a split."""
    if not line.leaves:
        return False
    last = line.leaves[-1]
    trailing_comma = last.kind == ","
    try:
        priority = line.max_priority([last] if trailing_comma else [])
    except CannotSplit:
        return False
    return priority == COMMA_PRIORITY and (
        trailing_comma or opening.parent in ("atom", "import_from")
    )


def delimiter_split(line: Line, force: bool) -> Iterator[Line]:
    """black's ``delimiter_split`` at the highest-priority delimiter."""
    if not line.leaves:
        raise CannotSplit("empty line")
    last = line.leaves[-1]
    if any(leaf.comment for leaf in line.leaves):
        raise Unsupported("a comment in a line split at its delimiters")
    priority = line.max_priority([last])
    if priority == DOT_PRIORITY and line.count_priority(priority) == 1:
        raise CannotSplit("splitting a single attribute from its owner looks wrong")
    current = Line(line.depth, True)
    for leaf in line.leaves:
        current.append(leaf)
        if line.delimiters.get(id(leaf)) == priority:
            current.leaves[0].prefix = ""
            yield current
            current = Line(line.depth, True)
    if current:
        if priority == COMMA_PRIORITY and current.leaves[-1].kind != ",":
            current.append(Leaf(",", ",", ""))
        current.leaves[0].prefix = ""
        yield current


def trailers_to_omit(line: Line) -> Iterator[set[int]]:
    """black's ``generate_trailers_to_omit`` (no magic trailing commas in the subset)."""
    omit: set[int] = set()
    yield omit
    length = 4 * line.depth
    opening: Leaf | None = None
    closing: Leaf | None = None
    inner: set[int] = set()
    for index, leaf, leaf_length in line.lengths(reverse=True):
        length += leaf_length
        if length > LINE_LENGTH or leaf.comment:
            break
        if opening:
            if leaf is opening:
                opening = None
            elif leaf.kind in CLOSING:
                inner.add(id(leaf))
        elif leaf.kind in CLOSING:
            prev = line.leaves[index - 1] if index > 0 else None
            if prev is not None and prev.kind in OPENING:
                inner.add(id(leaf))
                continue
            if closing:
                omit.add(id(closing))
                omit.update(inner)
                inner.clear()
                yield omit
            if leaf.value:
                opening, closing = leaf.opening, leaf


# ------------------------------------------------------------------ modules


def _split_comment(text: str) -> tuple[str, str]:
    """(code, inline comment with its two spaces, or "")."""
    if "#" not in text and '"""' not in text and "'''" not in text:
        return text, ""
    pos = 0
    while (match := _SCAN.search(text, pos)) is not None:
        if match.group().startswith("#"):
            code, comment = text[: match.start()], text[match.start() :]
            if not code.endswith("  ") or code.endswith("   ") or not code.strip():
                raise Unsupported("comment spacing")
            if not comment.startswith("# ") or "type:" in comment or comment != comment.rstrip():
                raise Unsupported("comment form")
            return code.rstrip(" "), "  " + comment
        if match.group() in ('"""', "'''"):
            raise Unsupported("triple-quoted string")
        pos = match.end()
    return text, ""


def _attach(leaves: list[Leaf], comment: str) -> None:
    """Where black's ``Line.append_comment`` puts an inline comment: the last leaf, or the
    one wrapped in optional parentheses when they hold a single leaf."""
    if not comment:
        return
    last = leaves[-1]
    if last.kind == ")" and not last.value and len(leaves) >= 3 and leaves[-3] is last.opening:
        last = leaves[-2]
    last.comment = comment


@lru_cache(maxsize=4096)
def layout_line(text: str) -> str:
    """One long line (with its indentation) split as black splits it (``Unsupported``
    when it is outside the subset); repeated lines are split once."""
    stripped = text.lstrip(" ")
    indent = len(text) - len(stripped)
    if indent % 4 or not stripped.isascii():
        raise Unsupported("indentation or non-ASCII text")
    if stripped.startswith("async def ") and len(text) - len("async ") > LINE_LENGTH:
        # black splits a def line only at its parameters' brackets (left_hand_split), so
        # an async method is split as its sync twin is, "async " before the head
        synced = layout_line(text[:indent] + stripped[len("async ") :])
        return synced[:indent] + "async " + synced[indent:]
    awaited = _AWAITED_CALL.fullmatch(stripped)
    if awaited is not None and len(text) - len("await ") > LINE_LENGTH:
        twin = _awaited_as_twin(text, indent, awaited)
        if twin is not None:
            return twin
    code, comment = _split_comment(stripped)
    leaves = tokenize(code)
    classify(leaves)
    leaves = statement(leaves)
    plain = None if comment else _plain(leaves, indent // 4)
    if plain is not None:
        return plain
    _attach(leaves, comment)
    line = Line(indent // 4)
    for leaf in leaves:
        leaf.original_prefix = leaf.prefix
        line.append(leaf)
    out = [str(piece) for piece in transform_line(line)]
    if any(len(piece) > LINE_LENGTH and ":=" in piece for piece in out):
        raise Unsupported("an assignment expression black splits before its operator")
    return "\n".join(out)


def _plain(leaves: list[Leaf], depth: int) -> str | None:
    """``_plain_def`` or ``_plain_call`` where one applies."""
    if leaves[0].value == "def":
        return _plain_def(leaves, depth)
    marks = [i for i in _top_level(leaves) if leaves[i].kind == "="]
    last = leaves[-1]
    if len(marks) == 1 and last.kind == ")" and not last.value \
            and last.opening is leaves[marks[0] + 1]:  # fmt: skip
        return _plain_call(leaves, marks[0], depth)
    return None


def _plain_call(leaves: list[Leaf], equals: int, depth: int) -> str | None:
    """An assignment of a call, ``x: T = a.b(...)`` (``statement``'s leaves: the value in
    invisible parentheses), split as ``transform_line`` splits it where that is plain: its
    head up to the call's bracket fitting (``rhs_with_omits`` then splits at that bracket,
    omitting the optional parentheses), the arguments on one line, or else one per line
    (``delimiter_split``, a comma after the last), each fitting. ``None``: it decides."""
    value = leaves[equals + 2 : -1]  # within the invisible parentheses
    names = 0
    while names < len(value) and value[names].kind in ("name", "."):
        names += 1
    if not (names and value[0].kind == "name" and names < len(value) and value[names].kind == "("
            and value[names].value and value[-1].opening is value[names]):  # fmt: skip
        return None
    opening = equals + 2 + names
    head, args, tail = leaves[: opening + 1], leaves[opening + 1 : -2], leaves[-2:]
    return _bracket_split(head, args, tail, depth, lone_comma=False)


def _bracket_split(
    head: list[Leaf], body: list[Leaf], tail: list[Leaf], depth: int, *, lone_comma: bool
) -> str | None:
    """``head`` / ``body`` / ``tail`` as three lines, or the body one item per line (split
    at its top-level commas, a comma after each), where every line fits; else ``None``.
    ``lone_comma``: a body without commas gets one (``build_line`` for ``def``)."""
    pad, inner = "    " * depth, "    " * (depth + 1)
    head_text, tail_text = pad + _text(head), tail[0].prefix + pad + _text(tail)
    if not body or len(head_text) > LINE_LENGTH or len(tail_text) > LINE_LENGTH:
        return None
    lone = not any(leaf.kind == "," and not leaf.annotation for leaf in body)
    one_line = body[0].prefix + inner + _text(body) + ("," if lone and lone_comma else "")
    if len(one_line) <= LINE_LENGTH:
        return "\n".join((head_text, one_line, tail_text))
    items: list[list[Leaf]] = [[]]
    level = 0
    for leaf in body:
        level += (leaf.kind in OPENING) - (leaf.kind in CLOSING)
        if leaf.kind == "," and level == 0:
            items.append([])
        else:
            items[-1].append(leaf)
    lines = [inner + _text(item) + "," for item in items]
    if len(items) < 2 or not all(items) or any(len(line) > LINE_LENGTH for line in lines):
        return None
    return "\n".join((head_text, *lines, tail_text))


def _plain_def(leaves: list[Leaf], depth: int) -> str | None:
    """A long ``def`` line (``statement``'s leaves) split as ``transform_line`` splits it
    where that is plain: at the parameters' brackets (``left_hand_split``), head and tail
    fitting, the parameters on one line (``build_line`` adds a comma after a lone one), or
    else one per line (``delimiter_split`` at their commas, a comma after the last), each
    fitting. ``None``: ``transform_line`` decides."""
    close = _match(leaves, 2)  # "def", the name, then the parameters' opening bracket
    return _bracket_split(leaves[:3], leaves[3:close], leaves[close:], depth, lone_comma=True)


def _text(leaves: Sequence[Leaf]) -> str:
    """The leaves as a line shows them, without the first one's prefix."""
    return leaves[0].value + "".join([leaf.prefix + leaf.value for leaf in leaves[1:]])


# ``x: T = await a.b(...)``: an assignment of an awaited call, up to the call's bracket
_AWAITED_CALL = re.compile(r"(?P<target>[^=()\[\]{}#'\"]+?(?::[^=#'\"]+)?) = await "
                           r"(?P<call>[A-Za-z_][\w.]*\()(?P<rest>.*\))")


def _awaited_as_twin(text: str, indent: int, awaited: re.Match[str]) -> str | None:
    """An assignment of an awaited call split as its sync twin is, ``await`` put back.

    black splits ``x = f(...)`` at the call's brackets when the head (up to ``f(``) fits,
    and lays the arguments out whatever comes before them; so when the twin's first line
    is that head and still fits with ``await ``, the rest is the twin's. (Only for a call
    whose closing bracket ends the line and that has no comment.) ``None``: lay it out.
    """
    rest = awaited.group("rest")
    if "#" in rest or not _closes_first(rest):
        return None
    head = " " * indent + f"{awaited.group('target')} = {awaited.group('call')}"
    twin = layout_line(head + rest)
    first, newline, others = twin.partition("\n")
    if not newline or first != head or len(head) + len("await ") > LINE_LENGTH:
        return None
    return head.replace(" = ", " = await ", 1) + newline + others


def _closes_first(rest: str) -> bool:
    """Whether the call's bracket closes at the end of ``rest`` (the text after it), and
    not before."""
    depth = 1
    for match in _SCAN.finditer(rest):
        token = match.group()
        if token in ('"""', "'''"):
            return False
        depth += (token in OPENING) - (token in CLOSING)
        if depth == 0:
            return match.end() == len(rest)
    return False


_SCAN = re.compile(r'''"""|\'\'\'|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|#.*|[()\[\]{}]''')


def _scan(line: str, depth: int, quote: str) -> tuple[int, str]:
    """Bracket depth and open triple quote (or "") after ``line``, given them before it."""
    if '"' not in line and "'" not in line and "#" not in line:  # every bracket is one
        if quote:
            return depth, quote
        opened = line.count("(") + line.count("[") + line.count("{")
        return depth + opened - line.count(")") - line.count("]") - line.count("}"), quote
    pos = 0
    while True:
        if quote:
            end = line.find(quote, pos)
            if end < 0:
                return depth, quote
            pos, quote = end + 3, ""
        match = _SCAN.search(line, pos)
        if match is None:
            return depth, quote
        token = match.group()
        pos = match.end()
        if token in ('"""', "'''"):
            quote = token
        elif token in OPENING:
            depth += 1
        elif token in CLOSING:
            depth -= 1


def _kept(line: str) -> bool:
    """A comment line, or a one-line string statement (a docstring): black leaves them long."""
    stripped = line.strip()
    if stripped.startswith("#"):
        return True
    return (
        len(stripped) >= 6 and stripped[:3] == stripped[-3:] and stripped[:3] in ('"""', "'''")
        and stripped.count(stripped[:3]) == 2 and not stripped.endswith("\\" + stripped[:3])
    )  # fmt: skip


def layout_module(text: str) -> str:
    """``text`` with every line longer than black's limit split as black would.

    Lines inside triple-quoted strings are kept. Raises ``Unsupported`` when a long line
    is outside the subset (see the module doc) or continues a bracket of an earlier line.
    """
    lines = text.split("\n")
    last = max((i for i, line in enumerate(lines) if len(line) > LINE_LENGTH), default=-1)
    depth, quote = 0, ""
    for i, line in enumerate(lines[: last + 1]):  # nothing after the last long line to split
        before_depth, before_quote = depth, quote
        depth, quote = _scan(line, depth, quote)
        if len(line) <= LINE_LENGTH or (before_quote and quote) or _kept(line):
            continue
        if before_depth or before_quote or depth or quote:
            raise Unsupported("a long line that is part of a longer statement")
        lines[i] = layout_line(line)
    return "\n".join(lines)
