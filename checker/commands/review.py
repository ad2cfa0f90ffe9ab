"""The review page of ``factcheck serve``: an editor pastes or drops a draft and sees
every checked number highlighted — red for a contradiction (or an arithmetic error),
amber for a divergence (or a notice), grey for agreement, dotted for a number the
archive does not state — and, on click, the archive's side: the interval chart, every
article's claim and how the draft's number was read.

``Reviewer.review(data)`` does the work (``pipeline.check_draft`` against the archive
index) and returns escaped HTML fragments; ``make_server`` serves the page with the
standard library's ``ThreadingHTTPServer``:

    GET  /              the page (inline style and script, nothing external)
    POST /api/review    the draft as JSON {"text": …} (UTF-8) or as the raw bytes of a
                        dropped file (any Content-Type but JSON and forms; decoded like an
                        article file: UTF-8, GB18030, Big5, BOMs) -> JSON {"draft", "findings",
                        "summary", "marks"}
    POST /review        the same from an HTML form (text=…), without script: the whole page

The only file a request makes the server read is the archive index named at start;
there is no static file route.  Requests are limited in size (``MAX_BODY``); the Host
header must name this server (no DNS rebinding); a malformed request gets a 4xx with a
one-line message, an unexpected failure a 500 with a message, never a traceback.
"""

from __future__ import annotations

import hashlib
import json
import sys
import threading
from base64 import b64encode
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from ..amounts import value_text
from ..errors import FactcheckError
from ..load import document_from_bytes, document_from_text
from ..model import Claim, Document, Finding, Location
from ..pipeline import check_draft
from ..render import chart
from ..render.common import heading, qualifiers_text
from ..render.html import escape, finding_section, page

#: Largest request body accepted (a long draft is well under 1 MB).
MAX_BODY = 2 * 1024 * 1024
#: Claims listed one by one in a finding of the panel; an archive may retell a figure thousands of times.
MAX_LISTED = 12

#: Highlight of a number by the worst finding it is in; a number in none is "unmatched".
STATE_OF_KIND = {"contradiction": "contradiction", "arithmetic": "contradiction", "divergence": "divergence",
                 "notice": "divergence", "consistent": "agree"}
STATE_RANK = {"contradiction": 3, "divergence": 2, "agree": 1, "unmatched": 0}
STATE_LABEL = {"contradiction": "contradiction", "divergence": "divergence", "agree": "agrees with the archive",
               "unmatched": "checked; the archive does not state it"}


