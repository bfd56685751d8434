"""JSON Schema ``pattern``s (ECMA-262 regular expressions) checked for Python's ``re``.

JSON Schema 2020-12 (section 6.3.3) says patterns are ECMA-262 regular expressions, searched
anywhere in the string. Python's ``re`` reads most of them the same way; the differences that
change what matches are handled here, at generation time, so that a generated validator never
carries a pattern that fails to compile or that means something else:

- ``\\d``, ``\\w`` (and ``\\D``, ``\\W``, ``\\b``, ``\\B``) are ASCII in ECMA-262 (without the
  ``u`` flag) and Unicode in ``re``: such a pattern is compiled with ``re.ASCII``, and its
  ``\\s`` (Unicode in both) is written out as ECMA-262's list of white space characters.
- ``$`` ends the string in ECMA-262 but also matches before a final newline in ``re``: it is
  written ``\\Z`` outside character classes.
- ``(?<name>...)`` is ``(?P<name>...)`` in ``re``; ``\\k<name>`` is ``(?P=name)``.
- What ``re`` has and ECMA-262 reads differently (``\\A``, ``\\Z``, ``(?P``, ``(?#``,
  inline flags, possessive ``*+``) and what ``re`` lacks (``\\p{...}``, ``\\cX``, ``\\u{...}``,
  ``[^]``, a ``/`` flag suffix) is refused with a reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PYTHON_ONLY = re.compile(r"\(\?P|\(\?#|\(\?[aiLmsux]+[):-]|[*+?}]\+")
_ESCAPES_REFUSED = {"A": "\\A", "Z": "\\Z", "p": "\\p{...}", "P": "\\P{...}", "c": "\\cX"}
_ASCII_CLASSES = frozenset("dDwWbB")
# ECMA-262 WhiteSpace and LineTerminator: what \s matches there
_SPACES = "\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"
_SPACE_TOKENS = {("\\s", False): f"[{_SPACES}]", ("\\S", False): f"[^{_SPACES}]",
                 ("\\s", True): _SPACES}


@dataclass(frozen=True, slots=True)
class Translated:
    """A pattern in Python's syntax, compiled with ``re.ASCII`` when ``ascii``; or why not."""

    python: str = ""
    ascii: bool = False
    problem: str = ""

    @property
    def flags(self) -> int:
        return re.ASCII if self.ascii else 0


def translate(pattern: str) -> Translated:
    """``pattern`` (ECMA-262) for ``re.compile(python, flags)``, or the problem with it."""
    tokens = _tokens(pattern)
    if isinstance(tokens, str):
        return Translated(problem=tokens)
    found = _PYTHON_ONLY.search(pattern)
    if found:
        return Translated(problem=f"{found.group()!r} means something else in ECMA-262")
    ascii_flag = any(t[1:] in _ASCII_CLASSES for t, _ in tokens if t.startswith("\\"))
    if ascii_flag and ("\\S", True) in tokens:
        return Translated(problem="\\S inside a class with \\d, \\w or \\b has no equivalent in re")
    python = "".join(_SPACE_TOKENS.get((t, inside), t) if ascii_flag else t
                     for t, inside in tokens)  # fmt: skip
    try:
        re.compile(python, re.ASCII if ascii_flag else 0)
    except re.error as exc:
        return Translated(problem=f"Python's re cannot compile it: {exc}")
    return Translated(python, ascii_flag)


def _tokens(pattern: str) -> list[tuple[str, bool]] | str:
    """The pattern as Python tokens, each with whether it stands in a class; or a problem."""
    out: list[tuple[str, bool]] = []
    i, in_class = 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            if nxt in _ESCAPES_REFUSED or (nxt == "u" and pattern[i + 2 : i + 3] == "{"):
                shown = _ESCAPES_REFUSED.get(nxt, "\\u{...}")
                return f"{shown} is not read the same way by Python's re"
            if nxt == "k" and pattern[i + 2 : i + 3] == "<" and ">" in pattern[i:]:
                end = pattern.index(">", i)
                out.append((f"(?P={pattern[i + 3 : end]})", False))
                i = end + 1
                continue
            out.append((pattern[i : i + 2], in_class))
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            rest = pattern[i + 1 : i + 3]
            if rest.startswith("]") or rest == "^]":
                return "[] and [^] are read differently by Python's re"
            in_class = True
        elif c == "$":
            c = "\\Z"
        elif pattern.startswith("(?<", i) and pattern[i + 3 : i + 4] not in ("=", "!"):
            c, i = "(?P<", i + 2
        out.append((c, in_class and c != "["))
        i += 1
    return out
