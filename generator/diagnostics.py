"""Diagnostics are data with a location: collected, sorted, printed once.

A stage never raises for bad input; it reports a ``Diagnostic`` to a ``Reporter``
and carries on with what it can. The CLI prints them all at the end as
``file:line: level: message [pointer]`` and sets the exit code from the worst one.

The levels, as compilers use them: an ``error`` stops the run (nothing is written); a
``warning`` is something in the input that the client does not carry as the input says
(a keyword not checked, a ``$ref`` in a place OpenAPI has none); a ``note`` is what the
generator did by a documented rule that a reader of the input may not expect (a parameter
renamed because its Python name is taken), never a fault of the input. Notes are listed
with ``--verbose`` and counted in the run's summary.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import get_close_matches
from typing import Literal

from generator.frozen import Frozen

Level = Literal["error", "warning", "note"]


@dataclass(frozen=True, slots=True, order=True)
class Diagnostic(Frozen):
    file: str
    line: int
    level: Level
    message: str
    pointer: str = ""  # JSON pointer into the schema, where there is one
    code: str = ""  # a short kind, for the run summary ("empty-schema", "unknown-keyword", ...)
    column: int = 0  # 1-based, where the input's parser names one (a syntax error)

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        where += f":{self.column}" if self.line and self.column else ""
        suffix = f" [{self.pointer}]" if self.pointer else ""
        return f"{where}: {self.level}: {self.message}{suffix}"


@dataclass(slots=True)
class Reporter:
    """Collects diagnostics; ``sorted()`` gives them in a stable order."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(
        self, file: str, line: int, message: str, *, pointer: str = "", code: str = "",
        column: int = 0,
    ) -> None:
        self.items.append(Diagnostic(file, line, "error", message, pointer, code, column))

    def warning(
        self, file: str, line: int, message: str, *, pointer: str = "", code: str = ""
    ) -> None:
        self.items.append(Diagnostic(file, line, "warning", message, pointer, code))

    def note(
        self, file: str, line: int, message: str, *, pointer: str = "", code: str = ""
    ) -> None:
        self.items.append(Diagnostic(file, line, "note", message, pointer, code))

    def add(
        self, level: Level, file: str, line: int, message: str, *, pointer: str = "",
        code: str = "",
    ) -> None:  # fmt: skip
        """A diagnostic of ``level``: for readers that pass the level along."""
        self.items.append(Diagnostic(file, line, level, message, pointer, code))

    def extend(self, other: Reporter) -> None:
        self.items.extend(other.items)

    @property
    def has_errors(self) -> bool:
        return any(d.level == "error" for d in self.items)

    def sorted(self) -> list[Diagnostic]:
        """Each diagnostic once, in a stable order; a ``bad-ref`` warning about a ``$ref`` a
        ``bad-ref`` error in the same file already reports (the document's check and the
        model's reader both meet it) is left out, so the ``$ref`` is reported once, as the
        error."""
        errors = {(d.file, _ref_place(d.pointer)) for d in self.items
                  if d.level == "error" and d.code == "bad-ref"}  # fmt: skip
        return sorted(d for d in set(self.items) if not (
            d.level == "warning" and d.code == "bad-ref"
            and (d.file, _ref_place(d.pointer)) in errors))  # fmt: skip


def _ref_place(pointer: str) -> str:
    """The schema that holds a ``$ref``: its pointer without a trailing ``/$ref``."""
    return pointer.removesuffix("/$ref")


def counted(n: int, noun: str) -> str:
    """``n`` and ``noun``, plural unless ``n`` is 1: ``1 error``, ``3 errors``."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def did_you_mean(word: str, known: Iterable[str]) -> str:
    """``" (did you mean 'servers'?)"`` for the closest of ``known`` (difflib), else ``""``."""
    close = get_close_matches(word, sorted(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""
