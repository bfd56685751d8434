"""``Frozen``: the base of the frozen, slotted dataclasses that the cache keeps (page records,
the model, diagnostics, rendered validator chunks), so that they pickle quickly.

``dataclass(slots=True)`` gives a class ``__getstate__`` and ``__setstate__`` that call
``dataclasses.fields`` for every object pickled or unpickled; on a warm run, which unpickles
thousands of records and model objects, that was its largest single cost. A ``Frozen``
dataclass pickles as its class and its field values instead, and unpickles through its own
``__init__``: the same object, at about half the cost. Every field must be an ``__init__``
parameter (the dataclass default), and ``__init__`` must take the values it gave back as they
are (no ``__post_init__`` that changes them).
"""

from __future__ import annotations

from typing import Any


class Frozen:
    """Pickled as ``(class, (field values...))``, rebuilt through ``__init__``."""

    __slots__ = ()  # no annotations here: ``typing.get_type_hints`` of a model class reads them

    def __reduce__(self) -> tuple[type[Any], tuple[object, ...]]:
        names: tuple[str, ...] = self.__match_args__  # type: ignore[attr-defined]  # set by dataclass
        return type(self), tuple([getattr(self, name) for name in names])
