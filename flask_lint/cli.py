"""The standalone command: ``flask-lint [PATH ...]``, ``flask-lint rules``,
``flask-lint explain FLKnnn``, ``flask-lint routes [PATH]``.

Exit status: 0 clean, 1 findings, 2 usage or configuration error.
"""

from __future__ import annotations

import argparse
import dataclasses
import fnmatch
import os
import re
import sys
from typing import TYPE_CHECKING, Dict, Iterator, List, Optional, Sequence, Set, TextIO, Tuple

from . import __version__
from .config import (
    DEFAULT_BASELINE,
    OPTIONS,
    Config,
    ConfigError,
    OneLineParser,
    find_pyproject,
    read_pyproject_section,
    split_section,
)
from .families import FAMILIES, all_rules
from .registry import NOT_ANALYSED, Finding, not_analysed
from .source import NOQA_RE, skipped_path_part

if TYPE_CHECKING:  # pragma: no cover
    from .baseline import Baseline, Key

FORMATS = ("text", "json", "sarif", "github", "gitlab", "junit")
CODE_PREFIX_RE = re.compile(r"^FLK[0-9]{0,3}$")
class UsageError(Exception):
    pass


def _codes_list(raw: str) -> List[str]:
    return [part.strip().upper() for part in re.split(r"[,\s]+", raw) if part.strip()]


def _jobs(raw: str) -> int:
    """``--jobs``: a positive number, or ``auto`` (0: one per core)."""
    if raw.strip().lower() == "auto":
        return 0
    try:
        jobs = int(raw)
    except ValueError:
        jobs = -1
    if jobs < 1:
        raise argparse.ArgumentTypeError(f"expected a positive number or 'auto', got {raw!r}")
    return jobs


