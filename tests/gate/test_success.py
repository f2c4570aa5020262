"""GET /success: links only for a payment Stripe confirms; everything else gets a clear page and no link."""

from __future__ import annotations

import html
import io
import re
import zipfile

import pytest
import requests

from tests.gate.gatekit import (CHAPTER, COURSE, PAID_TEXT, SITE_ORIGIN, gate, published,  # noqa: F401
                                selling)
from tests.s3server import moto_endpoint, s3_env  # noqa: F401
from tests.sandbox.stripe_fixtures import stripe_standin  # noqa: F401
from toolkit.gate.identity import SIGNIN_COOKIE as COOKIE_NAME
from toolkit.pay.checkout import METADATA_PLAN, METADATA_PRODUCT

SIGNED = re.compile(r"X-Amz-Signature=", re.I)


def downloads(page: str) -> list[str]:
    return [html.unescape(url) for url in re.findall(r'class="download" href="([^"]+)"', page)]


def read_links(page: str) -> list[str]:
    return re.findall(r'class="read-online" href="([^"]+)"', page)


def buy(gate, http: requests.Session, product=COURSE, plan="one_time") -> str:
    """Press Buy on the site: the gate answers 303 to the stand-in's hosted Checkout page."""
    response = http.post(f"{gate.url}/checkout/{product}", data={"plan": plan, "page": CHAPTER},
                         headers={"Origin": SITE_ORIGIN}, allow_redirects=False, timeout=30)
    assert response.status_code == 303
    return response.headers["Location"]


def test_checkout_pay_success_download_over_real_http(gate, selling):
    http = requests.Session()
    pay_page = buy(gate, http)
    # Pay on the hosted page; Stripe sends the buyer back to the success URL with the session id.
    paid = http.post(pay_page, data={"action": "pay", "email": "reader@example.com"}, timeout=30)
    assert paid.status_code == 200 and paid.url.startswith(f"{gate.url}/success?session_id=cs_")
    assert "Thank you" in paid.text
    # The download links are the gate's: each checks the reader again, then redirects to a signed URL.
    [zip_url, epub_url] = [gate.url + link for link in downloads(paid.text)]
    archive = http.get(zip_url, timeout=30)
    assert archive.status_code == 200
    assert archive.headers["Content-Disposition"] == 'attachment; filename="async-python.zip"'
    with zipfile.ZipFile(io.BytesIO(archive.content)) as bundle:
        texts = [bundle.read(name).decode() for name in bundle.namelist()]
    assert any(PAID_TEXT in text for text in texts)
    assert http.get(epub_url, timeout=30).content.startswith(b"EPUB")
    # Without the buyer's sign-in cookie the same link opens nothing.
    assert requests.get(zip_url, allow_redirects=False, timeout=30).headers["Location"].endswith("/signin")


def test_success_lists_a_read_online_link_for_every_chapter(gate, selling):
    session_id = paid_session(selling)
    page = requests.get(f"{gate.url}/success", params={"session_id": session_id}, timeout=30).text
    assert read_links(page) == [f"/read/{COURSE}/courses/async-python/{n:02d}-chapter.md" for n in (1, 2, 3)]


def signin_cookie(response) -> str:
    return next(c for c in response.raw.headers.getlist("Set-Cookie") if c.startswith(f"{COOKIE_NAME}="))


def test_success_signs_the_buyer_in_with_an_httponly_lax_identity_cookie(gate, selling):
    response = requests.get(f"{gate.url}/success", params={"session_id": paid_session(selling)}, timeout=30)
    cookie = signin_cookie(response)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Max-Age=2592000" in cookie
    assert "Secure" not in cookie  # plain http on loopback; see the https test below


def test_cookie_is_secure_when_the_gate_is_served_over_https(selling):
    from toolkit.gate import create_app

    client = create_app(selling.settings(gate_url="https://gate.example.org")).test_client()
    response = client.get("/success", query_string={"session_id": paid_session(selling)},
                          base_url="https://gate.example.org")
    assert response.status_code == 200
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith(f"{COOKIE_NAME}="))
    assert "Secure" in cookie


