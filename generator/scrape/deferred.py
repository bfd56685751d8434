"""Modules imported only when first used.

BeautifulSoup imports soupsieve, its CSS selector engine, which compiles its patterns on
import (about a fifth of a CPU-second, in every run that reads a page); the scraper never
selects by CSS. ``defer`` puts a stand-in in ``sys.modules`` that imports the real module the
first time one of its names is asked for and from then on hands out the real module's.
(``importlib.util.LazyLoader`` does not serve: an ``import`` statement reads ``__spec__``,
which makes it load at once.)
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from types import ModuleType


class _Deferred(ModuleType):
    """Stands for a module not imported yet; the first name asked for imports it."""

    def __getattr__(self, name: str) -> object:
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        real = importlib.import_module(self.__name__)
        return getattr(real, name)


def defer(name: str) -> None:
    """Have ``import name`` give a stand-in until the module is used (nothing happens when
    it is imported already or not installed)."""
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    if spec is None:
        return
    stand_in = _Deferred(name)
    stand_in.__spec__ = spec
    sys.modules[name] = stand_in


defer("soupsieve")  # on import: ``generator.scrape`` imports this before bs4