class _HelpFormatter(argparse.HelpFormatter):
    """argparse makes a formatter for every add_argument(); without a width,
    each asks shutil for the terminal's, and importing shutil (with bz2 and
    lzma) was a tenth of the command's own start-up."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24, width: Optional[int] = None) -> None:
        if width is None:
            width = _terminal_columns() - 2  # what shutil.get_terminal_size() would say
        super().__init__(prog, indent_increment, max_help_position, width)


def _terminal_columns() -> int:
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="flask-lint",
        formatter_class=_HelpFormatter,
        description="Static analysis for Flask applications. Subcommands: 'rules' lists the rules, "
        "'explain FLKnnn' prints a rule's documentation, 'routes [PATH]' prints the URL map.",
    )
    parser.add_argument("paths", nargs="*", default=["."], help="files or folders to lint (default: .)")
    parser.add_argument("--select", type=_codes_list, help="comma-separated codes or prefixes to report (replaces the default)")
    parser.add_argument("--extend-select", type=_codes_list, help="codes or prefixes to add to the selection")
    parser.add_argument("--ignore", type=_codes_list, help="codes or prefixes not to report")
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="output format: text, json, sarif (SARIF 2.1.0), github (Actions annotations), "
        "gitlab (Code Quality report) or junit (JUnit XML); default: text",
    )
    parser.add_argument(
        "--statistics",
        action="store_true",
        help="after the findings, the count of each code (on stderr for the machine-read formats)",
    )
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    parser.add_argument(
        "--write-baseline",
        nargs="?",
        const="",
        metavar="FILE",
        help="record today's findings in FILE, to be hidden by --baseline, and exit 0 "
        f"(default: the configured baseline, else {DEFAULT_BASELINE})",
    )
    parser.add_argument(
        "--add-noqa",
        action="store_true",
        help="append '# noqa: FLKnnn' to each line with findings (merged into a noqa comment already there)",
    )
    parser.add_argument(
        "--fix",
        action="store_true",
        help="apply the safe fixes in place, then report what is left (see --unsafe-fixes, --diff)",
    )
    parser.add_argument(
        "--unsafe-fixes",
        action="store_true",
        help="with --fix or --diff, apply the unsafe fixes too (they change what the code does); "
        "otherwise mark them as fixable",
    )
    parser.add_argument(
        "--diff",
        action="store_true",
        help="print the unified diff of what --fix would change and write nothing (exit 1 when there is a diff)",
    )
    parser.add_argument(
        "--stdin-filename",
        metavar="PATH",
        help="with the path '-': lint standard input as this file of its project (for editors)",
    )
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the project index cache")
    parser.add_argument(
        "-j",
        "--jobs",
        type=_jobs,
        default=0,
        metavar="N",
        help="processes for a run the cache cannot answer: a number, or 'auto' for one per core (default: auto)",
    )
    parser.add_argument("--version", action="version", version=f"flask-lint {__version__}")
    for spec in OPTIONS:
        # --baseline is the command's own spelling; --flask-baseline is flake8's and pylint's.
        flags = ["--baseline", spec.flag] if spec.name == "baseline" else [spec.flag]
        parser.add_argument(*flags, dest=spec.attr, metavar=spec.metavar, help=f"{spec.help} (default: {spec.shown_default})")
    return parser


def resolve_selection(select: Optional[Sequence[str]], extend: Sequence[str], ignore: Sequence[str]) -> Set[str]:
    """flake8's semantics: the longest matching prefix decides; default-off
    rules need an explicit selection.  FLK001 (a file not analysed) is on
    whatever ``select`` says, unless ignored: a narrow selection must not
    turn a file that could not be checked into a clean one."""
    rules = all_rules()
    for prefix in list(select or []) + list(extend) + list(ignore):
        if not CODE_PREFIX_RE.match(prefix):
            raise UsageError(f"unknown rule code or prefix {prefix!r} (expected FLK, FLK1, FLK101...)")
        if not any(r.code.startswith(prefix) for r in rules):
            what = "rule code" if len(prefix) == 6 else "prefix: no rule code starts with"
            raise UsageError(f"unknown {what} {prefix!r}; 'flask-lint rules' lists them")
    enabled: Set[str] = set()
    explicit = list(select) if select is not None else []
    for r in all_rules():
        chosen = [p for p in explicit + list(extend) if r.code.startswith(p)]
        if (select is None or r.code == NOT_ANALYSED.code) and not chosen and r.default_enabled:
            chosen = ["FLK"]
        if not chosen:
            continue
        if not r.default_enabled and not [p for p in explicit + list(extend) if r.code.startswith(p)]:
            continue
        ignored = [p for p in ignore if r.code.startswith(p)]
        if ignored and max(map(len, ignored)) >= max(map(len, chosen)):
            continue
        enabled.add(r.code)
    return enabled


def iter_files(paths: Sequence[str], exclude: Sequence[str]) -> Iterator[str]:
    seen: Set[str] = set()
    for path in paths:
        if os.path.isfile(path):
            # Named files (pre-commit passes every changed file) honour
            # `exclude` too, through their own name or any folder above.
            if os.path.abspath(path) not in seen and not _excluded_file(path, exclude):
                seen.add(os.path.abspath(path))
                yield path
            continue
        if not os.path.isdir(path):
            raise UsageError(f"{path}: no such file or folder")
        for folder, dirs, files in os.walk(path):
            dirs[:] = sorted(
                d
                for d in dirs
                if not skipped_path_part(d)
                and not os.path.islink(os.path.join(folder, d))
                and not _excluded(os.path.join(folder, d), exclude)
            )
            for name in sorted(files):
                full = os.path.join(folder, name)
                if name.endswith(".py") and not skipped_path_part(name) and not _excluded(full, exclude) and (
                    os.path.abspath(full) not in seen
                ):
                    if os.path.islink(full) and not os.path.isfile(full):
                        continue
                    seen.add(os.path.abspath(full))  # `flask-lint src .` lints src/ once
                    yield full


def _excluded_file(path: str, patterns: Sequence[str]) -> bool:
    current = os.path.normpath(path)
    if os.path.isabs(current):
        rel = os.path.relpath(current)
        current = current if rel.startswith(os.pardir) else rel
    while current and current not in (os.curdir, os.sep):
        if _excluded(current, patterns):
            return True
        parent = os.path.dirname(current)
        if parent == current:
            break
        current = parent
    return False


def _excluded(path: str, patterns: Sequence[str]) -> bool:
    normal = os.path.normpath(path)
    base = os.path.basename(normal)
    return any(fnmatch.fnmatch(base, p) or fnmatch.fnmatch(normal, p) or fnmatch.fnmatch(normal, f"*/{p}") for p in patterns)


def noqa_suppresses(line: str, code: str) -> bool:
    match = NOQA_RE.search(line)
    if match is None:
        return False
    codes = match.group("codes")
    if not codes:
        return True
    return any(code.startswith(c.upper()) for c in _codes_list(codes))


def _suppressed(finding: Finding, lines: List[str]) -> bool:
    last = finding.end_line or finding.line
    for number in range(finding.line, min(last, finding.line + 50) + 1):
        if 0 < number <= len(lines) and "noqa" in lines[number - 1].lower():
            if noqa_suppresses(lines[number - 1], finding.code):
                return True
    return False


def load_config(args: argparse.Namespace) -> Tuple[Config, Dict[str, List[str]]]:
    start = args.paths[0] if args.paths else "."
    if start == "-":
        start = args.stdin_filename or "."
    pyproject = find_pyproject(start)
    options: Dict[str, object] = {}
    selection: Dict[str, List[str]] = {}
    if pyproject:
        options, selection = split_section(read_pyproject_section(pyproject), pyproject)
        if isinstance(options.get("baseline"), str):  # relative to the pyproject.toml that names it
            options["baseline"] = os.path.join(os.path.dirname(pyproject), str(options["baseline"]))
    for spec in OPTIONS:
        raw = getattr(args, spec.attr)
        if raw is not None:
            options[spec.name] = raw
    return Config().with_options(options), selection


def lint(argv: Sequence[str], out: TextIO) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from_stdin = "-" in args.paths
    if from_stdin and args.paths != ["-"]:
        parser.error("'-' (standard input) cannot be linted with other paths")
    if args.stdin_filename is not None and not from_stdin:
        parser.error("--stdin-filename needs the path '-' (standard input)")
    if args.add_noqa and (from_stdin or args.write_baseline is not None):
        parser.error("--add-noqa edits files: it takes neither '-' nor --write-baseline")
    fixing = args.fix or args.diff
    if fixing and (args.add_noqa or args.write_baseline is not None):
        parser.error("--fix and --diff take neither --add-noqa nor --write-baseline")
    from .baseline import Baseline, BaselineError, scopes_of

    baseline = None
    try:
        config, selection = load_config(args)
        select = args.select if args.select is not None else selection.get("select")
        extend = list(selection.get("extend-select", [])) + list(args.extend_select or [])
        ignore = list(selection.get("ignore", [])) + list(args.ignore or [])
        enabled = resolve_selection(
            [s.upper() for s in select] if select is not None else None,
            [s.upper() for s in extend],
            [s.upper() for s in ignore],
        )
        exclude = selection.get("exclude", [])
        files = [] if from_stdin else list(iter_files(args.paths, exclude))
        if config.baseline is not None and args.write_baseline is None:
            baseline = Baseline.load(config.baseline)
    except (ConfigError, UsageError, BaselineError) as exc:
        print(f"flask-lint: error: {exc}", file=sys.stderr)
        return 2
    config = dataclasses.replace(config, enabled=frozenset(enabled))
    if from_stdin and fixing:
        return _fix_stdin(args, exclude, config, baseline, out)
    # The enclosing function or class of each finding: what baselines and
    # GitLab fingerprints key on (the files with findings are parsed again).
    with_scopes = args.write_baseline is not None or baseline is not None or args.format == "gitlab"
    if from_stdin:
        linted = _lint_stdin(args.stdin_filename, exclude, config, use_cache=not args.no_cache)
        names = [args.stdin_filename] if args.stdin_filename else []
    else:
        linted = list(_lint_files(files, config, use_cache=not args.no_cache, jobs=args.jobs))
        names = files
    if fixing:
        fixed = _fix_files(args, linted, config, baseline, out)
        if args.diff:
            return 1 if fixed else 0
        if fixed:  # what is left, as a run without --fix would say
            linted = list(_lint_files(files, config, use_cache=not args.no_cache, jobs=args.jobs))
    reported: List[Tuple[str, Finding, str]] = []  # path, finding, scope
    for path, findings, text in linted:
        lines = text.splitlines()
        kept = [f for f in findings if not _suppressed(f, lines)]
        if text and any(f.fix is not None for f in kept):
            kept = _resolved(kept, text)
        scopes = scopes_of(kept, text) if with_scopes else [""] * len(kept)
        reported += [(path, f, scope) for f, scope in zip(kept, scopes)]
    if args.write_baseline is not None:
        return _write_baseline(args.write_baseline or config.baseline or DEFAULT_BASELINE, reported, names)
    if baseline is not None:
        reported = _without_baselined(baseline, reported, names)
    results = [(path, f) for path, f, _scope in reported]
    if args.add_noqa:
        from .noqa import add_noqa

        return add_noqa(results, out)
    _print(
        results,
        args.format,
        out,
        scopes=[scope for _path, _f, scope in reported] if with_scopes else None,
        unsafe=args.unsafe_fixes,
    )
    if args.statistics:
        _print_statistics(results, out if args.format == "text" else sys.stderr)
    if args.format == "text":
        _print_fixable(results, args.unsafe_fixes, out)
    return 1 if results and not args.exit_zero else 0


# ------------------------------------------------------------------ fixes


def _resolved(findings: List[Finding], text: str) -> List[Finding]:
    """The findings with their fixes' edits as plain text (what the formats show)."""
    from .fixes import Positions, resolve

    positions = Positions(text)
    out = []
    for f in findings:
        if f.fix is not None:
            try:
                f = dataclasses.replace(f, fix=resolve(f.fix, text, positions))
            except ValueError:  # an anchor the text no longer has (the file changed)
                f = dataclasses.replace(f, fix=None)
        out.append(f)
    return out