def test_success_page_is_never_cached_nor_leaked_as_referer(gate, selling):
    response = requests.get(f"{gate.url}/success", params={"session_id": paid_session(selling)}, timeout=30)
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_membership_success_opens_every_product(gate, selling):
    http = requests.Session()
    pay_page = buy(gate, http, "membership", "monthly")
    page = http.post(pay_page, data={"action": "pay", "email": "member@example.com"}, timeout=30).text
    assert "Your membership opens every course" in page
    assert f"/read/{COURSE}/{CHAPTER}" in read_links(page)
    assert "/read/membership/articles/deep-dive.md" in read_links(page)


def paid_session(selling, product=COURSE, plan="one_time") -> str:
    session_id = selling.open_session(product, plan)
    selling.standin.complete_checkout(session_id, "paid", email="reader@example.com")
    return session_id


@pytest.mark.parametrize("outcome, status, says", [
    (None, 402, "This payment is not finished"),
    ("abandon", 402, "This payment is not finished"),
    ("expire", 402, "This checkout has expired"),
    ("async_pending", 202, "we email you the link"),
    ("async_failed", 402, "Your bank transfer did not go through"),
])
def test_unpaid_sessions_get_no_link_and_no_cookie(gate, selling, outcome, status, says):
    session_id = selling.open_session()
    if outcome:
        selling.standin.complete_checkout(session_id, outcome)
    response = requests.get(f"{gate.url}/success", params={"session_id": session_id}, timeout=30)
    assert response.status_code == status and says in response.text
    assert not SIGNED.search(response.text) and not read_links(response.text)
    assert COOKIE_NAME not in response.headers.get("Set-Cookie", "")


@pytest.mark.parametrize("session_id", ["cs_test_a1b2c3d4e5f6madeup", "nonsense", ""])
def test_made_up_session_gets_no_link(gate, selling, session_id):
    response = requests.get(f"{gate.url}/success", params={"session_id": session_id}, timeout=30)
    assert response.status_code == 404 and "We could not find this payment" in response.text
    assert not SIGNED.search(response.text) and "Set-Cookie" not in response.headers


def test_paid_session_for_another_products_price_gets_no_link(gate, selling):
    # A session paid at the membership's price that claims to buy the course.
    session = selling.client().v1.checkout.sessions.create(params={
        "mode": "subscription", "line_items": [{"price": selling.prices["folio_membership_monthly"], "quantity": 1}],
        "client_reference_id": COURSE, "metadata": {METADATA_PRODUCT: COURSE, METADATA_PLAN: "one_time"},
        "success_url": "https://gate.example.org/success"})
    selling.standin.complete_checkout(session.id, "paid")
    response = requests.get(f"{gate.url}/success", params={"session_id": session.id}, timeout=30)
    assert response.status_code == 403 and not SIGNED.search(response.text)


@pytest.mark.parametrize("fault", ["429", "500", "drop"])
def test_stripe_unavailable_gives_a_503_retry_page(gate, selling, fault):
    session_id = paid_session(selling)
    if fault == "drop":
        selling.standin.drop_next(1)
    else:
        selling.standin.fail_next(int(fault), count=1)
    response = requests.get(f"{gate.url}/success", params={"session_id": session_id}, timeout=30)
    assert response.status_code == 503
    assert "Please try again in a moment" in response.text
    assert "Traceback" not in response.text and not SIGNED.search(response.text)
    assert requests.get(f"{gate.url}/success", params={"session_id": session_id}, timeout=30).status_code == 200


def test_chinese_site_gets_chinese_pages(selling):
    from toolkit.gate import create_app

    client = create_app(selling.settings(language="zh")).test_client()
    response = client.get("/success", query_string={"session_id": paid_session(selling)})
    text = response.get_data(as_text=True)
    assert "感谢购买" in text and "在线阅读" in text and 'lang="zh"' in text


def test_traditional_chinese_site_gets_traditional_pages(selling):
    from tests.content.test_facts import SIMPLIFIED_ONLY
    from toolkit.gate import create_app

    client = create_app(selling.settings(language="zh-TW")).test_client()
    success = client.get("/success", query_string={"session_id": paid_session(selling)}).get_data(as_text=True)
    signin = client.get("/signin").get_data(as_text=True)

    assert "感謝購買" in success and "線上閱讀" in success and "返回網站" in success
    assert "以電子郵件登入" in signin and "寄送登入連結" in signin
    for page in (success, signin):
        assert not SIMPLIFIED_ONLY & set(page), sorted(SIMPLIFIED_ONLY & set(page))
