"""The graph command's outputs: all or nothing, standard output vs standard error, exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tinygrad_edu.cli import main
from tinygrad_edu.viz.expr import parse_expression
from tinygrad_edu.viz.graph import graph_source

NEURON = ["graph", "sigmoid(w*x + b)", "--set", "x=1", "w=2", "b=0"]


def run(*args: str, cwd: Path, env: dict[str, str] | None = None,
        prelude: str = "") -> subprocess.CompletedProcess[bytes]:
    code = f"{prelude}\nimport sys\nfrom tinygrad_edu.cli import main\nsys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, env=env, capture_output=True,
                          timeout=60)


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("tinygrad-edu") and "error:" in lines[0] and "Traceback" not in err
    return lines[0]


def test_a_bad_second_output_writes_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("not a folder")
    status = main(["graph", "x*2", "--set", "x=1", "-o", "ok.svg", "--html", "afile/p.html"])
    assert status == 1
    assert "afile is a file, not a directory" in one_error_line(capsys.readouterr().err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]        # ok.svg was not written


def test_the_same_file_twice_writes_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["graph", "x*2", "--set", "x=1", "-o", "g.dot", "--html", "./g.dot"]) == 1
    assert "named as two outputs" in one_error_line(capsys.readouterr().err)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_layout_leaves_the_other_file_unwritten(tmp_path, monkeypatch, capsys):
    """The step page needs dot; without it nothing is written, not even the .dot picture asked for."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    assert main(["graph", "x*2", "--set", "x=1", "-o", "g.dot", "--html", "p.html"]) == 1
    assert "graphviz" in one_error_line(capsys.readouterr().err).lower()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("option", ["-o", "--html"])
def test_empty_file_names_are_refused(option, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["graph", "x*2", "--set", "x=1", option, ""]) == 2
    assert f"{option} got an empty file name" in one_error_line(capsys.readouterr().err)
    assert list(tmp_path.iterdir()) == []


