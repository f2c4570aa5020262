"""The site sells and invites: storefront blocks, course buy actions, feeds, calendar, JSON-LD, link previews."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import feedparser
import icalendar
import pytest

from tests.sites import GATE, write_site
from toolkit.plugin.staging import build_site

ATOM = "{http://www.w3.org/2005/Atom}"
PAID_WORDS = "the walrus-cobalt-5521 remainder explains how sampling quotas are negotiated per team"
TEASER_WORDS = "Public heron teaser about sampling."


class _Head(HTMLParser):
    """The <meta>, <link> and JSON-LD <script> elements of a page."""

    def __init__(self):
        super().__init__()
        self.meta: dict[str, str] = {}
        self.links: list[dict] = []
        self.jsonld: list[dict] = []
        self._in_jsonld = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and ("property" in attrs or "name" in attrs):
            self.meta[attrs.get("property") or attrs["name"]] = attrs.get("content", "")
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_jsonld = True

    def handle_data(self, data):
        if self._in_jsonld:
            self.jsonld.append(json.loads(data))

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_jsonld = False


def head_of(html: str) -> _Head:
    parser = _Head()
    parser.feed(html)
    return parser


# -- the example's storefront home -------------------------------------------------------------

def test_home_shows_a_card_per_course_with_its_facts_and_actions(example_site):
    html = example_site.page("")
    cards = re.findall(r'<div class="card folio-card">(.*?)</div></div>', html)
    course_cards = [c for c in cards if "folio-buy" in c]
    assert len(course_cards) == 2
    async_card = next(c for c in course_cards if "Async Python in Production" in c)
    for fact in ("Intermediate", "49 USD", "6 chapters", "2 free", "20 min"):
        assert f"<li>{fact}</li>" in async_card
    assert 'href="courses/async-python/01-why-async/"' in async_card  # "Start reading": the first free chapter
    assert f'action="{GATE}/checkout/course:async-python"' in async_card
    assert ">Buy — 49 USD</button>" in async_card


def test_home_lists_upcoming_salons_latest_articles_and_contributors(example_site):
    html = example_site.page("")
    for block in ("courses", "salons", "articles", "contributors"):
        assert f'folio-block folio-block--{block}"' in html
    salons = html.split('folio-block--salons"', 1)[1].split("</section>", 1)[0]
    assert "WebAssembly components in practice" in salons  # 2027-01-16: upcoming
    assert "Observability beyond dashboards" not in salons  # 2026-10-17: past
    articles = html.split('folio-block--articles"', 1)[1].split("</section>", 1)[0]
    assert articles.count('class="card folio-card"') == 3
    assert "<!-- folio:" not in html


def test_an_unknown_block_marker_is_a_warning_and_left_as_a_comment(tmp_path, caplog):
    config = write_site(tmp_path, {"index.md": "# Home\n\n<!-- folio:coursez -->\n"})
    with caplog.at_level("WARNING"):
        build_site(config)
    assert "index.md: unknown storefront block `folio:coursez`" in caplog.text
    assert "<!-- folio:coursez -->" in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")


# -- the course page ---------------------------------------------------------------------------

def test_course_page_puts_facts_and_buy_actions_before_the_authors_text(example_site):
    html = example_site.page("courses/async-python/")
    facts = html.index('class="folio-course-facts"')
    buy = html.index('class="folio-course-actions"')
    chapters = html.index('class="folio-chapters"')
    first_paragraph = html.index("Most asyncio tutorials end where the interesting problems begin.")
    assert facts < buy < chapters < first_paragraph
    actions = html[buy:chapters]
    assert f'action="{GATE}/checkout/course:async-python"' in actions
    assert actions.count(f'action="{GATE}/checkout/membership"') == 2
    for label in ("Buy the course — 49 USD", "Join — 9 USD / month", "Join — 90 USD / year"):
        assert label in actions
    assert html.count("folio-badge--paid") == 4 and html.count("folio-badge--free") == 2


# -- feeds -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def members_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("feeds")
    config = write_site(root, {
        "index.md": "# Home\n",
        "articles/free.md": "---\ntitle: Free piece\ndate: 2026-05-01\nauthors: [Ann]\n---\n\n# Free piece\n\nOpen words.\n",
        "articles/deep.md": (
            "---\ntitle: Members deep dive\ndate: 2026-06-01\naccess: members\n---\n\n# Members deep dive\n\n"
            f"{TEASER_WORDS}\n\n<!-- more -->\n\n{PAID_WORDS}.\n"
        ),
        "salons/2026-12-05-meetup.md": (
            "---\ntitle: December meetup\ndate: 2026-12-05\ntime: \"19:00-21:30\"\ntimezone: Europe/Berlin\n"
            "location: Berlin · Room 4\nspeakers: [Ann, 周宁]\n---\n\n# December meetup\n\nWe meet.\n"
        ),
        "salons/2026-11-01-untimed.md": (
            "---\ntitle: Untimed meetup\ndate: 2026-11-01\nlocation: Online\nspeakers: [Bo]\n---\n\n# Untimed\n\nHi.\n"
        ),
    })
    build_site(config)
    return root / "site"


def test_rss_and_atom_list_articles_and_salons_newest_first(members_site):
    rss = feedparser.parse((members_site / "feeds/rss.xml").read_bytes())
    atom = feedparser.parse((members_site / "feeds/atom.xml").read_bytes())
    assert not rss.bozo and not atom.bozo
    titles = [e.title for e in rss.entries]
    assert titles == ["December meetup", "Untimed meetup", "Members deep dive", "Free piece"]
    assert [e.title for e in atom.entries] == titles
    assert rss.entries[3].link == "https://leak.example/articles/free/"


def test_feeds_carry_only_the_teaser_of_members_content(members_site):
    for name in ("rss.xml", "atom.xml"):
        text = (members_site / "feeds" / name).read_text(encoding="utf-8")
        assert "walrus-cobalt-5521" not in text
        assert "Public heron teaser about sampling." in text


def test_salon_calendar_parses_with_time_zone_place_and_speakers(members_site):
    calendar = icalendar.Calendar.from_ical((members_site / "feeds/salons.ics").read_bytes())
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    december = events["December meetup"]
    start = december.decoded("dtstart")
    assert (start.year, start.month, start.day, start.hour, start.minute) == (2026, 12, 5, 19, 0)
    assert str(start.tzinfo) == "Europe/Berlin"
    assert december.decoded("dtend").hour == 21
    assert str(december["location"]) == "Berlin · Room 4"
    assert "Ann, 周宁" in str(december["description"])
    assert str(december["url"]) == "https://leak.example/salons/2026-12-05-meetup/"
    untimed = events["Untimed meetup"]
    assert str(untimed.decoded("dtstart")) == "2026-11-01"  # a whole day when no time is given


def test_pages_link_their_feeds_for_autodiscovery(members_site):
    links = head_of((members_site / "index.html").read_text(encoding="utf-8")).links
    # Feed readers look for the `alternate` token (the rel also says `feed`, see toolkit/plugin/feeds.py).
    types = {link.get("type"): link.get("href") for link in links if "alternate" in (link.get("rel") or "").split()}
    assert types["application/rss+xml"].endswith("feeds/rss.xml")
    assert types["application/atom+xml"].endswith("feeds/atom.xml")


def test_a_bad_salon_time_or_zone_is_an_error_with_its_line(tmp_path):
    from toolkit.errors import FolioError

    config = write_site(tmp_path, {
        "index.md": "# Home\n",
        "salons/2026-12-05-x.md": "---\ntitle: X\ndate: 2026-12-05\ntime: half past seven\ntimezone: Mars/Olympus\n"
                                  "location: Here\nspeakers: [Ann]\n---\n\n# X\n",
    })
    with pytest.raises(FolioError) as caught:
        build_site(config)
    message = str(caught.value)
    assert "salons/2026-12-05-x.md:4: time:" in message
    assert "salons/2026-12-05-x.md:5: timezone: `Mars/Olympus` is not an IANA time zone" in message


# -- search engines and link previews ----------------------------------------------------------

def _require(data: dict, *keys: str) -> None:
    missing = [key for key in keys if not data.get(key)]
    assert not missing, f"{data.get('@type')} lacks {missing}"


def test_course_page_describes_a_schema_org_course_with_offers(example_site):
    head = head_of(example_site.page("courses/async-python/"))
    (course,) = [d for d in head.jsonld if d["@type"] == "Course"]
    assert course["@context"] == "https://schema.org"
    _require(course, "name", "description", "provider", "url", "offers")
    _require(course["provider"], "@type", "name")
    (offer,) = course["offers"]
    assert offer["@type"] == "Offer"
    assert re.fullmatch(r"\d+\.\d{2}", offer["price"]) and offer["price"] == "49.00"
    assert offer["priceCurrency"] == "USD"
    assert course["url"] == "https://learn.lambdasalon.example/courses/async-python/"


def test_salon_page_describes_a_schema_org_event(example_site):
    head = head_of(example_site.page("salons/2027-01-16-webassembly-components/"))
    (event,) = [d for d in head.jsonld if d["@type"] == "Event"]
    _require(event, "name", "startDate", "endDate", "location", "eventStatus", "eventAttendanceMode")
    assert event["startDate"] == "2027-01-16T14:00:00+08:00"
    assert event["location"]["@type"] == "Place" and event["location"]["name"] == "Shanghai · Lambda Space, 3F"
    assert [p["name"] for p in event["performer"]] == ["Sofia Ramirez", "周宁"]


def test_link_previews_of_a_locked_chapter_show_only_its_teaser(example_site):
    html = example_site.page("courses/async-python/03-tasks-and-cancellation/")
    meta = head_of(html).meta
    assert meta["og:title"] == "Tasks and cancellation"
    assert meta["og:description"].startswith("A coroutine object does nothing until someone awaits it.")
    assert meta["twitter:card"] == "summary"
    assert meta["og:url"] == "https://learn.lambdasalon.example/courses/async-python/03-tasks-and-cancellation/"
    for paid in ("the event loop holds only a", "Keep a reference"):
        assert paid not in meta["og:description"]


def test_no_page_asks_google_fonts_for_anything(example_site):
    for page in example_site.site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "fonts.googleapis.com" not in text and "fonts.gstatic.com" not in text, page
