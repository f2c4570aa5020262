"""`folio build --builder mkdocs|zensical`: the example built by both builders sells the same way and leaks nothing.

Both builds run once per module, as a user runs them (the `folio` command), into two site folders
of one copy of the example.
"""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

import pytest

from tests.chromium import browser  # noqa: F401  (fixture)
from tests.conftest import EXAMPLE_TODAY, copy_example

BUILDERS = ("mkdocs", "zensical")
GATE = "http://127.0.0.1:8787"
LOCKED_CHAPTER = "courses/async-python/04-structured-concurrency.md"
LOCKED_CHAPTER_ZH = "courses/rust-ownership-zh/02-borrowing.md"


def page_path(site: Path, src: str) -> Path:
    """The built HTML of the page `src` (directory URLs)."""
    stem = src[: -len(".md")]
    if stem == "index" or stem.endswith("/index"):
        return site / (stem[: -len("index")] + "index.html")
    return site / stem / "index.html"


def visible(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


@pytest.fixture(scope="module")
def builds(tmp_path_factory, folio_env, venv_bin):
    """The example, built with each builder: {builder: site folder}, and the copy's root."""
    import datetime as dt

    root = copy_example(tmp_path_factory.mktemp("two-builders"))
    epoch = dt.datetime.fromisoformat(EXAMPLE_TODAY).replace(tzinfo=dt.timezone.utc).timestamp()
    env = {**folio_env, "SOURCE_DATE_EPOCH": str(int(epoch))}
    sites = {}
    for builder in BUILDERS:
        site = root / f"site-{builder}"
        done = subprocess.run([str(venv_bin / "folio"), "build", "--builder", builder, "-d", str(site)],
                              cwd=root, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        assert f"Built {site}" in done.stdout and "leak guard: clean" in done.stdout, done.stdout
        sites[builder] = site
    return root, sites


@pytest.fixture(scope="module")
def model(builds):
    """The example's content model and public form, read the way the build reads them."""
    from toolkit.plugin.pipeline import run_on_config
    from toolkit.plugin.staging import folio_plugin, load_mkdocs_config

    root, _ = builds
    config = load_mkdocs_config(root / "mkdocs.yml")
    plugin = folio_plugin(config)
    plugin.on_startup(command="build", dirty=False)
    run_on_config(plugin, config)
    plugin._release_lock()
    return config, plugin


def site_text(site: Path) -> str:
    return "\n".join(html.unescape(p.read_text(encoding="utf-8", errors="replace"))
                     for p in site.rglob("*") if p.is_file() and p.suffix in (".html", ".json", ".xml", ".js", ".txt"))


def paid_lines(plugin) -> dict[str, list[str]]:
    """Per locked page, the plain sentences of its paid remainder (lines not in its teaser)."""
    out = {}
    for src, locked in plugin.public.locked.items():
        lines = [line.strip() for line in locked.page.body.splitlines()]
        out[src] = [line for line in lines if len(line) >= 30 and line not in locked.teaser
                    and not re.search(r"[`*\[\]<>|#{}]", line)]
    return out


@pytest.mark.parametrize("builder", BUILDERS)
def test_no_paid_text_in_either_output_by_the_leak_guard(builds, model, builder):
    from toolkit.plugin.guard_in_build import LeakGuard, guard_inputs

    _, sites = builds
    config, plugin = model
    guard = LeakGuard(guard_inputs(plugin.site, plugin.public, config, [], plugin.tree.private_files()), method="inline")
    report = guard.check(sites[builder])
    assert report.scanned > 20
    assert report.leaks == []


@pytest.mark.parametrize("builder", BUILDERS)
def test_no_paid_remainder_sentence_in_either_output(builds, model, builder):
    root, sites = builds
    _, plugin = model
    lines = paid_lines(plugin)
    assert sum(len(found) for found in lines.values()) > 20  # the search below looks for something
    gated = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in (root / "gated").rglob("*.html"))
    public = site_text(sites[builder])
    for src, sentences in lines.items():
        for sentence in sentences:
            assert sentence not in public, f"{builder}: paid text of {src} published: {sentence!r}"
    assert any(sentence in gated for found in lines.values() for sentence in found)  # it is sold, in gated/


@pytest.mark.parametrize("builder", BUILDERS)
def test_every_locked_page_shows_one_paywall_with_buy_forms_to_the_gate(builds, model, builder):
    _, sites = builds
    _, plugin = model
    assert len(plugin.public.locked) >= 5
    for src in plugin.public.locked:
        text = page_path(sites[builder], src).read_text(encoding="utf-8")
        boxes = re.findall(r'<aside class="folio-paywall" id="folio-paywall" data-product="([^"]+)">(.*?)</aside>',
                           text, re.S)
        assert len(boxes) == 1, f"{builder}: {src} shows {len(boxes)} paywalls"
        product, box = boxes[0]
        assert product == plugin.site.pages[src].product
        forms = re.findall(r'<form class="folio-paywall__offer" method="post" action="([^"]+)">(.*?)</form>', box, re.S)
        assert forms, f"{builder}: {src}: no Buy form"
        for action, form in forms:
            offered = re.search(r'name="product" value="([^"]+)"', form).group(1)
            assert action == f"{GATE}/checkout/{offered}"
            assert re.search(r'<button type="submit"[^>]*>[^<]*\d', form) and "disabled" not in form
        assert f'href="{GATE}/read/{product}/' in box


@pytest.mark.parametrize("builder", BUILDERS)
def test_every_chapter_shows_its_header_and_every_course_section_its_title(builds, model, builder):
    _, sites = builds
    _, plugin = model
    home = page_path(sites[builder], "index.md").read_text(encoding="utf-8")
    nav = home[home.index("md-nav--primary"):]
    for slug, course in plugin.site.courses.items():
        assert f">{course.title}<" in nav.replace("\n", "").replace(" <", "<").replace("> ", ">") or \
            course.title in visible(nav), f"{builder}: no section titled {course.title!r}"
        assert slug.replace("-", " ").capitalize() not in visible(nav)  # not the folder's name
        for position, chapter in enumerate(course.chapters, 1):
            text = page_path(sites[builder], chapter.src).read_text(encoding="utf-8")
            header = re.search(r'<nav class="folio-header folio-header--chapter".*?</nav>', text, re.S)
            assert header, f"{builder}: {chapter.src} has no chapter header"
            assert course.title in visible(header.group(0))
            assert f"{position} " in visible(header.group(0))


def test_course_sections_come_in_folio_order_under_zensical(builds, model):
    _, sites = builds
    _, plugin = model
    nav = visible(page_path(sites["zensical"], "index.md").read_text(encoding="utf-8").split("md-nav--primary", 1)[1])
    titles = [c.title for c in plugin.site.courses["async-python"].chapters]
    places = [nav.index(title) for title in titles]
    assert places == sorted(places)
    assert nav.index("Courses") < nav.index("Articles") < nav.index("Salons")


def test_folio_css_is_published_and_linked_by_both(builds):
    _, sites = builds
    for builder, site in sites.items():
        assert (site / "assets/folio.css").is_file(), builder
        page = page_path(site, LOCKED_CHAPTER).read_text(encoding="utf-8")
        assert re.search(r'<link[^>]+href="[./]*assets/folio\.css"', page), builder


def test_both_builders_publish_the_same_files_of_content(builds):
    _, sites = builds
    found = {b: {p.relative_to(s).as_posix() for p in s.rglob("*.svg") if "assets" not in p.parts}
             for b, s in sites.items()}
    assert found["mkdocs"] == found["zensical"]
    assert "courses/async-python/img/overview.svg" in found["zensical"]


def test_zensical_build_writes_the_same_feeds_as_mkdocs(builds):
    _, sites = builds
    for name in ("feeds/rss.xml", "feeds/atom.xml", "feeds/salons.ics"):
        mkdocs, zensical = (sites[b] / name for b in BUILDERS)
        assert zensical.is_file(), name
        assert zensical.read_bytes() == mkdocs.read_bytes(), name
    assert "Reading flame graphs without fear" in (sites["zensical"] / "feeds/rss.xml").read_text(encoding="utf-8")


def test_zensical_refuses_a_site_whose_plugins_it_would_drop(tmp_path, folio_env, venv_bin):
    root = copy_example(tmp_path / "site")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("  - search\n", "  - search\n  - mkdocs-jupyter\n"),
                      encoding="utf-8")
    done = subprocess.run([str(venv_bin / "folio"), "build", "--builder", "zensical"], cwd=root, env=folio_env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "mkdocs-jupyter" in done.stderr and "--builder mkdocs" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (root / "site").exists()


# -- in Chromium: the locked chapter from each builder, at phone and desktop size ---------------------

def _served(site: Path):
    import functools
    import http.server

    from tests.loopback import serve_in_thread

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format, *args):  # noqa: A002 - the base class's name
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    serve_in_thread(server)
    return server


