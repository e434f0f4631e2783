"""Every chapter can be assigned: at least four labelled exercises, each with its solution, and every coding exercise
ends with a self-check of `descent.checks` (the student edition keeps that call when it stubs the solution)."""

import json
import pathlib
import re

import descent.checks
import numpy as np
import pytest
from helpers import load_script
from markdown_it import MarkdownIt
from mdit_py_plugins.colon_fence import colon_fence_plugin

CHAPTERS = sorted((pathlib.Path(__file__).resolve().parents[2] / "chapters").glob("*.ipynb"))
PARSER = MarkdownIt("commonmark").use(colon_fence_plugin)
LABEL = re.compile(r"^\s*:label:\s*(\S+)\s*$", re.MULTILINE)
CHECK_CALL = re.compile(r"^\s*descent\.checks\.(check_\w+)\((\w+)", re.MULTILINE)


def cells(path, kind):
    return ["".join(c["source"]) for c in json.loads(path.read_text(encoding="utf-8"))["cells"]
            if c["cell_type"] == kind]


def directives(path, name):
    """(argument, body) of each `{name}` directive in the notebook's Markdown cells."""
    found = []
    for source in cells(path, "markdown"):
        for token in PARSER.parse(source):
            if token.type in ("fence", "colon_fence") and token.info.strip().startswith(f"{{{name}}}"):
                found.append((token.info.strip()[len(name) + 2:].strip(), token.content))
    return found


def exercise_labels(path):
    labels = []
    for _, body in directives(path, "exercise"):
        match = LABEL.search(body)
        labels.append(match.group(1) if match else None)
    return labels


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_at_least_four_labelled_exercises(path):
    labels = exercise_labels(path)
    assert len(labels) >= 4, f"{len(labels)} exercises; a chapter needs at least four"
    assert None not in labels, "give every exercise a :label: so it can be referenced and graded"
    assert len(set(labels)) == len(labels), "exercise labels must be unique"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_every_exercise_has_its_solution(path):
    labels = exercise_labels(path)
    solved = [argument for argument, _ in directives(path, "solution")]
    assert sorted(solved) == sorted(labels), "each {exercise} needs exactly one {solution} naming its label"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_solution_code_is_marked_and_followed_by_a_self_check(path):
    coded = [source for source in cells(path, "code") if "BEGIN SOLUTION" in source]
    for source in coded:
        assert source.count("### BEGIN SOLUTION") == source.count("### END SOLUTION") == 1, source
        after = source.split("### END SOLUTION", 1)[1]
        calls = CHECK_CALL.findall(after)
        assert calls, f"no descent.checks.check_...(fn) call after the solution in:\n{source}"
        for check_name, learner in calls:
            assert check_name in descent.checks.__all__, f"{check_name} is not exported by descent.checks"
            assert re.search(rf"^\s*def {learner}\(", source, re.MULTILINE), f"{learner} is not defined in the same cell"


def test_first_steps_has_a_coding_exercise():
    first = [p for p in CHAPTERS if p.name.startswith("00_")]
    assert first and any("BEGIN SOLUTION" in s for s in cells(first[0], "code"))


# --- what the autograder grades (scripts/grading.yml and descent/checks/hidden.py) ---------------------------------
autograde = load_script("autograde")


def test_grading_settings_name_only_real_exercises_and_every_coding_exercise_is_graded():
    chapters, settings = autograde.course()
    labels = {e.label for exercises in chapters.values() for e in exercises}
    assert set(settings["points"]) - {"default_code", "default_written"} <= labels
    assert all(value > 0 for value in settings["points"].values())
    for path in CHAPTERS:
        coded = [e for e in chapters[path.stem] if e.coded]
        assert len(coded) == sum("BEGIN SOLUTION" in source for source in cells(path, "code")), path.name
        assert [e.label for e in coded] == [label for label in exercise_labels(path) if label in {e.label for e in coded}]
        assert all(e.rubric for e in chapters[path.stem]), f"{path.name}: an exercise without a solution to grade by"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_the_instructor_solutions_pass_every_grading_case(path):
    """The hidden and random cases are sound: the book's own solution passes all of them."""
    _, settings = autograde.course()
    for exercise in [e for e in autograde.chapter_exercises(path, settings["points"]) if e.coded]:
        source = next(s for s in cells(path, "code") if "BEGIN SOLUTION" in s and f"def {exercise.function}(" in s)
        space = {"np": np}
        exec(source.split("### END SOLUTION")[0] + "### END SOLUTION\n", space)  # noqa: S102 (the book's own code)
        made, cases = autograde.grading_cases(exercise, settings)
        assert sum(not visible for _, visible in cases) >= settings["random_cases"] + 1
        for case, _ in cases:
            returns = [space[exercise.function](*args, **kwargs) for args, kwargs in case.copied_calls()]
            assert made.judge(case, returns) is None, (exercise.label, case.label)