def _print_fixable(results: List[Tuple[str, Finding]], unsafe: bool, out: TextIO) -> None:
    """ruff's closing line: how many findings --fix would fix, and how many
    more --unsafe-fixes would."""
    from .fixes import count_fixable

    counts = count_fixable(f.fix for _path, f in results)
    applicable = counts["safe"] + (counts["unsafe"] if unsafe else 0)
    hidden = 0 if unsafe else counts["unsafe"]
    more = f" ({_count(hidden, 'hidden fix', 'hidden fixes')} can be enabled with the `--unsafe-fixes` option)" if hidden else ""
    option = "`--fix --unsafe-fixes`" if unsafe and counts["unsafe"] else "`--fix`"
    if applicable:
        out.write(f"[*] {applicable} fixable with the {option} option{more}.\n")
    elif hidden:
        out.write(f"No fixes available{more}.\n")


def _kept_findings(
    path: str, findings: List[Finding], text: str, baseline: Optional[Baseline]
) -> List[Finding]:
    """The findings a run would report in ``text``: neither noqa'd nor baselined."""
    lines = text.splitlines()
    kept = [f for f in findings if not _suppressed(f, lines)]
    if baseline is not None and kept:
        from .baseline import keys_of, scopes_of

        keys = keys_of(baseline.rel(path), kept, scopes_of(kept, text))
        kept = [kept[position] for position in baseline.new_findings(keys)]
    return kept


