"""What search engines and link previews read: schema.org JSON-LD and Open Graph / Twitter meta.

Course pages describe a `Course` with its `offers`; salon notes an `Event`; every page gets
Open Graph and Twitter card tags. Descriptions are the page's public summary (the teaser for a
locked page), so nothing here can carry locked text.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from toolkit.content.model import Course, Page
from toolkit.content.prices import Price

LOCALES = {"en": "en_US", "zh": "zh_CN"}


@dataclass
class PageFacts:
    """The public facts of one page, as the template will print them."""

    page: Page
    url: str  # absolute
    summary: str  # public plain text
    site_name: str
    site_url: str
    language: str


def course_jsonld(facts: PageFacts, course: Course, membership: dict[str, Price]) -> dict:
    offers = []
    if course.price:
        offers.append(_offer(course.price, facts.url, "Paid"))
    data = {
        "@context": "https://schema.org",
        "@type": "Course",
        "name": course.title,
        "description": facts.summary or course.title,
        "url": facts.url,
        "inLanguage": facts.language,
        "provider": {"@type": "Organization", "name": facts.site_name, "sameAs": facts.site_url},
        "isAccessibleForFree": course.price is None,
        "hasCourseInstance": {"@type": "CourseInstance", "courseMode": "online",
                              "courseWorkload": f"PT{sum(c.minutes for c in course.chapters)}M"},
    }
    authors = course.index.meta.get("authors") or []
    if authors:
        data["author"] = [{"@type": "Person", "name": str(a)} for a in authors]
    if offers:
        data["offers"] = offers
    return data


def event_jsonld(facts: PageFacts, start: dt.date | dt.datetime, end: dt.date | dt.datetime) -> dict:
    page = facts.page
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": page.title,
        "description": facts.summary or page.title,
        "url": facts.url,
        "startDate": start.isoformat(),
        "endDate": end.isoformat(),
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "inLanguage": facts.language,
        "location": {"@type": "Place", "name": str(page.meta.get("location", "")),
                     "address": str(page.meta.get("location", ""))},
        "organizer": {"@type": "Organization", "name": facts.site_name, "url": facts.site_url},
    }
    speakers = page.meta.get("speakers") or []
    if speakers:
        data["performer"] = [{"@type": "Person", "name": str(s)} for s in speakers]
    return data


def _offer(price: Price, url: str, category: str) -> dict:
    return {"@type": "Offer", "price": price.major,
            "priceCurrency": price.currency, "category": category, "url": url,
            "availability": "https://schema.org/InStock"}


def script_tag(data: dict) -> str:
    """A JSON-LD <script> whose content cannot close the tag early."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")
    return f'<script type="application/ld+json">{text}</script>'


def social_meta(facts: PageFacts, kind: str) -> list[tuple[str, str, str]]:
    """(attribute, name, content) for Open Graph and Twitter card <meta> tags."""
    og_type = "article" if kind in ("article", "chapter", "salon") else "website"
    description = facts.summary or facts.page.title
    return [
        ("property", "og:type", og_type),
        ("property", "og:title", facts.page.title),
        ("property", "og:description", description),
        ("property", "og:url", facts.url),
        ("property", "og:site_name", facts.site_name),
        ("property", "og:locale", LOCALES.get(facts.language, facts.language)),
        ("name", "twitter:card", "summary"),
        ("name", "twitter:title", facts.page.title),
        ("name", "twitter:description", description),
    ]
