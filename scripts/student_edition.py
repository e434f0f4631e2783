"""Make the student edition: notebooks without solutions, their package without answers, and the HTML book.

    python scripts/student_edition.py                     # student/: notebooks, package, HTML book (_build/html)
    python scripts/student_edition.py --notebooks-only    # student/chapters/*.ipynb and the package, no HTML build
    python scripts/student_edition.py --out /tmp/course --chapter 05_momentum --chapter 07_adam --notebooks-only
    python scripts/student_edition.py --repository-url https://github.com/me/course-2027   # keep launch buttons

What changes, chapter by chapter (the instructor notebooks in chapters/ are only read):
- code between `### BEGIN SOLUTION` and `### END SOLUTION` becomes `raise NotImplementedError()`, by nbgrader's
  own ClearSolutions preprocessor (used standalone: no nbgrader database, course directory or server), and the
  output of each such cell is cleared; the self-check call after the stub stays, so learners check their work;
- `{solution}` blocks are removed from the Markdown cells (found with the same Markdown parser the book uses);
- code cells tagged `solution` (the hidden cells that compute and glue the numbers a solution quotes) are dropped;
- everything else, outputs included, is kept, so the HTML book shows every figure without executing a stub.

What changes in the package (code/src/descent, read with the installed instructor package, which must be this
repository's): descent/checks/hidden.py, the autograder's instructor-only cases, is left out; each checks module
loses the code of its references and classic mistakes, found from the Check objects of descent.checks.CHECKS in
every variant (see without_answers), and what they give on every case a self-check can run is stored in
descent/checks/answers.json.gz, so that each self-check reports exactly what the instructor's does.

The folder `student/` is complete on its own, ready to be pushed as a course repository: Binder and JupyterHub
install it from requirements.txt, runtime.txt and the package in code/ (copied without its tests). Its book's
`_config.yml` is generated from the instructor `_config.yml` with `execute_notebooks: "off"` and sphinx-exercise's
`hide_solutions: true` (so a `{solution}` anywhere else in the book is dropped as well); the instructor guide is
left out of its table of contents. Launch buttons are removed unless `--repository-url` names a repository that
holds the student notebooks: those in this repository have solutions.
"""

import argparse
import ast
import gzip
import importlib
import inspect
import json
import pathlib
import re
import shutil
import subprocess
import sys
from collections import Counter

import descent.checks
import nbformat
import yaml
from descent.checks.core import STORED, answer_key, encode
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


# ----------------------------------------------------------------------------------------------- the package
def check_variants(factory):
    """{variant arguments: Check} of a factory of descent.checks.CHECKS: called without argument and with each text
    constant of its module that it accepts (variants are named there, e.g. the keys of gradients.INIT_STDS), one
    Check per title."""
    texts = {node.value for node in ast.walk(ast.parse(inspect.getsource(sys.modules[factory.__module__])))
             if isinstance(node, ast.Constant) and isinstance(node.value, str)}
    made, titles = {}, set()
    for args in [(), *((text,) for text in sorted(texts))]:
        try:
            check = factory(*args)
        except (TypeError, ValueError, KeyError):
            continue
        if check.title not in titles:
            made[args], titles = check, titles | {check.title}
    return made


def all_checks():
    """{(name in descent.checks.CHECKS, variant arguments): Check} of every check in each of its variants."""
    return {(name, args): check for name, factory in descent.checks.CHECKS.items()
            for args, check in check_variants(factory).items()}


def answer_functions(checks):
    """What computes answers: the reference and classic mistakes of each check, and the functions they hold in
    their closures (e.g. the std formula that gradients' reference initialisation draws with)."""
    found, todo = {}, [answer for check in checks for answer in (check.reference, *check.mistakes.values())]
    while todo:
        answer = todo.pop()
        if id(answer) not in found:
            found[id(answer)] = answer
            cells = getattr(answer, "__closure__", None) or ()
            todo += [c.cell_contents for c in cells if inspect.isfunction(getattr(c, "cell_contents", None))]
    return list(found.values())


