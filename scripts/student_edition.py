"""Make the student edition: notebooks without solutions, and the HTML book built from them.

    python scripts/student_edition.py                     # student/ : notebooks + HTML book (student/_build/html)
    python scripts/student_edition.py --notebooks-only    # student/chapters/*.ipynb only, no HTML build
    python scripts/student_edition.py --out /tmp/course --chapter 05_momentum --chapter 07_adam --notebooks-only
    python scripts/student_edition.py --repository-url https://github.com/me/course-2027   # keep launch buttons

What changes, chapter by chapter (the instructor notebooks in chapters/ are only read):
- code between `### BEGIN SOLUTION` and `### END SOLUTION` becomes `raise NotImplementedError()`, by nbgrader's
  own ClearSolutions preprocessor (used standalone: no nbgrader database, course directory or server), and the
  output of each such cell is cleared; the self-check call after the stub stays, so learners check their work;
- `{solution}` blocks are removed from the Markdown cells (found with the same Markdown parser the book uses);
- code cells tagged `solution` (the hidden cells that compute and glue the numbers a solution quotes) are dropped;
- everything else, outputs included, is kept, so the HTML book shows every figure without executing a stub.

The folder `student/` is complete on its own, ready to be pushed as a course repository: Binder and JupyterHub
install it from requirements.txt, runtime.txt and the package in code/ (copied without its tests and without
descent/checks/hidden.py, the autograder's instructor-only cases). Its book's `_config.yml` is generated from the
instructor `_config.yml` with `execute_notebooks: "off"` and sphinx-exercise's `hide_solutions: true` (so a
`{solution}` anywhere else in the book is dropped as well); the instructor guide is left out of its table of
contents. Launch buttons are removed unless `--repository-url` names a repository that
holds the student notebooks: those in this repository have solutions.
"""

import argparse
import pathlib
import re
import shutil
import subprocess
import sys

import nbformat
import yaml
from markdown_it import MarkdownIt
from mdit_py_plugins.colon_fence import colon_fence_plugin
from nbgrader.preprocessors import ClearSolutions

ROOT = pathlib.Path(__file__).resolve().parent.parent
MARKER = ".student-edition"  # marks a folder this script made, so that it may replace it
INSTRUCTOR_ONLY = {"instructor_guide"}  # toc entries left out of the student book
INSTRUCTOR_ONLY_MODULES = ("hidden.py",)  # modules of descent left out of the student package: the hidden cases
STUB_LINE = "raise NotImplementedError()"
SOLUTION_TAG = "solution"  # a cell with this tag belongs to a solution: the student edition drops it
RUN_FILES = ["requirements.txt", "runtime.txt"]  # with code/, what Binder or a JupyterHub installs from
INCLUDE = re.compile(r"^```\{include\}\s+(\S+)", re.M)  # files a markdown page pulls in at build time


# ----------------------------------------------------------------------------------------------- notebooks
def solution_blocks(markdown):
    """Line ranges [start, end) of the `{solution}` directives (colon or backtick fences) in a Markdown text."""
    parser = MarkdownIt("commonmark").use(colon_fence_plugin)
    return [tuple(token.map) for token in parser.parse(markdown)
            if token.type in ("fence", "colon_fence") and token.info.strip().startswith("{solution}")
            and token.map is not None]


def remove_solution_blocks(markdown):
    """The Markdown text without its `{solution}` blocks (and without the blank lines they leave behind)."""
    lines = markdown.split("\n")
    for start, end in sorted(solution_blocks(markdown), reverse=True):
        while end < len(lines) and not lines[end].strip() and (start == 0 or not lines[start - 1].strip()):
            end += 1  # one blank line between the neighbours is enough
        del lines[start:end]
    return "\n".join(lines).strip("\n")


def is_solution_cell(cell):
    """True for a cell tagged `solution` (in its metadata tags)."""
    return SOLUTION_TAG in cell.get("metadata", {}).get("tags", [])


def student_notebook(nb):
    """A student copy of an instructor notebook (nbformat v4 node): solutions stubbed or removed, see the top."""
    nb = nbformat.from_dict(nb)  # a deep copy
    nb.cells = [c for c in nb.cells if not is_solution_cell(c)]
    clear = ClearSolutions(enforce_metadata=False)  # solution regions are marked in the source only
    nb, _ = clear.preprocess(nb, {})
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = remove_solution_blocks(cell.source)
        elif STUB_LINE in cell.source:
            cell.outputs, cell.execution_count = [], None
    nb.cells = [c for c in nb.cells if c.cell_type != "markdown" or c.source.strip()]
    return nb


def write_student_notebook(source, target):
    nb = nbformat.read(source, as_version=4)
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(student_notebook(nb), target)


# ----------------------------------------------------------------------------------------------- the book
def toc_files(toc):
    """Every `file:` entry of a Jupyter Book table of contents, in order (root first)."""
    files = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                files.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk({k: v for k, v in toc.items() if k != "root"})
    return files


def without_instructor_pages(node):
    """The table of contents with the instructor-only entries (and any part left empty) removed."""
    if isinstance(node, list):
        kept = [without_instructor_pages(n) for n in node
                if not (isinstance(n, dict) and n.get("file") in INSTRUCTOR_ONLY)]
        return [n for n in kept if not (isinstance(n, dict) and "chapters" in n and not n["chapters"])]
    if isinstance(node, dict):
        return {k: without_instructor_pages(v) for k, v in node.items()}
    return node


