"""Formulas in the EPUB as MathML: e-readers show MathML, and most run no scripts to render TeX.

The site and the bundle render TeX with KaTeX in the browser. An EPUB 3 reading system
shows MathML itself, so each formula pymdownx.arithmatex marked (`<span class="arithmatex">`
inline, `<div class="arithmatex">` displayed) is converted at build time with latex2mathml.

latex2mathml leaves gaps that real courses hit, so the TeX is first rewritten into forms it
converts well (`aligned` as `align*`, `\\mathop{\\arg\\max}` as an operator name, circled
digits as characters), operators with limits are set under/over in displayed formulas, and
every result is checked against MathML's rules (element names, children of tokens, arity,
table structure, no TeX left over) before it goes into a chapter. A formula that fails stays
as its TeX source, which is still readable, and the build says which one, where.
Conversions are kept by formula in a cache, so a rebuild converts only new formulas.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Callable

from lxml import etree
from latex2mathml.converter import convert

MATHML_NS = "http://www.w3.org/1998/Math/MathML"
_DELIMITERS = (("\\(", "\\)", "inline"), ("\\[", "\\]", "block"), ("$$", "$$", "block"), ("$", "$", "inline"))
# Bump when the rewriting below changes, so cached conversions are made again.
CONVERTER_VERSION = "2"

# MathML 3 presentation elements (what an EPUB 3 chapter may hold inside <math>).
ELEMENTS = {
    "math", "mi", "mn", "mo", "mtext", "mspace", "ms", "mglyph", "mrow", "mfrac", "msqrt", "mroot", "mstyle",
    "merror", "mpadded", "mphantom", "mfenced", "menclose", "msub", "msup", "msubsup", "munder", "mover",
    "munderover", "mmultiscripts", "mprescripts", "none", "mtable", "mlabeledtr", "mtr", "mtd", "malignmark",
    "malignscope", "maligngroup", "mstack", "mlongdiv", "msgroup", "msrow", "mscarries", "mscarry", "msline",
    "maction", "semantics", "annotation", "annotation-xml",
}
TOKENS = {"mi", "mn", "mo", "mtext", "ms"}
ARITY = {"mfrac": 2, "mroot": 2, "msub": 2, "msup": 2, "munder": 2, "mover": 2, "msubsup": 3, "munderover": 3}
# Operators whose sub- and superscripts a displayed formula sets under and over them (as TeX does).
LIMIT_OPERATORS = {"lim", "liminf", "limsup", "max", "min", "sup", "inf", "det", "gcd", "Pr", "argmax", "argmin",
                   "arg max", "arg min"}
CIRCLED = {str(n): chr(0x2460 + n - 1) for n in range(1, 21)} | {"0": "\u24ea"}
CIRCLED |= {chr(ord("A") + i): chr(0x24B6 + i) for i in range(26)} | {chr(ord("a") + i): chr(0x24D0 + i) for i in range(26)}

_ENVIRONMENTS = re.compile(r"\\(begin|end)\{(aligned|alignedat|align|eqnarray|gathered|gather)\*?\}(\{\d+\})?")
_MATHOP = re.compile(r"\\mathop\s*\{((?:\\[A-Za-z]+|[A-Za-z]|\s|\\,)+)\}")
_OPERATORNAME_STAR = re.compile(r"\\operatorname\*")
_ARG = re.compile(r"\\arg(?![A-Za-z])")
_TEXTCIRCLED = re.compile(r"\\textcircled\s*\{\s*([^{}]*?)\s*\}")
_TEX_LEFT = re.compile(r"\\[A-Za-z]+")


class FailedFormula(ValueError):
    """latex2mathml's result is not MathML an EPUB may hold."""


def prepare_tex(tex: str) -> str:
    """The TeX rewritten into forms latex2mathml converts into valid MathML."""
    def environment(m):
        name = {"gathered": "gather*", "gather": "gather*"}.get(m.group(2), "align*")
        return f"\\{m.group(1)}{{{name}}}"

    tex = _ENVIRONMENTS.sub(environment, tex)
    tex = _MATHOP.sub(lambda m: "\\operatorname{" + "".join(re.findall(r"[A-Za-z]+", m.group(1))) + "}", tex)
    tex = _OPERATORNAME_STAR.sub(r"\\operatorname", tex)
    tex = _ARG.sub(r"\\operatorname{arg}", tex)
    tex = _TEXTCIRCLED.sub(lambda m: "\\text{" + CIRCLED.get(m.group(1), f"({m.group(1)})") + "}", tex)
    return tex


