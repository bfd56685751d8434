"""The change report (``doc2client diff OLD NEW``): what changed between two versions of an API.

``compare`` walks the two models and lists every ``Change``; ``report`` renders the report as
Markdown or JSON and runs the command.
"""

from generator.diff.compare import (
    DOC_KINDS,
    MESSAGES,
    OPERATION_KINDS,
    Change,
    ChangeReport,
    describe,
    diff_apis,
    match_operations,
)
from generator.diff.report import (
    EXIT_BREAKING,
    EXIT_ERROR,
    EXIT_OK,
    pair_apis,
    render_json,
    render_markdown,
    report_to_dict,
    run_diff,
)

__all__ = [
    "DOC_KINDS",
    "EXIT_BREAKING",
    "EXIT_ERROR",
    "EXIT_OK",
    "MESSAGES",
    "OPERATION_KINDS",
    "Change",
    "ChangeReport",
    "describe",
    "diff_apis",
    "match_operations",
    "pair_apis",
    "render_json",
    "render_markdown",
    "report_to_dict",
    "run_diff",
]