def student_config(config, repository_url=None, branch="main"):
    """The instructor `_config.yml` (a dict) with the student edition's overrides."""
    config = yaml.safe_load(yaml.safe_dump(config))  # a deep copy
    config["title"] = f"{config.get('title', 'Book')} (student edition)"
    config.setdefault("execute", {})["execute_notebooks"] = "off"
    config.setdefault("sphinx", {}).setdefault("config", {})["hide_solutions"] = True
    if repository_url:
        config.setdefault("repository", {}).update(url=repository_url, branch=branch, path_to_book="")
    else:
        config.pop("launch_buttons", None)
        config.setdefault("html", {}).update(use_repository_button=False, use_issues_button=False)
    return config


def images(config):
    """The logo and favicon that `_config.yml` names, if any (paths relative to the book)."""
    return [path for path in (config.get("logo"), config.get("html", {}).get("favicon")) if path]


def source_path(entry):
    """The file behind a toc entry (given without suffix)."""
    for suffix in (".ipynb", ".md", ""):
        path = ROOT / f"{entry}{suffix}"
        if path.is_file():
            return path
    raise FileNotFoundError(f"_toc.yml names {entry!r}, which is neither {entry}.ipynb nor {entry}.md")


def prepare_out(out):
    """An empty output folder; an existing one is replaced only if this script made it."""
    if out.exists():
        if not (out / MARKER).exists():
            raise SystemExit(f"{out} exists and was not made by this script: choose another --out or remove it")
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / MARKER).write_text("made by scripts/student_edition.py; safe to delete\n", encoding="utf-8")


def make_notebooks(out, chapters):
    for name in chapters:
        if not (ROOT / "chapters" / f"{name}.ipynb").is_file():
            raise SystemExit(f"no chapter chapters/{name}.ipynb (give the name without .ipynb, e.g. 00_first_steps)")
        write_student_notebook(ROOT / "chapters" / f"{name}.ipynb", out / "chapters" / f"{name}.ipynb")
        print(f"student notebook: {(out / 'chapters' / name).with_suffix('.ipynb')}", flush=True)


def make_book_sources(out, repository_url=None, branch="main"):
    """The whole student book in `out`: notebooks, pages, bibliography, extensions, toc, config, and what installs
    it (requirements.txt, runtime.txt and the package in code/, without its tests)."""
    toc = without_instructor_pages(yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8")))
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    for entry in toc_files(toc):
        path = source_path(entry)
        target = out / path.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix == ".ipynb":
            write_student_notebook(path, target)
        else:
            shutil.copy2(path, target)
            for included in INCLUDE.findall(path.read_text(encoding="utf-8")):  # e.g. the benchmark tables
                (target.parent / included).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path.parent / included, target.parent / included)
    for extra in [*config.get("bibtex_bibfiles", []), *RUN_FILES, *images(config)]:
        (out / extra).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / extra, out / extra)
    shutil.copytree(ROOT / "code", out / "code", ignore=shutil.ignore_patterns(  # for `-e ./code` in requirements
        "tests", "__pycache__", "*.egg-info", ".pytest_cache", ".hypothesis", *INSTRUCTOR_ONLY_MODULES))
    for folder in set(config.get("sphinx", {}).get("local_extensions", {}).values()):
        shutil.copytree(ROOT / folder, out / folder, ignore=shutil.ignore_patterns("__pycache__"))
    header = "# Generated by scripts/student_edition.py from _config.yml: edit that file, not this one.\n"
    (out / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    (out / "_config.yml").write_text(
        header + yaml.safe_dump(student_config(config, repository_url, branch), sort_keys=False, allow_unicode=True),
        encoding="utf-8")


def build_html(out):
    """jupyter-book build of the student book, as strict as the instructor build; returns the HTML folder."""
    beside_python = pathlib.Path(sys.executable).parent / "jupyter-book"  # the one of this environment, if any
    program = str(beside_python) if beside_python.exists() else "jupyter-book"
    command = [program, "build", "--all", "-W", "-n", "--keep-going", str(out)]
    if subprocess.run(command).returncode != 0:
        raise SystemExit("the student HTML book did not build: see the messages above (warnings are errors, as in "
                         "the instructor build `jupyter-book build --all -W -n --keep-going .`, which shows the same "
                         f"ones); the student notebooks are in {out / 'chapters'}")
    return out / "_build" / "html"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=pathlib.Path, default=ROOT / "student",
                        help="output folder (default: student/, which git ignores)")
    parser.add_argument("--notebooks-only", action="store_true", help="write the student notebooks, build no HTML")
    parser.add_argument("--chapter", action="append", metavar="NN_slug",
                        help="with --notebooks-only: only this chapter (repeatable; default: every chapter)")
    parser.add_argument("--repository-url", help="repository holding the student notebooks, for launch buttons")
    parser.add_argument("--branch", default="main", help="its branch (default: main)")
    args = parser.parse_args(argv)
    if args.chapter and not args.notebooks_only:
        parser.error("--chapter needs --notebooks-only: the HTML book always has every chapter of _toc.yml")
    out = args.out.resolve()
    prepare_out(out)
    if args.notebooks_only:
        chapters = args.chapter or sorted(p.stem for p in (ROOT / "chapters").glob("*.ipynb"))
        make_notebooks(out, chapters)
        return 0
    make_book_sources(out, args.repository_url, args.branch)
    html = build_html(out)
    print(f"student notebooks: {out / 'chapters'}\nstudent book: {html / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
