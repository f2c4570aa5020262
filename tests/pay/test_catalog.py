"""`folio catalog sync` makes Stripe's products and prices match the gated manifest.

Against the Stripe stand-in on 127.0.0.1, read back with stripe-python.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import stripe
from click.testing import CliRunner

from tests.sandbox.stripe_fixtures import API_KEY, stripe_client, stripe_standin  # noqa: F401
from toolkit.cli import main
from toolkit.gated.manifest import Manifest, Price, Product
from toolkit.pay import catalog

COURSE = "folio_course_async-python"
MONTHLY, YEARLY = "folio_membership_monthly", "folio_membership_yearly"


def write_manifest(gated: Path, course_amount=4900, monthly=900, yearly=9000, courses=("async-python",)):
    products = {
        f"course:{slug}": Product(id=f"course:{slug}", kind="course", title=f"Course {slug}", language="en",
                                  prices=[Price("one_time", course_amount, "USD", f"{course_amount // 100} USD")],
                                  objects=[])
        for slug in courses
    }
    products["membership"] = Product(id="membership", kind="membership", title="Membership", language="en",
                                     prices=[Price("monthly", monthly, "USD", "9 USD"),
                                             Price("yearly", yearly, "USD", "90 USD")], objects=[])
    gated.mkdir(parents=True, exist_ok=True)
    Manifest(products=products, generator="folio test").write(gated)


@pytest.fixture
def site(tmp_path) -> Path:
    """A folder with a minimal mkdocs.yml using the folio plugin, and a gated/manifest.json."""
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "index.md").write_text("# Site\n")
    (tmp_path / "mkdocs.yml").write_text("site_name: Site\ndocs_dir: content\nplugins:\n  - folio\n")
    write_manifest(tmp_path / "gated")
    return tmp_path


@pytest.fixture
def sync(stripe_standin, site):
    """Run `folio catalog sync` against the stand-in; returns the click result."""
    def run(*args, env=None):
        env = {"STRIPE_API_KEY": API_KEY, "STRIPE_API_BASE": stripe_standin.url, **(env or {})}
        return CliRunner().invoke(main, ["catalog", "sync", "-f", str(site / "mkdocs.yml"), *args], env=env)
    return run


def prices(client, *keys):
    found = client.v1.prices.list(params={"lookup_keys": list(keys)}).data
    return {p.lookup_key: p for p in found}


def test_first_sync_creates_every_product_and_price_under_stable_lookup_keys(sync, stripe_client):
    result = sync()
    assert result.exit_code == 0, result.output
    out = result.output
    # The plan comes first, then the writes.
    assert out.index("Plan (7 changes):") < out.index("  done: ")
    assert "create price folio_course_async-python: 49.00 USD one-time" in out
    assert "Applied 7 changes." in out

    found = prices(stripe_client, COURSE, MONTHLY, YEARLY)
    course, monthly, yearly = found[COURSE], found[MONTHLY], found[YEARLY]
    assert (course.unit_amount, course.currency, course.type) == (4900, "usd", "one_time")
    assert (monthly.unit_amount, monthly.recurring.interval) == (900, "month")
    assert (yearly.unit_amount, yearly.recurring.interval) == (9000, "year")
    assert course.product == COURSE and monthly.product == yearly.product == "folio_membership"
    assert course.metadata["folio_product"] == "course:async-python"
    product = stripe_client.v1.products.retrieve(COURSE)
    assert (product.name, product.metadata["folio_product"]) == ("Course async-python", "course:async-python")


def test_a_rerun_changes_nothing_and_says_so(sync, stripe_standin):
    assert sync().exit_code == 0
    events = len(stripe_standin.events)
    result = sync()
    assert result.exit_code == 0
    assert "Up to date: nothing to change." in result.output
    assert "Plan" not in result.output
    assert len(stripe_standin.events) == events  # not one write


def test_a_price_change_makes_a_new_price_moves_the_key_and_archives_the_old(sync, site, stripe_client):
    assert sync().exit_code == 0
    old = prices(stripe_client, COURSE)[COURSE]
    write_manifest(site / "gated", course_amount=5900)

    result = sync()
    assert result.exit_code == 0, result.output
    assert "59.00 USD one-time (was 49.00 USD one-time; the lookup key moves)" in result.output
    assert f"archive price folio_course_async-python: {old.id}" in result.output
    new = prices(stripe_client, COURSE)[COURSE]
    assert new.id != old.id and (new.unit_amount, new.active) == (5900, True)
    archived = stripe_client.v1.prices.retrieve(old.id)
    assert (archived.active, archived.lookup_key, archived.unit_amount) == (False, None, 4900)
    # The membership was untouched.
    assert "membership" not in result.output.split("Plan", 1)[1]
    assert sync().output.endswith("Up to date: nothing to change.\n")


def test_changing_back_makes_yet_another_price(sync, site, stripe_client):
    """49 -> 59 -> 49: the third write replaces a different price, so its idempotency key differs."""
    assert sync().exit_code == 0
    first = prices(stripe_client, COURSE)[COURSE].id
    write_manifest(site / "gated", course_amount=5900)
    assert sync().exit_code == 0
    write_manifest(site / "gated", course_amount=4900)
    assert sync().exit_code == 0
    third = prices(stripe_client, COURSE)[COURSE]
    assert third.id != first and third.unit_amount == 4900 and third.active


def test_dry_run_prints_the_plan_and_writes_nothing(sync, stripe_standin, stripe_client):
    result = sync("--dry-run")
    assert result.exit_code == 0, result.output
    assert "Plan (7 changes):" in result.output and "Dry run: nothing was written." in result.output
    assert "done:" not in result.output
    assert stripe_client.v1.products.list().data == [] and stripe_client.v1.prices.list().data == []
    assert stripe_standin.events == []


def test_a_course_dropped_from_the_manifest_has_its_price_archived(sync, site, stripe_client):
    write_manifest(site / "gated", courses=("async-python", "rust"))
    assert sync().exit_code == 0
    rust = prices(stripe_client, "folio_course_rust")["folio_course_rust"]
    write_manifest(site / "gated", courses=("async-python",))
    result = sync()
    # Stripe keeps a product's default price active, so the product itself goes off sale.
    assert "archive product folio_course_rust" in result.output and "no longer in the manifest" in result.output
    assert stripe_client.v1.products.retrieve("folio_course_rust").active is False
    with pytest.raises(stripe.InvalidRequestError, match="inactive product"):
        stripe_client.v1.checkout.sessions.create(params={
            "mode": "payment", "line_items": [{"price": rust.id, "quantity": 1}],
            "success_url": "https://gate.example/success"})
    assert sync().output.endswith("Up to date: nothing to change.\n")


def test_a_dropped_membership_plan_has_its_price_archived(sync, site, stripe_client):
    assert sync().exit_code == 0
    yearly = prices(stripe_client, YEARLY)[YEARLY]
    manifest = Manifest.load(site / "gated" / "manifest.json")
    manifest.products["membership"].prices = manifest.products["membership"].prices[:1]
    manifest.write(site / "gated")
    result = sync()
    assert f"archive price folio_membership_yearly: {yearly.id} (no longer in the manifest)" in result.output
    assert stripe_client.v1.prices.retrieve(yearly.id).active is False
    assert stripe_client.v1.products.retrieve("folio_membership").active is True


def test_every_write_carries_an_idempotency_key_derived_from_what_it_writes(stripe_client, site):
    wanted, _ = catalog.wanted_catalog(catalog.read_manifest_products(site / "gated"))
    plan = catalog.plan_sync(stripe_client, wanted)
    again = catalog.plan_sync(stripe_client, wanted)
    keys = [c.idempotency_key() for c in plan.changes]
    assert keys == [c.idempotency_key() for c in again.changes]  # same writes, same keys
    assert len(set(keys)) == len(keys) and all(k.startswith("folio-catalog-") for k in keys)

    # A run that crashed after writing, then retried with the same plan, writes nothing twice.
    assert catalog.apply(stripe_client, plan) == 7
    assert catalog.apply(stripe_client, plan) == 7
    assert len(stripe_client.v1.prices.list().data) == 3
    assert len(stripe_client.v1.products.list().data) == 2


def test_a_stripe_500_mid_sync_is_retried_with_the_same_key_and_writes_once(sync, stripe_standin, stripe_client):
    stripe_standin.fail_next(500, count=1)
    result = sync()
    assert result.exit_code == 0, result.output
    assert len(stripe_client.v1.prices.list().data) == 3


def test_no_api_key_is_a_clear_error(sync):
    result = sync(env={"STRIPE_API_KEY": ""})
    assert result.exit_code == 1
    assert "STRIPE_API_KEY is not set" in result.output and "Traceback" not in result.output


def test_a_wrong_api_key_is_a_clear_error(sync):
    result = sync(env={"STRIPE_API_KEY": "sk_test_wrong"})
    assert result.exit_code == 1
    assert "API key was refused" in result.output and "Traceback" not in result.output


def test_an_unreachable_stripe_is_a_clear_error(sync, stripe_standin):
    stripe_standin.drop_next(count=10)
    result = sync()
    assert result.exit_code == 1
    assert "could not reach Stripe" in result.output


def test_no_manifest_says_to_build_first(sync, site):
    shutil.rmtree(site / "gated")
    result = sync()
    assert result.exit_code == 1
    assert "manifest.json: not found. Run `folio build` first." in result.output


def test_a_price_on_the_wrong_kind_of_product_fails_closed():
    with pytest.raises(catalog.CatalogError, match="a membership cannot have a 'one_time' price"):
        catalog.wanted_catalog([("membership", "membership", "Membership", [("one_time", 900, "USD")])])


def test_a_product_without_a_price_is_skipped_with_a_note():
    wanted, notes = catalog.wanted_catalog([("course:free", "course", "Free", [])])
    assert wanted == [] and notes == ["course:free: no price in the manifest, so nothing to sell; skipped"]


def test_the_example_site_built_for_real_syncs(example_site, stripe_standin, stripe_client):
    result = CliRunner().invoke(main, ["catalog", "sync", "-f", str(example_site.root / "mkdocs.yml")],
                                env={"STRIPE_API_KEY": API_KEY, "STRIPE_API_BASE": stripe_standin.url})
    assert result.exit_code == 0, result.output
    manifest = Manifest.load(example_site.gated / "manifest.json")
    sold = {p.id: p for p in manifest.products.values() if p.prices}
    for product_id, product in sold.items():
        for price in product.prices:
            key = ("folio_membership_" + price.plan if product.kind == "membership"
                   else "folio_course_" + product_id.removeprefix("course:"))
            assert prices(stripe_client, key)[key].unit_amount == price.amount


def test_a_write_whose_answer_is_lost_is_retried_without_a_duplicate(stripe_standin, site):
    client = catalog.make_client({"STRIPE_API_KEY": API_KEY, "STRIPE_API_BASE": stripe_standin.url})
    wanted, _ = catalog.wanted_catalog(catalog.read_manifest_products(site / "gated"))
    plan = catalog.plan_sync(client, wanted)
    stripe_standin.drop_next(count=2, after_processing=True)  # the first two writes: done, answer lost
    assert catalog.apply(client, plan) == 7
    assert len(client.v1.prices.list().data) == 3 and len(client.v1.products.list().data) == 2


def test_a_new_title_renames_the_product_and_keeps_its_prices(sync, site, stripe_client):
    assert sync().exit_code == 0
    before = prices(stripe_client, COURSE)[COURSE].id
    manifest = Manifest.load(site / "gated" / "manifest.json")
    manifest.products["course:async-python"].title = "Async Python, Second Edition"
    manifest.write(site / "gated")
    result = sync()
    assert "update product folio_course_async-python: name 'Course async-python' -> " \
           "'Async Python, Second Edition'" in result.output
    assert stripe_client.v1.products.retrieve(COURSE).name == "Async Python, Second Edition"
    assert prices(stripe_client, COURSE)[COURSE].id == before


def test_a_price_archived_by_hand_is_reactivated(sync, stripe_client):
    assert sync().exit_code == 0
    yearly = prices(stripe_client, YEARLY)[YEARLY]
    stripe_client.v1.prices.update(yearly.id, params={"active": False})
    result = sync()
    assert f"activate price folio_membership_yearly: {yearly.id}" in result.output
    assert stripe_client.v1.prices.retrieve(yearly.id).active is True


def test_each_product_shows_its_first_plan_as_default_price_and_it_follows_a_price_change(
        sync, site, stripe_client):
    assert sync().exit_code == 0
    assert stripe_client.v1.products.retrieve("folio_membership").default_price == prices(
        stripe_client, MONTHLY)[MONTHLY].id
    write_manifest(site / "gated", monthly=1200)
    result = sync()
    assert result.exit_code == 0, result.output
    new_monthly = prices(stripe_client, MONTHLY)[MONTHLY]
    assert (new_monthly.unit_amount, stripe_client.v1.products.retrieve("folio_membership").default_price) == (
        1200, new_monthly.id)
