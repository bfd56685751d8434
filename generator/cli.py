"""The command line: ``doc2client generate``, ``ir``, ``diff`` and ``cache``.

Exit codes follow ``black --check``: 0 all is well (or current), 1 the output would
change (``--check``), 2 there were errors. Diagnostics go to stderr as
``file:line: level: message [pointer]``, sorted, once, at the end.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from generator import __version__
from generator.config import Config, ConfigError, default_cache_dir, find_config, load_config
from generator.diagnostics import Diagnostic, Reporter, counted
from generator.options import FORMATTERS, Options, RunStats

if TYPE_CHECKING:
    from generator.progress import Progress

EXIT_OK, EXIT_CHANGED, EXIT_ERROR = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="doc2client",
        description="Generate a typed Python client, validators and docs from API docs pages.",
    )
    parser.add_argument("--version", action="version", version=f"doc2client {__version__}")
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        help="the pyproject.toml holding [tool.doc2client] (default: the first one found "
        "walking up from SPECS, else from the working folder)",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    gen = sub.add_parser("generate", help="generate one client package per API")
    gen.add_argument(
        "specs",
        type=_spec,
        nargs="?",
        help="a folder of API folders of pages, a folder of pages, or an OpenAPI document; "
        "or an http(s) URL of an index page, one page or an OpenAPI document",
    )
    gen.add_argument(
        "--save-pages",
        type=Path,
        metavar="DIR",
        help="keep what was fetched from a URL in DIR (to commit under specs/)",
    )
    gen.add_argument(
        "--fetch-timeout",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="give up on a URL that does not answer within this time (default: 30)",
    )
    gen.add_argument("-o", "--output", type=Path, help="output folder (replaced atomically)")
    gen.add_argument(
        "--check",
        action="store_true",
        help="compare instead of writing: list what would change and print a unified diff "
        "on stdout; exit 1 if the output would change",
    )
    gen.add_argument(
        "--diff",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="with --check: print the diff after the list of files (default), or only the list",
    )
    gen.add_argument(
        "--force",
        action="store_true",
        help="write even when the output folder holds files doc2client did not write "
        "(they are kept)",
    )
    _common(gen)
    gen.add_argument(
        "--templates",
        type=Path,
        action="append",
        default=[],
        help="a folder of templates searched before the built-in ones",
    )
    gen.add_argument(
        "--formatter", choices=FORMATTERS, help="black (default) or ruff, faster"
    )
    gen.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    gen.add_argument(
        "-v", "--verbose", action="store_true",
        help="print the notes too: what was done by a documented rule (a parameter renamed)",
    )  # fmt: skip
    _cache_dir(gen, "where unchanged work is kept between runs")
    gen.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    gen.add_argument(
        "--cache-max-size", type=_size, default=None, metavar="SIZE",
        help="prune the cache to this size once a day (bytes, or with K, M, G; default 512M)",
    )  # fmt: skip

    ir = sub.add_parser("ir", help="print the model as JSON")
    ir.add_argument("specs", type=Path, nargs="?")
    ir.add_argument(
        "--schema", action="store_true", help="print the JSON Schema of the model instead"
    )
    _common(ir)

    cache = sub.add_parser("cache", help="show, prune or clear the generation cache")
    cache.add_argument("action", choices=("info", "prune", "clear"))
    _cache_dir(cache, "the cache")
    cache.add_argument(
        "--max-size", type=_size, default=None, metavar="SIZE",
        help="prune: keep at most this much (bytes, or with K, M, G; default 512M)",
    )  # fmt: skip
    cache.add_argument(
        "--max-age", type=float, default=None, metavar="DAYS",
        help="prune: remove entries unused for this many days (default 30)",
    )  # fmt: skip

    diff = sub.add_parser("diff", help="report what changed between two versions of an API")
    diff.add_argument("old", type=Path, help="old version: pages folder(s) or OpenAPI document")
    diff.add_argument("new", type=Path, help="new version, in any of the same forms")
    diff.add_argument("--json", action="store_true", dest="as_json", help="print JSON")
    diff.add_argument("--name", help="compare only the API of this name")
    return parser


def _size(text: str) -> int:
    """``512M`` and the like as bytes (K, M, G are powers of 1024)."""
    units = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3}
    number, unit = text.strip().upper().rstrip("B"), ""
    if number and number[-1] in units:
        number, unit = number[:-1], number[-1]
    try:
        return int(float(number) * units[unit])
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (say 512M or 2G)") from None


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--name", help="the API name (package NAME_client); one API only")
    parser.add_argument("--base-url", help="the base URL the client uses by default")
    parser.add_argument(
        "--include", action="append", default=[], metavar="GLOB", help="operation ids to include"
    )
    parser.add_argument(
        "--exclude", action="append", default=[], metavar="GLOB", help="operation ids to exclude"
    )
    parser.add_argument(
        "--responses", type=Path, default=None, metavar="OPENAPI",
        help="an OpenAPI document whose response schemas type the pages' operations "
        "(matched by operation id, then method and path)",
    )  # fmt: skip


def _cache_dir(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--cache-dir", type=Path, default=None,
        help=f"{what} (default: .doc2client-cache beside the configuration, else "
        "$XDG_CACHE_HOME/doc2client)",
    )  # fmt: skip


def _options(args: argparse.Namespace, config: Config | None) -> Options:
    """The options of SPECS: the configured API's (``Config.options_for``), with what the
    command line gives in place of their own."""
    base = config.options_for(args.specs) if config is not None else Options()
    given = {
        "templates": tuple(getattr(args, "templates", ())),
        "name": args.name,
        "base_url": args.base_url,
        "formatter": getattr(args, "formatter", None),
        "include": tuple(args.include),
        "exclude": tuple(args.exclude),
        "responses": args.responses,
    }
    return replace(base, **{key: value for key, value in given.items() if value})


def _say(message: str) -> None:
    print(f"doc2client: {message}", file=sys.stderr, flush=True)


def _print_diagnostics(
    items: Sequence[Diagnostic], *, quiet: bool, verbose: bool = False
) -> None:
    """Errors always; warnings unless ``quiet``; notes when ``verbose``."""
    shown = {"error": True, "warning": not quiet, "note": verbose and not quiet}
    for item in items:
        if shown[item.level]:
            print(item, file=sys.stderr)


def _summary(reporter: Reporter, stats: RunStats, written: str, *, conventions: bool = True) -> str:
    """The run's last lines: per API its operations and shapes, the diagnostics by kind, what
    was written, and (``conventions``) a line per API on the conventions its client follows,
    left out of a failed run, whose client was not written."""
    apis = ", ".join(
        f"{name}: {counted(ops, 'operation')}, {counted(shapes, 'shape')}"
        for name, ops, shapes, _ in stats.apis
    )
    lines = "".join(f"\n  {name}: {line}" for name, _, _, line in stats.apis) if conventions else ""
    counts = Counter((d.level, d.code or "other") for d in reporter.sorted())
    by_kind = "; ".join(f"{n} {level} {code}" for (level, code), n in sorted(counts.items()))
    levels = Counter[str]()
    for (level, _), n in counts.items():
        levels[level] += n
    notes = f", {counted(levels['note'], 'note')}" if levels["note"] else ""
    return (
        f"doc2client: {apis or 'no APIs'}; {counted(levels['error'], 'error')}, "
        f"{counted(levels['warning'], 'warning')}{notes}"
        + (f" ({by_kind})" if by_kind else "")
        + f"; {written}"
        + lines
    )


def _spec(value: str) -> Path | str:
    """A SPECS argument: an http(s) URL stays text, anything else is a path."""
    if "://" not in value:  # no URL: the web module is not even imported
        return Path(value)
    from generator.web import is_url

    return value if is_url(value) else Path(value)


def _config(args: argparse.Namespace) -> Config | None:
    """``--config``, else the first ``[tool.doc2client]`` up from SPECS when it is a path (as
    black finds its project root from the sources it is given), else up from here: a
    project's configuration never applies to specs outside it just because it was run there."""
    if args.config is not None:
        return load_config(args.config)
    specs = getattr(args, "specs", None)
    found = find_config(specs if isinstance(specs, Path) else Path.cwd())
    if found is None:
        return None
    here = Path.cwd()
    return load_config(found.relative_to(here) if found.is_relative_to(here) else found)


