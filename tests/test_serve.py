"""``factcheck serve``: the review page (commands/review.py) over real HTTP on 127.0.0.1.

A draft (seed 000) is checked against an index of the other four seeds; its numbers come
back highlighted; malformed requests get a 4xx with a message, never a traceback; no
request makes the server read a file other than the archive index."""

from __future__ import annotations

import http.client
import json
import re
import shutil
import socket
import sys

import pytest

from checker.archive import Archive
from checker.commands.review import MAX_BODY, Reviewer, make_server, serve_in_thread
from checker.index import index_paths
from checker.rules import load_rules

from conftest import SEEDS

DRAFT = sorted(SEEDS.glob("000_*.txt"))[0]


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    root = tmp_path_factory.mktemp("archive")
    for path in sorted(SEEDS.glob("*.txt")):
        if not path.name.startswith("000"):
            shutil.copy(path, root / path.name)
    db = root / "index.sqlite"
    with Archive.open(db, create=True) as archive:
        index_paths(archive, [str(root)], load_rules(), jobs=1)
    return db


@pytest.fixture(scope="module")
def server(index):
    ruleset = load_rules()
    srv = make_server(Reviewer(ruleset, str(index)), "127.0.0.1", 0, archive_label="seeds 001-004")
    serve_in_thread(srv)
    yield srv
    srv.shutdown()
    srv.server_close()


def request(server, method, path, body=b"", headers=None):
    host, port = server.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=30)
    conn.request(method, path, body=body, headers=headers or {})
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp.status, resp.getheader("Content-Type", ""), data, resp


def review(server, text):
    status, _, data, _ = request(server, "POST", "/api/review", json.dumps({"text": text}).encode(),
                                 {"Content-Type": "application/json"})
    assert status == 200, data
    return json.loads(data)


def marks(draft_html):
    return re.findall(r'<mark class="m-(\w+)" id="m\d+" tabindex="0" data-state="\w+" data-findings="([^"]*)"'
                      r' title="[^"]*">([^<]*)</mark>', draft_html)


def test_the_page_is_served_with_a_strict_policy(server):
    status, ctype, data, resp = request(server, "GET", "/")
    assert status == 200 and ctype.startswith("text/html")
    page = data.decode("utf-8")
    assert '<textarea id="text" name="text"' in page and "<script>" in page
    csp = resp.getheader("Content-Security-Policy")
    assert "default-src 'none'" in csp and "script-src 'sha256-" in csp and "unsafe-eval" not in csp
    assert resp.getheader("X-Content-Type-Options") == "nosniff"
    # the hash in the policy is that of the page's one script, exactly as served
    import base64
    import hashlib

    (script,) = re.findall(r"<script>(.*?)</script>", page, flags=re.S)
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    assert f"'sha256-{digest}'" in csp


def test_draft_numbers_are_highlighted_by_what_the_archive_says(server):
    result = review(server, DRAFT.read_text(encoding="utf-8"))
    found = {(text, state) for state, _, text in marks(result["draft"])}
    # 5万张 (GPT-5's H100s) contradicts 10萬張 of seed 003; 98% diverges from 超过80% (another market)
    assert ("5万张", "contradiction") in found
    assert ("98%", "divergence") in found
    assert ("p00", "divergence") in found  # the garbled name: a notice
    assert any(state == "agree" for _, state in found)
    # the panel of the contradiction has its chart and the archive's side
    state, which, _ = next(m for m in marks(result["draft"]) if m[2] == "5万张" and m[0] == "contradiction")
    name = which.split()[0]
    panel = re.search(rf'<div class="panel" data-finding="{name}">.*?</article>', result["findings"], re.S).group(0)
    assert panel.count("<svg") == 1
    assert "003_b402c9ff82ff3bcd.txt" in panel and "10萬張" in panel
    assert "<dt>rule</dt><dd>ai-chips.training-gpus</dd>" in panel
    assert result["marks"] == len(marks(result["draft"]))


def test_the_draft_text_is_kept_whole_and_escaped(server):
    text = '艾克米<script>alert(1)</script>"><img src=x onerror=alert(1)> javascript:alert(1) 英伟达在数据中心AI市场拥有98%的市场份额。'
    result = review(server, text)
    assert "<script>" not in result["draft"] and "<img" not in result["draft"]
    plain = re.sub(r"<[^>]+>", "", result["draft"])
    import html

    assert html.unescape(plain) == text


