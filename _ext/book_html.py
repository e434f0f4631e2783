"""Fixes to the HTML pages of Jupyter Book 1 that a reader's browser would otherwise report (no console errors).

- Inline scripts added in ``env-before-read-docs`` (sphinx-thebe, sphinx-togglebutton) reach every page twice, once
  registered with the file name ``None`` and once re-added from the registry as ``''``, so each page declared
  ``const THEBE_JS_URL`` twice and the browser threw "Identifier 'THEBE_JS_URL' has already been declared" on every
  page. Identical scripts are kept once.
- pydata-sphinx-theme starts in ``localStorage.mode || default_mode`` (a template variable); Jupyter Book leaves it
  empty, so a first visit logged "Got invalid theme mode: ." as a console error. The default mode becomes ``light``
  (the figures are drawn on white); the theme switch still offers dark. ``html_context.default_mode`` in the
  configuration wins.
- A small stylesheet, ``_ext/static/book.css``: theme text below WCAG AA contrast, the animation player, and a text
  column that holds a 79-character line of code at 1280 px.
"""

import pathlib

STATIC = pathlib.Path(__file__).resolve().parent / "static"


def _configure(app, config):
    config.html_context.setdefault("default_mode", "light")
    config.html_static_path.append(str(STATIC))


def _key(script):
    """What the browser sees: the file, or '' for an inline script (added once as None, once as '')."""
    attributes = getattr(script, "attributes", {})
    return str(getattr(script, "filename", script) or ""), tuple(sorted((k, str(v)) for k, v in attributes.items()))


def _dedupe_scripts(app, pagename, templatename, context, doctree):
    scripts, seen = context.get("script_files"), set()
    if scripts is None:
        return
    unique = []
    for script in scripts:
        if _key(script) not in seen:
            seen.add(_key(script))
            unique.append(script)
    scripts[:] = unique


def setup(app):
    app.connect("config-inited", _configure)
    app.add_css_file("book.css")
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