def _paywall_seen(browser, url: str, width: int, height: int, shot: Path) -> dict:
    """What a reader sees of the paywall box on `url`, and a screenshot of the page."""
    from tests.chromium import loopback_only

    context = browser.new_context(viewport={"width": width, "height": height})
    loopback_only(context)
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(url)
        box = page.locator("#folio-paywall")
        box.scroll_into_view_if_needed()
        page.screenshot(path=str(shot), full_page=True)
        bounds = box.bounding_box()
        return {
            "count": page.locator("aside.folio-paywall").count(),
            "visible": box.is_visible(),
            "inside_page": bounds is not None and bounds["width"] > 200 and bounds["x"] >= 0
            and bounds["x"] + bounds["width"] <= width + 1,
            "text": " ".join(box.inner_text().split()),
            "buttons": [" ".join(b.inner_text().split()) for b in box.locator("button[type=submit]").all()],
            "enabled": all(b.is_enabled() for b in box.locator("button[type=submit]").all()),
            "actions": [f.get_attribute("action") for f in box.locator("form").all()],
            "styled": page.evaluate("getComputedStyle(document.querySelector('#folio-paywall')).borderTopStyle")
            != "none" or page.evaluate("getComputedStyle(document.querySelector('#folio-paywall')).backgroundColor")
            != "rgba(0, 0, 0, 0)",
            "header": page.locator("nav.folio-header--chapter").is_visible(),
        }
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs Debian's chromium at /usr/bin/chromium")
@pytest.mark.parametrize(("chapter", "size"), [(LOCKED_CHAPTER, (390, 844)), (LOCKED_CHAPTER, (1280, 900)),
                                                (LOCKED_CHAPTER_ZH, (390, 844))], ids=["phone", "desktop", "zh-phone"])
