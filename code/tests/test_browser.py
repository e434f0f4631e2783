"""The built HTML book as readers see it: every page opened in headless Chromium, with no network.

Build the book first (the first Quick-start command), then run ``pytest code/tests/test_browser.py``. The pages are
served from ``_build/html`` on a free localhost port; every request to any other host is blocked and recorded, so
"works offline" is enforced, not assumed. Each page is checked for console errors, failed requests, rendered
mathematics, loaded images with alt text, headings in order, text contrast (WCAG AA), playable animations, no
widget areas, launch buttons and its weight; a full-page screenshot of each goes to ``_build/screenshots/``.
Reading at 1280 px: no code, output, equation, table or figure wider than the text column (folded code included),
numbers of figures, equations, theorems and exercises per chapter (5.3, (5.2)), plotting-only code folded, and no
Colab install cell in the page.

Needs Playwright's Python package (requirements-dev.txt) and a Chromium (Debian: ``apt-get install chromium``;
never ``playwright install``). Without them, or without a built book, the tests skip, unless the environment sets
``BOOK_BROWSER_TEST=required`` (CI does), when they fail instead. ``BOOK_HTML_DIR`` points them at another build.
"""

import functools
import http.server
import json
import os
import pathlib
import re
import shutil
import threading
import urllib.parse

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
HTML = pathlib.Path(os.environ.get("BOOK_HTML_DIR", ROOT / "_build" / "html")).resolve()
SHOTS = HTML.parent / "screenshots"
REQUIRED = os.environ.get("BOOK_BROWSER_TEST") == "required"
CHROMIUM = os.environ.get("BOOK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
PAGE_BUDGET = 3 * 2**20  # bytes: the page's HTML plus the images it loads from _images/ (not the shared _static/)
NOT_PAGES = {"_static", "_sources", "_images", "_sphinx_design_static", "jupyter_execute"}
# What markdown leaves as text when it failed to parse math: $$, a $ before a formula, \( or \[, a TeX command.
# (Prose may write plain-text formulas such as θ_{t−1} on purpose: braces alone are not flagged.)
TEX_COMMANDS = ("alpha beta theta nabla frac tfrac int sum top lambda mu eta epsilon varepsilon left right lVert rVert "
                "Vert cdot sqrt quad qquad text mathrm mathbf hat partial le ge leq geq infty in to log exp min max "
                "begin end")
RAW_TEX = r"\$\$|\$[^\s$\d]|\\[(\[]|\\(" + "|".join(TEX_COMMANDS.split()) + r")(?![a-zA-Z])"
MATHJAX_READY = """async () => {
    if (!window.MathJax || !MathJax.startup || !MathJax.startup.promise) return false;
    await MathJax.startup.promise;
    return true;
}"""


def skip_or_fail(reason):
    """Skip on a laptop that lacks the tools; fail in CI, where BOOK_BROWSER_TEST=required."""
    if REQUIRED:
        pytest.fail(f"{reason} (BOOK_BROWSER_TEST=required)")
    pytest.skip(reason)


def book_pages():
    """Every HTML page of the built book, relative to _build/html (empty when the book is not built)."""
    if not (HTML / "index.html").exists():
        return []
    pages = (p.relative_to(HTML) for p in HTML.rglob("*.html"))
    return sorted(str(p) for p in pages if not any(part in NOT_PAGES or part.startswith(".") for part in p.parts))


PAGES = book_pages()


@pytest.fixture(scope="module")
def server():
    """_build/html over HTTP on 127.0.0.1 and a free port, in a daemon thread."""
    if not PAGES:
        skip_or_fail(f"no built book at {HTML}: run `jupyter-book build --all .` first")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(HTML)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("Playwright is not installed: pip install -r requirements-dev.txt")
    if not pathlib.Path(CHROMIUM).exists():
        skip_or_fail(f"no Chromium at {CHROMIUM}: apt-get install chromium (or set BOOK_CHROMIUM)")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Visit:
    """One page opened offline, with everything that went wrong while it loaded."""

    def __init__(self, browser, base, page_path):
        self.base, self.path = base, page_path
        self.external, self.failed, self.errors, self.local_files = [], [], [], set()
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda msg: msg.type == "error" and self.errors.append(msg.text))
        self.page.on("pageerror", lambda exc: self.errors.append(f"uncaught: {exc}"))
        self.page.on("requestfailed", self._request_failed)
        self.page.on("response", self._response)

    def _route(self, route):
        url = route.request.url
        if url.startswith(self.base + "/") or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            self.external.append(url)
            route.abort("blockedbyclient")

    def _request_failed(self, request):
        if not request.url.startswith(self.base + "/"):
            return  # blocked external request: recorded by _route
        self.failed.append(f"{request.url}: {request.failure}")

    def _response(self, response):
        if response.url.startswith(self.base + "/"):
            if response.status >= 400:
                self.failed.append(f"{response.url}: HTTP {response.status}")
            path = urllib.parse.unquote(urllib.parse.urlsplit(response.url).path).lstrip("/")
            self.local_files.add(path or "index.html")

    def open(self, query=""):
        self.page.goto(f"{self.base}/{self.path}{query}", wait_until="load")
        self.page.wait_for_load_state("networkidle")
        self.page.evaluate(MATHJAX_READY)
        # images further down are loaded lazily in some themes: load every one now, and wait for all of them
        self.page.evaluate("""() => Promise.all([...document.images].map(img => {
            img.loading = "eager";
            return img.complete ? null : new Promise(done => { img.onload = img.onerror = done; });
        }))""")
        self.page.wait_for_load_state("networkidle")
        return self

    def weight(self):
        """Bytes of the page's own HTML and of the images it loaded from _images/ (shared _static/ is cached)."""
        own = {self.path} | {f for f in self.local_files if f.startswith("_images/")}
        return sum((HTML / f).stat().st_size for f in own if (HTML / f).is_file())

    def close(self):
        self.context.close()


