"""Number figures, equations, theorems and exercises per chapter: Fig. 5.3, (5.2), Theorem 5.1, Exercise 5.4.

Jupyter Book 1 numbers each part's toctree on its own, and Sphinx, with no numbered toctree, counts every
enumerable item across the whole book (chapter 5 started at "Fig. 34"). A chapter's number is in its file name
(``chapters/05_momentum`` is chapter 5), so this extension renumbers after Sphinx has counted:

- in chapter N, the k-th item of each kind (figure, table, code block, display equation, and sphinx-proof's and
  sphinx-exercise's directives) becomes (N, k); every other page counts its own items from 1;
- the chapter's title, in the page and in the sidebar, reads "N. Title"; chapter 0 keeps its bare name.

Every place that shows a number reads ``env.toc_fignumbers`` (captions, {numref}, {eq}, {prf:ref}, exercise
titles), so they all follow.
"""

import re

from docutils import nodes

CHAPTER = re.compile(r"^chapters/(\d+)_")


def chapter_number(docname):
    """The chapter number in the file name ``chapters/NN_slug``, or None for any other page."""
    match = CHAPTER.match(docname)
    return int(match.group(1)) if match else None


def renumber(numbers, chapter):
    """Items numbered book-wide, {id: (n,)}, renumbered in the same order: {id: (chapter, k)} or {id: (k,)}."""
    ordered = sorted(numbers, key=numbers.get)
    prefix = () if chapter is None else (chapter,)
    return {item: (*prefix, k) for k, item in enumerate(ordered, start=1)}


def _title_numbers(env, docname, chapter):
    """Number the page title "N." and no other heading (Sphinx falls back to the title's number otherwise)."""
    numbers = {}
    for reference in env.tocs[docname].findall(nodes.reference):
        anchor = reference.get("anchorname", "")
        numbers[anchor] = (chapter,) if anchor == "" else ()
        reference["secnumber"] = numbers[anchor]
    env.toc_secnumbers[docname] = numbers
    if docname in env.titles:
        env.titles[docname]["secnumber"] = (chapter,)


def _number_per_chapter(app, env):
    changed = []
    for docname, kinds in env.toc_fignumbers.items():
        chapter = chapter_number(docname)
        for kind, numbers in kinds.items():
            kinds[kind] = renumber(numbers, chapter)
        changed.append(docname)
    for docname in env.found_docs:
        chapter = chapter_number(docname)
        if chapter and docname in env.tocs:
            _title_numbers(env, docname, chapter)
            changed.append(docname)
    return sorted(set(changed))


def setup(app):
    app.connect("env-get-updated", _number_per_chapter, priority=900)  # after Sphinx's own (book-wide) count
    return {"parallel_read_safe": True, "parallel_write_safe": True}

