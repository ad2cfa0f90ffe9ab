"""What the renderers share: the order of findings and of their sides, headings and
qualifier text, JSON with exact numbers, and the atomic write of an output file.

Nothing here computes a finding; it only says how a finding's parts are laid out.  How a
value is written for people is ``checker.amounts``, the one formatter of every format.
"""

from __future__ import annotations

import os
import stat
import sys
from decimal import Decimal
from pathlib import Path
from typing import Iterable

from ..amounts import decimal_text
from ..display import json_string
from ..errors import FactcheckError
from ..model import KINDS, Claim, Finding, Location, Report

#: Findings that the disputed-claims part of a report shows, in this order.
DISPUTED_KINDS = ("contradiction", "arithmetic", "divergence")

#: (singular, plural) labels for the summary, one per finding kind.
KIND_LABELS = {
    "contradiction": ("contradiction", "contradictions"),
    "divergence": ("divergence", "divergences"),
    "arithmetic": ("arithmetic error", "arithmetic errors"),
    "notice": ("notice", "notices"),
    "consistent": ("consistent claim", "consistent claims"),
}

#: Repeats of a finding (the same slip in other articles) named in its message; the rest are
#: counted (SARIF: as related locations).  JSON lists up to REPEATS_LISTED.
REPEATS_NAMED = 3
REPEATS_LISTED = 20


def visible_findings(report: Report, show_consistent: bool) -> list[Finding]:
    """The findings a renderer shows, in the one order every format uses
    (path, line, column, kind, rule, message)."""
    found = [f for f in report.findings if show_consistent or f.kind != "consistent"]
    return sorted(found, key=Finding.sort_key)


def message_text(finding: Finding) -> str:
    """A finding's message on one line, with its likely cause where it has one:
    "… 4,500美元 is … below … (likely cause: a missing magnitude: …)"."""
    message = " ".join(finding.message.split())
    if finding.cause:
        message += f" (likely cause: {' '.join(finding.cause.split())})"
    if finding.archive:
        message += f" (archive: {finding.archive})"
    if finding.repeats:
        message += f" ({repeats_text(finding)})"
    return message


def repeats_text(finding: Finding) -> str:
    """"the same in 399 more articles: b.md:9:3, c.md:9:3, d.md:9:3 and 396 more" ("" without repeats)."""
    n = len(finding.repeats)
    if not n:
        return ""
    named = ", ".join(f"{loc.path}:{loc.line}:{loc.col}" for loc in finding.repeats[:REPEATS_NAMED])
    more = f" and {n - REPEATS_NAMED:,} more" if n > REPEATS_NAMED else ""
    return f"the same in {n:,} more article{'s' if n != 1 else ''}: {named}{more}"


def alert_sides(report: Report, finding: Finding) -> list[Claim | Location]:
    """The sides an alert is placed on: every side, except in pre-publish mode (``report.drafts``),
    where only the drafts' sides get one (the archive's are related locations)."""
    every = sides(finding)
    if not report.drafts:
        return every
    drafts = set(report.drafts)
    return [s for s in every if place(s)[0] in drafts]


#: Other sides an alert on one side points to (SARIF and rdjson related locations): enough to
#: find the disagreement, few enough that a finding's alerts do not grow with its square.
RELATED_SIDES = 3


def related_sides(finding: Finding, side: Claim | Location, every: list[Claim | Location]) -> list[Claim | Location]:
    """The sides an alert on ``side`` points to, at most RELATED_SIDES of ``every`` (the
    finding's sides): first those it cannot both hold with (its ``conflicts`` pairs), then the others."""
    partners = set()
    for i, j in finding.conflicts:
        a, b = finding.claims[i], finding.claims[j]
        if a is side:
            partners.add(id(b))
        elif b is side:
            partners.add(id(a))
    ranked = sorted((o for o in every if o is not side), key=lambda o: id(o) not in partners)
    return ranked[:RELATED_SIDES]


def qualifiers_text(qualifiers: Iterable[tuple[str, str]]) -> str:
    """"chip=H100, market=datacenter-ai" (the pairs in their stored, sorted order)."""
    return ", ".join(f"{k}={v}" for k, v in qualifiers)


def heading(finding: Finding) -> str:
    """What a finding is about: "nvidia · market-share · market=datacenter-ai".

    For a divergence the qualifiers differ between sides, so only the ones all
    sides share are shown; the differing names follow "differs:".
    """
    parts = [p for p in (finding.subject, finding.metric) if p]
    shared = shared_qualifiers(finding)
    if shared:
        parts.append(qualifiers_text(shared))
    text = " · ".join(parts) if parts else finding.rule
    if finding.differs:
        text += f" (differs: {', '.join(finding.differs)})"
    return text


