"""What ``--show-settings`` and ``--statistics`` print."""

from __future__ import annotations

import os

from ..model import KINDS, Report
from ..pipeline import default_cache_dir, resolve_rules


def show_settings(args, config, *, select=(), ignore=(), fmt: str = "plain") -> str:
    """The resolved settings: the configuration file, the rule files and where they come from,
    the selection, the output, the cache."""
    ruleset = resolve_rules(getattr(args, "rules", None), config)
    if getattr(args, "rules", None):
        origin = "--rules"
    elif config.rules:
        origin = f"rules in {config.path}"
    elif any(os.path.abspath(str(f)).startswith(os.path.abspath("rules") + os.sep) for f in ruleset.files):
        origin = "./rules/"
    else:
        origin = "the shipped rule set"
    lines = [f"config: {config.path or '(none: defaults)'}",
             f"rules ({origin}), version {ruleset.version}:"]
    lines += [f"  {f}" for f in ruleset.files]
    lines += [f"fail-on: {getattr(args, 'fail_on', None) or config.fail_on or 'error'}",
              f"format: {fmt}",
              f"include: {', '.join(config.include) or '*.md, *.markdown, *.txt (default)'}",
              f"exclude: {', '.join(config.exclude) or '(none)'}"
              + (f" (relative to {config.root})" if config.exclude and config.root else ""),
              f"force-exclude: {'yes' if getattr(args, 'force_exclude', False) else 'no'}",
              f"select: {', '.join(select or config.select) or '(all)'}",
              f"ignore: {', '.join((*config.ignore, *ignore)) or '(none)'}"]
    for glob, ids in config.per_file_ignores:
        lines.append(f"per-file-ignores: {glob} = {', '.join(ids)}")
    for o in config.overrides:
        parts = [f"severity {o.severity}" if o.severity else "",
                 f"tolerance {o.tolerance.value * 100 if o.tolerance.relative else o.tolerance.value}"
                 f"{'%' if o.tolerance.relative else ''}" if o.tolerance else ""]
        lines.append(f"override: {o.pattern}: {'; '.join(p for p in parts if p)}")
    cache = "off (--no-cache)" if getattr(args, "no_cache", False) else str(default_cache_dir())
    lines.append(f"cache: {cache}")
    return "\n".join(lines) + "\n"


def statistics_text(report: Report, *, show_consistent: bool = False) -> str:
    """One line per (rule, kind): count, rule, kind; most frequent first; then the total."""
    counts: dict[tuple[str, str], int] = {}
    for f in report.findings:
        if f.kind == "consistent" and not show_consistent:
            continue
        counts[(f.rule, f.kind)] = counts.get((f.rule, f.kind), 0) + f.occurrences  # every article
    rows = sorted(counts.items(), key=lambda kv: (-kv[1], KINDS.index(kv[0][1]), kv[0][0]))
    width = max((len(rule) for (rule, _), _ in rows), default=4)
    out = [f"{n:>5}  {rule:<{width}}  {kind}" for (rule, kind), n in rows]
    out.append(f"{sum(counts.values()):>5}  findings in {report.documents} articles")
    return "\n".join(out) + "\n"