def _fixed_text(
    path: str, text: str, findings: List[Finding], config: Config, baseline: Optional[Baseline], args: argparse.Namespace
) -> Tuple[str, int]:
    """``text`` with the fixes applied over successive passes, and how many
    findings they fixed."""
    from .engine import AnalysisError, analyse
    from .fixes import fix_passes

    def again(current: str) -> List[Finding]:
        try:
            found = analyse(path, config, text=current, families=FAMILIES, use_cache=not args.no_cache)
        except AnalysisError:
            return []
        return _kept_findings(path, found, current, baseline)

    return fix_passes(text, _kept_findings(path, findings, text, baseline), again, args.unsafe_fixes)


def _fix_files(
    args: argparse.Namespace,
    linted: List[Tuple[str, List[Finding], str]],
    config: Config,
    baseline: Optional[Baseline],
    out: TextIO,
) -> int:
    """--fix / --diff over the linted files: the number of findings fixed
    (that would be, for --diff)."""
    from .fixes import FileChanged, encode_like, write_atomic
    from .source import SourceError, decode

    total = files = 0
    for path, findings, text in linted:
        if not any(f.fix is not None and f.fix.applies(args.unsafe_fixes) for f in findings):
            continue
        try:
            with open(path, "rb") as handle:
                original = handle.read()
            if decode(original) != text:
                raise FileChanged(path)
            new, count = _fixed_text(path, text, findings, config, baseline, args)
            if new == text:
                continue
            if args.diff:
                _print_diff(path, text, new, out)
            else:
                write_atomic(path, original, encode_like(original, new))
        except FileChanged:
            print(f"flask-lint: {path}: changed since it was read; not fixed", file=sys.stderr)
            continue
        except (OSError, SourceError, UnicodeEncodeError, LookupError) as exc:
            print(f"flask-lint: {path}: not fixed: {getattr(exc, 'strerror', None) or exc}", file=sys.stderr)
            continue
        total += count
        files += 1
    verb = "Would fix" if args.diff else "Fixed"
    if total or args.diff:
        print(f"flask-lint: {verb} {_count(total, 'finding')} in {_count(files, 'file')}.", file=sys.stderr)
    return total