@pytest.fixture(scope="module")
def visits(server, browser):
    """Each page opened once (shared by the checks below), with a full-page screenshot in _build/screenshots/."""
    shutil.rmtree(SHOTS, ignore_errors=True)
    SHOTS.mkdir(parents=True)
    opened = {}
    for page_path in PAGES:
        visit = Visit(browser, server, page_path).open()
        visit.page.screenshot(path=str(SHOTS / (page_path.replace("/", "__")[:-5] + ".png")), full_page=True)
        opened[page_path] = visit
    weights = sorted(((v.weight(), p) for p, v in opened.items()), reverse=True)
    (SHOTS / "weights.txt").write_text("".join(f"{w / 2**20:7.2f} MB  {p}\n" for w, p in weights))
    yield opened
    for visit in opened.values():
        visit.close()


def pages_param():
    return pytest.mark.parametrize("page_path", PAGES or ["<no built book>"])


@pages_param()
def test_no_network_console_errors_or_failed_requests(visits, page_path):
    visit = visits[page_path]
    assert not visit.external, f"requests that need the network: {visit.external}"
    assert not visit.failed, f"failed requests: {visit.failed}"
    assert not visit.errors, f"console errors: {visit.errors}"


@pages_param()
def test_mathematics_is_rendered(visits, page_path):
    page = visits[page_path].page
    report = page.evaluate(r"""rawTex => {
        const math = [...document.querySelectorAll("article .math")];
        const raw = [];
        const walker = document.createTreeWalker(document.querySelector("article") || document.body,
                                                 NodeFilter.SHOW_TEXT);
        const texLike = new RegExp(rawTex);
        for (let node; (node = walker.nextNode());) {
            if (node.parentElement.closest("pre, code, script, style, mjx-container, .math, .highlight")) continue;
            if (texLike.test(node.textContent)) raw.push(node.textContent.trim().slice(0, 80));
        }
        return {
            math: math.length,
            unrendered: math.filter(m => !m.querySelector("mjx-container")).map(m => m.textContent.slice(0, 60)),
            errors: [...document.querySelectorAll("mjx-merror")].map(e => e.getAttribute("data-mjx-error")),
            raw: raw,
            mathjax: !!window.MathJax && !!document.querySelector("mjx-container"),
        };
    }""", RAW_TEX)
    assert not report["raw"], f"TeX left as text outside math: {report['raw']}"
    if report["math"]:
        assert report["mathjax"], "the page has mathematics but MathJax rendered none"
        assert not report["unrendered"], f"math not rendered: {report['unrendered']}"
    assert not report["errors"], f"TeX errors: {report['errors']}"


