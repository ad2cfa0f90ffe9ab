"""``factcheck serve [--archive INDEX] [--port N]``: the pre-publish check as a local page.

An editor opens http://127.0.0.1:N/, pastes or drops a draft and sees every checked
number highlighted; a click shows the archive's side (commands/review.py).  Bound to
127.0.0.1 unless ``--host`` says otherwise; it reads no file but the archive index.
Ctrl-C stops it (exit 0).
"""

from __future__ import annotations

import sys
from pathlib import Path

from .. import pipeline
from ..archive import Archive, default_db_path
from ..config import resolve_config
from ..errors import UsageError
from . import builtin_choice, rule_tolerances, say
from .review import Reviewer, make_server


def run(args) -> int:
    config = resolve_config(args.config)
    ruleset = pipeline.resolve_rules(args.rules, config, builtin=builtin_choice(args))
    index = args.archive
    if index is None:
        default = default_db_path()
        index = str(default) if Path(default).is_file() else None
    label = "none (the draft is checked on its own)"
    if index is not None:
        with Archive.open(index) as archive:  # E501/E503 now, not at the first request
            counts = archive.counts()
        label = f"{index} ({counts['documents']:,} articles, {counts['claims']:,} claims)"
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port} is not a port number", hint="use 1-65535, or 0 for any free port",
                         code="E207")
    try:
        server = make_server(Reviewer(ruleset, index, config=config, tolerances=rule_tolerances(ruleset)),
                             args.host, args.port, archive_label=label)
    except OSError as exc:
        raise UsageError(f"cannot listen on {args.host}:{args.port}: {exc.strerror}",
                         hint="choose another --port (0 picks a free one)", code="E207") from exc
    host, port = server.server_address[:2]
    say(f"serving the pre-publish check at http://{host}:{port}/ (archive: {label}); Ctrl-C stops")
    sys.stderr.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
