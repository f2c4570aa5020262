"""GET /unlock/state: the one question the site's script asks the gate, and what it may hear back.

On the sandbox stack of the tiny site (course:c, whose chapter 02-deeper.md is paid).
"""

from __future__ import annotations

from tests.journey.stack_fixtures import Reader, s3_env, tiny_stack  # noqa: F401

PAID = "The paid part explains the secret handshake of the tiny course in detail."
LOCKED = "courses/c/02-deeper.md"


def state(reader: Reader, page: str = LOCKED, origin: str | None = None):
    origin = origin or reader.stack.urls.site
    return reader.client.get("/unlock/state", query_string={"page": page}, headers={"Origin": origin})


def test_a_signed_out_reader_hears_signed_out_and_gets_no_locked_text(tiny_stack):
    response = state(Reader(tiny_stack))
    body = response.get_json()
    assert response.status_code == 200
    assert body["signed_in"] is False and body["products"] == [] and "unlocked" not in body
    assert body["signin"] == "/signin" and body["library"] == "/library"
    assert PAID not in response.get_data(as_text=True)


def test_only_the_sites_origin_may_read_the_answer_with_credentials(tiny_stack):
    ours = state(Reader(tiny_stack))
    assert ours.headers["Access-Control-Allow-Origin"] == tiny_stack.urls.site
    assert ours.headers["Access-Control-Allow-Credentials"] == "true"
    assert ours.headers["Cache-Control"] == "no-store" and "Origin" in ours.headers["Vary"]
    foreign = state(Reader(tiny_stack), origin="https://evil.example")
    assert "Access-Control-Allow-Origin" not in foreign.headers
    assert "Access-Control-Allow-Credentials" not in foreign.headers


def test_a_buyer_gets_the_locked_part_of_the_page_with_the_reading_url(tiny_stack):
    reader = Reader(tiny_stack)
    reader.buy("course:c")
    reader.sign_in()
    body = state(reader).get_json()
    assert body["signed_in"] is True and body["email"] == reader.email
    assert body["products"] == ["course:c"]
    unlocked = body["unlocked"]
    assert unlocked["product"] == "course:c" and unlocked["read"] == f"/read/course:c/{LOCKED}"
    assert unlocked["html"].startswith('<div class="folio-locked" id="folio-locked">') and PAID in unlocked["html"]
    assert "The teaser." not in unlocked["html"]  # the part that is locked, not the page again


def test_a_buyer_gets_no_locked_part_for_a_free_or_unknown_page(tiny_stack):
    reader = Reader(tiny_stack)
    reader.buy("course:c")
    reader.sign_in()
    for page in ("courses/c/01-start.md", "courses/c/99-none.md", "../courses/c/02-deeper.md", "https://x/y.md"):
        body = state(reader, page).get_json()
        assert body["signed_in"] is True and "unlocked" not in body, page


def test_a_member_of_nothing_gets_no_locked_part(tiny_stack):
    reader = Reader(tiny_stack)
    reader.sign_in()  # signed in, bought nothing
    body = state(reader).get_json()
    assert body["signed_in"] is True and body["products"] == [] and "unlocked" not in body


def test_read_serves_the_page_of_the_site_with_its_locked_part(tiny_stack):
    reader = Reader(tiny_stack)
    reader.buy("course:c")
    reader.sign_in()
    response = reader.read("course:c", LOCKED)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'data-md-component="header"' in html and '<div class="folio-locked" id="folio-locked">' in html
    assert PAID in html and "The teaser." in html and 'id="folio-paywall"' not in html
    # The theme comes from the public site; the sandbox banner is the site's own, not a second one.
    assert f'href="{tiny_stack.urls.site}/assets/stylesheets/main.' in html
    assert html.count('class="sandbox-banner"') + html.count('class="folio-sandbox"') == 1


def test_signing_in_from_a_page_returns_to_that_page(tiny_stack):
    reader = Reader(tiny_stack)
    form = reader.client.get("/signin", query_string={"next": LOCKED}).get_data(as_text=True)
    assert f'name="next" type="hidden" value="{LOCKED}"' in form
    from tests.journey.stack_fixtures import csrf_of

    before = len(tiny_stack.smtp.messages)
    reader.client.post("/signin", data={"email": reader.email, "next": LOCKED, "csrf_token": csrf_of(form)})
    mail = reader.wait_for_mail("sign-in", after=before)
    response = reader.confirm(mail.links()[0])
    assert response.status_code == 303
    assert response.headers["Location"] == f"{tiny_stack.urls.site}/courses/c/02-deeper/"


def test_signing_in_never_returns_to_an_unknown_page_or_another_site(tiny_stack):
    for bad in ("https://evil.example/x.md", "//evil.example/x.md", "courses/c/99-none.md", "../../etc/passwd"):
        reader = Reader(tiny_stack)
        form = reader.client.get("/signin", query_string={"next": bad}).get_data(as_text=True)
        assert 'name="next" type="hidden" value=""' in form, bad
        from tests.journey.stack_fixtures import csrf_of

        before = len(tiny_stack.smtp.messages)
        reader.client.post("/signin", data={"email": reader.email, "next": bad, "csrf_token": csrf_of(form)})
        mail = reader.wait_for_mail("sign-in", after=before)
        response = reader.confirm(mail.links()[0])
        assert response.headers["Location"].endswith("/library"), bad
