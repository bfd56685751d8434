"""Rendering: one API's project files, with the run's memo active around ``render_api``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from generator.cache import tree_fingerprint
from generator.diagnostics import Reporter
from generator.memo import Memo, remembering
from generator.options import Options
from generator.pipeline.sources import ApiSource, display_path

if TYPE_CHECKING:
    from collections.abc import Callable

    from generator.emit.page import Sink
    from generator.model.shapes import Api

    Code = Callable[[dict[str, str]], None]  # takes the package's modules by output path


def render(
    api: Api, source: ApiSource, options: Options, reporter: Reporter | None = None,
    sink: Sink | None = None, *, code: Code | None = None,
) -> dict[str, str]:  # fmt: skip
    """The project files of ``api`` keyed by output path; a broken (user) template is
    reported (raised when there is no ``reporter``).

    ``sink``: takes the docs files by output path as they are made, instead of the result
    (``emit.render_api``); after a broken template, what it was given is incomplete.
    ``code``: given the package's modules by output path once they are made, before the docs.
    """
    from jinja2 import TemplateError

    from generator.emit import render_api
    from generator.emit.overlays import template_error

    api = _labelled(api, source)
    package = api.package
    to_sink = None if sink is None else lambda rel, text: sink(f"{package}/{rel}", text)
    to_code = None if code is None else lambda made: code(_placed(package, made))
    try:
        files = render_api(api, templates=options.templates, source_label=source.label,
                           sink=to_sink, code=to_code)  # fmt: skip
    except TemplateError as exc:
        if reporter is None:
            raise
        reporter.error(*template_error(exc))
        return {}
    return _placed(api.package, files)


def _placed(package: str, files: dict[str, str]) -> dict[str, str]:
    """``files`` under their output paths (the project folder first)."""
    return {f"{package}/{rel}": text for rel, text in files.items()}


def _labelled(api: Api, source: ApiSource) -> Api:
    """``api`` with each operation's source file named as ``source.label`` names it, so that
    generated files say the same whichever folder doc2client ran from."""
    from dataclasses import replace

    if source.openapi is not None:
        names = {str(source.openapi): source.label, display_path(source.openapi): source.label}
    else:
        names = {display_path(p): f"{source.label}/{p.name}" for p in source.pages}
    operations = tuple(
        replace(op, source=replace(op.source, file=names.get(op.source.file, op.source.file)))
        for op in api.operations
    )
    return replace(api, operations=operations)


def render_kept(
    api: Api, source: ApiSource, options: Options, *, reporter: Reporter, memo: Memo,
    sink: Sink | None = None, code: Code | None = None,
) -> dict[str, str]:  # fmt: skip
    """``render`` with its pieces kept in ``memo``, salted with the templates and every
    API-wide value a template sees: an edit renders only the pieces it reaches.

    The whole result is not kept: a run whose model did not change is replayed before it
    gets here (``replay.py``) unless its options or templates changed, and keeping it cost
    every edited run a write of the whole output (megabytes) that no later run read.
    """
    if not memo.enabled:
        return render(api, source, options, reporter, sink, code=code)
    from generator.emit import base_context

    templates = tree_fingerprint(options.templates)
    pieces = memo.salted(templates, repr(sorted(base_context(api, source.label).items())))
    with remembering(pieces):
        return render(api, source, options, reporter, sink, code=code)
