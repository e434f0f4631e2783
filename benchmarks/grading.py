"""Benchmark: grade a class of submissions with scripts/autograde.py in parallel, as an instructor would.

    python benchmarks/grading.py                     # 200 submissions of 00_first_steps, -j 2 (minutes)
    python benchmarks/grading.py -n 10 -j 2          # a smaller class
    python benchmarks/grading.py --exercises-only    # notebooks cut to their exercises: the grader's own cost

The submissions are the full student notebook of the chapter, its stub filled in with the book's own solution
(every one scores full marks, so the whole pipeline runs for each: both sandboxes, every hidden case).
benchmarks/run.py runs it as part of a full run.
"""

import argparse
import importlib.util
import pathlib
import re
import subprocess
import sys
import tempfile
import time

import nbformat

ROOT = pathlib.Path(__file__).resolve().parent.parent
CHAPTER = "00_first_steps"


def _student_edition():
    spec = importlib.util.spec_from_file_location("student_edition", ROOT / "scripts" / "student_edition.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def honest_submission(chapter=CHAPTER):
    """The chapter's student notebook with each stub replaced by the instructor's solution."""
    instructor = nbformat.read(ROOT / "chapters" / f"{chapter}.ipynb", as_version=4)
    solutions = [re.search(r"### BEGIN SOLUTION\n(.*?)\s*### END SOLUTION", c.source, re.DOTALL).group(1)
                 for c in instructor.cells if "### BEGIN SOLUTION" in c.source]
    nb = _student_edition().student_notebook(instructor)
    stubs = [c for c in nb.cells if "raise NotImplementedError()" in c.source]
    for cell, solution in zip(stubs, solutions):
        cell.source = re.sub(r"[ \t]*# YOUR CODE HERE\n[ \t]*raise NotImplementedError\(\)", solution.rstrip(),
                             cell.source)
    return nb


def exercises_only(nb):
    """The notebook cut to its first code cell (the imports), its Markdown and its exercise cells."""
    code = [c for c in nb.cells if c.cell_type == "code"]
    nb.cells = [c for c in nb.cells if c.cell_type == "markdown" or c is code[0] or "def " in c.source
                and "check_" in c.source]
    return nb


def grade_class(n, jobs, chapter=CHAPTER, cut=False):
    """Seconds to grade n submissions with -j jobs, and whether every one scored full marks."""
    nb = exercises_only(honest_submission(chapter)) if cut else honest_submission(chapter)
    with tempfile.TemporaryDirectory(prefix="grading-bench-") as tmp:
        folder, out = pathlib.Path(tmp) / "submissions", pathlib.Path(tmp) / "grades"
        for number in range(n):
            (folder / f"learner{number:03d}").mkdir(parents=True)
            nbformat.write(nb, folder / f"learner{number:03d}" / f"{chapter}.ipynb")
        start = time.perf_counter()
        done = subprocess.run([sys.executable, str(ROOT / "scripts" / "autograde.py"), str(folder), "--out", str(out),
                               "-j", str(jobs)], capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - start
        lines = (out / "grades.csv").read_text(encoding="utf-8").splitlines()[1:] if done.returncode == 0 else []
    full = len(lines) == n and all(line.endswith(",ok") for line in lines)
    return seconds, full


def bench_grading(cfg, n=200, jobs=2, cut=False):
    """A section of benchmarks/run.py: the time to grade a class of n submissions with -j jobs."""
    seconds, full = grade_class(n, jobs, cut=cut)
    what = "its setup, Markdown and exercise cells" if cut else "the whole notebook"
    return {"id": "grading", "title": f"Autograding {n} submissions", "rows": [], "targets": [],
            "seconds_total": seconds, "seconds_per_submission": seconds / n, "all_full_marks": full,
            "notes": [(f"`scripts/autograde.py -j {jobs}` on {n} copies of the student notebook of {CHAPTER} "
                       f"({what}) filled in with the solution: {seconds:.0f} s in total, {seconds / n:.1f} s per "
                       f"submission ({'every one scored full marks' if full else 'NOT every one scored full marks'}).")]}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=200, help="number of submissions (default: 200)")
    parser.add_argument("-j", "--jobs", type=int, default=2, help="submissions graded at once (default: 2)")
    parser.add_argument("--exercises-only", action="store_true",
                        help="cut each notebook to its setup, Markdown and exercise cells: the grader's own cost")
    args = parser.parse_args(argv)
    print(bench_grading({}, args.n, args.jobs, args.exercises_only)["notes"][0])


if __name__ == "__main__":
    main()
