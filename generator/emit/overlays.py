"""Template overlays: ``api/`` and ``operation/`` templates that add outputs to a project.

A user's templates folders (``--templates DIR``, ``templates = [...]`` in
``[tool.doc2client]``) are searched before the built-in ``templates/`` folder (see
``environment.make_environment``). Besides replacing a built-in template of the same name,
such a folder may hold:

- ``api/<path>.jinja``: rendered once per API; the output is ``<path>`` in the project.
- ``operation/<path>.jinja``: rendered once per operation; ``{operation}`` in ``<path>`` is
  replaced by the operation id.

``{package}`` in either path is replaced by the package name (``stripe_client``). A file
whose name starts with ``_`` is a partial (macros to import or include), not an output.

The context of these templates is the published contract (docs/templates.md): the model
exactly as ``doc2client ir`` prints it (plain dicts and lists, described by the JSON Schema
of ``doc2client ir --schema``), plus a few ready-made strings.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Mapping
from typing import Any

import jinja2
from markupsafe import Markup

from generator.emit.environment import header_line, is_html
from generator.model.ir import api_to_json
from generator.model.naming import class_name, python_identifier
from generator.model.shapes import MODEL_VERSION, Api

KINDS = ("api", "operation")

FILTERS = {"identifier": python_identifier, "class_name": class_name}


def is_overlay(name: str) -> bool:
    """True for ``api/**.jinja`` and ``operation/**.jinja``, except partials (``_*.jinja``)."""
    kind, _, rest = name.partition("/")
    partial = name.rpartition("/")[2].startswith("_")
    return kind in KINDS and bool(rest) and name.endswith(".jinja") and not partial


def overlay_context(api: Api) -> dict[str, Any]:
    """What every overlay template gets besides the base strings (see docs/templates.md)."""
    model = api_to_json(api)
    return {
        "api": model,
        "shapes": {shape["name"]: shape for shape in model["shapes"]},
        "model_version": MODEL_VERSION,
    }


def overlay_files(
    env: jinja2.Environment, api: Api, base: Mapping[str, Any]
) -> dict[str, str]:
    """Relative path → text of every ``api/`` and ``operation/`` template's output."""
    names = sorted(env.list_templates(filter_func=is_overlay))
    if not names:
        return {}
    env.filters.update(FILTERS)
    context = {**base, **overlay_context(api)}
    files: dict[str, str] = {}
    for name in names:
        kind, _, rest = name.partition("/")
        if kind == "api":
            target = output_path(rest, api.package)
            files[target] = _render(env, name, target, context, context["source"])
            continue
        for op in context["api"]["operations"]:
            target = output_path(rest, api.package, op["operation_id"])
            source = op["source"]["file"] or context["source"]
            files[target] = _render(env, name, target, {**context, "operation": op}, source)
    return files


def _render(
    env: jinja2.Environment, name: str, target: str, context: Mapping[str, Any], source: str
) -> str:
    line: str = header_line(target, source)
    if is_html(target):
        line = Markup(line)
    return env.get_template(name).render({**context, "version_line": line})


def output_path(template_path: str, package: str, operation_id: str = "") -> str:
    """The output path of an overlay: ``.jinja`` dropped, placeholders filled, made safe."""
    safe_id = re.sub(r"[^A-Za-z0-9_.-]", "_", operation_id).lstrip(".") or "operation"
    path = template_path.removesuffix(".jinja").replace("{package}", package)
    path = path.replace("{operation}", safe_id)
    parts = [p for p in path.split("/") if p not in ("", ".", "..")]
    return "/".join(parts)


def template_error(exc: jinja2.TemplateError) -> tuple[str, int, str]:
    """(file, line, message) of an error raised while loading or rendering a template."""
    message = f"template error: {exc.message or type(exc).__name__}"
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return exc.filename or exc.name or "<template>", exc.lineno, message
    if isinstance(exc, jinja2.TemplateNotFound):
        message = f"template not found: {exc.name}"
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith(".jinja"):
            return frame.filename, frame.lineno or 0, message
    return "<template>", 0, message
