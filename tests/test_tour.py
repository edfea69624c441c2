"""The tour's machinery on small demo folders made here: ordering, failures, gallery, summary, CLI."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("matplotlib", reason="the tour's pictures need the viz extra")

from tinygrad_edu import cli, tour

ROOT = Path(__file__).resolve().parent.parent

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


# ------------------------------------------------------------------ checked up front, nothing half-written
LANG_DEMO = '''
from tinygrad_edu.plots import new_figure, plot_texts
from tinygrad_edu.tour import demo_main, save_picture

TITLE = "Speaks two languages"


def run(out, lang="en"):
    t = plot_texts(lang)
    with t.fonts():
        fig = new_figure(1.5, 1.5)
        ax = fig.add_subplot()
        ax.plot([0, 1], [1, 0])
        ax.set_title(t("term.vanishing"))
    return [save_picture(fig, out, "bilingual", t("term.backprop"), t("term.gd"))]


if __name__ == "__main__":
    raise SystemExit(demo_main(run, TITLE))
'''


def test_only_names_are_deduplicated_up_front(demos, tmp_path):
    results = tour.run(tmp_path / "g", demos_dir=demos, demos=["good", "good", "activations", "good"],
                       progress=False)
    assert [r.name for r in results] == ["good", "activations"]
    assert all(r.error is None for r in results)


def test_an_empty_out_is_refused_and_nothing_is_written(demos, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "index.html").write_text("the user's own page", encoding="utf-8")
    status = cli.main(["tour", "--out", "", "--demos", str(demos), "--only", "good", "--no-progress"])
    assert status == 2
    err = capsys.readouterr().err.strip()
    assert err == ('tinygrad-edu tour: error: the output folder (--out) is empty (""): '
                   'name a folder, e.g. "gallery"')
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demos", "index.html"]
    assert (tmp_path / "index.html").read_text(encoding="utf-8") == "the user's own page"


@pytest.mark.parametrize("option", ["--out", "--docs"])
def test_a_file_where_a_folder_should_be_says_not_a_directory(demos, tmp_path, capsys, option):
    afile = tmp_path / "afile"
    afile.write_text("x", encoding="utf-8")
    other = ["--docs", str(tmp_path / "docs")] if option == "--out" else ["--out", str(tmp_path / "g")]
    for target, why in ((afile, "it is a file"), (afile / "sub", f"{afile} is a file")):
        status = cli.main(["tour", option, str(target), *other, "--demos", str(demos), "--only", "good",
                           "--no-progress"])
        assert status == 1
        err = capsys.readouterr().err.strip()
        assert f"{target} is not a directory ({why})" in err and "\n" not in err
        assert "Errno" not in err and ".tmp" not in err
    assert not (tmp_path / "g").exists() and not (tmp_path / "docs").exists()  # checked before running


def test_the_gallery_replaces_symlinks_and_never_writes_through_them(demos, tmp_path):
    out = tmp_path / "g"
    out.mkdir()
    own = tmp_path / "own.html"
    own.write_text("the user's own page", encoding="utf-8")
    (out / "index.html").symlink_to(own)
    (out / "good_line.png").symlink_to(own)
    tour.run(out, demos_dir=demos, demos=["good"], progress=False)
    assert own.read_text(encoding="utf-8") == "the user's own page"
    assert not (out / "index.html").is_symlink()
    assert "<!DOCTYPE html>" in (out / "index.html").read_text("utf-8")
    assert not (out / "good_line.png").is_symlink()


def test_a_write_error_names_the_users_path_not_a_temporary_file(demos, tmp_path, capsys):
    out = tmp_path / "g"
    (out / "index.html").mkdir(parents=True)  # index.html cannot be written: it is a folder
    status = cli.main(["tour", "--out", str(out), "--demos", str(demos), "--only", "good", "--no-progress"])
    assert status == 1
    err = capsys.readouterr().err.strip()
    assert f"cannot write {out / 'index.html'}" in err and ".tmp" not in err
    assert [p.name for p in out.iterdir()] == ["index.html"]  # checked before any demo ran: no picture


def test_a_demo_named_twice_on_the_command_line_runs_once_and_writes_once(demos, tmp_path, capsys):
    out = tmp_path / "g"
    status = cli.main(["tour", "--out", str(out), "--demos", str(demos),
                       "--only", "activations", "activations", "--no-progress"])
    assert status == 0, capsys.readouterr().err
    assert capsys.readouterr().out.startswith("1 demos, 1 pictures in ")
    assert sorted(p.name for p in out.iterdir()) == ["activations.png", "activations.svg", "index.html",
                                                     "summary.txt"]
    assert (out / "index.html").read_text(encoding="utf-8").count('src="activations.png"') == 1


def test_a_bad_only_name_beside_a_good_one_writes_nothing(demos, tmp_path, capsys):
    out = tmp_path / "g"
    status = cli.main(["tour", "--out", str(out), "--demos", str(demos), "--only", "activations", "nosuch",
                       "activations", "--no-progress"])
    assert status == 2
    assert "unknown demo(s) nosuch" in capsys.readouterr().err
    assert not out.exists()


def test_without_the_viz_extra_the_tour_exits_1_with_one_line_and_writes_nothing(tmp_path):
    code = ("import sys; sys.modules['matplotlib'] = None\n"
            "from tinygrad_edu.cli import main\nraise SystemExit(main(sys.argv[1:]))\n")
    proc = subprocess.run([sys.executable, "-c", code, "tour", "--out", str(tmp_path / "g")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and 'pip install "tinygrad_edu[viz]"' in lines[0] and "matplotlib" in lines[0]
    assert not (tmp_path / "g").exists()


@pytest.mark.parametrize("jobs", [1, 2])
def test_lang_zh_writes_a_chinese_page_and_passes_lang_to_demos_that_take_it(demos, tmp_path, jobs):
    (demos / "bilingual.py").write_text(LANG_DEMO, encoding="utf-8")
    out = tmp_path / f"zh{jobs}"
    results = tour.run(out, demos_dir=demos, demos=["bilingual", "good"], jobs=jobs, progress=False,
                       lang="zh")
    assert [r.error for r in results] == [None, None]
    page = (out / "index.html").read_text(encoding="utf-8")
    assert '<html lang="zh">' in page and "<title>tinygrad_edu 导览</title>" in page
    assert "<b>误差反向传播</b>梯度下降" in page  # the demo's own picture title and caption, in Chinese
    assert "Caption with &lt;b&gt;markup&lt;/b&gt;" in page  # a demo without lang still runs, in English
    assert "python demos/good.py --out DIR --lang zh" in page
    with pytest.raises(ValueError, match='lang must be "en" or "zh"'):
        tour.run(tmp_path / "x", demos_dir=demos, lang="de")
    assert not (tmp_path / "x").exists()


def test_lang_zh_without_a_cjk_font_warns_once_and_stays_english(demos, tmp_path, monkeypatch):
    from tinygrad_edu.plots import fonts

    (demos / "bilingual.py").write_text(LANG_DEMO, encoding="utf-8")
    monkeypatch.setattr(fonts, "find_cjk_font", lambda: None)
    monkeypatch.setattr(fonts, "_warned", [])
    with pytest.warns(fonts.CJKFontWarning, match="fonts-wqy-microhei") as record:
        tour.run(tmp_path / "g", demos_dir=demos, demos=["bilingual"], progress=False, lang="zh")
    assert len(record) == 1
    page = (tmp_path / "g" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in page and "<b>back-propagation</b>gradient descent" in page


def test_no_progress_bar_into_redirected_output(demos, tmp_path):
    """``tinygrad-edu tour --out DIR 2> log``: stderr is a file, so no bar and no progress lines go there."""
    log = tmp_path / "stderr.txt"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    with open(log, "w", encoding="utf-8") as err:
        proc = subprocess.run([sys.executable, "-m", "tinygrad_edu", "tour", "--out", str(tmp_path / "out"),
                               "--demos", str(demos), "--only", "good"], stdout=subprocess.PIPE,
                              stderr=err, text=True, env=env, check=False)
    assert proc.returncode == 0, log.read_text(encoding="utf-8")
    text = log.read_text(encoding="utf-8")
    assert "tour:" not in text and "[1/1]" not in text and "%|" not in text, text
    assert (tmp_path / "out" / "index.html").exists()


def test_progress_shows_on_a_terminal_by_default(demos, tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setattr(tour, "_is_terminal", lambda stream: True)
    tour.run(tmp_path / "out", demos_dir=demos, demos=["good"])
    assert "[1/1] good" in capsys.readouterr().err
    monkeypatch.setattr(tour, "_is_terminal", lambda stream: False)
    tour.run(tmp_path / "out2", demos_dir=demos, demos=["good"])
    assert "[1/1] good" not in capsys.readouterr().err


def test_a_demo_without_out_writes_into_the_temp_folder_not_the_current_one(demos, tmp_path):
    cwd, tmp = tmp_path / "cwd", tmp_path / "tmp"
    cwd.mkdir()
    tmp.mkdir()
    env = dict(os.environ, PYTHONPATH=str(ROOT), TMPDIR=str(tmp), MPLBACKEND="Agg")
    proc = subprocess.run([sys.executable, str(demos / "good.py")], cwd=cwd, capture_output=True, text=True,
                          env=env, check=False)
    assert proc.returncode == 0, proc.stderr
    assert list(cwd.iterdir()) == []
    written = tmp / "tinygrad_edu_demos"
    assert sorted(p.name for p in written.iterdir()) == ["good_line.png", "good_line.svg"]
    assert f"pictures in {written.resolve()}" in proc.stdout


def _git(*args):
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)


def test_no_committed_file_is_ignored_and_the_readme_pictures_folder_is():
    if _git("rev-parse", "--is-inside-work-tree").stdout.strip() != "true":
        pytest.skip("not a git checkout (an sdist): nothing is committed here")
    # a committed file that .gitignore also lists (docs/concepts.md was one)
    assert _git("ls-files", "--cached", "--ignored", "--exclude-standard").stdout == ""
    # `python3 demos/activation_loss.py --out pictures` (the README's command) leaves nothing untracked
    assert _git("check-ignore", "-q", "pictures/activation_loss.png").returncode == 0