def _answer_nodes(tree, codes):
    """The function definitions and lambdas of a module's syntax tree whose code is one of `codes`."""
    nodes = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.Lambda))]
    found = set()
    for code in codes:
        if code.co_name != "<lambda>":
            found |= {n for n in nodes if isinstance(n, ast.FunctionDef) and n.name == code.co_name
                      and min([n.lineno] + [d.lineno for d in n.decorator_list]) == code.co_firstlineno}
            continue
        spots = [(line, col, end_line, end_col) for line, end_line, col, end_col in code.co_positions()
                 if line is not None and col is not None and (col, end_col) != (0, 0)]  # (0, 0): the entry
        start, end = min(s[:2] for s in spots), max(s[2:] for s in spots)
        holders = [n for n in nodes if isinstance(n, ast.Lambda) and (n.lineno, n.col_offset) <= start
                   and end <= (n.end_lineno, n.end_col_offset)]
        found.add(max(holders, key=lambda n: (n.lineno, n.col_offset)))  # the innermost
    return found


def _edited(source, edits):
    """The source with each (node, text) edit: the node's span replaced by text, or, for a statement given with
    text None, its whole lines removed. Columns are UTF-8 byte offsets, as in the syntax tree."""
    data = source.encode()
    starts = [0]
    for line in data.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    spans = []
    for node, text in edits:
        first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        if text is None:
            spans.append((starts[first - 1], starts[node.end_lineno], b""))
        else:
            spans.append((starts[node.lineno - 1] + node.col_offset, starts[node.end_lineno - 1] + node.end_col_offset,
                          text.encode()))
    for begin, end, text in sorted(spans, reverse=True):
        data = data[:begin] + text + data[end:]
    return re.sub(r"\n{4,}", "\n\n\n", data.decode()).rstrip("\n") + "\n"


def _loads(tree):
    return Counter(n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load))


def _bindings(tree):
    """(statement, name) of each name a module binds at top level: functions, plain assignments, imports."""
    for stmt in tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.ClassDef)):
            yield stmt, stmt.name
        elif isinstance(stmt, ast.Assign):
            yield from ((stmt, t.id) for t in stmt.targets if isinstance(t, ast.Name))
        elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
            yield from ((stmt, (a.asname or a.name).split(".")[0]) for a in stmt.names)


def _unbind(stmt, names):
    """An edit that removes the bindings of `names` from a top-level statement (all of it, or some imports)."""
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        kept = [a for a in stmt.names if (a.asname or a.name).split(".")[0] not in names]
        if kept:
            return stmt, ast.unparse(type(stmt)(**{**vars(stmt), "names": kept}))
    return stmt, None


def without_answers(module, answers):
    """A checks module's source without the code of `answers`: their definitions and every name bound to one (an
    import too) go; a lambda or nested function that is one, or a use of a removed name, becomes None; a function
    that returns one (that makes answers, like adam._adam_with) goes too; last, what only removed code used."""
    source = inspect.getsource(module)
    tree = ast.parse(source)
    codes = {a.__code__ for a in answers if inspect.isfunction(a) and a.__code__.co_filename == module.__file__}
    found = _answer_nodes(tree, codes)
    bound = {name for name, value in vars(module).items() if any(value is a for a in answers)}

    def makes_answers(stmt):
        inner = {n.name for n in ast.walk(stmt) if n in found and isinstance(n, ast.FunctionDef)}
        return any(isinstance(n, ast.Return) and (n.value in found or getattr(n.value, "id", None) in inner)
                   for n in ast.walk(stmt))

    removed = {}  # statement -> the names it binds that go
    for stmt, name in _bindings(tree):
        if name in bound or stmt in found or isinstance(stmt, ast.FunctionDef) and makes_answers(stmt):
            removed.setdefault(stmt, set()).add(name)
    names = set().union(*removed.values())
    edits = [_unbind(stmt, gone) for stmt, gone in removed.items()]

    def visit(node):
        if node in found:
            edits.append((node, "None" if isinstance(node, ast.Lambda) else f"{node.name} = None"))
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in names or \
                isinstance(node, ast.Call) and getattr(node.func, "id", None) in names:  # a removed name, or its call
            edits.append((node, "None"))
        else:
            for child in ast.iter_child_nodes(node):
                visit(child)

    for stmt in tree.body:
        if stmt not in removed:
            visit(stmt)
    if not edits:
        return source
    used_before = _loads(tree)
    while edits:
        source = _edited(source, edits)
        tree = ast.parse(source)
        used = _loads(tree)
        unused = {}
        for stmt, name in _bindings(tree):
            private = name.startswith("_") or isinstance(stmt, (ast.Import, ast.ImportFrom))
            if private and used_before[name] and not used[name]:
                unused.setdefault(stmt, set()).add(name)
        edits = [_unbind(stmt, names) for stmt, names in unused.items()]
    return source


