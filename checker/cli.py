"""The `factcheck` command line.  Thin: parse options, call the pipeline, render,
choose the exit code.

Exit codes (a contract): 0 nothing at or above --fail-on; 1 findings at or above
it; 2 a usage, configuration, rule-file, input or internal error.  The output
format never changes the exit code; a crash never exits 0.
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys
from typing import Sequence

from . import __version__
from .commands import FAIL_ON, FORMATS_CHECK, FORMATS_EXTRACT
from .display import display
from .errors import FactcheckError

POSITIONS = "Positions are 1-based lines and columns counted in Unicode code points.\n"
#: Each command's own exit codes: a help never mentions an option its command lacks.
EPILOG_CHECK = """\
exit codes: 0 no finding at or above --fail-on, 1 findings at or above it,
            2 usage, configuration, rule-file or input error (a PATH named that
            cannot be read counts), or an internal error.
""" + POSITIONS
EPILOG_REPORT = """\
exit codes: 0 no finding at or above fail-on of the configuration (default error),
            1 findings at or above it, 2 usage, configuration, rule-file or input
            error (a PATH named that cannot be read counts), or an internal error.
""" + POSITIONS
EPILOG_EXTRACT = """\
exit codes: 0 the quantities were listed, 2 usage or input error (a PATH named
            that cannot be read counts), or an internal error.
""" + POSITIONS
EPILOG_CLAIMS = """\
exit codes: 0 the claims were listed, 2 usage, configuration, rule-file or input
            error (a PATH named that cannot be read counts), or an internal error.
""" + POSITIONS
EPILOG_EXPLAIN = """\
exit codes: 0 the numbers at the place were explained, 2 the file cannot be read,
            the place holds no number, or a usage, configuration, rule-file or
            internal error.
""" + POSITIONS
EPILOG_INDEX = """\
exit codes: 0 the index was written, 2 usage, configuration, rule-file, input or
            index error, or an internal error.
"""
EPILOG_RULES_TEST = """\
exit codes: 0 every example passes, 2 an example failed, or a rule-file or
            configuration error.
"""
EPILOG_RULES_LIST = """\
exit codes: 0 the rules were listed, 2 a rule-file or configuration error.
"""
EPILOG = """\
exit codes: 0 success (check: no finding at or above --fail-on), 1 findings at or
            above it, 2 usage, configuration, rule-file, input or internal error.
