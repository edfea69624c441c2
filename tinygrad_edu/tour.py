"""The guided tour: run every demo, collect its pictures into an offline gallery.

``tinygrad-edu tour --out DIR`` (or ``python -m tinygrad_edu.tour --out DIR``)
runs each script of the ``demos/`` folder in this process, one after the
other, with a progress bar on a terminal (tqdm when installed, plain lines
otherwise; nothing when stderr goes to a file or a pipe);
``--jobs N`` runs them instead as separate ``python demos/NAME.py`` processes,
N at a time.  A demo that fails is reported (exit status 1) without stopping
the others.
Each demo prints its key numbers and saves its pictures as PNG and SVG; the
tour writes, next to them,

* ``index.html`` - the gallery: every picture with a caption saying what to
  look at, and the numbers each demo printed; it needs no network and opens
  from disk;
* ``summary.txt`` - the printed numbers of every demo, one block each.

A demo script is a module with a ``TITLE`` and ``run(out: Path) -> list[Picture]``
that prints and saves; its ``__main__`` block calls :func:`demo_main`, so the
same file runs alone as ``python demos/NAME.py --out DIR``.

``--docs DIR`` also copies the key pictures (:data:`KEY_IMAGES`) as PNG into
DIR; that is how the guide's images (``docs/images``) are regenerated:
``tinygrad-edu tour --out gallery --docs docs/images``.

``--lang zh`` writes the gallery in Chinese: the pictures' labels, the
captions and the page come from the tables of :mod:`tinygrad_edu.strings`
(a demo whose ``run`` takes ``lang`` gets it; ``demo_main`` accepts
``--lang``), and the demos draw their computation graphs and write
``explain`` with ``lang="zh"`` too (数据 / 梯度 in the boxes, Chinese
footnotes).  Without a CJK font it warns once and stays English.

Before running anything the tour checks what it needs: the ``viz`` extra
(matplotlib, graphviz) - else one line naming ``pip install "tinygrad_edu[viz]"``
and nothing is written - and that ``--out`` and ``--docs`` can be folders
(not empty, not a file, no file as a parent), that the gallery's own files
(``index.html``, ``summary.txt``) are not folders, and every ``--only`` name
(de-duplicated up front: ``--only activations activations`` runs it once), so a
bad argument writes nothing.  Every file the tour writes is written atomically and
replaces a symlink in its place instead of writing through it.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import html
import importlib
import importlib.util
import inspect
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: The order of the tour: from one activation to a trained network.  Demos in
#: the folder but not listed here run afterwards, in alphabetical order.
DEMO_ORDER = (
    "activations", "activation_loss", "bce_gradient", "bce_eps", "softmax_jacobian", "autograd_grad",
    "backprop_vs_gd", "chain_rule_graph", "backprop_written_out", "custom_function", "gradient_flow",
    "two_moons", "circles_spiral",
)

#: Pictures copied into the docs by ``--docs DIR`` (file stems; PNG).
KEY_IMAGES = (
    "activations", "activation_loss", "bce_eps", "bce_gradient", "softmax_jacobian",
    "gradient_flow_depth", "gradient_flow_init", "backprop_vs_gd", "two_moons_boundary",
    "two_moons_training",
)


@dataclass(frozen=True)
class Picture:
    """One picture of the gallery: the file stem in the output folder, a title, a caption.

    ``facts`` are the caption's ``{fields}`` as the demo formatted them from the
    numbers it computed (a caption carries no hand-typed number; a test checks
    both); ``formats`` lists the files written (``name.png``, ``name.svg``);
    ``links`` names other files written beside it that the gallery links to.
    """

    name: str
    title: str
    caption: str
    facts: dict[str, str] = field(default_factory=dict)
    formats: tuple[str, ...] = ("png", "svg")
    #: Other files the demo wrote next to the picture that the gallery links to (a page, say).
    links: tuple[str, ...] = ()

    def files(self, out: Path) -> list[Path]:
        """The picture's files inside ``out``."""
        return [out / f"{self.name}.{fmt}" for fmt in self.formats]


