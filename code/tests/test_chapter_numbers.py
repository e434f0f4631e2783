"""The book's per-chapter numbering (_ext/chapter_numbers.py) on its own; the browser test checks the built pages."""

import importlib.util
import pathlib

PATH = pathlib.Path(__file__).resolve().parents[2] / "_ext" / "chapter_numbers.py"
spec = importlib.util.spec_from_file_location("chapter_numbers", PATH)
numbers = importlib.util.module_from_spec(spec)
spec.loader.exec_module(numbers)


def test_chapter_number_comes_from_the_file_name():
    assert numbers.chapter_number("chapters/05_momentum") == 5
    assert numbers.chapter_number("chapters/00_first_steps") == 0
    assert numbers.chapter_number("chapters/11_capstone") == 11
    assert numbers.chapter_number("intro") is None
    assert numbers.chapter_number("appendix_benchmarks") is None


def test_renumber_keeps_the_order_and_restarts_per_chapter():
    book_wide = {"fig-b": (35,), "fig-a": (34,), "fig-c": (40,)}
    assert numbers.renumber(book_wide, 5) == {"fig-a": (5, 1), "fig-b": (5, 2), "fig-c": (5, 3)}
    assert numbers.renumber(book_wide, None) == {"fig-a": (1,), "fig-b": (2,), "fig-c": (3,)}
    assert numbers.renumber({}, 7) == {}
