"""GET /read/<product>/<page>: the paid page for a reader the verdict entitles now, nothing for anyone else."""

from __future__ import annotations

import html
import re
import time

import pytest
import requests

from tests.gate.gatekit import CHAPTER, COURSE, PAID_TEXT, SECRET_KEY, gate, published, selling  # noqa: F401
from tests.gatedsite import FIGURE
from tests.s3server import moto_endpoint, s3_env, s3_proxy  # noqa: F401
from tests.sandbox.stripe_fixtures import stripe_standin  # noqa: F401
from toolkit.gate.identity import SIGNIN_COOKIE as COOKIE_NAME, SIGNIN_COOKIE_SALT as SALT
from toolkit.gate.membership import COOKIE_NAME as OLD_MEMBER_COOKIE

MEMBERS_PAGE = "articles/deep-dive.md"


def member(gate, selling, product=COURSE, plan="one_time") -> requests.Session:
    """A browser that bought `product`: it holds the cookie the success page set."""
    session_id = selling.open_session(product, plan)
    selling.standin.complete_checkout(session_id, "paid", email="reader@example.com")
    http = requests.Session()
    assert http.get(f"{gate.url}/success", params={"session_id": session_id}, timeout=30).status_code == 200
    assert http.cookies.get(COOKIE_NAME)
    return http


def read(http, gate, product, page, **kwargs):
    return http.get(f"{gate.url}/read/{product}/{page}", allow_redirects=False, timeout=30, **kwargs)


def test_buyer_reads_the_paid_page(gate, selling):
    response = read(member(gate, selling), gate, COURSE, CHAPTER)
    assert response.status_code == 200 and PAID_TEXT in response.text
    assert response.headers["Content-Type"].startswith("text/html")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_page_assets_are_served_through_short_lived_signed_urls(gate, selling):
    page = read(member(gate, selling), gate, COURSE, CHAPTER).text
    [src] = re.findall(r'<img src="([^"]+)"', page)
    url = html.unescape(src)
    assert "X-Amz-Signature=" in url and "X-Amz-Expires=300" in url
    assert "../" not in page
    image = requests.get(url, timeout=30)
    assert image.status_code == 200 and image.content == FIGURE
    assert image.headers["Content-Type"] == "image/png"


def test_without_a_cookie_the_reader_goes_to_the_paywall(gate, selling):
    response = read(requests.Session(), gate, COURSE, CHAPTER)
    assert response.status_code == 303
    assert response.headers["Location"] == "https://site.example.org/courses/async-python/01-chapter/#folio-paywall"
    assert PAID_TEXT not in response.text


def test_tampered_cookie_is_refused(gate, selling, caplog):
    http = member(gate, selling)
    value = http.cookies.get(COOKIE_NAME)
    payload, rest = value.split(".", 1)
    forged = requests.Session()
    # Claim another address with the original signature.
    from itsdangerous import base64_encode

    forged.cookies.set(COOKIE_NAME, base64_encode(b'{"e":"someone@example.com"}').decode() + "." + rest)
    assert read(forged, gate, COURSE, CHAPTER).status_code == 303
    flipped = requests.Session()
    flipped.cookies.set(COOKIE_NAME, value[:-2] + ("AA" if not value.endswith("AA") else "BB"))
    assert read(flipped, gate, COURSE, CHAPTER).status_code == 303


def test_cookie_signed_with_another_key_is_refused(gate, selling):
    from itsdangerous import URLSafeTimedSerializer

    member(gate, selling)
    forged = requests.Session()
    forged.cookies.set(COOKIE_NAME, URLSafeTimedSerializer("another-key-of-32-characters-long!!", salt=SALT)
                       .dumps({"e": "reader@example.com"}))
    assert read(forged, gate, COURSE, CHAPTER).status_code == 303


def test_expired_identity_cookie_is_refused(gate, selling, monkeypatch):
    from itsdangerous import URLSafeTimedSerializer, timed

    member(gate, selling)
    # Signed 31 days ago with the right key: older than signin_days (30).
    monkeypatch.setattr(timed.time, "time", lambda: time.time_ns() / 1e9 - 31 * 86400)
    old = URLSafeTimedSerializer(SECRET_KEY, salt=SALT).dumps({"e": "reader@example.com"})
    monkeypatch.undo()
    stale = requests.Session()
    stale.cookies.set(COOKIE_NAME, old)
    assert read(stale, gate, COURSE, CHAPTER).status_code == 303
    fresh = requests.Session()
    fresh.cookies.set(COOKIE_NAME, URLSafeTimedSerializer(SECRET_KEY, salt=SALT).dumps({"e": "reader@example.com"}))
    assert read(fresh, gate, COURSE, CHAPTER).status_code == 200