class RequestError(Exception):
    """A request the page cannot answer: an HTTP status and a message for the editor."""

    def __init__(self, status: HTTPStatus, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


class Reviewer:
    """A rule set and an archive index (or none: the draft is checked on its own)."""

    def __init__(self, ruleset, index: str | None = None, *, config=None, tolerances=None):
        self.ruleset = ruleset
        self.index = index
        self.config = config
        self.tolerances = tolerances

    def document(self, body: bytes, content_type: str, name: str = "") -> Document:
        """The draft of a request: JSON {"text"}, a form's text=, or a file's raw bytes."""
        markdown = name.lower().endswith((".md", ".markdown"))
        path = "(draft).md" if markdown else "(draft).txt"
        kind = content_type.split(";", 1)[0].strip().lower()
        if kind == "application/json":
            try:
                data = json.loads(body.decode("utf-8"))
            except (UnicodeDecodeError, ValueError) as exc:
                raise RequestError(HTTPStatus.BAD_REQUEST, f"the request is not valid UTF-8 JSON: {exc}") from None
            text = data.get("text") if isinstance(data, dict) else None
            if not isinstance(text, str):
                raise RequestError(HTTPStatus.BAD_REQUEST, 'send {"text": "the draft"}')
            if isinstance(data.get("name"), str):
                markdown = data["name"].lower().endswith((".md", ".markdown"))
                path = "(draft).md" if markdown else "(draft).txt"
            return document_from_text(text, path=path)
        if kind == "application/x-www-form-urlencoded":
            try:
                fields = parse_qs(body.decode("utf-8"), strict_parsing=bool(body), max_num_fields=10)
            except (UnicodeDecodeError, ValueError) as exc:
                raise RequestError(HTTPStatus.BAD_REQUEST, f"the form is malformed: {exc}") from None
            return document_from_text(fields.get("text", [""])[0], path=path)
        try:
            return document_from_bytes(body, path, max_bytes=MAX_BODY)
        except FactcheckError as exc:
            raise RequestError(HTTPStatus.UNPROCESSABLE_ENTITY, f"{exc.code} {exc.message}") from None

    def review(self, doc: Document) -> dict:
        """The draft checked against the archive, as escaped HTML fragments."""
        if not doc.text.strip():
            raise RequestError(HTTPStatus.BAD_REQUEST, "the draft is empty: paste or drop its text")
        try:
            mentions, claims, report = check_draft(doc, self.ruleset, [self.index] if self.index else [],
                                                   config=self.config)
        except FactcheckError as exc:
            raise RequestError(HTTPStatus.SERVICE_UNAVAILABLE, f"{exc.code} {exc.message}") from None
        findings = [f for f in report.findings]
        names = {id(f): f"f{n}" for n, f in enumerate(findings, start=1)}
        marks = _marks(doc, claims, findings, names)
        panel = [_panel(f, names[id(f)], doc, self.tolerances, findings) for f in findings]
        counts = {state: 0 for state in STATE_RANK}
        for _, _, state, _ in marks:
            counts[state] += 1
        summary = (f"{len(claims)} checked numbers, {len(marks)} highlights: {counts['contradiction']} red "
                   f"(contradiction), {counts['divergence']} amber (divergence or notice), {counts['agree']} grey "
                   f"(agreement), {counts['unmatched']} not stated in the archive; "
                   f"{report.claims - len(claims):,} archive claims compared")
        return {"draft": draft_html(doc, marks), "findings": "\n".join(panel), "summary": summary,
                "marks": len(marks)}


def _marks(doc: Document, claims: list[Claim], findings: list[Finding], names: dict[int, str]):
    """(start, end, state, finding names) of every checked number (and notice location)
    of the draft, in text order, without overlaps."""
    spans: dict[tuple[int, int], list] = {}
    for claim in claims:
        spans.setdefault((claim.mention.start, claim.mention.end), ["unmatched", []])
    for f in findings:
        state = STATE_OF_KIND[f.kind]
        places = [(c.mention.start, c.mention.end) for c in f.claims if c.path == doc.path]
        places += [(l.start, l.end) for l in f.locations if l.path == doc.path]
        for place in places:
            entry = spans.setdefault(place, ["unmatched", []])
            if STATE_RANK[state] > STATE_RANK[entry[0]]:
                entry[0] = state
            if names[id(f)] not in entry[1]:
                entry[1].append(names[id(f)])
    out, last = [], 0
    for (start, end), (state, which) in sorted(spans.items()):
        if start < last or end > len(doc.text):
            continue
        out.append((start, end, state, which))
        last = end
    return out


def draft_html(doc: Document, marks) -> str:
    """The draft as written, escaped, each checked number in a ``<mark>``."""
    out, at = [], 0
    for n, (start, end, state, which) in enumerate(marks):
        out.append(escape(doc.text[at:start]))
        title = STATE_LABEL[state] + ("" if which else "")
        out.append(f'<mark class="m-{state}" id="m{n}" tabindex="0" data-state="{state}" '
                   f'data-findings="{" ".join(which)}" title="{escape(title)}">{escape(doc.text[start:end])}</mark>')
        at = end
    out.append(escape(doc.text[at:]))
    return "".join(out)


def _evidence(claim: Claim, tolerances) -> str:
    """How the draft's number was read: the rule, subject, metric, qualifiers, time and
    source it was attached to, and the interval it allows."""
    q = claim.mention.quantity
    iv = chart.claim_interval(claim, tolerances)
    rows = [("number", f"{claim.mention.text} (line {claim.mention.line}:{claim.mention.col})"),
            ("read as", value_text(q) + (" (denied)" if claim.negated else "")),
            ("interval", chart._interval_shown(iv, q.unit, q.classifier)),
            ("rule", claim.rule), ("subject", claim.subject), ("metric", claim.metric),
            ("qualifiers", qualifiers_text(claim.qualifiers) or "—"), ("time", claim.time or "—"),
            ("source", claim.source or "—"), ("sentence", " ".join(claim.sentence.split()))]
    return '<dl class="evidence">' + "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in rows) + "</dl>"


def _panel(finding: Finding, name: str, doc: Document, tolerances, findings: list[Finding]) -> str:
    """A finding of the draft: how the draft's numbers were read, then the finding with
    the archive's side (chart, claims, verdict)."""
    shown = finding
    if len(finding.claims) > MAX_LISTED:
        ours = [c for c in finding.claims if c.path == doc.path]
        theirs = [c for c in finding.claims if c.path != doc.path][:MAX_LISTED - len(ours)]
        keep = {id(c) for c in ours + theirs}
        shown = _with_claims(finding, tuple(c for c in finding.claims if id(c) in keep))
    draft_claims = [c for c in finding.claims if c.path == doc.path]
    draft_locs: list[Location] = [l for l in finding.locations if l.path == doc.path]
    evidence = "".join(_evidence(c, tolerances) for c in draft_claims)
    if draft_locs:
        evidence += "".join(f'<p class="evidence">“{escape(l.text)}” at line {l.line}:{l.col}</p>' for l in draft_locs)
    notices = [f for f in findings if f.kind == "notice"]
    section = finding_section(shown, int(name[1:]), tolerances=tolerances, notices=notices, ident=name, level=3)
    more = ""
    if shown is not finding:
        more = f'<p class="meta">{len(finding.claims) - len(shown.claims):,} more archive claims not listed</p>'
    return (f'<div class="panel" data-finding="{name}"><p class="meta">In this draft: {escape(heading(finding))}</p>'
            f"{evidence}{section}{more}</div>")


def _with_claims(finding: Finding, claims: tuple[Claim, ...]) -> Finding:
    import dataclasses

    return dataclasses.replace(finding, claims=claims)


# --- the page -------------------------------------------------------------------------------

PAGE_CSS = """\
.layout{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:1rem}
#side{position:sticky;top:0;align-self:start;max-height:100vh;overflow-y:auto}
@media (max-width:60rem){.layout{grid-template-columns:1fr}#side{position:static;max-height:none}}
textarea{width:100%;min-height:14rem;font:inherit;padding:.5rem;border:1px solid #d1d5db;border-radius:6px}
#drop{border:2px dashed #d1d5db;border-radius:6px;padding:.6rem;text-align:center;color:#6b7280;margin:.5rem 0}
#drop.over{border-color:#2563eb;color:#2563eb}
button{font:inherit;padding:.4rem 1rem;border-radius:6px;border:1px solid #1d4ed8;background:#2563eb;color:#fff}
#draft{white-space:pre-wrap;border:1px solid #e5e7eb;border-radius:6px;padding:.8rem;line-height:1.8}
#draft:empty{display:none}
mark{background:none;padding:0 .1em;border-radius:3px;cursor:pointer}
mark.m-contradiction{background:#fecaca;box-shadow:inset 0 -2px #dc2626}
mark.m-divergence{background:#fde68a;box-shadow:inset 0 -2px #d97706}
mark.m-agree{background:#e5e7eb;box-shadow:inset 0 -2px #6b7280}
mark.m-unmatched{border-bottom:1px dotted #6b7280;cursor:default}
mark.active{outline:2px solid #111827}
.legend mark{cursor:default}
.panel{margin-bottom:1rem}
body.js .panel{display:none}body.js .panel.shown{display:block}
#error{color:#b91c1c;font-weight:600}#error:empty{display:none}
dl.evidence{display:grid;grid-template-columns:max-content 1fr;gap:.1rem .7rem;font-size:.9rem;
background:#f9fafb;padding:.5rem .7rem;border-radius:4px;margin:.3rem 0}
dl.evidence dt{color:#6b7280}dl.evidence dd{margin:0}
#hint{color:#6b7280}
"""

PAGE_SCRIPT = """\
"use strict";
document.body.classList.add("js");
const $ = (s) => document.querySelector(s);
function show(mark) {
  document.querySelectorAll("mark.active").forEach((m) => m.classList.remove("active"));
  document.querySelectorAll(".panel.shown").forEach((p) => p.classList.remove("shown"));
  const names = (mark.dataset.findings || "").split(" ").filter(Boolean);
  mark.classList.add("active");
  for (const name of names) {
    const panel = document.querySelector('.panel[data-finding="' + name + '"]');
    if (panel) panel.classList.add("shown");
  }
  $("#hint").textContent = names.length ? "" : mark.title;
}
async function review(body, type, name) {
  $("#error").textContent = "";
  $("#summary").textContent = "checking…";
  let data;
  try {
    const r = await fetch("/api/review?name=" + encodeURIComponent(name || ""),
                          {method: "POST", headers: {"Content-Type": type}, body: body});
    data = await r.json();
    if (!r.ok) throw new Error(data.error || r.statusText);
  } catch (e) {
    $("#summary").textContent = "";
    $("#error").textContent = String(e.message || e);
    return;
  }
  $("#draft").innerHTML = data.draft;
  $("#findings").innerHTML = data.findings;
  $("#summary").textContent = data.summary;
  $("#hint").textContent = data.findings ? "Click a highlighted number to see the archive's side." : "";
  const first = document.querySelector("#draft mark.m-contradiction, #draft mark.m-divergence");
  if (first) show(first);
}
$("#draft-form").addEventListener("submit", (e) => {
  e.preventDefault();
  review(JSON.stringify({text: $("#text").value}), "application/json", "");
});
document.addEventListener("click", (e) => {
  const mark = e.target.closest("#draft mark");
  if (mark) show(mark);
});
document.addEventListener("keydown", (e) => {
  const mark = e.target.closest && e.target.closest("#draft mark");
  if (mark && (e.key === "Enter" || e.key === " ")) { e.preventDefault(); show(mark); }
});
const drop = $("#drop");
drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", async (e) => {
  e.preventDefault();
  drop.classList.remove("over");
  const file = e.dataTransfer.files[0];
  if (file) review(await file.arrayBuffer(), "application/octet-stream", file.name);
});
"""

#: The Content-Security-Policy of the page: its own inline script (by hash), inline style, nothing else.
SCRIPT_HASH = b64encode(hashlib.sha256(PAGE_SCRIPT.encode("utf-8")).digest()).decode("ascii")
CSP = (f"default-src 'none'; script-src 'sha256-{SCRIPT_HASH}'; style-src 'unsafe-inline'; "
       "connect-src 'self'; img-src data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def review_page(archive_label: str, result: dict | None = None, error: str = "", text: str = "") -> str:
    legend = " ".join(f'<mark class="m-{s}">{escape(label)}</mark>' for s, label in STATE_LABEL.items())
    result = result or {}
    body = f"""<main>
<h1>Pre-publish check</h1>
<p class="meta">Archive: {escape(archive_label)}. Paste a draft (text or Markdown) or drop its file.</p>
<form id="draft-form" method="post" action="/review">
<textarea id="text" name="text" placeholder="在此粘贴稿件…">{escape(text)}</textarea>
<div id="drop">or drop a .txt / .md file here</div>
<button type="submit">Check the draft</button>
</form>
<p class="legend">{legend}</p>
<p id="summary">{escape(result.get("summary", ""))}</p><p id="error">{escape(error)}</p>
<div class="layout"><div id="draft">{result.get("draft", "")}</div>
<div id="side"><p id="hint"></p><div id="findings">{result.get("findings", "")}</div></div></div>
</main>"""
    return page("factcheck: pre-publish check", body, css=PAGE_CSS, script=PAGE_SCRIPT)


# --- HTTP -----------------------------------------------------------------------------------


class ReviewServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, reviewer: Reviewer, archive_label: str):
        self.reviewer = reviewer
        self.archive_label = archive_label
        self.page = review_page(archive_label).encode("utf-8")
        super().__init__(address, ReviewHandler)

    def allowed_hosts(self) -> set[str]:
        host, port = self.server_address[:2]
        names = {host, "localhost", "127.0.0.1", "[::1]"}
        return {f"{n}:{port}" for n in names} | (names if port == 80 else set())


class ReviewHandler(BaseHTTPRequestHandler):
    server: ReviewServer
    server_version = "factcheck"
    sys_version = ""
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # one line per request on stderr
        sys.stderr.write(f"factcheck serve: {self.address_string()} {format % args}\n")

    def _send(self, status: HTTPStatus, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, status: HTTPStatus, message: str, api: bool) -> None:
        if api:
            self._send(status, json.dumps({"error": message}, ensure_ascii=False).encode("utf-8"),
                       "application/json; charset=utf-8")
        else:
            self._send(status, f"{status.value} {status.phrase}: {message}\n".encode("utf-8"),
                       "text/plain; charset=utf-8")

    def _guard(self) -> None:
        host = (self.headers.get("Host") or "").lower()
        if host not in self.server.allowed_hosts():
            raise RequestError(HTTPStatus.MISDIRECTED_REQUEST, "this server answers only requests to its own address")

    def _route(self) -> tuple[str, bool]:
        path = urlsplit(self.path).path
        return path, path.startswith("/api/")

    def _handle(self, method: str) -> None:
        path, api = self._route()
        try:
            self._guard()
            if method in ("GET", "HEAD"):
                if path != "/":
                    raise RequestError(HTTPStatus.NOT_FOUND, f"no page at {path[:200]}; the page is at /")
                self._send(HTTPStatus.OK, self.server.page, "text/html; charset=utf-8")
                return
            if path not in ("/api/review", "/review"):
                raise RequestError(HTTPStatus.NOT_FOUND, f"nothing to post to at {path[:200]}")
            body = self._body()
            name = parse_qs(urlsplit(self.path).query).get("name", [""])[0]
            doc = self.server.reviewer.document(body, self.headers.get("Content-Type", ""), name)
            if api:
                result = self.server.reviewer.review(doc)
                self._send(HTTPStatus.OK, json.dumps(result, ensure_ascii=False).encode("utf-8"),
                           "application/json; charset=utf-8")
            else:
                try:
                    result, error = self.server.reviewer.review(doc), ""
                except RequestError as exc:
                    result, error = None, exc.message
                html = review_page(self.server.archive_label, result, error, doc.text)
                self._send(HTTPStatus.OK, html.encode("utf-8"), "text/html; charset=utf-8")
        except RequestError as exc:
            self.close_connection = True  # a body left unread must not be taken for the next request
            self._error(exc.status, exc.message, api)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception as exc:  # never a traceback to the client; one line in the log
            self.log_message("internal error: %r", exc)
            self.close_connection = True
            self._error(HTTPStatus.INTERNAL_SERVER_ERROR, "internal error; the server log has the details", api)

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding"):
            raise RequestError(HTTPStatus.LENGTH_REQUIRED, "send the draft with a Content-Length, not chunked")
        length = self.headers.get("Content-Length")
        if length is None:
            raise RequestError(HTTPStatus.LENGTH_REQUIRED, "send the draft with a Content-Length")
        try:
            size = int(length)
        except ValueError:
            raise RequestError(HTTPStatus.BAD_REQUEST, "Content-Length is not a number") from None
        if size < 0:
            raise RequestError(HTTPStatus.BAD_REQUEST, "Content-Length is negative")
        if size > MAX_BODY:
            raise RequestError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                               f"the draft is {size:,} bytes; at most {MAX_BODY:,} are accepted")
        return self.rfile.read(size)

    def do_GET(self):
        self._handle("GET")

    def do_HEAD(self):
        self._handle("HEAD")

    def do_POST(self):
        self._handle("POST")

    def _not_allowed(self):
        path, api = self._route()
        self._error(HTTPStatus.METHOD_NOT_ALLOWED, f"{self.command} is not supported; use GET / or POST /api/review",
                    api)

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _not_allowed

    def send_error(self, code, message=None, explain=None):
        """Errors raised by http.server itself (a malformed request line, headers too
        long): a short message, no HTML template."""
        try:
            status = HTTPStatus(code)
        except ValueError:
            status = HTTPStatus.BAD_REQUEST
        self.close_connection = True
        body = f"{status.value} {status.phrase}: {message or status.description}\n".encode("utf-8", "replace")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD" and code >= 200 and code not in (204, 304):
            self.wfile.write(body)


def make_server(reviewer: Reviewer, host: str = "127.0.0.1", port: int = 8765, *,
                archive_label: str = "none") -> ReviewServer:
    return ReviewServer((host, port), reviewer, archive_label)


def serve_in_thread(server: ReviewServer) -> threading.Thread:
    """Run ``server`` in a daemon thread (tests, benchmarks); stop it with server.shutdown()."""
    thread = threading.Thread(target=server.serve_forever, name="factcheck-serve", daemon=True)
    thread.start()
    return thread


__all__ = ["CSP", "MAX_BODY", "RequestError", "ReviewServer", "Reviewer", "draft_html", "make_server",
           "review_page", "serve_in_thread"]
