"""Rendering: one API's project files, with the run's memo active around ``render_api``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from generator.cache import tree_fingerprint
from generator.diagnostics import Reporter
from generator.memo import Memo, remembering
from generator.options import Options
from generator.pipeline.sources import ApiSource

if TYPE_CHECKING:
    from generator.model.shapes import Api


def render(
    api: Api, source: ApiSource, options: Options, reporter: Reporter | None = None
) -> dict[str, str]:
    """The project files of ``api`` keyed by output path; a broken (user) template is
    reported (raised when there is no ``reporter``)."""
    from jinja2 import TemplateError

    from generator.emit import render_api
    from generator.emit.overlays import template_error

    try:
        files = render_api(api, templates=options.templates, source_label=source.label)
    except TemplateError as exc:
        if reporter is None:
            raise
        reporter.error(*template_error(exc))
        return {}
    return {f"{api.package}/{rel}": text for rel, text in files.items()}


def render_kept(
    api: Api, model_key: str, source: ApiSource, options: Options, *, reporter: Reporter,
    memo: Memo,
) -> dict[str, str]:  # fmt: skip
    """``render``, kept whole for this model, label and set of templates; when it has to
    run, its pieces are kept too (salted with every API-wide value a template sees)."""
    if not memo.enabled:
        return render(api, source, options, reporter)
    from generator.emit import base_context

    templates = tree_fingerprint(options.templates)
    pieces = memo.salted(templates, repr(sorted(base_context(api, source.label).items())))

    def compute(local: Reporter) -> dict[str, str]:
        with remembering(pieces):
            return render(api, source, options, local)

    return memo.reported("render", [model_key, source.label, templates], reporter, compute)
