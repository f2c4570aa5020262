"""The report's page in Chromium: nothing requested from anywhere but its own file, every chart drawn,
readable at phone size (390x844) and on a desktop, in English and Chinese. Screenshots go to
tests/artifacts/report/."""

from __future__ import annotations

import json

import pytest

from tests.artifacts import artifact
from tests.chromium import NEEDS_CHROMIUM, browser  # noqa: F401
from toolkit.report import html_page
from toolkit.report.strings import ZH

pytestmark = NEEDS_CHROMIUM

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


def _open(browser, path, size):  # noqa: F811
    context = browser.new_context(viewport=SIZES[size], device_scale_factor=1)
    requested = []

    def only_the_file(route):
        requested.append(route.request.url)
        if route.request.url == path.as_uri():
            route.continue_()
        else:
            route.abort()

    context.route("**/*", only_the_file)
    page = context.new_page()
    page.goto(path.as_uri())
    return context, page, requested


def _charts(page) -> list[dict]:
    return page.eval_on_selector_all("svg.chart", """svgs => svgs.map(svg => {
        const box = svg.getBoundingClientRect();
        const bars = [...svg.querySelectorAll('rect.bar')].map(r => r.getBoundingClientRect())
                     .filter(b => b.width > 0 && b.height > 0);
        return {width: box.width, height: box.height, bars: bars.length, label: svg.getAttribute('aria-label')};
    })""")


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_report_opens_offline_with_its_charts_drawn(community, browser, size):  # noqa: F811
    path = community.out / "2026-11" / "index.html"
    context, page, requested = _open(browser, path, size)
    try:
        assert requested == [path.as_uri()]  # no font, script, stylesheet or image from anywhere
        charts = _charts(page)
        labels = [chart["label"] for chart in charts]
        assert "Net revenue by month (USD)" in labels and "Net revenue by product (EUR)" in labels
        assert "How far readers get: async-python" in labels
        for chart in charts:
            assert chart["bars"] >= 1 and chart["width"] > 250 and chart["height"] > 20, chart
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= SIZES[size]["width"]  # wide tables scroll inside their box, the page does not
        assert page.locator("h1").inner_text() == "Operator's report"
        page.screenshot(path=str(artifact(f"report/report-en-{size}.png")), full_page=True)
    finally:
        context.close()


def test_the_chinese_report(community, browser, tmp_path):  # noqa: F811
    document = json.loads((community.out / "2026-11" / "report.json").read_text(encoding="utf-8"))
    document["language"] = "zh"
    path = tmp_path / "index.html"
    path.write_text(html_page.render(document, ZH), encoding="utf-8")
    context, page, requested = _open(browser, path, "phone")
    try:
        assert requested == [path.as_uri()]
        assert page.locator("h1").inner_text() == "运营报告"
        assert page.locator("html").get_attribute("lang") == "zh"
        assert "每月净收入（USD）" in [chart["label"] for chart in _charts(page)]
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=str(artifact("report/report-zh-phone.png")), full_page=True)
    finally:
        context.close()


def test_the_payout_statements_page(community, browser):  # noqa: F811
    path = community.out / "2026-11" / "payouts.html"
    context, page, requested = _open(browser, path, "phone")
    try:
        assert requested == [path.as_uri()]
        assert "Folio never moves money." in page.inner_text("body")
        page.screenshot(path=str(artifact("report/payouts-en-phone.png")), full_page=True)
    finally:
        context.close()


def test_a_year_draws_a_column_per_month(community, browser):  # noqa: F811
    path = community.out / "2025-12-01_2026-11-30" / "index.html"
    context, page, requested = _open(browser, path, "phone")
    try:
        assert requested == [path.as_uri()]
        charts = {chart["label"]: chart for chart in _charts(page)}
        assert charts["Net revenue by month (USD)"]["bars"] == 12
        assert charts["Net revenue by month (EUR)"]["bars"] == 12
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=str(artifact("report/report-year-phone.png")), full_page=True)
    finally:
        context.close()
