"""``junit``: JUnit XML, for CI systems that show test reports (GitLab, Jenkins, Azure).

One ``<testsuite>`` per article that has findings, one ``<testcase>`` per finding side
(``name`` the rule and kind, ``classname`` the path, ``file`` and ``line`` attributes), each
with a ``<failure>`` whose ``message`` is the finding's message and whose text is
``path:line:col: severity kind[rule] message``.  An article without findings is one
passing testcase, so the totals count every article read; an article that repeats another's
finding (``Finding.repeats``, a slip retold) has one failing testcase naming what it repeats.  Files that could not be read
are ``<error>`` testcases.  Text is escaped for XML, and characters XML 1.0 cannot hold
are dropped.
"""

from __future__ import annotations

import re
from typing import TextIO
from xml.sax.saxutils import escape, quoteattr

from ..display import display
from ..model import Report, severity_rank
from .common import alert_sides, message_text, place, visible_findings

#: Characters XML 1.0 does not allow, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: str) -> str:
    # control, bidi and undecodable characters in display form (XML cannot hold most of them)
    return escape(_NOT_XML.sub("", display(value, keep="\n\r\t")))


def _attr(value: str) -> str:
    return quoteattr(_NOT_XML.sub("", display(value, keep="\n\r\t")), {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def render(report: Report, out: TextIO, *, show_consistent: bool = False) -> None:
    by_path: dict[str, list[str]] = {p: [] for p in report.paths}
    repeated: dict[str, list[tuple]] = {}
    failures = 0
    for finding in visible_findings(report, show_consistent):
        message = message_text(finding)
        here = alert_sides(report, finding)
        for side in here:
            path, line, col = place(side)
            body = f"{path}:{line}:{col}: {finding.severity} {finding.kind}[{finding.rule}] {message}"
            tag = "failure" if finding.kind != "consistent" else "system-out"
            inner = (f'<failure message={_attr(message)} type={_attr(finding.severity)}>{_text(body)}</failure>'
                     if tag == "failure" else f"<system-out>{_text(body)}</system-out>")
            failures += tag == "failure"
            by_path.setdefault(path, []).append(
                f'    <testcase name={_attr(f"{finding.rule} {finding.kind}")} classname={_attr(path)} '
                f'file={_attr(path)} line="{line}">\n      {inner}\n    </testcase>')
        if finding.repeats and here and finding.kind != "consistent":  # each article repeating the slip fails
            first = place(here[0])
            for loc in finding.repeats:
                repeated.setdefault(loc.path, []).append((loc, finding, first))
    # An article that retells slips found first elsewhere: one failing testcase naming them all
    # (the messages are at the first article, once), so the file grows with articles, not slips.
    for path, slips in repeated.items():
        worst = max((f.severity for _, f, _ in slips), key=severity_rank)
        by_first: dict[str, list[str]] = {}
        for loc, f, (there, line, col) in slips:
            by_first.setdefault(there, []).append(f"{f.kind}[{f.rule}] at {loc.line}:{loc.col} (there {line}:{col})")
        said = "; ".join(f"the same as {there}: {', '.join(items)}" for there, items in by_first.items())
        failures += 1
        by_path.setdefault(path, []).append(
            f'    <testcase name="repeated findings" classname={_attr(path)} file={_attr(path)} '
            f'line="{slips[0][0].line}">\n      <failure message={_attr(said)} type={_attr(worst)}/>\n    </testcase>')
    errors = {p.path: p for p in report.problems}
    tests = sum(max(len(cases), 1) for cases in by_path.values()) + len(errors)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(f'<testsuites name="factcheck" tests="{tests}" failures="{failures}" errors="{len(errors)}">\n')
    for path in sorted(by_path):
        cases = by_path[path]
        failed = sum("<failure " in c for c in cases)
        out.write(f'  <testsuite name={_attr(path)} tests="{max(len(cases), 1)}" failures="{failed}" errors="0">\n')
        if cases:
            out.write("\n".join(cases) + "\n")
        else:
            out.write(f'    <testcase name="no findings" classname={_attr(path)}/>\n')
        out.write("  </testsuite>\n")
    for path in sorted(errors):
        p = errors[path]
        out.write(f'  <testsuite name={_attr(path)} tests="1" failures="0" errors="1">\n'
                  f'    <testcase name={_attr("read " + p.code)} classname={_attr(path)} file={_attr(path)}>\n'
                  f'      <error message={_attr(p.code + " " + p.message)} type={_attr(p.code)}/>\n'
                  f'    </testcase>\n  </testsuite>\n')
    out.write("</testsuites>\n")
