"""The change report rendered (Markdown, JSON) and ``doc2client diff`` run on two inputs."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from dataclasses import asdict
from typing import Any

from generator.diff.compare import OPERATION_KINDS, Change, ChangeReport, diff_apis
from generator.model.shapes import Api

EXIT_OK, EXIT_BREAKING, EXIT_ERROR = 0, 1, 2


def _summary(report: ChangeReport) -> str:
    added = len(report.of_kind("operation-added"))
    removed = len(report.of_kind("operation-removed"))
    breaking = len(report.breaking)
    other = len(report.changes) - breaking - added
    return (
        f"{report.old} → {report.new}: {breaking} breaking, {other} other changes; "
        f"{added} operations added, {removed} removed"
    )


def _by_operation(changes: Iterable[Change]) -> list[str]:
    lines: list[str] = []
    current: tuple[str, str, str] | None = None
    for change in changes:
        key = (change.method, change.path, change.operation_id)
        if key != current:
            current = key
            lines += ["", f"### {change.method} {change.path} ({change.operation_id})", ""]
        text = change.message.split(": ", 1)[1] if ": " in change.message else change.message
        where = f"`{change.field_path}`: " if change.field_path else ""
        lines.append(f"- {where}{text}")
    return lines


def _operation_list(changes: Iterable[Change]) -> list[str]:
    return [f"- {c.method} {c.path} ({c.operation_id})" for c in changes]


def render_markdown(report: ChangeReport) -> str:
    """The report as Markdown: a summary line, then one section per kind of change."""
    ordered = sorted(report.changes, key=lambda c: (c.method, c.path, c.operation_id, c))
    body = [c for c in ordered if c.kind not in OPERATION_KINDS]
    sections = [
        ("Breaking changes", _by_operation(c for c in body if c.breaking)),
        ("Other changes", _by_operation(c for c in body if not c.breaking)),
        ("Operations added", _operation_list(report.of_kind("operation-added"))),
        ("Operations removed", _operation_list(report.of_kind("operation-removed"))),
    ]
    lines = [f"# API changes: {report.old} → {report.new}", "", _summary(report)]
    for title, items in sections:
        if items:
            lines += ["", f"## {title}", *([""] if items[0] else []), *items]
    if not report.changes:
        lines += ["", "No changes."]
    return "\n".join(lines) + "\n"


def report_to_dict(report: ChangeReport) -> dict[str, Any]:
    return {
        "old": report.old,
        "new": report.new,
        "summary": {
            "breaking": len(report.breaking),
            "changes": len(report.changes),
            "operations_added": len(report.of_kind("operation-added")),
            "operations_removed": len(report.of_kind("operation-removed")),
        },
        "changes": [asdict(c) for c in report.changes],
    }


def render_json(report: ChangeReport) -> str:
    return _dump(report_to_dict(report))


def _dump(data: object) -> str:
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def pair_apis(
    old: dict[str, Api | None], new: dict[str, Api | None]
) -> list[tuple[Api | None, Api | None]]:
    """One API on each side: those two; otherwise by name, an API on one side only being
    compared with an empty one. ``None`` stands for an API that failed to load."""
    if len(old) == 1 and len(new) == 1:
        return [(next(iter(old.values())), next(iter(new.values())))]
    empty = {n: Api(name=n, base_url="", operations=(), shapes=()) for n in {*old, *new}}
    return [(old.get(n, empty[n]), new.get(n, empty[n])) for n in sorted(empty)]


def run_diff(
    old_apis: dict[str, Api | None], new_apis: dict[str, Api | None], *, as_json: bool = False
) -> int:
    """``doc2client diff`` on the APIs loaded from each side (by name, ``None`` for one that
    failed to load): 1 when a change is breaking, 0 when none is, 2 when nothing could be
    compared. The report goes to stdout."""
    pairs = pair_apis(old_apis, new_apis)
    reports = [diff_apis(a, b) for a, b in pairs if a is not None and b is not None]
    if not reports:
        print("doc2client diff: error: nothing to compare", file=sys.stderr)
        return EXIT_ERROR
    if as_json:
        dumped = [report_to_dict(r) for r in reports]
        sys.stdout.write(_dump(dumped[0] if len(dumped) == 1 else dumped))
    else:
        sys.stdout.write("\n".join(render_markdown(r) for r in reports))
    return EXIT_BREAKING if any(r.breaking for r in reports) else EXIT_OK
