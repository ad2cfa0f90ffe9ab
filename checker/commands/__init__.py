"""One module per subcommand of the CLI, each with ``run(args) -> int``.

Each parses nothing (cli.py did), calls the library, renders, and returns the exit code.
"""


def report_problems(report) -> None:
    """Print each file that could not be read (one line on stderr) and go on; when no file at
    all could be read there is nothing to report: E206."""
    import sys

    from ..errors import InputError

    for problem in report.problems:
        print(f"factcheck: {problem.path}: {problem.code} {problem.message}", file=sys.stderr)
    if not report.documents and report.problems:
        raise InputError("no readable input among the paths given", code="E206",
                         hint="check the paths and their encodings (messages above)")


def require_paths(args, what: str) -> None:
    """A usage error when no PATH was given."""
    from ..errors import UsageError

    if not args.paths:
        raise UsageError(f"no articles to {what}",
                         hint=f"name the files or directories: factcheck {what} PATHS… ('-' reads standard input)")
