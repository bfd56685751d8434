"""Run every benchmark section in turn; each is a function that prints a table."""

from __future__ import annotations

from collections.abc import Callable

from bench import documents, encoding, generation, imports, scale, validation, vocabulary

SECTIONS: list[Callable[[], None]] = [
    validation.main,
    encoding.main,
    generation.main,
    documents.main,
    scale.main,
    imports.main,
    vocabulary.main,
]


def main() -> None:
    for section in SECTIONS:
        section()
        print()


if __name__ == "__main__":
    main()