def shared_qualifiers(finding: Finding) -> tuple[tuple[str, str], ...]:
    """The qualifier pairs every claim of the finding has."""
    if not finding.claims:
        return ()
    common = set(finding.claims[0].qualifiers)
    for claim in finding.claims[1:]:
        common &= set(claim.qualifiers)
    return tuple(sorted(common))


def sorted_claims(finding: Finding) -> list[Claim]:
    """A finding's claims by (path, line, column)."""
    return sorted(finding.claims, key=lambda c: (c.path, c.mention.line, c.mention.col, c.mention.start))


def sorted_locations(finding: Finding) -> list[Location]:
    return sorted(finding.locations, key=lambda l: (l.path, l.line, l.col, l.start))


def sides(finding: Finding) -> list[Claim | Location]:
    """Every place a finding points at: its claims, then its non-numeric locations."""
    return [*sorted_claims(finding), *sorted_locations(finding)]


def place(side: Claim | Location) -> tuple[str, int, int]:
    """(path, line, col) of a side: the quantity as written for a claim."""
    if isinstance(side, Claim):
        return side.path, side.mention.line, side.mention.col
    return side.path, side.line, side.col


def side_text(side: Claim | Location) -> str:
    return side.mention.text if isinstance(side, Claim) else side.text


def side_sentence(side: Claim | Location, siblings: list[Location] | None = None) -> tuple[str, int, int]:
    """The sentence around a side and the span of the side's text inside it
    (start, end), or the side's own text when no sentence is known.

    A Location carries no sentence offset; when one sentence holds the same text
    twice (两处 p00), ``siblings`` (the finding's locations with that sentence, in
    order) tell which occurrence this one is."""
    if isinstance(side, Claim):
        sentence, base = side.sentence, side.sentence_start
        start, end = side.mention.start - base, side.mention.end - base
    else:
        sentence, text = side.sentence, side.text
        start = _nth_find(sentence, text, siblings.index(side) if siblings and side in siblings else 0)
        end = start + len(text)
    if not sentence or start < 0 or end > len(sentence) or sentence[start:end] != side_text(side):
        text = side_text(side)
        return text, 0, len(text)
    return sentence, start, end


def _nth_find(sentence: str, text: str, n: int) -> int:
    at = -1
    for _ in range(n + 1):
        nxt = sentence.find(text, at + 1) if sentence else -1
        if nxt == -1:
            return sentence.find(text) if sentence and at == -1 else at
        at = nxt
    return at


def same_sentence(finding: Finding, loc: Location) -> list[Location]:
    """The finding's locations in the same sentence as ``loc`` with the same text, in text order."""
    return [l for l in sorted_locations(finding) if l.path == loc.path and l.sentence == loc.sentence
            and l.text == loc.text]


def kind_counts(findings: Iterable[Finding]) -> dict[str, int]:
    """Findings per kind, every kind of KINDS present (0 where none); a finding repeated in
    other articles counts once per article (``Finding.occurrences``)."""
    counts = {k: 0 for k in KINDS}
    for f in findings:
        counts[f.kind] += f.occurrences
    return counts


def counts_line(findings: list[Finding]) -> list[tuple[str, int]]:
    """(label, count) for each finding kind present in ``findings``, in KINDS order."""
    counts = kind_counts(findings)
    return [(KIND_LABELS[k][counts[k] != 1], counts[k]) for k in KINDS if counts.get(k)]


# --- JSON with exact decimals ---------------------------------------------------------


def json_dumps(obj, indent: int = 2) -> str:
    """JSON text in which Decimals are written as JSON numbers, digit for digit
    (json.dumps would need float() and lose exactness).  Keys keep their order.

    The same bytes as ``checker.display.json_text(obj, indent=indent)`` would give with each
    Decimal written by ``decimal_text``, but without a ``json.dumps`` call (and a new
    encoder) per value: strings go through ``json_string`` (the C escaper, then the unsafe
    characters), and a Decimal met again (the same 98 in many mentions) comes from a memo."""
    out: list[str] = []
    _dump(obj, out.append, " " * indent, "\n", {})
    return "".join(out)


_escape = json_string  # exact, with no raw control, bidi or surrogate character


