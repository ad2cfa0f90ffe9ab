"""Renderers: a Report (or extracted mentions) in, text out.  They never compute findings
and never choose the exit code.

    render_report(report, fmt, out, *, show_consistent=False, color=None)   # check: rich|plain|markdown|json|sarif|github
    render_mentions(items, fmt, out, *, color=None)                         # extract: rich|plain|json

``items`` for render_mentions is a list of (Document, list[Mention]).  ``color`` None means:
colour when ``out`` is a terminal and NO_COLOR is not set.
"""
