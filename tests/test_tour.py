"""The tour's machinery on small demo folders made here: ordering, failures, gallery, summary, CLI."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("matplotlib", reason="the tour's pictures need the viz extra")

from tinygrad_edu import cli, tour

GOOD = '''
"""A tiny demo that draws one line."""
from tinygrad_edu.plots import new_figure
from tinygrad_edu.tour import demo_main, save_picture

TITLE = "Good <demo> & co"
NAME = "{name}"


def run(out):
    print("the answer is", 6 * 7)
    fig = new_figure(1.5, 1.5)
    fig.add_subplot().plot([0, 1], [1, 0])
    return [save_picture(fig, out, NAME, "A line", "Caption with <b>markup</b> that must be escaped.")]


if __name__ == "__main__":
    raise SystemExit(demo_main(run, TITLE))
'''

BAD = '''
from tinygrad_edu.tour import demo_main

TITLE = "Broken"


def run(out):
    print("about to fail")
    raise RuntimeError("this demo is broken on purpose")


if __name__ == "__main__":
    raise SystemExit(demo_main(run, TITLE))
'''


@pytest.fixture
def demos(tmp_path):
    folder = tmp_path / "demos"
    folder.mkdir()
    (folder / "good.py").write_text(GOOD.replace("{name}", "good_line"), encoding="utf-8")
    (folder / "activations.py").write_text(GOOD.replace("{name}", "activations"), encoding="utf-8")
    (folder / "bad.py").write_text(BAD, encoding="utf-8")
    (folder / "_helper.py").write_text("raise SystemExit('helpers are not demos')\n", encoding="utf-8")
    return folder


def test_find_demos_orders_known_demos_first_and_skips_helpers(demos):
    assert [p.stem for p in tour.find_demos(demos)] == ["activations", "bad", "good"]
    assert [p.stem for p in tour.find_demos(demos, ["good", "bad"])] == ["good", "bad"]
    with pytest.raises(ValueError, match=r"unknown demo.*nope.*available: activations, bad, good"):
        tour.find_demos(demos, ["nope"])
    with pytest.raises(FileNotFoundError, match="pass --demos DIR"):
        tour.find_demos(demos / "missing")


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_failing_demo_is_reported_and_the_others_still_make_the_gallery(demos, tmp_path, jobs):
    out = tmp_path / f"out{jobs}"
    results = tour.run(out, demos_dir=demos, jobs=jobs, progress=False)
    by_name = {r.name: r for r in results}
    assert [r.name for r in results] == ["activations", "bad", "good"]
    assert by_name["good"].error is None and by_name["activations"].error is None
    assert "this demo is broken on purpose" in by_name["bad"].error
    assert "about to fail" in by_name["bad"].output
    assert "the answer is 42" in by_name["good"].output
    assert by_name["good"].title == "Good <demo> & co"
    assert sorted(p.name for p in out.iterdir()) == [
        "activations.png", "activations.svg", "good_line.png", "good_line.svg", "index.html", "summary.txt"]
    page = (out / "index.html").read_text(encoding="utf-8")
    assert '<img src="good_line.png"' in page and '<a href="good_line.svg">' in page
    assert "Good &lt;demo&gt; &amp; co" in page and "&lt;b&gt;markup&lt;/b&gt;" in page
    assert "<b>markup</b>" not in page
    assert "this demo is broken on purpose" in page
    summary = (out / "summary.txt").read_text(encoding="utf-8")
    assert "3 demos" in summary and "FAILED: bad" in summary and "the answer is 42" in summary


def test_scripts_that_do_not_follow_the_demo_protocol(tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "no_title.py").write_text("def run(out):\n    return []\n", encoding="utf-8")
    (folder / "no_main.py").write_text("TITLE = 'x'\n\ndef run(out):\n    return []\n", encoding="utf-8")
    inproc = {r.name: r for r in tour.run(tmp_path / "a", demos_dir=folder, progress=False)}
    assert "no_title.py has no TITLE" in inproc["no_title"].error
    assert inproc["no_main"].error is None  # in-process only run() is needed
    sub = {r.name: r for r in tour.run(tmp_path / "b", demos_dir=folder, jobs=2, progress=False)}
    assert "wrote no picture list (does its __main__ call demo_main?)" in sub["no_main"].error


def test_docs_option_copies_the_key_pictures(demos, tmp_path):
    docs = tmp_path / "docs" / "images"
    tour.run(tmp_path / "out", demos_dir=demos, demos=["activations", "good"], progress=False, docs=docs)
    assert "activations" in tour.KEY_IMAGES and "good_line" not in tour.KEY_IMAGES
    assert [p.name for p in docs.iterdir()] == ["activations.png"]
    assert (docs / "activations.png").read_bytes() == (tmp_path / "out" / "activations.png").read_bytes()


def test_two_demos_writing_the_same_picture_is_an_error(tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    for stem in ("one", "two"):
        (folder / f"{stem}.py").write_text(GOOD.replace("{name}", "same"), encoding="utf-8")
    with pytest.raises(ValueError, match="same name: same"):
        tour.run(tmp_path / "out", demos_dir=folder, progress=False)


def test_plain_progress_lines_without_tqdm(demos, tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "tqdm", None)  # makes "from tqdm import tqdm" fail
    tour.run(tmp_path / "out", demos_dir=demos, demos=["good", "bad"], progress=True)
    err = capsys.readouterr().err
    assert re.search(r"\[1/2\] good \(\d+\.\d s\)", err)
    assert "[2/2] bad (FAILED)" in err


def test_tqdm_progress_bar(demos, tmp_path, capsys):
    pytest.importorskip("tqdm")
    tour.run(tmp_path / "out", demos_dir=demos, demos=["good", "activations"], progress=True)
    err = capsys.readouterr().err
    assert "tour: 100%" in err and "2/2" in err


def test_bad_jobs_value(demos, tmp_path):
    with pytest.raises(ValueError, match="jobs must be a positive int"):
        tour.run(tmp_path / "out", demos_dir=demos, jobs=0)


def test_demo_main_writes_the_manifest(tmp_path, demos):
    manifest = tmp_path / "m.json"
    proc = subprocess.run([sys.executable, str(demos / "good.py"), "--out", str(tmp_path / "o"),
                           "--manifest", str(manifest)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("== Good <demo> & co ==\nthe answer is 42\n")
    data = json.loads(manifest.read_text(encoding="utf-8"))
    assert data["pictures"][0]["name"] == "good_line" and data["pictures"][0]["formats"] == ["png", "svg"]


def test_cli_tour_subcommand(demos, tmp_path, capsys):
    out = tmp_path / "gallery"
    status = cli.main(["tour", "--out", str(out), "--demos", str(demos), "--only", "good", "--no-progress"])
    assert status == 0
    printed = capsys.readouterr().out
    assert "1 demos, 1 pictures" in printed and "index.html" in printed
    assert (out / "index.html").exists()
    assert cli.main(["tour", "--out", str(out), "--demos", str(demos), "--no-progress"]) == 1  # bad fails
    assert "demo bad FAILED" in capsys.readouterr().err
    assert cli.main(["tour", "--out", str(out), "--demos", str(demos), "--only", "nope"]) == 2
    assert "tinygrad-edu tour: error: unknown demo(s) nope" in capsys.readouterr().err


def test_module_entry_point_in_a_subprocess(demos, tmp_path):
    code = textwrap.dedent("""
        import sys
        from tinygrad_edu.tour import main
        raise SystemExit(main(sys.argv[1:]))
    """)
    proc = subprocess.run([sys.executable, "-c", code, "--out", str(tmp_path / "g"), "--demos", str(demos),
                           "--only", "good", "--no-progress"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "g" / "good_line.svg").exists()
    proc = subprocess.run([sys.executable, "-c", code, "--out", str(tmp_path / "g"), "--demos",
                           str(tmp_path / "nowhere")], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1 and "no demos folder" in proc.stderr and "Traceback" not in proc.stderr
