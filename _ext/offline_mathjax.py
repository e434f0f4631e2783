"""Serve MathJax 3 from the built book itself, so its pages render mathematics with no network.

The files come at build time from the PyPI package django-static-mathjax (MathJax 3.2.2, in requirements.txt);
nothing is committed. Only what CommonHTML output of TeX needs is copied: the combined component, its fonts, and
the on-demand TeX extensions, accessibility and menu components.
"""

import importlib.util
import pathlib
import shutil

PARTS = ["tex-chtml.js", "output/chtml", "input", "a11y", "ui", "adaptors"]


def _mathjax_dir():
    spec = importlib.util.find_spec("mathjax")
    if spec is None:
        raise RuntimeError("MathJax for the offline book is missing: pip install django-static-mathjax")
    return pathlib.Path(spec.submodule_search_locations[0]) / "static" / "mathjax" / "es5"


def _copy(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    source, target = _mathjax_dir(), pathlib.Path(app.outdir) / "_static" / "mathjax"
    for part in PARTS:
        src = source / part
        if src.is_dir():
            shutil.copytree(src, target / part, dirs_exist_ok=True)
        elif src.exists():
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target / part)


def setup(app):
    _mathjax_dir()  # fail early, with the fix in the message
    app.config.mathjax_path = "mathjax/tex-chtml.js"
    app.connect("build-finished", _copy)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
