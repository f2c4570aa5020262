"""Feeds to follow the community: RSS and Atom for articles and salon notes, iCalendar for salons.

Every entry is made of public facts only: a title, a date, the page's public URL and a summary
that is the teaser for members pages (never their locked text). The files are handed to MkDocs
as generated files, so they land in site/ like any page and the leak guard scans them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Callable
from zoneinfo import ZoneInfo

from feedgen.feed import FeedGenerator
from icalendar import Calendar, Event, vText

from toolkit.content.model import Page, Site
from toolkit.content.text import plain_text, shorten

# Where the feeds live in the site, relative to its root (also linked from the page <head>).
FEED_FILES = {
    "rss": "feeds/rss.xml",
    "atom": "feeds/atom.xml",
    "ics": "feeds/salons.ics",
}
# How pages link their feeds in <head>. Feed readers and browsers look for the `alternate` token
# with a feed type; Material reads every `link[rel=alternate]` (an exact match) as a translation
# of the page and fetches a sitemap.xml next to it (three 404s per page). A second token keeps
# the autodiscovery and is no exact match.
AUTODISCOVERY_REL = "alternate feed"
MEDIA_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml", "ics": "text/calendar"}
SUMMARY_CHARS = 300
_TIME_RANGE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*(?:[-–—]\s*(\d{1,2}):(\d{2}))?\s*$")
_HEADINGS = re.compile(r"^#{1,6}\s.*$", re.M)
DEFAULT_DURATION = dt.timedelta(hours=2)


@dataclass
class FeedSource:
    """What the feeds are built from."""

    site: Site
    site_url: str  # absolute, ending in "/"
    site_name: str
    language: str
    public_url: Callable[[str], str]  # docs-relative src -> site-root-relative URL
    summary_of: Callable[[Page], str]  # the public summary of a page (teaser for locked ones)
    default_timezone: str = "UTC"


def entries(source: FeedSource) -> list[Page]:
    """Articles and salon notes, newest first."""
    pages = source.site.articles + source.site.salons
    return sorted(pages, key=lambda p: (p.date or dt.date.min, p.src), reverse=True)


def public_summary(page: Page, teaser: str | None) -> str:
    """A plain-text summary: the author's description, else the start of the public text."""
    text = teaser if page.locked else (page.meta.get("summary") or page.meta.get("description") or page.body)
    if page.locked and teaser is None:
        return ""
    # The title is printed on its own everywhere a summary goes: leave headings out.
    body = _HEADINGS.sub("", str(text or ""))
    return shorten(plain_text(body), SUMMARY_CHARS)


def _absolute(source: FeedSource, src: str) -> str:
    return source.site_url + source.public_url(src).lstrip("/")


def _feed(source: FeedSource) -> FeedGenerator:
    fg = FeedGenerator()
    fg.id(source.site_url)
    fg.title(source.site_name)
    fg.link(href=source.site_url, rel="alternate")
    fg.description(source.site_name)
    fg.language(source.language)
    fg.generator("Folio")
    latest = None
    # feedgen prepends entries: add oldest first so the file lists newest first.
    for page in reversed(entries(source)):
        url = _absolute(source, page.src)
        when = dt.datetime.combine(page.date or dt.date(1970, 1, 1), dt.time(0, 0), dt.timezone.utc)
        latest = max(latest or when, when)
        entry = fg.add_entry()
        entry.id(url)
        entry.title(page.title)
        entry.link(href=url)
        entry.published(when)
        entry.updated(when)
        entry.summary(source.summary_of(page) or page.title)
        entry.category(term="salon" if page.kind == "salon" else "article")
        for author in page.meta.get("authors", []) or page.meta.get("speakers", []):
            entry.author(name=str(author))
    fg.updated(latest or dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc))
    return fg


def rss(source: FeedSource) -> bytes:
    fg = _feed(source)
    fg.link(href=source.site_url + FEED_FILES["rss"], rel="self")
    return fg.rss_str(pretty=True)


def atom(source: FeedSource) -> bytes:
    fg = _feed(source)
    fg.link(href=source.site_url + FEED_FILES["atom"], rel="self")
    return fg.atom_str(pretty=True)


def salon_times(page: Page, default_timezone: str) -> tuple[dt.datetime | dt.date, dt.datetime | dt.date]:
    """Start and end of a salon: timed in its zone when `time:` is set, else a whole day."""
    zone = ZoneInfo(str(page.meta.get("timezone") or default_timezone))
    match = _TIME_RANGE.match(str(page.meta.get("time", "")))
    if not match:
        return page.date, page.date + dt.timedelta(days=1)
    start = dt.datetime.combine(page.date, dt.time(int(match.group(1)), int(match.group(2))), zone)
    if match.group(3):
        end = dt.datetime.combine(page.date, dt.time(int(match.group(3)), int(match.group(4))), zone)
    else:
        end = start + DEFAULT_DURATION
    return start, end


def calendar(source: FeedSource) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Folio//salons//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"{source.site_name} — salons")
    host = re.sub(r"^https?://", "", source.site_url).split("/")[0] or "folio.invalid"
    for page in sorted(source.site.salons, key=lambda p: (p.date, p.src)):
        start, end = salon_times(page, source.default_timezone)
        event = Event()
        event.add("uid", f"{page.src}@{host}")
        event.add("dtstamp", dt.datetime.combine(page.date, dt.time(0, 0), dt.timezone.utc))
        event.add("dtstart", start)
        event.add("dtend", end)
        event.add("summary", page.title)
        event["location"] = vText(str(page.meta.get("location", "")))
        speakers = ", ".join(str(s) for s in page.meta.get("speakers", []))
        description = source.summary_of(page)
        event.add("description", "\n\n".join(part for part in (speakers, description) if part))
        event.add("url", _absolute(source, page.src))
        cal.add_component(event)
    return cal.to_ical()


def feed_files(source: FeedSource) -> dict[str, bytes]:
    """Site-relative path -> bytes of every feed (the calendar only when there are salons)."""
    files = {FEED_FILES["rss"]: rss(source), FEED_FILES["atom"]: atom(source)}
    if source.site.salons:
        files[FEED_FILES["ics"]] = calendar(source)
    return files
