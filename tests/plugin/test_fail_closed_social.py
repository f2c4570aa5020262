"""Material's social plugin draws a card per page from its title and description: for a locked
page, only from its public version (the plugin only ever sees the public tree).

The card is a PNG, which no text scan reads, so the check is by construction: two sites whose
locked page differs only in its paid part get byte-identical cards, while a different teaser
gives a different card (so the comparison can fail). Fonts come from the machine, copied into
the plugin's cache: it would fetch them from Google Fonts, which tests never reach.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.sites import write_site
from toolkit.plugin.staging import build_site

pytest.importorskip("PIL")
try:
    import cairosvg  # noqa: F401  (needs the system's libcairo)
except (ImportError, OSError) as exc:  # pragma: no cover - depends on the machine
    pytest.skip(f"the social plugin needs cairosvg and libcairo: {exc}", allow_module_level=True)

FONTS = [Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
         Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")]
FONT = next((font for font in FONTS if font.is_file()), None)
pytestmark = pytest.mark.skipif(FONT is None, reason="no font on this machine to draw cards with")

TEASER = "Open teaser words about queues and the harbor."
PAID_ONE = "The paid remainder derives the amber harbor capacity model step by step."
PAID_TWO = "Something else entirely: 付费部分讲解了港口容量模型的推导过程和全部细节。"
CARD = "site/assets/images/social/courses/q/01-locked.png"


def social_site(root: Path, teaser: str, paid: str) -> Path:
    cache = root / ".cache/social"
    (cache / "fonts/Roboto").mkdir(parents=True)
    for style in ("Regular", "Bold"):
        shutil.copy(FONT, cache / f"fonts/Roboto/{style}{FONT.suffix}")
    pages = {
        "index.md": "# Home\n\nWelcome.\n",
        "courses/q/index.md": "---\ntype: course\ntitle: Queues\nprice: 29 USD\nlevel: beginner\n"
                              "authors: [Ada]\n---\n\n# Queues\n",
        "courses/q/01-locked.md": f"---\ntitle: Locked\n---\n\n# Locked\n\n{teaser}\n\n<!-- more -->\n\n{paid}\n",
    }
    config = write_site(root, pages, plugins=["search", {"social": {"cache_dir": str(cache)}}],
                        extra={"site_url": "https://example.org/"})
    build_site(config)
    return root


def test_a_locked_pages_card_is_drawn_from_its_public_version_only(tmp_path):
    one = social_site(tmp_path / "one", TEASER, PAID_ONE)
    two = social_site(tmp_path / "two", TEASER, PAID_TWO)
    other_teaser = social_site(tmp_path / "three", "A different teaser changes the card text.", PAID_ONE)
    assert (one / CARD).read_bytes() == (two / CARD).read_bytes()
    assert (one / CARD).read_bytes() != (other_teaser / CARD).read_bytes()
    html = (one / "site/courses/q/01-locked/index.html").read_text(encoding="utf-8")
    assert 'property="og:image"' in html and "courses/q/01-locked.png" in html
    assert TEASER in html and "amber harbor capacity" not in html