def json_scalar(obj, memo: dict) -> str:
    """The JSON text of one scalar (str, int, bool, None, Decimal), as ``json_dumps`` writes it
    (``memo``: Decimals already written, shared across calls)."""
    text = _scalar(obj, memo)
    if text is None:
        raise TypeError(f"not a scalar: {type(obj).__name__}")
    return text


def _scalar(obj, memo: dict) -> str | None:
    """The JSON text of a scalar, or None for a container."""
    t = type(obj)
    if t is str:
        return _escape(obj)
    if t is Decimal:
        if not obj:
            return decimal_text(obj)  # 0 and -0 are equal but written apart
        text = memo.get(obj)
        if text is None:  # decimal_text depends on the value only (98 and 98.0 both give "98")
            text = memo[obj] = decimal_text(obj)
        return text
    if obj is None:
        return "null"
    if obj is True:
        return "true"
    if obj is False:
        return "false"
    if t is int:
        return int.__repr__(obj)
    if isinstance(obj, (dict, list, tuple)):
        return None
    if isinstance(obj, str):
        return _escape(obj)
    if isinstance(obj, int):
        return int.__repr__(obj)
    raise TypeError(f"cannot write {type(obj).__name__} as JSON")


def _dump(obj, write, step: str, pad: str, memo: dict) -> None:
    text = _scalar(obj, memo)
    if text is not None:
        write(text)
        return
    inner = pad + step
    if isinstance(obj, dict):
        if not obj:
            write("{}")
            return
        write("{")
        sep = inner
        for key, value in obj.items():
            text = _scalar(value, memo)
            if text is not None:
                write(sep + _escape(str(key)) + ": " + text)
            else:
                write(sep + _escape(str(key)) + ": ")
                _dump(value, write, step, inner, memo)
            sep = "," + inner
        write(pad + "}")
        return
    if not obj:
        write("[]")
        return
    write("[")
    sep = inner
    for value in obj:
        text = _scalar(value, memo)
        if text is not None:
            write(sep + text)
        else:
            write(sep)
            _dump(value, write, step, inner, memo)
        sep = "," + inner
    write(pad + "]")


# --- files ----------------------------------------------------------------------------


def write_output(path: str | os.PathLike, text: str, stdout=None) -> None:
    """Write an output file (``--output``) without ever replacing what is not a regular file.

    ``-`` is standard output.  A symlink is followed: its target is written (atomically, when
    it is a regular file or does not exist yet), the link itself stays.  A FIFO or a character
    device (``/dev/stdout``, ``/dev/null``) is opened and written to, as ruff does, never
    replaced.  A directory, block device or socket is refused (E208)."""
    if os.fspath(path) == "-":
        out = stdout if stdout is not None else sys.stdout
        out.write(text)
        out.flush()
        return
    real = os.path.realpath(path)
    try:
        info = os.stat(real)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise FactcheckError(f"cannot write the output file: {exc.strerror}", path=str(path),
                             hint="check the path", code="E208") from exc
    if info is None or stat.S_ISREG(info.st_mode):
        write_atomic(real, text, mode=None if info is None else stat.S_IMODE(info.st_mode))
        return
    if stat.S_ISFIFO(info.st_mode) or stat.S_ISCHR(info.st_mode):
        try:
            with open(real, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
        except OSError as exc:
            raise FactcheckError(f"cannot write the output file: {exc.strerror}", path=str(path),
                                 hint="check that it is writable", code="E208") from exc
        return
    kind = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file"
    raise FactcheckError(f"cannot write the output file: it is {kind}", path=str(path),
                         hint="name a regular file (it is replaced atomically), a FIFO, or '-' for "
                              "standard output", code="E208")


def write_atomic(path: str | os.PathLike, text: str, *, mode: int | None = None) -> None:
    """Write ``text`` (UTF-8, newlines as given) to ``path`` through a temporary file in
    the same directory and os.replace, so an interrupted run never leaves half a file."""
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    try:
        import tempfile  # here: only a run that writes a file needs it

        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise FactcheckError(f"cannot write the output file: {exc.strerror}", path=str(target),
                             hint="check that the directory exists and is writable", code="E208") from exc
    try:
        # mkstemp makes 0600; a report gets the usual mode, or keeps the mode of the file it replaces
        os.chmod(tmp, (0o666 & ~_umask()) if mode is None else mode)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise FactcheckError(f"cannot write the output file: {exc.strerror}", path=str(target),
                                 hint="check that the directory exists and is writable",
                                 code="E208") from exc
        raise


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
