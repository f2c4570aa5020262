"""A generated course with everything that broke EPUBs of real courses: math of every shape,
figures in lesson folders and a shared folder, tables, inline SVGs sharing ids, links to pages
that do not exist, an href with a space, a remote image. For the epubcheck tests."""

from __future__ import annotations

from pathlib import Path

from tests import sites
from tests.gated.figures import MATH_EXTENSIONS, png

SLUG = "shapes"

FORMULAS = r"""
Inline: $a^2 + b^2 = c^2$, $\alpha_i \le \beta^{2}$ and \(\sqrt{x}\).

$$
\begin{aligned}
f(x) &= (x + 1)^2 \\
     &= x^2 + 2x + 1
\end{aligned}
$$

$$
|x| = \begin{cases} x & x \ge 0 \\ -x & \text{otherwise} \end{cases}
$$

$$
A = \begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}, \quad B = \begin{bmatrix} a \\ b \end{bmatrix}
$$

$$
\hat\theta = \mathop{\arg\max}_{\theta \in \Theta} \sum_{i=1}^{n} \log p(x_i \mid \theta)
$$

$$
\lim_{x \to 0} \frac{\sin x}{x} = 1, \qquad \max_{a} Q(s, a), \qquad \operatorname*{argmin}_w L(w)
$$

Steps $\textcircled{1}$ and $\textcircled{2}$ come first.

$$
\frobnicate{x} + 1
$$
"""

SVG_ICON = ('<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20"><defs><linearGradient id="g">'
            '<stop offset="0" stop-color="#000"/></linearGradient></defs><rect id="r" width="20" height="20" '
            'fill="url(#g)"/><use href="#r"/></svg>')


# A drawing exported by some tool: two elements share an id, as third-party SVGs often do.
DRAWING = (b'<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20"><g id="layer1"><rect id="layer1" '
           b'width="5" height="5"/></g></svg>\n')


def epub_course_site(root: Path) -> Path:
    """Write the site; give its mkdocs.yml."""
    pages = {
        "index.md": "# Home\n\nA community that writes things down.\n",
        f"courses/{SLUG}/index.md": ("---\ntype: course\ntitle: Shapes of real courses\nprice: 29 USD\n"
                                     "level: advanced\nauthors: [Ada]\n---\n\n# Shapes of real courses\n\n"
                                     "Everything a real course has.\n"),
        f"courses/{SLUG}/01-lesson/index.md": (
            "---\ntitle: Math\n---\n\n# Math\n\nThe teaser of the math lesson.\n\n<!-- more -->\n\n" + FORMULAS),
        f"courses/{SLUG}/02-lesson/index.md": (
            "---\ntitle: Figures\n---\n\n# Figures\n\nThe teaser of the figures lesson.\n\n<!-- more -->\n\n"
            "![A local figure](fig.png)\n\n![A shared figure](../shared/common.png)\n\n"
            "![A remote figure](https://images.example.com/remote.png)\n\n"
            "![A third-party drawing](drawing.svg)\n\n"
            f"{SVG_ICON}\n\n{SVG_ICON}\n\n"
            "| n | square |\n|---|---|\n| 1 | 1 |\n| 2 | 4 |\n"),
        f"courses/{SLUG}/03-links.md": (
            "---\ntitle: Links\n---\n\n# Links\n\nThe teaser of the links lesson.\n\n<!-- more -->\n\n"
            "Back to [the math](01-lesson/index.md#math), on to [a page that is gone](04-gone.md), "
            "a [file with a space](my%20notes.md), [the web](https://example.com/a b) "
            "and [the home page](../../index.md).\n\n![A shared figure](shared/common.png)\n"),
    }
    assets = {
        f"courses/{SLUG}/02-lesson/fig.png": png(40, 30, 1),
        f"courses/{SLUG}/shared/common.png": png(30, 20, 2),
        f"courses/{SLUG}/02-lesson/drawing.svg": DRAWING,
    }
    return sites.write_site(root, pages, assets=assets, folio={"gate_url": None},
                            extra={"markdown_extensions": MATH_EXTENSIONS})