@pages_param()
def test_images_load_and_have_alt_text(visits, page_path):
    images = visits[page_path].page.evaluate("""() => [...document.images].map(img => ({
        src: (img.getAttribute("src") || "").slice(0, 80), alt: (img.getAttribute("alt") || "").trim(),
        loaded: img.complete && img.naturalWidth > 0}))""")
    assert not [i["src"] for i in images if not i["loaded"]], "images that did not load"
    # Sphinx falls back to the file name as alt text for images a code cell shows directly: that says nothing
    no_alt = [i["src"] for i in images if len(i["alt"]) < 5 or re.search(r"\.(png|jpe?g|svg|gif)$", i["alt"])]
    assert not no_alt, "images without alt text (show figures with glue + {glue:figure} and :alt:)"


@pages_param()
def test_headings_in_order(visits, page_path):
    levels = visits[page_path].page.evaluate(
        """() => [...document.querySelectorAll("article :is(h1, h2, h3, h4, h5, h6)")].map(h => +h.tagName[1])""")
    if not levels:
        return
    assert levels[0] == 1 and levels.count(1) == 1, f"one h1 first, got levels {levels}"
    jumps = [(a, b) for a, b in zip(levels, levels[1:]) if b > a + 1]
    assert not jumps, f"heading levels skipped: {jumps}"


CONTRAST = """() => {
    const rgba = s => (s.match(/[\\d.]+/g) || []).map(Number);
    const lum = ([r, g, b]) => {
        const c = [r, g, b].map(v => v / 255).map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    };
    const background = el => {
        for (; el; el = el.parentElement) {
            const c = rgba(getComputedStyle(el).backgroundColor);
            if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) return c.slice(0, 3);
        }
        return [255, 255, 255];
    };
    const bad = [];
    const seen = new Set();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node; (node = walker.nextNode());) {
        const el = node.parentElement;
        if (!node.textContent.trim() || seen.has(el) || el.closest("script, style, mjx-container, svg")) continue;
        seen.add(el);
        const style = getComputedStyle(el);
        const box = el.getBoundingClientRect();
        if (style.visibility !== "visible" || box.width === 0 || box.height === 0) continue;
        let opacity = 1;
        for (let e = el; e; e = e.parentElement) opacity *= parseFloat(getComputedStyle(e).opacity);
        const bg = background(el), [r, g, b, a = 1] = rgba(style.color);
        const fg = [r, g, b].map((v, i) => bg[i] + (v - bg[i]) * a * opacity);  // translucent text, blended
        const [l1, l2] = [lum(fg), lum(bg)].sort((a, b) => b - a);
        const ratio = (l1 + 0.05) / (l2 + 0.05);
        const size = parseFloat(style.fontSize), weight = parseInt(style.fontWeight);
        const large = size >= 24 || (size >= 18.66 && weight >= 700);
        if (ratio < (large ? 3 : 4.5))
            bad.push(`${ratio.toFixed(2)}: "${node.textContent.trim().slice(0, 40)}" in <${el.tagName.toLowerCase()}`
                     + ` class="${el.className}"> ${style.color} on rgb(${bg})`);
    }
    return bad;
}"""


@pages_param()
def test_text_contrast_meets_wcag_aa(visits, page_path):
    low = visits[page_path].page.evaluate(CONTRAST)
    assert not low, "text below WCAG AA contrast (4.5:1, large text 3:1):\n" + "\n".join(low[:20])


@pages_param()
def test_no_widget_areas(visits, page_path):
    """Widgets need a kernel: their cells keep only a static counterpart in the HTML (tag remove-output)."""
    found = visits[page_path].page.evaluate("""() => ({
        views: document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]').length,
        areas: document.querySelectorAll(".jupyter-widgets, .widget-area, .jp-OutputArea-output.widget").length,
        reprs: (document.querySelector("article") || document.body).innerText.match(
            /(interactive|VBox|HBox|IntSlider|FloatSlider|Output)\\(children=/g) || [],
    })""")
    assert found == {"views": 0, "areas": 0, "reprs": []}, f"widget output left in the page: {found}"


@pages_param()
def test_animations_play(visits, page_path):
    page = visits[page_path].page
    count = page.locator("div.animation").count()
    for i in range(count):
        animation = page.locator("div.animation").nth(i)
        animation.scroll_into_view_if_needed()
        frame = animation.locator("img")
        slider = animation.locator("input.anim-slider")
        before = (frame.get_attribute("src"), slider.input_value())
        assert before[0] and before[0].startswith("data:image/"), f"animation {i} shows no frame"
        animation.locator("button[title='Play']").click()
        page.wait_for_function("([img, before]) => document.getElementById(img).src !== before",
                               arg=[frame.get_attribute("id"), before[0]], timeout=5000)
        animation.locator("button[title='Pause']").click()
        assert slider.input_value() != before[1], f"animation {i}: the slider did not move"