def _code_objects(code):
    yield code
    for const in code.co_consts:
        if inspect.iscode(const):
            yield from _code_objects(const)


def _signature(code):
    return code.co_code, code.co_names, code.co_varnames, tuple(c for c in code.co_consts if not inspect.iscode(c))


def leaked_answers(source, answers):
    """The names of the answer functions whose code is still in a module's source (none, for a student module)."""
    kept = {_signature(code) for code in _code_objects(compile(source, "student", "exec"))}
    return sorted({a.__qualname__ for a in answers if inspect.isfunction(a) and _signature(a.__code__) in kept})


def stored_answers(checks):
    """{answer key: {"expected": answer, "mistakes": [[hint, answer], ...]}} of every case each check's self-check can
    run, as Check.answers computes them (a mistake whose result is not numbers or text is left out: it never
    matches)."""
    stored = {}
    for check in checks:
        for case in check.possible_cases():
            expected, mistaken = check.answers(case)
            mistakes = []
            for hint, value in mistaken:
                try:
                    mistakes.append([hint, encode(value)])
                except (TypeError, ValueError):
                    continue
            key, entry = answer_key(check.title, case), {"expected": encode(expected), "mistakes": mistakes}
            if key in stored and json.dumps(stored[key]) != json.dumps(entry):
                raise SystemExit(f"two checks titled {check.title!r} answer the case {case.label!r} differently: "
                                 "give them different titles")
            stored[key] = entry
    return stored


def student_package(target):
    """The student copy of descent, in target/descent: without the instructor-only modules, its checks modules
    without references and classic mistakes (without_answers), and what those give on every case a self-check can
    run stored in descent/checks/answers.json.gz, so that each self-check reports what the instructor's reports."""
    package = pathlib.Path(descent.__file__).resolve().parent
    if package != ROOT / "code" / "src" / "descent":
        raise SystemExit(f"the student edition is made from {ROOT / 'code/src/descent'}, but Python imports descent "
                         f"from {package}: install this repository's package (pip install -e ./code)")
    shutil.copytree(package, target / "descent", ignore=shutil.ignore_patterns("__pycache__",
                                                                               *INSTRUCTOR_ONLY_MODULES))
    checks = list(all_checks().values())
    answers = answer_functions(checks)
    for path in sorted((target / "descent" / "checks").glob("*.py")):
        module = importlib.import_module("descent.checks" + ("" if path.stem == "__init__" else f".{path.stem}"))
        source = without_answers(module, answers)
        if leaked := leaked_answers(source, answers):
            raise SystemExit(f"the student copy of {path.name} still holds answers ({', '.join(leaked)}): define "
                             "references and classic mistakes as functions or lambdas of the checks module")
        path.write_text(source, encoding="utf-8")
    text = json.dumps(stored_answers(checks), ensure_ascii=False, separators=(",", ":"))
    (target / "descent" / "checks" / STORED.name).write_bytes(gzip.compress(text.encode(), mtime=0))


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


def make_package(out):
    """What installs the package the student notebooks import, in `out`: requirements.txt, runtime.txt and code/
    (for `-e ./code`), without its tests, with the student package in code/src (see student_package)."""
    for name in RUN_FILES:
        shutil.copy2(ROOT / name, out / name)
    shutil.copytree(ROOT / "code", out / "code", ignore=shutil.ignore_patterns(
        "tests", "__pycache__", "*.egg-info", ".pytest_cache", ".hypothesis", "descent"))
    student_package(out / "code" / "src")
    print(f"student package: {out / 'code' / 'src' / 'descent'}", flush=True)


def make_book_sources(out, repository_url=None, branch="main"):
    """The whole student book in `out`: notebooks, pages, bibliography, extensions, toc, config, and what installs
    its package (make_package)."""
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
    for extra in [*config.get("bibtex_bibfiles", []), *images(config)]:
        (out / extra).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / extra, out / extra)
    make_package(out)
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
    parser.add_argument("--notebooks-only", action="store_true",
                        help="write the student notebooks and their package, build no HTML")
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
        make_package(out)
        return 0
    make_book_sources(out, args.repository_url, args.branch)
    html = build_html(out)
    print(f"student notebooks: {out / 'chapters'}\nstudent book: {html / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