@dataclass
class DemoResult:
    """What one demo did: its printed text, pictures, run time, and the error if it failed."""

    name: str
    title: str
    output: str = ""
    pictures: list[Picture] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None


class MissingExtraError(ImportError):
    """The tour needs a package of the ``viz`` extra that is not installed."""


#: What the tour imports to draw: the packages of the ``viz`` extra.
REQUIRED_MODULES = ("matplotlib", "graphviz")


def check_requirements() -> None:
    """Raise :class:`MissingExtraError` (one line, naming the pip command) if a ``viz`` package is missing."""
    missing = []
    for module in REQUIRED_MODULES:
        try:
            importlib.import_module(module)
        except ImportError:
            missing.append(module)
    if missing:
        raise MissingExtraError(f"the tour draws with {' and '.join(missing)}, which "
                                f"{'is' if len(missing) == 1 else 'are'} not installed: "
                                'pip install "tinygrad_edu[viz]"')


def save_picture(fig: Any, out: str | Path, name: str, title: str, caption: str,
                 facts: dict[str, str] | None = None) -> Picture:
    """Save a matplotlib figure as ``out/name.png`` and ``.svg`` and describe it for the gallery.

    ``title, caption, facts`` are what ``plot_texts(lang).picture(name, **facts)`` returns.
    """
    from tinygrad_edu.plots.figure import save_figure

    paths = save_figure(fig, out, name)
    print(f"  wrote {', '.join(p.name for p in paths)}")
    return Picture(name, title, caption, dict(facts or {}))


def _takes_lang(run: Callable[..., Any]) -> bool:
    """Whether a demo's ``run`` accepts ``lang=`` (demos written before languages do not)."""
    try:
        params = inspect.signature(run).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.name == "lang" or p.kind is p.VAR_KEYWORD for p in params)


def _call_run(run: Callable[..., Any], out: Path, lang: str) -> list[Picture]:
    return list(run(out, lang=lang) if _takes_lang(run) else run(out))


def _demo_title(stem: str, fallback: str, lang: str) -> str:
    from tinygrad_edu import strings

    key = f"demo.{stem}.title"
    return strings.text(lang, key) if strings.has(lang, key) else fallback


