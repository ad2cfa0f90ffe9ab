"""Renderers: a Report (or extracted mentions) in, text out.  They never compute findings
and never choose the exit code.

    render_report(report, fmt, out, *, show_consistent=False, color=None)   # check: rich|plain|markdown|json|sarif|github|html
    render_mentions(items, fmt, out, *, color=None)                         # extract: rich|plain|json
    write_report(report, fmt, path, *, show_consistent=False)               # atomically, for --output

``items`` for render_mentions is a list of (Document, list[Mention]).  ``color`` None means:
colour when ``out`` is a terminal and NO_COLOR is not set.  Every format lists findings
in the same order (path, line, column, kind, rule, message).
"""

from __future__ import annotations

import importlib
import io
from typing import TextIO

from ..model import Report
from .common import write_atomic, write_output

#: format name -> module that renders it (each has ``render(report, out, *, show_consistent)``)
FORMATS: dict[str, str] = {
    "rich": "terminal",
    "plain": "plain",
    "markdown": "markdown",
    "json": "jsonout",
    "sarif": "sarif",
    "github": "github",
    "html": "html",
    "junit": "junit",
    "rdjson": "rdjson",
}

#: Formats that draw interval charts and so take the rules' tolerances (rule id -> (tolerance, relative)).
CHARTED = ("rich", "html")


def render_report(report: Report, fmt: str, out: TextIO, *, show_consistent: bool = False,
                  color: bool | None = None, tolerances=None) -> None:
    """Write ``report`` to ``out`` in format ``fmt`` (one of FORMATS)."""
    if fmt not in FORMATS:
        from ..errors import UsageError

        raise UsageError(f"unknown output format '{fmt}'", hint=f"use one of {', '.join(FORMATS)}")
    module = importlib.import_module(f".{FORMATS[fmt]}", __package__)
    if fmt == "rich":
        module.render(report, out, show_consistent=show_consistent, color=color, tolerances=tolerances)
    elif fmt in CHARTED:
        module.render(report, out, show_consistent=show_consistent, tolerances=tolerances)
    else:
        module.render(report, out, show_consistent=show_consistent)


def render_report_text(report: Report, fmt: str, *, show_consistent: bool = False, width: int = 100,
                       tolerances=None) -> str:
    """The report as a string (``rich`` without colour, ``width`` cells wide)."""
    buffer = io.StringIO()
    if fmt == "rich":
        from .terminal import make_console, render_to

        console = make_console(buffer, color=False)
        console.width = width
        render_to(console, report, show_consistent=show_consistent, tolerances=tolerances)
    else:
        render_report(report, fmt, buffer, show_consistent=show_consistent, tolerances=tolerances)
    return buffer.getvalue()


def write_report(report: Report, fmt: str, path, *, show_consistent: bool = False, tolerances=None) -> None:
    """Render to ``path`` (``common.write_output``): a regular file atomically (temporary file +
    os.replace), so an interrupted run never leaves half a report; '-' is standard output."""
    write_output(path, render_report_text(report, fmt, show_consistent=show_consistent, tolerances=tolerances))


def render_mentions(items, fmt: str, out: TextIO, *, color: bool | None = None) -> None:
    """Extracted mentions (``factcheck extract``); implemented in render/mentions.py."""
    from .mentions import render_mentions as _render

    _render(items, fmt, out, color=color)


__all__ = ["FORMATS", "render_report", "render_report_text", "write_report", "render_mentions", "write_atomic",
           "write_output"]
