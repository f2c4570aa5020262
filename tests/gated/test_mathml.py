"""TeX to MathML for the EPUB: the shapes real courses use become valid MathML; what cannot stays TeX."""

from __future__ import annotations

import pytest
from lxml import etree

from toolkit.gated.mathml import (PARALLEL_FROM, FailedFormula, MathMLCache, check_mathml, formulas_in,
                                  to_mathml)

M = "{http://www.w3.org/1998/Math/MathML}"


def tree(tex: str, display: str = "block"):
    return etree.fromstring(to_mathml(tex, display).encode())


def names(math) -> list[str]:
    return [etree.QName(n).localname for n in math.iter()]


def test_aligned_is_a_table_of_rows_without_a_bare_ampersand():
    math = tree(r"\begin{aligned} f(x) &= (x+1)^2 \\ &= x^2 + 2x + 1 \end{aligned}")
    assert names(math).count("mtr") == 2 and "&" not in "".join(math.itertext())


@pytest.mark.parametrize("tex", [r"\begin{alignedat}{2} a &= b \\ c &= d \end{alignedat}",
                                 r"|x| = \begin{cases} x & x \ge 0 \\ -x & \text{otherwise} \end{cases}",
                                 r"\begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}", r"\begin{bmatrix} a \\ b \end{bmatrix}"])
def test_environments_become_tables(tex):
    assert "mtable" in names(tree(tex))


def test_operators_with_limits_go_under_in_display_and_beside_inline():
    display = tree(r"\mathop{\arg\max}_{\theta} L(\theta) + \lim_{x \to 0} x + \operatorname*{argmin}_w w")
    under = [n for n in display.iter(f"{M}munder")]
    assert [n[0].text for n in under] == ["argmax", "lim", "argmin"]
    inline = tree(r"\max_{a} Q(s, a)", "inline")
    assert inline.find(f".//{M}msub/{M}mo").text == "max"


def test_circled_numbers_are_characters():
    assert "①" in "".join(tree(r"\textcircled{1}").itertext())


def test_the_tex_stays_as_alternative_text():
    assert tree(r"a^2").get("alttext") == "a^2"


@pytest.mark.parametrize("tex, reason", [(r"\frobnicate{x}", "TeX left unconverted"),
                                         (r"\mathop{\frac{a}{b}}_x", "holds elements")])
def test_what_latex2mathml_cannot_do_fails_with_a_reason(tex, reason):
    with pytest.raises(FailedFormula, match=reason):
        to_mathml(tex, "block")


def test_the_check_refuses_elements_inside_tokens_and_wrong_arity():
    bad = etree.fromstring(f'<math xmlns="{M[1:-1]}"><mo><mrow><mi>a</mi></mrow></mo></math>')
    with pytest.raises(FailedFormula, match="holds elements"):
        check_mathml(bad)
    short = etree.fromstring(f'<math xmlns="{M[1:-1]}"><mfrac><mi>a</mi></mfrac></math>')
    with pytest.raises(FailedFormula, match="needs 2 children"):
        check_mathml(short)


def test_formulas_are_found_in_markdown_but_not_in_code():
    text = "Cost $5 and $x^2$, \\(y\\).\n\n$$\na = b\n$$\n\n```\n$not$\n```\n\n`$nor$`\n"
    assert formulas_in(text) == [("x^2", "inline"), ("y", "inline"), ("a = b", "block")]


def test_converting_ahead_in_two_processes_gives_what_one_gives(tmp_path):
    formulas = [(rf"\frac{{{i}}}{{x_{i}}} + \sum_{{k=1}}^{{{i}}} k", "block") for i in range(PARALLEL_FROM + 10)]
    formulas.append((r"\frobnicate{x}", "inline"))
    ahead = MathMLCache(tmp_path / "ahead.json")
    assert ahead.prewarm(formulas) == len(formulas)  # half of them in a forked child
    one = MathMLCache(None)
    for tex, display in formulas:
        try:
            one.convert(tex, display)
        except FailedFormula:
            pass
    assert ahead.entries == one.entries
    ahead.save()
    again = MathMLCache(tmp_path / "ahead.json")
    assert again.entries == one.entries and again.prewarm(formulas) == 0  # all cached


def test_a_build_with_hundreds_of_new_formulas_converts_them_ahead_and_uses_them(tmp_path):
    import json
    import zipfile

    from tests.downloads import assembled
    from tests.gated.figures import MATH_EXTENSIONS
    from tests.sites import write_site
    from toolkit.plugin.staging import build_site

    many = " ".join(f"$x_{{{i}}} + {i}$" for i in range(PARALLEL_FROM + 20))
    config = write_site(tmp_path / "s", {
        "courses/m/index.md": "---\ntype: course\ntitle: M\nprice: 9 USD\nlevel: beginner\nauthors: [A]\n---\n\n# M\n",
        "courses/m/01-a.md": f"# A\n\nTeaser.\n\n<!-- more -->\n\n{many}\n",
    }, folio={"gate_url": None}, extra={"markdown_extensions": MATH_EXTENSIONS})
    build_site(config)  # the gated build runs in a helper process: the fork happens there
    [pack] = (tmp_path / "s/gated").rglob("*.epub.pack")
    with zipfile.ZipFile(assembled(pack)) as book:
        assert book.read("OEBPS/chapter-001.xhtml").decode().count("<math ") == PARALLEL_FROM + 20
    cache = json.loads((tmp_path / "s/.folio-cache/gated/mathml.json").read_text(encoding="utf-8"))
    assert len(cache["formulas"]) == PARALLEL_FROM + 20