def test_locked_chapter_shows_the_same_paywall_box_under_both_builders(builds, browser, chapter, size):
    from tests.artifacts import artifact

    _, sites = builds
    seen = {}
    for builder, site in sites.items():
        server = _served(site)
        try:
            url = f"http://127.0.0.1:{server.server_address[1]}/" + chapter[: -len(".md")] + "/"
            shot = artifact(f"builders/{Path(chapter).stem}-{builder}-{size[0]}.png")
            seen[builder] = _paywall_seen(browser, url, *size, shot)
            assert shot.stat().st_size > 1000 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        finally:
            server.shutdown()
            server.server_close()
    for builder, box in seen.items():
        assert box["count"] == 1 and box["visible"] and box["inside_page"] and box["styled"], (builder, box)
        assert box["header"], builder
        assert box["enabled"] and len(box["buttons"]) == 3, (builder, box)
        assert all(action.startswith(f"{GATE}/checkout/") for action in box["actions"]), (builder, box)
    assert seen["mkdocs"]["text"] == seen["zensical"]["text"]
    assert seen["mkdocs"]["buttons"] == seen["zensical"]["buttons"]
    assert seen["mkdocs"]["actions"] == seen["zensical"]["actions"]


def test_a_failed_zensical_build_keeps_the_last_good_site_and_says_why(tmp_path, folio_env, venv_bin):
    root = copy_example(tmp_path / "site")
    folio = [str(venv_bin / "folio"), "build", "--builder", "zensical", "--strict"]
    first = subprocess.run(folio, cwd=root, env=folio_env, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    before = sorted(p.relative_to(root / "site").as_posix() for p in (root / "site").rglob("*"))
    (root / "content/broken.md").write_text("---\ntitle: Broken\n---\n\n# Broken\n\nSee [nothing](missing.md).\n",
                                            encoding="utf-8")
    done = subprocess.run(folio, cwd=root, env=folio_env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "zensical build failed" in done.stderr and "broken.md" in done.stderr and "missing.md" in done.stderr
    assert "Traceback" not in done.stderr
    assert sorted(p.relative_to(root / "site").as_posix() for p in (root / "site").rglob("*")) == before