def test_a_form_post_without_script_gets_the_whole_page(server):
    from urllib.parse import urlencode

    status, ctype, data, _ = request(server, "POST", "/review",
                                     urlencode({"text": DRAFT.read_text(encoding="utf-8")}).encode(),
                                     {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200 and ctype.startswith("text/html")
    assert 'class="m-contradiction"' in data.decode("utf-8")


def test_a_dropped_file_is_decoded_like_an_article(server):
    text = "英伟达在数据中心AI市场拥有98%的市场份额。"
    status, _, data, _ = request(server, "POST", "/api/review?name=x.txt", text.encode("gb18030"),
                                 {"Content-Type": "application/octet-stream"})
    assert status == 200
    assert ("divergence", "98%") in {(s, t) for s, _, t in marks(json.loads(data)["draft"])}


@pytest.mark.parametrize("method, path, body, headers, status, message", [
    ("POST", "/api/review", b"{not json", {"Content-Type": "application/json"}, 400, "not valid UTF-8 JSON"),
    ("POST", "/api/review", b'{"txt": 1}', {"Content-Type": "application/json"}, 400, "the draft"),
    ("POST", "/api/review", b'{"text": "  "}', {"Content-Type": "application/json"}, 400, "empty"),
    ("POST", "/api/review", b"\x00\x01\x02binary\x00", {"Content-Type": "application/octet-stream"}, 422, "E203"),
    ("POST", "/api/review", b"", {"Content-Type": "application/json", "Content-Length": str(MAX_BODY + 1)}, 413,
     "at most"),
    ("POST", "/api/review", b"", {"Content-Type": "application/json", "Content-Length": "x"}, 400, "not a number"),
    ("GET", "/../../etc/passwd", b"", {}, 404, "no page"),
    ("GET", "/seeds/000_4d0a8a5e27428347.txt", b"", {}, 404, "no page"),
    ("GET", "/index.sqlite", b"", {}, 404, "no page"),
    ("POST", "/api/other", b"{}", {"Content-Type": "application/json"}, 404, "nothing to post"),
    ("PUT", "/api/review", b"{}", {}, 405, "not supported"),
    ("GET", "/", b"", {"Host": "evil.example:80"}, 421, "its own address"),
])
def test_malformed_requests_get_a_4xx_with_a_message(server, method, path, body, headers, status, message):
    got, ctype, data, _ = request(server, method, path, body, headers)
    text = data.decode("utf-8")
    assert got == status, text
    assert message in text
    assert "Traceback" not in text


def test_a_request_without_length_and_a_broken_request_line(server):
    host, port = server.server_address[:2]
    for raw in (b"POST /api/review HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: application/json\r\n\r\n" % port,
                b"GARBAGE\r\n\r\n", b"GET / HTTP/9.9\r\nHost: x\r\n\r\n"):
        with socket.create_connection((host, port), timeout=10) as sock:
            sock.sendall(raw)
            reply = sock.recv(65536).decode("utf-8", "replace")
        # an HTTP/0.9-style line (GARBAGE) gets the body alone, which starts with the status too
        status = int(reply.split()[1] if reply.startswith("HTTP/") else reply.split()[0])
        assert 400 <= status < 500 or status == 505, reply
        assert "Traceback" not in reply


def test_no_request_reads_a_file_outside_the_archive(server, index):
    """An audit hook records every file Python opens while requests are answered: only
    the archive index (SQLite opens its own -wal/-shm files outside Python)."""
    draft = DRAFT.read_text(encoding="utf-8")
    review(server, draft)  # warm: lazy imports are not requests' reading
    opened: list[str] = []
    recording = [True]

    def hook(event, args):
        if recording[0] and event in ("open", "sqlite3.connect"):
            path = str(args[0])
            if path.startswith("file:"):  # sqlite3.connect(uri=True): file:///…/index.sqlite?mode=rw
                path = path[len("file:"):].split("?", 1)[0].replace("///", "/", 1)
            opened.append(path)

    sys.addaudithook(hook)
    try:
        review(server, draft)
        for path in ("/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/index.sqlite", "/?file=/etc/passwd"):
            request(server, "GET", path)
        request(server, "POST", "/api/review?name=/etc/passwd", b'{"text": "98%", "name": "/etc/passwd"}',
                {"Content-Type": "application/json"})
    finally:
        recording[0] = False
    assert opened and {p for p in opened} == {str(index)}, opened