def _print_diff(path: str, old: str, new: str, out: TextIO) -> None:
    import difflib

    shown = path.replace(os.sep, "/")
    diff = difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True), fromfile=f"a/{shown}", tofile=f"b/{shown}"
    )
    for line in diff:
        out.write(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n")


def _fix_stdin(
    args: argparse.Namespace, exclude: Sequence[str], config: Config, baseline: Optional[Baseline], out: TextIO
) -> int:
    """``flask-lint --fix -``: the fixed source on standard output (what
    editors read back); ``--diff -``: its diff.  Exit 1 when findings remain
    (--fix) or when there is a diff (--diff)."""
    from .engine import analyse
    from .source import SourceError, decode

    data = sys.stdin.buffer.read()
    filename = args.stdin_filename
    try:
        text = decode(data)
    except SourceError as exc:
        print(f"flask-lint: error: {exc}", file=sys.stderr)
        if args.fix:
            sys.stdout.buffer.write(data)
        return 1
    new, count = text, 0
    if filename is None or not _excluded_file(filename, exclude):
        path = filename or "stdin.py"
        try:
            findings = analyse(path, config, text=text, families=FAMILIES, use_cache=not args.no_cache)
        except Exception:  # noqa: B902 - nothing to fix in a file that cannot be analysed
            findings = []
        new, count = _fixed_text(path, text, findings, config, baseline, args)
    if args.diff:
        if new != text:
            _print_diff(filename or "stdin", text, new, out)
        return 1 if new != text else 0
    from .fixes import encode_like

    sys.stdout.buffer.write(encode_like(data, new))
    sys.stdout.flush()
    print(f"flask-lint: Fixed {_count(count, 'finding')}.", file=sys.stderr)
    return 0


def _lint_stdin(
    filename: Optional[str], exclude: Sequence[str], config: Config, use_cache: bool
) -> List[Tuple[str, List[Finding], str]]:
    """Standard input, linted as ``filename`` (a file of its project, whose
    copy on disk it replaces), or as ``stdin`` in the current folder."""
    from .engine import analyse
    from .source import SourceError, decode

    if filename is not None and _excluded_file(filename, exclude):
        return []
    data = sys.stdin.buffer.read()
    shown = filename or "stdin"
    text = ""
    try:
        text = decode(data)
        findings = analyse(filename or "stdin.py", config, text=text, families=FAMILIES, use_cache=use_cache)
    except Exception as exc:  # noqa: B902 - FLK001, as for a file (see _describe)
        if isinstance(exc, SourceError):
            text = ""
        if config.enabled is not None and NOT_ANALYSED.code not in config.enabled:
            return []
        findings = [not_analysed(_describe(exc))]
    return [(shown, findings, text)] if findings else []


def _write_baseline(path: str, reported: List[Tuple[str, Finding, str]], linted: Sequence[str]) -> int:
    from .baseline import Baseline, keys_of, write_baseline

    if path.endswith(".py") or os.path.isdir(path) or (os.path.exists(path) and not _is_baseline(path)):
        print(
            f"flask-lint: error: --write-baseline {path}: not a baseline file; not overwritten"
            " (give the baseline's name right after --write-baseline, or the paths first)",
            file=sys.stderr,
        )
        return 2
    target = Baseline(path)
    keys: List[Key] = []
    messages: Dict[Key, str] = {}
    for name, finding, scope in reported:
        (key,) = keys_of(target.rel(name), [finding], [scope])
        keys.append(key)
        messages.setdefault(key, finding.message)
    try:
        findings, entries = write_baseline(path, keys, messages, {target.rel(name) for name in linted})
    except OSError as exc:
        print(f"flask-lint: error: {path}: cannot write the baseline: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print(f"flask-lint: wrote {_count(findings, 'finding')} ({_count(entries, 'entry', 'entries')}) to {path}", file=sys.stderr)
    return 0


def _is_baseline(path: str) -> bool:
    from .baseline import Baseline, BaselineError

    try:
        Baseline.load(path)
    except BaselineError:
        return False
    return True


def _without_baselined(
    baseline: Baseline, reported: List[Tuple[str, Finding, str]], linted: Sequence[str]
) -> List[Tuple[str, Finding, str]]:
    """The findings the baseline does not account for; its entries for the
    linted files that no longer match are counted in one line on stderr."""
    from .baseline import keys_of

    keys = [keys_of(baseline.rel(path), [f], [scope])[0] for path, f, scope in reported]
    used: Dict[Key, int] = {}
    new = baseline.new_findings(keys, used)
    stale = baseline.stale(used, {baseline.rel(name) for name in linted})
    if stale:
        shown = os.path.relpath(baseline.path)
        print(
            f"flask-lint: {_count(stale, 'baselined finding')} no longer found (fixed?): "
            f"'flask-lint --write-baseline {shown if not shown.startswith(os.pardir) else baseline.path}' drops them",
            file=sys.stderr,
        )
    return [reported[position] for position in new]


def _count(number: int, singular: str, plural: str = "") -> str:
    return f"{number} {singular if number == 1 else (plural or singular + 's')}"


def _print_statistics(results: List[Tuple[str, Finding]], out: TextIO) -> None:
    """--statistics: the count of each code with its name, then the total."""
    counts: Dict[str, int] = {}
    for _path, f in results:
        counts[f.code] = counts.get(f.code, 0) + 1
    names = {r.code: r.name for r in all_rules()}
    for code in sorted(counts):
        out.write(f"{counts[code]:<5} {code} {names.get(code, '')}\n")
    files = len({path for path, _f in results})
    out.write(f"{_count(len(results), 'finding')} in {_count(files, 'file')}\n")


def _lint_files(files: List[str], config: Config, use_cache: bool, jobs: int) -> Iterator[Tuple[str, List[Finding], str]]:
    """(path, findings, source text) of each file with findings, in order;
    a file that cannot be analysed has one finding, FLK001 (see batch.py)."""
    from .batch import lint_files, read_text
    from .source import SourceError
    from .workers import default_jobs

    for result in lint_files(files, config, use_cache=use_cache, jobs=jobs or default_jobs()):
        findings = result.findings
        if result.error is not None:
            findings = [not_analysed(_describe(result.error))]
            if config.enabled is not None and NOT_ANALYSED.code not in config.enabled:
                continue
        if findings:
            try:
                text = result.text if result.text is not None else read_text(result.path)
            except SourceError:
                text = ""  # gone since, or not text: no noqa comments to honour
            yield result.path, findings, text


def _describe(exc: BaseException) -> BaseException:
    """The exception as the user should read it: SourceError and
    AnalysisError say what is wrong with the file, anything else is ours."""
    from .engine import AnalysisError
    from .source import SourceError

    if isinstance(exc, (SourceError, AnalysisError)):
        return exc
    return AnalysisError(f"internal error ({type(exc).__name__}: {exc}); please report it")


def _print(
    results: List[Tuple[str, Finding]], fmt: str, out: TextIO, scopes: Optional[List[str]] = None, unsafe: bool = False
) -> None:
    if not results and fmt in ("text", "github"):
        return  # nothing to write: a clean run need not import formats (pathlib, urllib)
    from .formats import write_results

    write_results(results, fmt, out, scopes=scopes, unsafe=unsafe)


def list_rules(out: TextIO) -> int:
    """One line a rule: code, pylint id, name, family, and its fixes (the
    "Fix" section of its page: safe, unsafe or none)."""
    from .docs import fix_kinds, rule_doc

    for r in all_rules():
        flag = "" if r.default_enabled else "  (off by default)"
        try:
            kinds = fix_kinds(rule_doc(r.code))
        except OSError:
            kinds = "none"
        fix = "fix:" + kinds.replace(", ", ",")
        out.write(f"{r.code}  {r.msgid}  {r.name:<40} {fix:<19} {r.family}{flag}\n")
    return 0


def explain(code: str, out: TextIO) -> int:
    code = code.upper()
    known = {r.code: r for r in all_rules()}
    by_name = {r.name: r for r in all_rules()}
    target = known.get(code) or by_name.get(code.lower())
    if target is None:
        print(f"flask-lint: error: unknown rule {code!r}; see 'flask-lint rules'", file=sys.stderr)
        return 2
    from .docs import rule_doc

    out.write(rule_doc(target.code))
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    out = sys.stdout
    try:
        if argv[:1] == ["rules"]:
            return list_rules(out)
        if argv[:1] == ["explain"]:
            if len(argv) != 2:
                print("usage: flask-lint explain FLKnnn", file=sys.stderr)
                return 2
            return explain(argv[1], out)
        if argv[:1] == ["routes"]:
            from .routes import main as routes_main

            return routes_main(argv[1:], out)
        return lint(argv, out)
    except BrokenPipeError:  # `flask-lint | head`
        return 0
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