def _jobs(
    args: argparse.Namespace, config: Config | None
) -> tuple[list[tuple[Path | str, Options]], Path | None]:
    """What to generate and where: from the command line, else from ``[tool.doc2client]``."""
    output = args.output or (config.output if config else None)
    if args.specs is not None:  # the command line wins; the configuration fills the rest
        return [(args.specs, _options(args, config))], output
    if config is None or not config.jobs:
        where = args.config or "a pyproject.toml here or above"
        raise ConfigError(f"give SPECS, or configure APIs under [tool.doc2client] in {where}")
    return [(job.source, job.options) for job in config.jobs], output


def _local(
    jobs: Sequence[tuple[Path | str, Options]], reporter: Reporter, args: argparse.Namespace,
    cache_root: Path | None, progress: Progress,
) -> AbstractContextManager[list[tuple[Path, Options]]]:  # fmt: skip
    """``jobs`` with every URL fetched (``generator.web.fetched_jobs``; not imported when
    every job is a local path)."""
    paths = [(spec, options) for spec, options in jobs if isinstance(spec, Path)]
    if len(paths) == len(jobs):
        return nullcontext(paths)
    from generator.web import Limits, fetched_jobs

    return fetched_jobs(jobs, reporter, cache_root=cache_root, save_to=args.save_pages,
                        limits=Limits(timeout=args.fetch_timeout), progress=progress)  # fmt: skip


