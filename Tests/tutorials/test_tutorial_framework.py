"""The tutorial framework itself: scripts/tutorials/lib/tutorial.lua (the three
modes, failed claims) and tools/tutorial_numbers.py (filling pages, stale pages,
unknown markers, pages without scripts, dangling links), on throwaway
tutorials in a temporary folder.

SYSLAB_LUA names syslab-lua (make test-tutorials sets it)."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LUA = os.environ.get("SYSLAB_LUA", str(ROOT / ".build" / "release" / "syslab-lua"))
sys.path.insert(0, str(ROOT / "tools"))
import tutorial_numbers  # noqa: E402

SCRIPT = """
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local tutorial = require "tutorial"
local t = tutorial.new("demo/01-page")
t:step("Measure")
local q = require("syslab").queue { lambda = 80, mu = 100, servers = 1, customers = 20000, seed = 1 }
t:number("utilisation", tutorial.pct(q.utilisation, 0))
t:number("answer", "%s")
t:claim("utilisation is about 80%%", tutorial.pct(q.utilisation), math.abs(q.utilisation - 0.8) < 0.05)
t:claim("a claim that %s", "42 apples", %s)
t:finish()
"""


def make_tree(tmp_path, claim_holds=True, answer="42"):
    """docs/tutorials/demo/01-page.md and scripts/tutorials/demo/01-page.lua under tmp_path."""
    scripts = tmp_path / "scripts" / "tutorials"
    (scripts / "demo").mkdir(parents=True)
    (scripts / "lib").symlink_to(ROOT / "scripts" / "tutorials" / "lib")
    script = scripts / "demo" / "01-page.lua"
    script.write_text(SCRIPT % (answer, "holds" if claim_holds else "fails", "true" if claim_holds else "false"))
    docs = tmp_path / "docs" / "tutorials"
    (docs / "demo").mkdir(parents=True)
    page = docs / "demo" / "01-page.md"
    page.write_text("Busy <!-- n:utilisation -->?<!-- /n -->, answer <!-- n:answer -->?<!-- /n -->.\n")
    return script, page


def lua(script, *args):
    return subprocess.run([LUA, str(script), *args], capture_output=True, text=True, timeout=60)


def run_tool(monkeypatch, tmp_path, mode):
    monkeypatch.setattr(tutorial_numbers, "ROOT", tmp_path)
    monkeypatch.setattr(tutorial_numbers, "DOCS", tmp_path / "docs" / "tutorials")
    monkeypatch.setattr(tutorial_numbers, "SCRIPTS", tmp_path / "scripts" / "tutorials")
    monkeypatch.setenv("SYSLAB_LUA", LUA)
    monkeypatch.setattr(sys, "argv", ["tutorial_numbers.py", mode])
    with pytest.raises(SystemExit) as exit_info:
        tutorial_numbers.main()
    return exit_info.value.code


def test_walk_through_check_and_numbers(tmp_path):
    script, _ = make_tree(tmp_path)
    walk = lua(script)
    assert walk.returncode == 0, walk.stderr
    assert "1. Measure" in walk.stdout and "[holds] utilisation is about 80%" in walk.stdout
    check = lua(script, "--check")
    assert check.returncode == 0 and "ok demo/01-page: 2 claims hold" in check.stdout
    numbers = lua(script, "--numbers")
    assert numbers.returncode == 0
    assert json.loads(numbers.stdout) == {"utilisation": "80%", "answer": "42"}


def test_a_failed_claim_names_the_claim_and_the_measured_value(tmp_path):
    script, _ = make_tree(tmp_path, claim_holds=False)
    for args in (["--check"], ["--numbers"], []):
        result = lua(script, *args)
        assert result.returncode == 1, args
        assert "demo/01-page: claim failed: a claim that fails (measured: 42 apples)" in result.stderr
    assert lua(script, "--numbers").stdout == ""   # no numbers from a failing run


def test_unknown_argument_is_a_usage_error(tmp_path):
    script, _ = make_tree(tmp_path)
    result = lua(script, "--chek")
    assert result.returncode == 2 and "unknown argument: --chek" in result.stderr


PICTURE_SCRIPT = """
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local tutorial = require "tutorial"
local t = tutorial.new("demo/02-picture")
t:picture("trace-page", "<!doctype html><title>a page</title>")
t:picture("bad name", "<p>never written</p>")
t:claim("unreachable", "-", true)
t:finish()
"""


def test_pictures_are_written_only_with_html_and_names_are_checked(tmp_path):
    script, _ = make_tree(tmp_path)
    good = script.with_name("02-picture.lua")
    good.write_text(PICTURE_SCRIPT.replace('t:picture("bad name", "<p>never written</p>")\n', ""))
    out = tmp_path / "html"
    out.mkdir()
    plain = lua(good, "--check")
    assert plain.returncode == 0, plain.stderr
    assert list(out.iterdir()) == []
    written = lua(good, "--check", "--html", str(out))
    assert written.returncode == 0, written.stderr
    assert (out / "trace-page.html").read_text() == "<!doctype html><title>a page</title>"
    bad = script.with_name("03-bad-picture.lua")
    bad.write_text(PICTURE_SCRIPT)
    refused = lua(bad, "--check", "--html", str(out))
    assert refused.returncode != 0 and "picture name must match" in refused.stderr
    missing_dir = lua(good, "--check", "--html", str(tmp_path / "no-such-dir"))
    assert missing_dir.returncode != 0 and "cannot write" in missing_dir.stderr


def test_a_script_without_claims_fails(tmp_path):
    script, _ = make_tree(tmp_path)
    script.write_text('package.path = (arg[0]:match("^(.*)/") or ".") .. "/../lib/?.lua;" .. package.path\n'
                      'local t = require("tutorial").new("demo/01-page")\nt:finish()\n')
    result = lua(script, "--check")
    assert result.returncode == 1 and "made no claim" in result.stderr


PICTURES = """
package.path = (arg[0]:match("^(.*)/") or ".") .. "/../lib/?.lua;" .. package.path
local t = require("tutorial").new("demo/01-page")
t:picture("whole", "<p>whole page</p>")
t:picture("cropped", "<p>some panels</p>", { "phases", "latency" })
%s
t:claim("pictures written", "yes", true)
t:finish()
"""


def test_pictures_and_their_panels(tmp_path):
    script, _ = make_tree(tmp_path)
    script.write_text(PICTURES % "")
    out = tmp_path / "html"
    out.mkdir()
    result = lua(script, "--check", "--html", str(out))
    assert result.returncode == 0, result.stderr
    assert (out / "whole.html").read_text() == "<p>whole page</p>"
    assert not (out / "whole.panels").exists()
    assert (out / "cropped.html").read_text() == "<p>some panels</p>"
    assert (out / "cropped.panels").read_text() == "phases,latency\n"


@pytest.mark.parametrize("call, message", [
    ('t:picture("bad", "<p></p>", {})', "non-empty list of panel ids"),
    ('t:picture("bad", "<p></p>", "latency")', "non-empty list of panel ids"),
    ('t:picture("bad", "<p></p>", { "latency; rm" })', "panel id must match"),
])
def test_bad_picture_arguments_fail_even_without_html(tmp_path, call, message):
    script, _ = make_tree(tmp_path)
    script.write_text(PICTURES % call)
    result = lua(script, "--check")
    assert result.returncode != 0 and message in result.stderr


def test_tool_fills_then_accepts_then_detects_stale_numbers(tmp_path, monkeypatch, capsys):
    script, page = make_tree(tmp_path)
    assert run_tool(monkeypatch, tmp_path, "--check") == 1
    assert "quotes numbers its scripts no longer produce" in capsys.readouterr().err
    assert run_tool(monkeypatch, tmp_path, "--write") == 0
    assert page.read_text() == "Busy <!-- n:utilisation -->80%<!-- /n -->, answer <!-- n:answer -->42<!-- /n -->.\n"
    assert run_tool(monkeypatch, tmp_path, "--check") == 0
    script.write_text(script.read_text().replace('"42"', '"43"'))
    assert run_tool(monkeypatch, tmp_path, "--check") == 1
    assert "answer: '42' -> '43'" in capsys.readouterr().err


def test_tool_reports_unknown_markers_missing_scripts_links_and_failed_claims(tmp_path, monkeypatch, capsys):
    script, page = make_tree(tmp_path)
    page.write_text("<!-- n:nope -->1<!-- /n --> [gone](02-missing.md) [ok](01-page.md) [web](https://example.org)\n")
    (page.parent / "02-orphan.md").write_text("no script\n")
    assert run_tool(monkeypatch, tmp_path, "--check") == 1
    err = capsys.readouterr().err
    assert "marker n:nope names no number" in err
    assert "link to 02-missing.md points nowhere" in err and "01-page.md points" not in err and "example.org" not in err
    assert "02-orphan.md: no script" in err
    script.write_text(SCRIPT % ("42", "fails", "false"))
    assert run_tool(monkeypatch, tmp_path, "--check") == 1
    assert "claim failed: a claim that fails (measured: 42 apples)" in capsys.readouterr().err