def test_a_cookie_minted_by_an_instance_a_minute_ahead_is_accepted(gate, selling, monkeypatch):
    from itsdangerous import URLSafeTimedSerializer, timed

    member(gate, selling)
    for ahead, status in ((55, 200), (120, 303)):
        monkeypatch.setattr(timed.time, "time", lambda: time.time_ns() / 1e9 + ahead)
        value = URLSafeTimedSerializer(SECRET_KEY, salt=SALT).dumps({"e": "reader@example.com"})
        monkeypatch.undo()
        http = requests.Session()
        http.cookies.set(COOKIE_NAME, value)
        assert read(http, gate, COURSE, CHAPTER).status_code == status, ahead


def test_a_cookie_carries_identity_only_so_claimed_rights_grant_nothing(gate, selling):
    from itsdangerous import URLSafeTimedSerializer

    # The retired member cookie, correctly signed, claiming the membership: not a right any more.
    old = URLSafeTimedSerializer(SECRET_KEY, salt="folio.member-cookie.v1").dumps(
        {"p": ["membership"], "t": {"membership": int(time.time())}, "e": "reader@example.com"})
    http = requests.Session()
    http.cookies.set(OLD_MEMBER_COOKIE, old)
    assert read(http, gate, COURSE, CHAPTER).status_code == 303
    # An identity cookie of an address that bought nothing opens nothing either.
    nobody = requests.Session()
    nobody.cookies.set(COOKIE_NAME, URLSafeTimedSerializer(SECRET_KEY, salt=SALT).dumps({"e": "nobody@example.com"}))
    assert read(nobody, gate, COURSE, CHAPTER).status_code == 303


def test_a_course_cookie_does_not_open_another_product(gate, selling):
    response = read(member(gate, selling), gate, "membership", MEMBERS_PAGE)
    assert response.status_code == 303 and "Paid" not in response.text
    assert response.headers["Location"].startswith("https://site.example.org/articles/deep-dive/")


def test_another_products_page_under_this_product_is_not_found(gate, selling):
    response = read(member(gate, selling), gate, COURSE, MEMBERS_PAGE)
    assert response.status_code == 404 and "X-Amz-Signature" not in response.text


@pytest.mark.parametrize("page", [
    "../membership/articles/deep-dive.md",
    "courses/async-python/../../articles/deep-dive.md",
    "%2e%2e/%2e%2e/manifest.json",
    "manifest.json",
    "course/async-python/01-chapter.463e7a6e.html",
])
def test_dot_dot_and_raw_keys_get_no_page(gate, selling, page):
    http = member(gate, selling, "membership", "monthly")
    status, body = raw_get(gate, f"/read/{COURSE}/{page}", http.cookies.get(COOKIE_NAME))
    assert status == 404
    assert "X-Amz-Signature" not in body and "A members-only article." not in body


def raw_get(gate, path: str, cookie: str) -> tuple[int, str]:
    """GET `path` exactly as written (an HTTP library would resolve the '..' before sending)."""
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", int(gate.url.rsplit(":", 1)[1]), timeout=30)
    try:
        connection.request("GET", path, headers={"Cookie": f"{COOKIE_NAME}={cookie}"})
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def test_membership_cookie_opens_course_pages_too(gate, selling):
    http = member(gate, selling, "membership", "monthly")
    assert PAID_TEXT in read(http, gate, COURSE, CHAPTER).text
    assert "A members-only article." in read(http, gate, "membership", MEMBERS_PAGE).text


def test_second_purchase_keeps_the_first(gate, selling):
    http = member(gate, selling)
    session_id = selling.open_session("membership", "yearly")
    selling.standin.complete_checkout(session_id, "paid")
    http.get(f"{gate.url}/success", params={"session_id": session_id}, timeout=30)
    assert read(http, gate, COURSE, CHAPTER).status_code == 200
    assert read(http, gate, "membership", MEMBERS_PAGE).status_code == 200


def test_query_form_of_a_read_link_redirects_to_the_path_form(gate, selling):
    response = requests.get(f"{gate.url}/read/{COURSE}", params={"page": CHAPTER}, allow_redirects=False,
                            timeout=30)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/read/{COURSE}/{CHAPTER}")


def test_unknown_product_is_not_found(gate, selling):
    assert read(member(gate, selling), gate, "course:nope", CHAPTER).status_code == 404


def test_s3_unavailable_gives_a_503_retry_page(selling, s3_proxy):
    from dataclasses import replace

    from tests.gate.gatekit import GateServer

    storage = replace(selling.storage, endpoint_url=s3_proxy.url, max_attempts=1)
    server = GateServer(replace(selling.settings(), storage=storage))
    s3_proxy.fail(-1, status=503, code="SlowDown", when=lambda method, path: path.endswith(".html"))
    try:
        http = member(server, selling)
        response = read(http, server, COURSE, CHAPTER)
    finally:
        server.close()
    assert response.status_code == 503 and "Please try again in a moment" in response.text
    assert PAID_TEXT not in response.text and "Traceback" not in response.text