def test_outputs_replace_a_symlink_and_leave_its_target(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "precious.txt"
    target.write_text("keep me")
    (tmp_path / "g.dot").symlink_to(target)
    (tmp_path / "p.html").symlink_to(target)
    assert main([*NEURON, "-o", "g.dot", "--html", "p.html"]) == 0
    assert target.read_text() == "keep me"
    for name in ("g.dot", "p.html"):
        assert not (tmp_path / name).is_symlink() and (tmp_path / name).stat().st_size > 100
    assert (tmp_path / "g.dot").read_text().startswith("digraph")


@pytest.mark.parametrize("expr", ["x*1e999 - x*1e999", "x*0 + exp(-1e999)", "x + 1e400"])
def test_non_finite_literals_are_refused(expr, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["graph", expr, "--set", "x=1", "--explain"]) == 2
    captured = capsys.readouterr()
    assert "too large for a float" in one_error_line(captured.err) and captured.out == ""


def test_the_result_never_takes_a_variables_name(capsys):
    assert main(["graph", "tanh(x)*y + x**2", "--set", "x=0.5", "y=2", "--explain"]) == 0
    out = capsys.readouterr().out
    assert "#" not in out
    assert out.splitlines()[0].startswith("f = ")
    assert "df/dy = " in out and "df/dx = " in out
    assert main(["graph", "f*y + out", "--set", "y=1", "f=2", "out=3", "--explain"]) == 0
    assert capsys.readouterr().out.startswith("result = ")


def test_a_label_that_is_a_variable_is_refused(capsys):
    assert main(["graph", "x*x", "--set", "x=2", "--label", "x"]) == 2
    assert "'x' is already a variable" in one_error_line(capsys.readouterr().err)


@pytest.mark.parametrize(("args", "hint"), [
    (["graph", "x*x", "--set", "x=2", "--bogus"], "unrecognized arguments: --bogus"),
    (["graph"], "required: expression"),
    (["graph", "x", "--set", "x=1", "--rankdir", "XY"], "invalid choice: 'XY'"),
    (["frob"], "invalid choice: 'frob'"),
    (["graph", "x", "--set", "x=1", "--max-nodes", "many"], "invalid int value"),
])
def test_argument_errors_are_one_line_with_a_help_hint(args, hint, capsys):
    with pytest.raises(SystemExit) as info:
        main(args)
    assert info.value.code == 2
    line = one_error_line(capsys.readouterr().err)
    assert hint in line and "--help" in line


def test_help_lists_the_exit_codes(capsys):
    for argv in (["--help"], ["graph", "--help"], ["tour", "--help"]):
        with pytest.raises(SystemExit):
            main(argv)
        out = capsys.readouterr().out
        assert "exit status:" in out
        for code in ("0 ", "1 ", "2 ", "130"):
            assert f"\n  {code}" in out


def test_dash_writes_dot_to_stdout_and_status_to_stderr(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main([*NEURON, "-o", "-", "--html", "p.html"]) == 0
    captured = capsys.readouterr()
    root, _ = parse_expression("sigmoid(w*x + b)", {"x": 1, "w": 2, "b": 0})
    root.label = "y"
    root.backward()
    assert captured.out == graph_source(root)
    assert captured.err == "wrote p.html\n"


@pytest.mark.parametrize(("fmt", "magic"),
                         [("svg", b"<?xml"), ("png", b"\x89PNG\r\n\x1a\n"), ("pdf", b"%PDF")])
def test_dash_with_format_writes_the_picture_bytes(fmt, magic, tmp_path):
    r = run(*NEURON, "-o", "-", "--format", fmt, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(magic) and r.stderr == b""
    if fmt == "svg":
        texts = ["".join(t.itertext()) for t in ET.fromstring(r.stdout).iter("{http://www.w3.org/2000/svg}text")]
        assert "data 0.8808" in texts
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("args", "message"), [
    (["-o", "-", "--explain"], "both write to standard output"),
    (["-o", "g.svg", "--format", "png"], "--format is for -o -"),
    (["--format", "svg"], "--format is for -o -"),
    (["--html", "-"], "--html needs a file name"),
])
def test_conflicting_stdout_requests_are_refused(args, message, capsys):
    assert main([*NEURON, *args]) == 2
    assert message in one_error_line(capsys.readouterr().err)


def test_explain_and_dot_need_no_extra_and_no_graphviz(tmp_path):
    """No graphviz Python package, no dot program: --explain, -o x.dot and -o - still work."""
    env = {**os.environ, "PATH": str(tmp_path / "no-bin")}
    hide = "import sys; sys.modules['graphviz'] = None; sys.modules['matplotlib'] = None"
    r = run(*NEURON, "--explain", cwd=tmp_path, env=env, prelude=hide)
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode().startswith("y = σ(u2) = 0.8808")
    r = run(*NEURON, "-o", "n.dot", cwd=tmp_path, env=env, prelude=hide)
    assert r.returncode == 0 and r.stderr == b"wrote n.dot\n", r.stderr
    assert (tmp_path / "n.dot").read_text().startswith("digraph")
    r = run(*NEURON, "-o", "-", cwd=tmp_path, env=env, prelude=hide)
    assert r.returncode == 0 and r.stdout.decode() == (tmp_path / "n.dot").read_text()


@pytest.mark.parametrize(("expr", "values", "name"), [
    ("tanh(x)", {"x": 0.5}, "x"),
    ("x*w", {"x": 0.5, "w": 3.0}, "w"),
])
def test_a_one_edge_path_prints_the_chain_once(expr, values, name):
    from tinygrad_edu.viz.explain import explain

    root, leaves = parse_expression(expr, values)
    root.label = "y"
    root.backward()
    lines = str(explain(root)).splitlines()
    line = next(ln for ln in lines if ln.startswith(f"dy/d{name} ="))
    assert line == f"dy/d{name} = {leaves[name].grad:.4f}"


def test_code_prints_the_compiled_program_of_the_expression(capsys):
    import ast

    import tinygrad_edu as tg

    assert main([*NEURON, "--code"]) == 0
    out = capsys.readouterr().out
    root, leaves = parse_expression("sigmoid(w*x + b)", {"x": 1, "w": 2, "b": 0})
    root.label = "y"
    step = tg.compile(lambda: root, list(leaves.values()))
    assert out == step.source + ("" if step.source.endswith("\n") else "\n")
    ast.parse(out)                                        # a real Python program
    assert "def step(" in out and "d_w = " in out
    step()                                                # the program's gradients are backward()'s
    grads = {n: v.grad for n, v in leaves.items()}
    for v in leaves.values():
        v.grad = 0.0
    root.backward()
    assert grads == {n: v.grad for n, v in leaves.items()}


def test_code_refuses_a_lone_variable_and_a_shared_stdout(capsys):
    assert main(["graph", "x", "--set", "x=1", "--code"]) == 2
    assert "at least one operation" in one_error_line(capsys.readouterr().err)
    assert main([*NEURON, "--code", "-o", "-"]) == 2
    assert "-o - and --code both write" in one_error_line(capsys.readouterr().err)
