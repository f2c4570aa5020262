"""References are read from rendered HTML the way a browser resolves them."""

from __future__ import annotations

from toolkit.plugin.asset_refs import site_paths


def test_every_form_of_reference_is_resolved_from_the_page_url():
    html = ('<img src=img/u.svg alt=x><img srcset="a%20b.svg 1x, c.svg 2x">'
            '<div style="background: url(&quot;d (1).svg&quot;)"></div><a href="/e.svg">'
            "<style>.x{background:url(f.svg)}</style><a href='g%28h%29.pdf#p=2'>")
    assert site_paths(html, "p/") == {"p/img/u.svg", "p/a b.svg", "p/c.svg", "p/d (1).svg", "e.svg", "p/f.svg",
                                      "p/g(h).pdf"}


def test_site_absolute_paths_drop_the_site_url_prefix_and_external_urls_are_ignored():
    html = '<img src="/docs/img/a.png"><img src="https://cdn.example/b.png"><a href="mailto:x@y">'
    assert site_paths(html, "guide/", "/docs/") == {"img/a.png", "docs/img/a.png"}


def test_only_named_files_are_resolved_when_names_are_given():
    html = '<img src="img/a.png"><img src="img/b.png">'
    assert site_paths(html, "", "/", names={"b.png"}) == {"img/b.png"}