def cmd_generate(args: argparse.Namespace) -> int:
    from generator.cache import open_cache
    from generator.cache_admin import maybe_prune
    from generator.pipeline import build
    from generator.progress import Progress
    from generator.spool import Spool
    from generator.write import OutputError, write_tree

    config = _config(args)
    jobs, output = _jobs(args, config)
    if output is None:
        raise ConfigError("give -o OUTPUT, or output = PATH under [tool.doc2client]")
    if any(options.formatter == "ruff" for _, options in jobs):
        _require_ruff()
    reporter, stats = Reporter(), RunStats()
    cache_dir = args.cache_dir or default_cache_dir(config, output)
    cache, warning = open_cache(None if args.no_cache else cache_dir)
    if warning is not None:
        print(f"doc2client: warning: {warning}", file=sys.stderr)
    spool = None if args.check else Spool.ahead(output)  # a new folder: written meanwhile
    with (
        Progress(enabled=False if args.quiet else None) as progress,  # None: on a terminal
        _local(jobs, reporter, args, cache.root, progress) as local,
    ):
        files = build(local, reporter, stats, cache=cache, progress=progress, spool=spool)
    if cache.root is not None:
        maybe_prune(cache.root, args.cache_max_size)
    _print_diagnostics(reporter.sorted(), quiet=args.quiet, verbose=args.verbose)
    if reporter.has_errors:
        print(_summary(reporter, stats, "nothing written", conventions=False), file=sys.stderr)
        return EXIT_ERROR
    if args.check:
        return _check(args, output, files, reporter, stats)
    try:
        result = write_tree(output, files, force=args.force, on_wait=_say, spool=spool)
    except (OutputError, OSError) as exc:
        print(f"doc2client: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    gone = removed_projects(result.removed, files)
    if gone and not args.quiet:
        print(f"doc2client: warning: removed {', '.join(gone)} from {output}: written there by an "
              "earlier run, not made by this one (generate every API in one run, from a folder "
              "of APIs, or give each its own -o)", file=sys.stderr)  # fmt: skip
    if not args.quiet:
        changes = f"{len(result.written)} written, {len(result.removed)} removed"
        print(
            _summary(reporter, stats, f"{len(files)} files in {output} ({changes})"),
            file=sys.stderr,
        )
    return EXIT_OK


def removed_projects(removed: Sequence[str], files: Iterable[str]) -> list[str]:
    """The top-level folders (``tracker_client/``) of the output that a run removed whole:
    an earlier run's project that this run did not make."""
    kept = {rel.split("/", 1)[0] for rel in files}
    return sorted({f"{rel.split('/', 1)[0]}/" for rel in removed
                   if "/" in rel and rel.split("/", 1)[0] not in kept})  # fmt: skip


def _require_ruff() -> None:
    """Stop with one line saying how to install ruff when ``--formatter ruff`` cannot find it."""
    import shutil

    from generator.emit.format_ruff import ruff_binary

    if shutil.which(ruff_binary()) is None:
        raise ConfigError(
            "--formatter ruff needs ruff, which is not installed: "
            "pip install 'doc2client[ruff]' (or pip install ruff), or use --formatter black"
        )


def _check(
    args: argparse.Namespace, output: Path, files: Mapping[str, bytes], reporter: Reporter,
    stats: RunStats,
) -> int:  # fmt: skip
    """``--check``: the files that would change, then the diff, on stdout (like black)."""
    from generator.write import ForeignFilesError, diff_tree, foreign_files, read_tree

    old = read_tree(output)
    foreign = foreign_files(output, old, files)
    if foreign and not args.force:
        print(f"doc2client: error: {ForeignFilesError(output, foreign)}", file=sys.stderr)
        return EXIT_ERROR
    diff = diff_tree(output, files, old)
    for verb, paths in (("change", diff.changed), ("add", diff.added), ("remove", diff.removed)):
        sys.stdout.writelines(f"would {verb} {output / rel}\n" for rel in paths)
    if args.diff:
        sys.stdout.writelines(diff.lines)
    sys.stdout.flush()
    if not args.quiet or diff:
        counts = (
            f"{len(diff.changed)} changed, {len(diff.added)} added, {len(diff.removed)} removed"
        )
        state = f"would change ({counts})" if diff else "up to date"
        print(_summary(reporter, stats, f"{output} {state}"), file=sys.stderr)
    return EXIT_CHANGED if diff else EXIT_OK


def cmd_cache(args: argparse.Namespace) -> int:
    from generator import cache_admin
    from generator.cache import refusal

    root: Path = args.cache_dir or default_cache_dir(_config(args), None)
    reason = refusal(root)
    if reason is not None and root.exists():
        print(f"doc2client: error: {reason}", file=sys.stderr)
        return EXIT_ERROR
    if args.action == "clear":
        cache_admin.clear(root)
        print(f"doc2client: cleared {root}")
    elif args.action == "prune":
        max_bytes = args.max_size if args.max_size is not None else cache_admin.DEFAULT_MAX_BYTES
        days = args.max_age * 86400 if args.max_age is not None else cache_admin.DEFAULT_MAX_AGE
        count, size = cache_admin.prune(root, max_bytes, days) if root.is_dir() else (0, 0)
        print(f"doc2client: removed {count} entries ({_mb(size)}) from {root}")
    else:
        found = cache_admin.usage(root)
        print(f"{root}: {found.entries} entries, {_mb(found.size)}")
        for kind, count, size in found.kinds:
            print(f"  {kind}: {count} entries, {_mb(size)}")
    return EXIT_OK


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def cmd_diff(args: argparse.Namespace) -> int:
    from generator.diff import run_diff
    from generator.pipeline import load_apis

    reporter = Reporter()
    old = load_apis(args.old, reporter, Options(), only=args.name)
    new = load_apis(args.new, reporter, Options(), only=args.name)
    _print_diagnostics(reporter.sorted(), quiet=False)
    return run_diff(old, new, as_json=args.as_json)


def cmd_ir(args: argparse.Namespace) -> int:
    from generator.model import api_to_json, ir_json_schema

    if args.schema:
        print(json.dumps(ir_json_schema(), indent=2, sort_keys=True))
        return EXIT_OK
    if args.specs is None:
        print(
            "doc2client ir: error: give a specs folder or OpenAPI document (or --schema)",
            file=sys.stderr,
        )
        return EXIT_ERROR
    from generator.pipeline import find_sources, load_api

    reporter = Reporter()
    options = _options(args, _config(args))
    apis = [
        load_api(s, reporter, options) for s in find_sources(args.specs, reporter, name=args.name)
    ]
    _print_diagnostics(reporter.sorted(), quiet=False)
    dumped = [api_to_json(api) for api in apis if api is not None]
    print(json.dumps(dumped[0] if len(dumped) == 1 else dumped, indent=2))
    return EXIT_ERROR if reporter.has_errors else EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    # A run builds hundreds of thousands of small objects that live until it ends (the
    # model, the pieces read back from the cache); at Python's default threshold of 700
    # allocations the cyclic collector walks them hundreds of times (0.1 s of a warm run).
    gc.set_threshold(50_000, 20, 10)
    args = _parser().parse_args(argv)
    handlers = {"generate": cmd_generate, "ir": cmd_ir, "diff": cmd_diff, "cache": cmd_cache}
    handler = handlers[args.command]
    try:
        return handler(args)
    except ConfigError as exc:
        message = str(exc)
        print(
            message if ": error: " in message else f"doc2client: error: {message}", file=sys.stderr
        )
        return EXIT_ERROR
    except BrokenPipeError:  # `doc2client ir specs | head`
        sys.stderr.close()
        return EXIT_OK
    except KeyboardInterrupt:
        print("doc2client: interrupted; the output folder is unchanged", file=sys.stderr)
        return 130
    except RecursionError:
        print("doc2client: error: input nested too deeply to process", file=sys.stderr)
        return EXIT_ERROR