def demo_main(run: Callable[..., list[Picture]], title: str, argv: Sequence[str] | None = None) -> int:
    """Command line of one demo script: ``--out DIR``, ``--lang en|zh``.

    Without ``--out`` the pictures go to ``tinygrad_edu_demos/`` in the
    system's temporary folder (never into a checkout); the demo prints where.

    The tour adds ``--manifest FILE`` to get the pictures and captions back as JSON.
    """
    parser = argparse.ArgumentParser(description=f"tinygrad_edu demo: {title}. Prints the key numbers "
                                     "and writes its pictures (PNG and SVG) into --out.")
    parser.add_argument("--out", default=None,
                        help="folder for the pictures (created if missing; default: tinygrad_edu_demos "
                             "in the system's temporary folder)")
    parser.add_argument("--lang", choices=("en", "zh"), default="en", help="language of the pictures")
    parser.add_argument("--manifest", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    out = Path(tempfile.gettempdir()) / "tinygrad_edu_demos" if args.out is None else Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stem = Path(inspect.getsourcefile(run) or "demo").stem
    print(f"== {_demo_title(stem, title, args.lang)} ==")
    pictures = _call_run(run, out, args.lang)
    missing = [str(p) for pic in pictures for p in pic.files(out) if not p.exists()]
    if missing:
        print(f"error: the demo did not write {', '.join(missing)}", file=sys.stderr)
        return 1
    if args.manifest:
        manifest = {"title": _demo_title(stem, title, args.lang),
                    "pictures": [dataclasses.asdict(pic) for pic in pictures]}
        Path(args.manifest).write_text(json.dumps(manifest), encoding="utf-8")
    else:
        print(f"pictures in {out.resolve()}")
    return 0


def default_demos_dir() -> Path:
    """The demo scripts: shipped inside the package by a wheel, else the checkout's ``demos/``."""
    here = Path(__file__).resolve().parent
    packaged = here / "demos"
    return packaged if packaged.is_dir() else here.parent / "demos"


def find_demos(demos_dir: Path | None = None, names: Sequence[str] | None = None) -> list[Path]:
    """Demo scripts in tour order (``names``: only these, in this order)."""
    folder = default_demos_dir() if demos_dir is None else Path(demos_dir)
    if not folder.is_dir():
        raise FileNotFoundError(
            f"no demos folder at {folder}: the tour runs the scripts of a source checkout's demos/ "
            "folder; run it from a clone of the repository (pip install -e .) or pass --demos DIR"
        )
    found = {p.stem: p for p in folder.glob("*.py") if not p.name.startswith("_")}
    if names is not None:
        names = list(dict.fromkeys(names))  # each demo once, in the order first named
        unknown = [n for n in names if n not in found]
        if unknown:
            raise ValueError(f"unknown demo(s) {', '.join(unknown)}; available: {', '.join(sorted(found))}")
        return [found[n] for n in names]
    ordered = [found[n] for n in DEMO_ORDER if n in found]
    return ordered + sorted((p for n, p in found.items() if n not in DEMO_ORDER), key=lambda p: p.stem)


def load_demo(path: Path) -> Any:
    """Import a demo script as a module (its ``__main__`` block does not run)."""
    spec = importlib.util.spec_from_file_location(f"tinygrad_edu_demo_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load demo {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for attr in ("TITLE", "run"):
        if not hasattr(module, attr):
            raise AttributeError(f"demo {path.name} has no {attr}; a demo defines TITLE and run(out)")
    return module


class _Tee(io.TextIOBase):
    """Write to a buffer (for the summary) and, optionally, to the terminal too."""

    def __init__(self, echo: Any | None) -> None:
        self.buffer_ = io.StringIO()
        self.echo = echo

    def write(self, s: str) -> int:
        self.buffer_.write(s)
        if self.echo is not None:
            self.echo.write(s)
        return len(s)


def run_demo(path: Path, out: Path, *, echo: Any | None = None, lang: str = "en") -> DemoResult:
    """Run one demo in this process, capturing what it prints; errors are recorded, not raised."""
    result = DemoResult(path.stem, path.stem)
    tee = _Tee(echo)
    start = time.perf_counter()
    try:
        with contextlib.redirect_stdout(tee):
            module = load_demo(path)
            result.title = _demo_title(path.stem, str(module.TITLE), lang)
            print(f"== {result.title} ==")
            result.pictures = _call_run(module.run, out, lang)
        missing = [p.name for pic in result.pictures for p in pic.files(out) if not p.exists()]
        if missing:
            raise FileNotFoundError(f"demo {path.name} reported pictures it did not write: {missing}")
    except Exception:  # one broken demo must not hide the others
        result.error = traceback.format_exc()
    result.seconds = time.perf_counter() - start
    result.output = tee.buffer_.getvalue()
    return result


def run_demo_subprocess(path: Path, out: Path, *, timeout: float = 600.0, lang: str = "en") -> DemoResult:
    """Run one demo as ``python demos/NAME.py --out DIR`` in a fresh interpreter; errors are recorded."""
    result = DemoResult(path.stem, path.stem)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        manifest = Path(tmp) / "pictures.json"
        env = dict(os.environ, PYTHONIOENCODING="utf-8", MPLBACKEND="Agg")
        try:
            command = [sys.executable, str(path), "--out", str(out), "--manifest", str(manifest)]
            if lang != "en":  # demos that know no --lang still run in English
                command += ["--lang", lang]
            proc = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", env=env,
                                  timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            result.error = f"demo {path.name} did not finish within {timeout:g} s"
            result.seconds = time.perf_counter() - start
            return result
        result.output = proc.stdout
        if proc.returncode != 0:
            result.error = f"exit status {proc.returncode}\n{proc.stderr}"
        elif not manifest.exists():
            result.error = f"demo {path.name} wrote no picture list (does its __main__ call demo_main?)"
        else:
            data = json.loads(manifest.read_text(encoding="utf-8"))
            result.title = str(data["title"])
            result.pictures = [Picture(p["name"], p["title"], p["caption"], dict(p.get("facts", {})),
                                       tuple(p["formats"]), tuple(p.get("links", ())))
                               for p in data["pictures"]]
    result.seconds = time.perf_counter() - start
    return result


def _is_terminal(stream: Any) -> bool:
    """Whether ``stream`` is a terminal someone watches (not a file, a pipe or a CI log)."""
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):  # no isatty, or a closed stream
        return False


class _Progress:
    """A progress bar over the demos: tqdm when installed, one line per demo otherwise, or nothing."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.total = total
        self.done = 0
        self.bar: Any = None
        self.enabled = enabled
        if enabled:
            try:
                from tqdm import tqdm
            except ImportError:
                pass
            else:
                self.bar = tqdm(total=total, desc="tour", unit="demo", file=sys.stderr)

    def finished(self, result: DemoResult) -> None:
        self.done += 1
        status = "FAILED" if result.error else f"{result.seconds:.1f} s"
        if self.bar is not None:
            self.bar.set_postfix_str(f"{result.name} ({status})")
            self.bar.update(1)
        elif self.enabled:
            print(f"[{self.done}/{self.total}] {result.name} ({status})", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def run(out: str | Path, *, demos: Sequence[str] | None = None, demos_dir: str | Path | None = None,
        jobs: int = 1, progress: bool | None = None, verbose: bool = False,
        docs: str | Path | None = None, lang: str | None = None) -> list[DemoResult]:
    """Run the tour into ``out``: every demo, then ``index.html`` and ``summary.txt``.

    ``jobs=1`` runs the demos one after the other in this process; ``jobs > 1``
    runs each as its own ``python demos/NAME.py --out DIR`` process, that many
    at a time.  ``progress``: a bar (or one line per demo) on stderr - by
    default only when stderr is a terminal, never into a file or a pipe;
    True shows it anyway, False never.  ``demos`` picks some demos by name
    (each once); ``verbose`` echoes what the demos print (in-process only);
    ``docs`` copies the key pictures there; ``lang`` ("en" or "zh") is the
    language of the pictures, captions and page (None: the language set by
    ``tinygrad_edu.set_language``; the command line passes its ``--lang`` and
    so does not read it).  Everything is checked before anything runs or is
    written: the arguments, the ``viz`` extra, the output folders, the demos.
    Returns one result per demo, in tour order.
    """
    from tinygrad_edu import strings

    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs must be a positive int, got {jobs!r}")
    lang = strings.resolve(lang)
    check_requirements()
    from tinygrad_edu.plots.figure import check_folder
    from tinygrad_edu.plots.fonts import plot_texts

    out_dir = check_folder(out, "output folder (--out)")
    docs_dir = None if docs is None else check_folder(docs, "docs folder (--docs)")
    paths = find_demos(None if demos_dir is None else Path(demos_dir), demos)
    for fixed in ("index.html", "summary.txt"):  # the files written last: writable, checked first
        target = out_dir / fixed
        if target.is_dir() and not target.is_symlink():
            raise OSError(f"cannot write {target}: it is a directory (nothing was written)")
    lang = plot_texts(lang).lang  # "zh" without a CJK font: one warning, and English throughout
    out_dir.mkdir(parents=True, exist_ok=True)
    if progress is None:
        progress = _is_terminal(sys.stderr)
    bar = _Progress(len(paths), bool(progress))
    results: dict[Path, DemoResult] = {}
    try:
        if jobs == 1:
            for path in paths:
                results[path] = run_demo(path, out_dir, echo=sys.stdout if verbose else None, lang=lang)
                bar.finished(results[path])
        else:
            with ThreadPoolExecutor(max_workers=jobs) as pool:
                futures = {pool.submit(run_demo_subprocess, path, out_dir, lang=lang): path
                           for path in paths}
                for future in as_completed(futures):
                    results[futures[future]] = future.result()
                    bar.finished(results[futures[future]])
    finally:
        bar.close()
    ordered = [results[p] for p in paths]
    names = [pic.name for r in ordered for pic in r.pictures]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"two demos wrote pictures with the same name: {', '.join(duplicates)}")
    write_summary(out_dir, ordered)
    write_gallery(out_dir, ordered, lang=lang)
    if docs_dir is not None:
        copy_key_images(out_dir, docs_dir, ordered)
    return ordered


def _write_text(path: Path, text: str) -> Path:
    from tinygrad_edu.plots.figure import write_file

    return write_file(path, text.encode("utf-8"))


def copy_key_images(out: Path, docs: Path, results: Iterable[DemoResult]) -> list[Path]:
    """Copy the PNG of every picture named in :data:`KEY_IMAGES` from ``out`` into ``docs``."""
    from tinygrad_edu.plots.figure import write_file

    produced = {pic.name for r in results for pic in r.pictures}
    copied = []
    for name in KEY_IMAGES:
        if name in produced:
            copied.append(write_file(docs / f"{name}.png", (out / f"{name}.png").read_bytes()))
    return copied


def write_summary(out: Path, results: Sequence[DemoResult]) -> Path:
    """``summary.txt``: every demo's printed numbers, run time and status."""
    total = sum(r.seconds for r in results)
    failed = [r.name for r in results if r.error]
    lines = [f"tinygrad_edu guided tour: {len(results)} demos, {total:.1f} s of demo time, "
             + ("all succeeded" if not failed else f"FAILED: {', '.join(failed)}"), ""]
    for r in results:
        lines.append(f"--- {r.name} ({r.seconds:.2f} s){' FAILED' if r.error else ''}")
        lines.append(r.output.rstrip())
        if r.error:
            lines.append(r.error.rstrip())
        lines.append("")
    return _write_text(out / "summary.txt", "\n".join(lines))


_STYLE = """
body { font-family: sans-serif; max-width: 1200px; margin: 2em auto; padding: 0 1em; color: #222; }
h1 { margin-bottom: 0.2em; } h2 { border-bottom: 1px solid #ccc; padding-bottom: 0.2em; margin-top: 2em; }
figure { margin: 1.2em 0; } img { max-width: 100%; border: 1px solid #ddd; }
figcaption { margin-top: 0.4em; line-height: 1.45; } figcaption b { display: block; }
pre { background: #f6f6f6; padding: 0.8em; overflow-x: auto; font-size: 0.9em; }
.error { color: #a00; } nav a { margin-right: 1em; } .small { color: #666; font-size: 0.9em; }
"""


def _open_line(words: Mapping[str, str], name: str) -> str:
    """"Open <a href=name>name</a>": a file a demo wrote beside its picture (escaped)."""
    link = f'<a href="{html.escape(name)}">{html.escape(name)}</a>'
    return html.escape(words["page.open"]).format(link=link)


def write_gallery(out: Path, results: Sequence[DemoResult], *, lang: str = "en") -> Path:
    """``index.html``: one section per demo, each picture with its caption; works offline.

    The page's own words come from the table of ``lang`` in :mod:`tinygrad_edu.strings`.
    """
    from tinygrad_edu import strings

    e = html.escape
    words = strings.table(lang)
    intro = e(words["page.intro"]).format(backward="<code>backward()</code>",
                                          numbers=f"<i>{e(words['page.numbers'])}</i>",
                                          summary='<a href="summary.txt">summary.txt</a>')
    lang_option = f" --lang {e(lang)}" if lang != "en" else ""
    parts = ["<!DOCTYPE html>", f'<html lang="{e(lang)}"><head><meta charset="utf-8">',
             f"<title>{e(words['page.title'])}</title>", f"<style>{_STYLE}</style></head><body>",
             f"<h1>{e(words['page.h1'])}</h1>", f'<p class="small">{intro}</p>', "<nav>"]
    parts += [f'<a href="#{e(r.name)}">{e(r.title)}</a>' for r in results]
    parts.append("</nav>")
    for r in results:
        parts.append(f'<section id="{e(r.name)}"><h2>{e(r.title)}</h2>')
        command = f"<code>python demos/{e(r.name)}.py --out DIR{lang_option}</code>"
        demo_line = e(words["page.demo"]).format(command=command, seconds=f"{r.seconds:.1f}")
        parts.append(f'<p class="small">{demo_line}</p>')
        if r.error:
            parts.append(f'<p class="error">{e(words["page.failed"])}</p>'
                         f'<pre class="error">{e(r.error)}</pre>')
        for pic in r.pictures:
            png, svg = f"{pic.name}.png", f"{pic.name}.svg"
            link = svg if "svg" in pic.formats else png
            parts.append(f'<figure><a href="{e(link)}"><img src="{e(png)}" alt="{e(pic.title)}"></a>'
                         f"<figcaption><b>{e(pic.title)}</b>{e(pic.caption)}</figcaption>"
                         + "".join(f'<p class="small">{_open_line(words, name)}</p>' for name in pic.links)
                         + "</figure>")
        parts.append(f"<details><summary>{e(words['page.numbers'])}</summary>"
                     f"<pre>{e(r.output.rstrip())}</pre></details>")
        parts.append("</section>")
    parts.append("</body></html>")
    return _write_text(out / "index.html", "\n".join(parts) + "\n")


def build_parser(parser: argparse.ArgumentParser | None = None) -> argparse.ArgumentParser:
    """The tour's options (shared with ``tinygrad-edu tour``)."""
    p = parser or argparse.ArgumentParser(prog="python -m tinygrad_edu.tour",
                                          description="Run every demo and build an offline picture gallery.")
    p.add_argument("--out", required=True, help="output folder (pictures, index.html, summary.txt)")
    p.add_argument("--only", nargs="+", metavar="DEMO", help="run only these demos (by file stem)")
    p.add_argument("--demos", metavar="DIR", help="folder of demo scripts (default: the checkout's demos/)")
    p.add_argument("--docs", metavar="DIR", help="also copy the key pictures (PNG) into DIR")
    p.add_argument("--lang", choices=("en", "zh"), default="en",
                   help="language of the pictures, captions and page (zh needs a CJK font; default en)")
    p.add_argument("--jobs", "-j", type=int, default=1, metavar="N",
                   help="run N demos at a time, each in its own process (default 1: one by one, in-process; "
                        "on 2 cores 2 jobs took longer than 1: each process imports matplotlib anew)")
    p.add_argument("--no-progress", action="store_true",
                   help="no progress bar (there is none anyway when stderr is not a terminal)")
    p.add_argument("-v", "--verbose", action="store_true", help="echo what the demos print")
    return p


def main_from_args(args: argparse.Namespace) -> int:
    """Run the tour for parsed arguments and say where the gallery is.

    Exit status 0, or 1 when a demo failed (the gallery is still written, with
    the failure in it).  A bad argument raises ValueError, a missing demos
    folder FileNotFoundError; the callers turn those into one-line errors.
    """
    start = time.perf_counter()
    results = run(args.out, demos=args.only, demos_dir=args.demos, jobs=args.jobs,
                  progress=False if args.no_progress else None, verbose=args.verbose, docs=args.docs,
                  lang=args.lang)
    out = Path(args.out)
    n_pictures = sum(len(r.pictures) for r in results)
    print(f"{len(results)} demos, {n_pictures} pictures in {time.perf_counter() - start:.1f} s")
    print(f"gallery: {out / 'index.html'}   numbers: {out / 'summary.txt'}")
    failed = [r for r in results if r.error]
    for r in failed:
        print(f"demo {r.name} FAILED:\n{r.error}", file=sys.stderr)
    return 1 if failed else 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m tinygrad_edu.tour --out DIR [--only DEMO ...] [--docs DIR] [--jobs N]``."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return main_from_args(args)
    except ValueError as exc:
        print(f"{parser.prog}: error: {exc}", file=sys.stderr)
        return 2
    except (OSError, ImportError) as exc:
        print(f"{parser.prog}: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