def to_mathml(tex: str, display: str) -> str:
    """The formula as a checked `<math>` element (text); FailedFormula when it cannot be one."""
    try:
        text = convert(prepare_tex(tex), display=display)
        math = etree.fromstring(text.encode("utf-8"))
    except Exception as error:  # latex2mathml has no common error type: any failure keeps the TeX
        raise FailedFormula(f"latex2mathml could not convert it ({type(error).__name__})") from None
    if display == "block":
        _limits_under_and_over(math)
    check_mathml(math)
    math.set("alttext", tex)
    return etree.tostring(math, encoding="unicode")


def check_mathml(math) -> None:
    """FailedFormula naming the first rule of MathML that `math` breaks."""
    for node in math.iter():
        if not isinstance(node.tag, str):
            raise FailedFormula("it holds a comment or processing instruction")
        namespace, _, name = node.tag.rpartition("}")
        if namespace.lstrip("{") != MATHML_NS or name not in ELEMENTS:
            raise FailedFormula(f"<{name}> is no MathML element")
        children = [c for c in node if isinstance(c.tag, str)]
        if name in TOKENS:
            if any(etree.QName(c).localname not in ("mglyph", "malignmark") for c in children):
                raise FailedFormula(f"<{name}> holds elements, not text")
            text = node.text or ""
            if _TEX_LEFT.search(text) or text.strip() == "&":
                raise FailedFormula(f"TeX left unconverted: {text.strip()}")
        if name in ARITY and len(children) != ARITY[name]:
            raise FailedFormula(f"<{name}> needs {ARITY[name]} children, has {len(children)}")
        if name == "mtable" and any(etree.QName(c).localname not in ("mtr", "mlabeledtr") for c in children):
            raise FailedFormula("<mtable> holds something other than rows")
        if name in ("mtr", "mlabeledtr") and any(etree.QName(c).localname != "mtd" for c in children):
            raise FailedFormula(f"<{name}> holds something other than cells")


def _limits_under_and_over(math) -> None:
    renames = {"msub": "munder", "msubsup": "munderover", "msup": "mover"}
    for node in list(math.iter(*(f"{{{MATHML_NS}}}{n}" for n in renames))):
        base = node[0] if len(node) else None
        if base is None or etree.QName(base).localname != "mo":
            continue
        if base.get("movablelimits") == "true" or (base.text or "").strip() in LIMIT_OPERATORS:
            node.tag = f"{{{MATHML_NS}}}{renames[etree.QName(node).localname]}"
            base.attrib.pop("movablelimits", None)