@pages_param()
def test_page_weight_within_budget(visits, page_path):
    weight = visits[page_path].weight()
    assert weight <= PAGE_BUDGET, f"{weight / 2**20:.2f} MB > {PAGE_BUDGET / 2**20:.0f} MB (see weights.txt)"


def toc_order(page):
    """Pages of the sidebar table of contents, in order, as paths relative to _build/html."""
    hrefs = page.evaluate("""() => [...document.querySelectorAll("nav.bd-docs-nav a.reference.internal")]
                                  .map(a => a.href)""")
    return [urllib.parse.urlsplit(h).path.lstrip("/") for h in hrefs]


def test_every_chapter_has_launch_buttons_and_course_navigation(visits):
    first = visits.get("intro.html") or visits["index.html"]
    order = list(dict.fromkeys(["intro.html"] + toc_order(first.page)))
    assert len(order) > 2, "the sidebar lists no chapters"
    for prev, here, nxt in zip([None] + order[:-1], order, order[1:] + [None]):
        page = visits[here].page
        links = page.evaluate("""() => ({
            prev: document.querySelector("a.left-prev") ? document.querySelector("a.left-prev").href : null,
            next: document.querySelector("a.right-next") ? document.querySelector("a.right-next").href : null})""")
        got = {k: v and urllib.parse.urlsplit(v).path.lstrip("/") for k, v in links.items()}
        assert got == {"prev": prev, "next": nxt}, f"{here}: previous/next links {got}"
        if here.startswith("chapters/"):
            launch = page.evaluate("""() => [...document.querySelectorAll("a")].map(a => a.href)
                                    .filter(h => /mybinder\\.org|colab\\.research\\.google\\.com/.test(h))""")
            assert any("mybinder.org" in h for h in launch) and any("colab" in h for h in launch), \
                f"{here}: launch buttons (Binder, Colab) missing"


def test_search_finds_pages(server, browser):
    visit = Visit(browser, server, "search.html").open("?q=gradient")
    try:
        visit.page.wait_for_selector("#search-results ul.search li", timeout=20000)
        hits = visit.page.locator("#search-results ul.search li").count()
        assert hits >= 1
        assert not visit.external and not visit.failed and not visit.errors, \
            json.dumps({"external": visit.external, "failed": visit.failed, "errors": visit.errors})
    finally:
        visit.close()


# Reading at 1280 px --------------------------------------------------------------------------------------------------

WIDE_BLOCKS = """() => {
    const article = document.querySelector("article.bd-article");
    if (!article) return [];  // a redirect page
    const style = getComputedStyle(article);
    const right = article.getBoundingClientRect().right - parseFloat(style.paddingRight);
    const folded = [...article.querySelectorAll("details:not([open])")];
    folded.forEach(d => { d.open = true; });  // folded code must fit too once a reader unfolds it
    const blocks = "pre, div.highlight, div.cell_output, div.output, div.math, mjx-container[display='true'], "
                   + "table, .pst-scrollable-table-container, img, div.animation";
    const wide = [];
    for (const el of article.querySelectorAll(blocks)) {
        if (!el.getClientRects().length) continue;
        const overflow = Math.max(el.scrollWidth - el.clientWidth, el.getBoundingClientRect().right - right);
        if (overflow > 1)
            wide.push(`${Math.round(overflow)} px too wide: <${el.tagName.toLowerCase()} class="${el.className}"> `
                      + JSON.stringify(el.textContent.trim().slice(0, 60)));
    }
    folded.forEach(d => { d.open = false; });
    return wide;
}"""


@pages_param()
def test_blocks_fit_the_text_column(visits, page_path):
    wide = visits[page_path].page.evaluate(WIDE_BLOCKS)
    assert not wide, f"{len(wide)} blocks wider than the text column at 1280 px:\n" + "\n".join(wide[:15])


def chapter_of(path):
    """Chapter N of the page chapters/NN_slug.html (or a link to it), None for other pages."""
    match = re.search(r"chapters/(\d+)_[^/#]*\.html", path)
    return int(match.group(1)) if match else None