""" + POSITIONS


def _add_output_options(p: argparse.ArgumentParser, formats: Sequence[str]) -> None:
    p.add_argument("--format", choices=formats, default=None,
                   help="output format (default: rich on a terminal, plain when piped; "
                        "also FACTCHECK_FORMAT, ignored when it names a format this command lacks)")
    p.add_argument("--output", "-o", metavar="FILE", default=None,
                   help="write to FILE instead of standard output ('-': standard output); a symlink is "
                        "written through to its target, a FIFO or character device is written to, "
                        "anything else that is not a regular file is refused (E208)")


def _add_jobs_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                   help="worker processes for the per-article work (default: all cores; a small corpus "
                        "runs in one); the output is the same for every N")


def _add_input_options(p: argparse.ArgumentParser, *, walk: bool = True) -> None:
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="articles or directories (.md, .markdown, .txt); '-' reads standard input; "
                        "options may come before, between or after the PATHs")
    p.add_argument("--stdin-filename", metavar="NAME", default=None,
                   help="the path to report for text read from standard input ('-'); with no PATH, "
                        "standard input is read; with PATHs but no '-', a usage error")
    p.add_argument("--date", metavar="YYYY-MM-DD", default=None,
                   help="publication date for articles that do not state one (resolves 去年, 今年 …)")
    p.add_argument("--config", metavar="FILE", default=None,
                   help="configuration file (default: the closest factcheck.toml or "
                        "pyproject.toml [tool.factcheck] from the current directory upwards)")
    if walk:
        p.add_argument("--force-exclude", action="store_true",
                       help="apply the configured exclude globs to files named explicitly too "
                            "(what pre-commit passes)")
    p.add_argument("--no-progress", action="store_true", help="never show a progress bar")


def _add_rules_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--rules", action="append", metavar="PATH", default=None,
                   help="rule file or directory of *.yaml rule files, added to the shipped rule set "
                        "(repeatable; default: the configured rules, else ./rules/)")
    p.add_argument("--no-builtin-rules", action="store_true",
                   help="do not load the shipped rule set: the --rules files replace it")


def _add_selection_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--select", action="append", metavar="IDS", default=None,
                   help="report only findings whose rule id or kind matches: comma-separated ids, "
                        "globs (ai-chips.*, notice.*) or kinds (contradiction, notice); repeatable")
    p.add_argument("--ignore", action="append", metavar="IDS", default=None,
                   help="drop findings whose rule id or kind matches (as --select); applied after it")
    p.add_argument("--no-cache", action="store_true",
                   help="neither read nor write the per-file cache (.factcheck/cache/ at the project "
                        "root, or FACTCHECK_CACHE_DIR)")
    p.add_argument("--show-settings", action="store_true",
                   help="print the resolved settings (configuration file, rule files and where they "
                        "come from, selection, format) and exit 0 without checking")


def _command(sub, name: str, epilog: str, **kwargs) -> argparse.ArgumentParser:
    return sub.add_parser(name, epilog=epilog, formatter_class=argparse.RawDescriptionHelpFormatter, **kwargs)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="factcheck",
        description="Fact-consistency checker for Chinese tech journalism: finds every numeric claim, "
                    "normalizes it exactly, attaches it to what it is about, and reports contradictions, "
                    "divergences and arithmetic errors within and across articles.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"factcheck {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = _command(sub, "check", EPILOG_CHECK,
                 help="check articles for contradictions, divergences and arithmetic errors",
                 description="Check articles against each other (and against an archive with --against).")
    _add_input_options(p)
    _add_jobs_option(p)
    _add_rules_option(p)
    _add_output_options(p, FORMATS_CHECK)
    p.add_argument("--fail-on", choices=FAIL_ON, default=None,
                   help="lowest severity that makes the exit code 1 (default: error)")
    p.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    p.add_argument("--show-consistent", action="store_true",
                   help="also show claims that agree (kind 'consistent'), proving they were understood")
    p.add_argument("--against", metavar="PATH", action="append", default=None,
                   help="pre-publish mode: check the PATHs (drafts) against this archive directory, "
                        "index file (.sqlite) or PostgreSQL archive (postgresql://USER@HOST/DBNAME); "
                        "only findings that involve a draft are reported")
    _add_selection_options(p)
    p.add_argument("--statistics", action="store_true",
                   help="print counts of findings per rule and kind instead of the findings")
    p.add_argument("--quiet", "-q", action="store_true",
                   help="print nothing on standard output (problems still go to stderr); only the "
                        "exit code tells")

    p = _command(sub, "report", EPILOG_REPORT, help="write a Markdown or HTML report over a corpus",
                 description="Write a report: a summary, one section per disputed claim with its interval "
                             "chart, then the consistent claims in brief.")
    _add_input_options(p)
    _add_jobs_option(p)
    _add_rules_option(p)
    p.add_argument("--output", "-o", metavar="FILE", default=None,
                   help="the file to write (required; '-': standard output); a Markdown report's charts go "
                        "to FILE.charts/ beside it")
    p.add_argument("--format", choices=("markdown", "html"), default=None,
                   help="markdown or html (one self-contained page); default: html for a .html output, "
                        "else markdown")
    _add_selection_options(p)

    p = _command(sub, "extract", EPILOG_EXTRACT, help="list every numeric quantity found, normalized",
                 description="List every quantity found in the articles: position, text as written, "
                             "normalized value, bound and unit.")
    _add_input_options(p)
    _add_jobs_option(p)
    _add_output_options(p, FORMATS_EXTRACT)

    p = _command(sub, "claims", EPILOG_CLAIMS, help="list every claim with the evidence of its attribution",
                 description="List every claim the rules make of the articles: subject, metric, qualifiers, "
                             "time (and how it was found), source, and the evidence of each: which words gave "
                             "it, from which clause, what was inherited, near-miss names read as known ones.")
    _add_input_options(p)
    _add_rules_option(p)
    _add_output_options(p, FORMATS_EXTRACT)

    p = _command(sub, "explain", EPILOG_EXPLAIN, help="explain how the numbers at FILE:LINE[:COL] were read",
                 description="Explain each number at a place of an article: its claim with the evidence of "
                             "each part, or why it became no claim (no rule's unit fits, no metric word, "
                             "excluded by …, taken by rule X, a change not a level, a part, another owner).")
    p.add_argument("place", metavar="FILE:LINE[:COL]", help="the article and the line (and column) of the number")
    p.add_argument("--date", metavar="YYYY-MM-DD", default=None,
                   help="publication date when the article does not state one (resolves 去年, 今年 …)")
    p.add_argument("--config", metavar="FILE", default=None, help="configuration file")
    _add_rules_option(p)
    _add_output_options(p, FORMATS_EXTRACT)

    p = _command(sub, "rules", EPILOG_RULES_TEST, help="list the loaded rules, run their examples, or draft new ones",
                 description="'rules list' shows the entities and claim rules loaded and where each came from; "
                             "'rules test' runs the examples each rule carries; 'rules suggest PATH…' drafts "
                             "rules (YAML) for recurring claims of the articles that no loaded rule reads.")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, epilog, text in (("list", EPILOG_RULES_LIST, "show the rule files, entities and claim rules loaded"),
                               ("test", EPILOG_RULES_TEST, "run the examples each rule carries"),
                               ("suggest", EPILOG_RULES_TEST, "draft rules for recurring claims no loaded rule reads")):
        a = _command(actions, name, epilog, help=text, description=text[0].upper() + text[1:] + ".")
        _add_rules_option(a)
        a.add_argument("--config", metavar="FILE", default=None, help="configuration file")
        if name == "suggest":
            a.add_argument("paths", nargs="*", metavar="PATH", help="articles or directories")
            a.add_argument("--min-articles", type=int, default=2, metavar="N",
                           help="a fact must recur in at least N articles (default 2)")
            a.add_argument("--top", type=int, default=0, metavar="N", help="print the N best drafts only")

    p = _command(sub, "index", EPILOG_INDEX, help="index articles into the claim archive (SQLite or PostgreSQL)",
                 description="Read articles and store their claims in the archive index (an SQLite "
                             "file, or a shared PostgreSQL database), so drafts can be checked against "
                             "the archive quickly. Unchanged files are skipped.")
    _add_input_options(p, walk=False)
    _add_rules_option(p)
    p.add_argument("--db", metavar="FILE|URL", default=None,
                   help="index file, or postgresql://USER@HOST/DBNAME (needs factcheck[postgres]); default: "
                        "FACTCHECK_DB, else the configured db, else .factcheck/index.sqlite at the project root")
    p.add_argument("--jobs", "-j", type=int, default=None,
                   help="worker processes (default: all cores; with --dask local, the workers of the cluster)")
    p.add_argument("--dask", metavar="SCHEDULER|local", default=None,
                   help="extract on the Dask cluster at SCHEDULER (tcp://HOST:8786), or on a local cluster "
                        "('local'); needs factcheck[dask]")

    p = sub.add_parser("serve", help="serve the pre-publish check as a local page",
                       description="Serve a local page where an editor pastes or drops a draft and sees each "
                                   "checked number highlighted against the archive (red contradiction, amber "
                                   "divergence, grey agreement); a click shows the archive's side.",
                       epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--archive", metavar="INDEX", default=None,
                   help="index file written by 'factcheck index' (default: .factcheck/index.sqlite at the "
                        "project root, when it exists)")
    p.add_argument("--port", type=int, default=8765, help="port to listen on (default 8765; 0: any free port)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1: this machine only)")
    _add_rules_option(p)
    p.add_argument("--config", metavar="FILE", default=None, help="configuration file")
    return parser


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the command line.  Options may come anywhere among the PATHs
    (``check a.txt --format plain b.txt``): each command's arguments are parsed with
    ``parse_intermixed_args``; ``rules`` has sub-actions and is parsed as usual."""
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    commands = _subparsers(parser)
    at = next((i for i, a in enumerate(argv) if not a.startswith("-")), None)
    if (at is None or at > 0 or argv[at] not in commands or argv[at] == "rules"
            or any(a in ("-h", "--help") for a in argv)):
        return parser.parse_args(argv)
    args = commands[argv[at]].parse_intermixed_args(argv[at + 1:])
    args.command = argv[at]
    return args


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program stands so it unwinds as for Ctrl-C: open
    transactions roll back, temporary files are removed, workers are stopped."""


def _on_sigterm(signum, frame) -> None:
    raise Terminated()


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = parse(argv)
    except SystemExit as exc:  # argparse exits 2 on bad usage, 0 on --help
        return int(exc.code or 0)
    if not args.command:
        build_parser().print_help(sys.stderr)
        return 2
    previous = None
    try:
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    except ValueError:  # not the main thread (an embedding program): leave SIGTERM alone
        pass
    try:
        # Only the command that runs is imported: `factcheck extract` never loads the
        # archive, the renderers of check or the rules (start-up time).
        command = importlib.import_module(f".commands.{args.command}", __package__)
        return command.run(args)
    except FactcheckError as exc:
        print(f"factcheck: {display(str(exc))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:
        if isinstance(exc, Terminated):
            print("factcheck: terminated (SIGTERM); nothing was left half-written", file=sys.stderr)
            return 128 + signal.SIGTERM
        print("factcheck: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return 1
    except Exception as exc:  # a crash never exits 0
        import traceback
        traceback.print_exc(file=sys.stderr)
        print(f"factcheck: E100 internal error: {display(repr(exc))}; please report this with the command line",
              file=sys.stderr)
        return 2
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


__all__ = ["build_parser", "main", "parse"]