class MathMLCache:
    """Conversions by (TeX, display), kept in a JSON file between builds ("" for a failure)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.entries: dict[str, str] = {}
        self.changed = False
        if path is not None and path.is_file():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                if data.get("version") == CONVERTER_VERSION:
                    self.entries = dict(data.get("formulas", {}))
            except (OSError, ValueError, AttributeError):
                self.entries = {}

    def convert(self, tex: str, display: str) -> str:
        """The checked MathML of a formula, or FailedFormula (with the reason)."""
        key = f"{display}\0{tex}"
        if key not in self.entries:
            self.entries[key] = _entry((tex, display))
            self.changed = True
        value = self.entries[key]
        if value.startswith("!"):
            raise FailedFormula(value[1:])
        return value

    def save(self) -> None:
        if self.path is None or not self.changed:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.tmp")
        tmp.write_text(json.dumps({"version": CONVERTER_VERSION, "formulas": self.entries}, ensure_ascii=False),
                       encoding="utf-8")
        os.replace(tmp, self.path)
        self.changed = False


    def prewarm(self, formulas: list[tuple[str, str]]) -> int:
        """Convert the formulas not cached yet in two processes; give how many were converted.

        A first build of a math-heavy course converts thousands of formulas: on the gated
        process alone that outlasts MkDocs' whole render, so half of them are converted in
        a forked child (Linux) while this process does the other half, before the pages are
        rendered, which then find them here. Few formulas are not worth the fork; a child
        that fails leaves its half to this process.
        """
        missing = list(dict.fromkeys((t, d) for t, d in formulas if f"{d}\0{t}" not in self.entries))
        if len(missing) < PARALLEL_FROM or not hasattr(os, "fork"):
            return 0
        mine, theirs = missing[::2], missing[1::2]
        for (tex, display), value in zip(mine + theirs, _in_child_and_here(theirs, mine)):
            self.entries[f"{display}\0{tex}"] = value
        self.changed = True
        return len(missing)


def _in_child_and_here(theirs: list, mine: list) -> list[str]:
    """Entries for `mine` + `theirs` (in that order): `theirs` converted in a forked child."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: convert, send the entries as JSON, leave without cleanup handlers
        code = 1
        try:
            os.close(read)
            with os.fdopen(write, "wb") as out:
                out.write(json.dumps([_entry(f) for f in theirs]).encode("utf-8"))
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    here = [_entry(f) for f in mine]
    with os.fdopen(read, "rb") as source:
        data = source.read()
    _, status = os.waitpid(pid, 0)
    try:
        there = json.loads(data) if status == 0 else None
    except ValueError:
        there = None
    if not isinstance(there, list) or len(there) != len(theirs):
        there = [_entry(f) for f in theirs]
    return here + there


# Fewer formulas than this to convert: one process does it while rendering the pages.
PARALLEL_FROM = 300
# Formulas as arithmatex finds them in Markdown (to convert ahead; a formula missed here is
# converted when its page is rendered, so this needs to be nearly right, not exactly).
_SOURCE_FORMULAS = re.compile(
    r"\$\$(?P<b1>.+?)\$\$|\\\[(?P<b2>.+?)\\\]|\\\((?P<i1>.+?)\\\)|(?<![\\$])\$(?![\s$])(?P<i2>[^$\n]+?)(?<![\s\\])\$",
    re.S)
_FENCED = re.compile(r"^(```|~~~).*?^\1[ \t]*$|`[^`\n]*`", re.S | re.M)


def formulas_in(markdown: str) -> list[tuple[str, str]]:
    """(TeX, "inline"|"block") of the formulas in Markdown, code left out."""
    text = _FENCED.sub(" ", markdown)
    found = []
    for m in _SOURCE_FORMULAS.finditer(text):
        for group, display in (("b1", "block"), ("b2", "block"), ("i1", "inline"), ("i2", "inline")):
            if m.group(group) is not None:
                found.append((m.group(group).strip(), display))
    return found


def _entry(formula: tuple[str, str]) -> str:
    """A cache entry: the checked MathML, or "!" and why the formula stays TeX."""
    tex, display = formula
    try:
        return to_mathml(tex, display)
    except FailedFormula as error:
        return "!" + str(error)


def formulas_to_mathml(root, cache: MathMLCache | None = None,
                       failed: Callable[[str, str], None] | None = None) -> int:
    """Replace the TeX of every arithmatex element under `root` by MathML; give how many were converted.

    `failed(tex, reason)` hears of each formula kept as TeX.
    """
    cache = cache or MathMLCache(None)
    converted = 0
    for node in list(root.iter()):
        if not isinstance(node.tag, str) or "arithmatex" not in (node.get("class") or "").split():
            continue
        tex, display = _formula(node)
        if tex is None:
            continue
        try:
            math = etree.fromstring(cache.convert(tex, display).encode("utf-8"))
        except FailedFormula as error:
            if failed is not None:
                failed(tex, str(error))
            continue
        for child in list(node):
            node.remove(child)
        node.text = None
        node.append(math)
        converted += 1
    return converted


def _formula(node) -> tuple[str | None, str]:
    text = "".join(node.itertext()).strip()
    for start, end, display in _DELIMITERS:
        if text.startswith(start) and text.endswith(end) and len(text) >= len(start) + len(end):
            display = "block" if node.tag == "div" else display
            return text[len(start) : len(text) - len(end)].strip(), display
    return None, "inline"