NUMBERS = r"""() => {
    const article = document.querySelector("article.bd-article") || document.body;
    const text = el => el.textContent.replace(/\s+/g, " ").trim();
    const kinds = /^(?:Fig\.|Table|Listing|Theorem|Lemma|Definition|Corollary|Proposition|Algorithm|Exercise|Example|Remark|Conjecture|Axiom|Criterion|Assumption|Observation|Property|Equation)\s+(\d[\d.]*)$|^\((\d[\d.]*)\)$/;
    const defined = [...article.querySelectorAll(".caption-number, .eqno")].map(el => text(el).replace(/\s*#$/, ""));
    const references = [...article.querySelectorAll("a.reference.internal")]
        .map(a => [text(a), a.getAttribute("href") || ""]).filter(([t]) => kinds.test(t));
    return {defined, references, pattern: kinds.source};
}"""


def _number(label, pattern):
    match = re.match(pattern, label)
    return match and (match.group(1) or match.group(2))


@pages_param()
def test_numbers_are_per_chapter(visits, page_path):
    """In chapter N every figure, equation, theorem and exercise is N.k; references name their own chapter."""
    chapter = chapter_of(page_path)
    if chapter is None:
        return
    found = visits[page_path].page.evaluate(NUMBERS)
    wrong = []
    for label in found["defined"]:
        number = _number(label, found["pattern"]) or label.strip("()")
        if not re.fullmatch(rf"{chapter}\.\d+", number):
            wrong.append(f"{label!r} on this page (expected {chapter}.k)")
    for label, href in found["references"]:
        target = chapter if href.startswith("#") else chapter_of(urllib.parse.urljoin(page_path, href))
        number = _number(label, found["pattern"])
        if target is not None and not re.fullmatch(rf"{target}\.\d+", number):
            wrong.append(f"link {label!r} to {href} (expected {target}.k)")
    assert not wrong, "numbers that are not per chapter:\n" + "\n".join(wrong[:15])


COLAB_AND_PLOTTING = r"""() => {
    const article = document.querySelector("article.bd-article") || document.body;
    const folded = el => !!el.closest("details.hide, details.above-input, details.toggle-details");
    const cells = [...article.querySelectorAll("div.cell")];
    const colab = cells.filter(c => /google\.colab/.test(c.textContent)).map(c => c.textContent.trim().slice(0, 60));
    const plotting = [];
    for (const cell of cells) {
        const input = cell.querySelector(".cell_input");
        if (!input || folded(input)) continue;
        const lines = input.textContent.split("\n").map(l => l.trim()).filter(l => l && !l.startsWith("#"));
        const plots = lines.filter(l => /(^|[^\w.])(plt|plots|ax|axs|axes|fig|ax\d|ax_\w+|cbar|im|cs)\b\s*[.\[]|\.(set_\w+|legend|annotate|axhline|axvline|plot|scatter|fill_between|imshow|contourf?|text|colorbar)\(/.test(l));
        const computes = /\bdescent\.(?!plots\b)\w+|(^|[^\w.])run\(/.test(input.textContent);
        if (!computes && plots.length >= 3)
            plotting.push(`${plots.length} of ${lines.length} lines plot: ${JSON.stringify(lines[0].slice(0, 60))}`);
    }
    return {colab, plotting};
}"""


@pages_param()
def test_colab_cell_removed_and_plotting_code_folded(visits, page_path):
    """The Colab install cell is tagged remove-cell; plotting-only cells hide-input ("show code").

    A plotting-only cell: three lines or more of matplotlib or ``descent.plots`` and no other call of ``descent``
    (a cell that computes with ``descent`` stays visible, plotting included).
    """
    found = visits[page_path].page.evaluate(COLAB_AND_PLOTTING)
    assert not found["colab"], f"Colab install cell in the page (tag it remove-cell): {found['colab']}"
    assert not found["plotting"], "plotting-only cells shown (tag them hide-input):\n" + "\n".join(found["plotting"])


@pages_param()
def test_figures_shown_at_full_size(visits, page_path):
    """A figure wider than the column is shrunk, and its text with it: figures are at most 7 in wide at 100 dpi."""
    shrunk = visits[page_path].page.evaluate("""() => [...document.querySelectorAll("article img")]
        .filter(img => img.naturalWidth > 0 && img.getClientRects().length
                       && img.getBoundingClientRect().width < 0.95 * img.naturalWidth)
        .map(img => `${img.naturalWidth} px shown at ${Math.round(img.getBoundingClientRect().width)} px: `
                    + (img.getAttribute("alt") || img.src).slice(0, 60))""")
    assert not shrunk, "figures shrunk to fit the column (their text too):\n" + "\n".join(shrunk[:15])
