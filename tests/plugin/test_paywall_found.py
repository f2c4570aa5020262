"""Issue #20's "What was found": one test per class, each a site built as the README says.

Every locked construct carries a unique canary; an independent scan of site/ and the public
tree (tests.properties.scanner) says whether it got out.
"""

from __future__ import annotations

import logging
import os
import re
import textwrap
import zlib
from pathlib import Path

import pytest
import yaml

from tests.properties.scanner import canaries_in, visible_text_of
from tests.sites import write_site
from toolkit.errors import FolioError
from toolkit.leakguard.scan import LeakError
from toolkit.plugin.staging import build_site

COURSE = """\
---
type: course
title: Queue Craft
price: 29 USD
level: beginner
authors: [Ada]
---

# Queue Craft

Learn to run queues.
"""

FREE = "---\naccess: free\n---\n\n# Free chapter\n\nThe free chapter explains how queues are drawn on a whiteboard.\n"


def outputs(root: Path) -> list[Path]:
    return [root / "site", root / ".folio" / "public"]


def found(root: Path, canaries) -> dict[str, list[str]]:
    return canaries_in(outputs(root), canaries)


def words(n: int, tag: str) -> str:
    return " ".join(f"{tag}{i}" for i in range(n))


# --- 1. teaser sizing cannot be fooled by `<` and `>` ----------------------------------------


def test_code_full_of_angle_brackets_counts_its_words_and_locks_what_follows(tmp_path):
    # One `<` near the top and the next `>` at the bottom: a pattern stripping `<...>` saw no words.
    code = "\n".join([f"if item{i} < bound: total += item{i}  # accumulate word{i} carefully" for i in range(80)]
                      + ["assert total >= 0"])
    paid = [f"paidcanary{n}x" for n in range(3)]
    chapter = (f"---\naccess: paid\n---\n\n# Sizing\n\nIntro {words(20, 'intro')}.\n\n```python\n{code}\n```\n\n"
               f"A long paragraph where a < b {words(60, 'long')} ends when c > d.\n\n## Locked heading lockedhead1x\n\n"
               + "\n\n".join(f"Locked paragraph {c} {words(40, 'lp')}." for c in paid) + "\n")
    write_site(tmp_path, {"index.md": "# Home\n", "courses/q/index.md": COURSE, "courses/q/01-free.md": FREE,
                          "courses/q/02-sizing.md": chapter}, folio={"teaser_words": 115})
    build_site(tmp_path / "mkdocs.yml")
    assert found(tmp_path, [*paid, "lockedhead1x", "long59"]) == {}
    shown = visible_text_of(tmp_path / "site/courses/q/02-sizing/index.html")
    assert "intro19" in shown and "item0" not in shown


# --- 2. never an empty teaser ----------------------------------------------------------------


def test_blank_line_before_heading_and_a_long_first_paragraph_still_give_a_teaser(tmp_path, caplog):
    sentences = " ".join(f"Sentence {n} of the opening has seven words." for n in range(30))
    chapter = f"---\naccess: paid\n---\n\n# Opening\n\n{sentences}\n\n## Later\n\nLater text laterpaid1x.\n"
    write_site(tmp_path, {"index.md": "# Home\n", "courses/q/index.md": COURSE, "courses/q/01-free.md": FREE,
                          "courses/q/02-open.md": chapter}, folio={"teaser_words": 120})
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.folio"):
        build_site(tmp_path / "mkdocs.yml")
    shown = visible_text_of(tmp_path / "site/courses/q/02-open/index.html")
    assert "Sentence 0 of the opening has seven words." in shown
    assert "Sentence 29" not in shown
    assert found(tmp_path, ["laterpaid1x"]) == {}
    assert re.search(r"courses/q/02-open\.md: teaser cut inside a block", caplog.text)


def test_the_example_sites_chinese_locked_pages_show_a_teaser(example_build):
    site = example_build / "site"
    for page, opening in [("articles/ebpf-production-latency/index.html", "线上服务的平均延迟看起来一切正常"),
                          ("courses/rust-ownership-zh/02-borrowing/index.html", "上一章我们看到"),
                          ("salons/2026-09-12-distributed-tracing/index.html", "九月的沙龙在北京举行")]:
        assert opening in visible_text_of(site / page), page


@pytest.fixture(scope="module")
def example_build(tmp_path_factory):
    import shutil

    repo = Path(__file__).resolve().parents[2]
    root = tmp_path_factory.mktemp("example")
    for name in ("content", "theme"):
        shutil.copytree(repo / name, root / name)
    shutil.copy(repo / "mkdocs.yml", root / "mkdocs.yml")
    (root / ".folio" / "public").mkdir(parents=True)
    build_site(root / "mkdocs.yml")
    return root


# --- 3. what a reader does not see does not ship ---------------------------------------------


def test_comments_in_the_teaser_region_and_member_resources_never_ship(tmp_path):
    chapter = ("---\naccess: paid\n---\n\n# Notes\n\nThe opening paragraph is public. <!-- inline commentcanary1x -->\n\n"
               "<!-- answer key: commentcanary2x is the answer -->\n\nAnother public paragraph.\n\n<!-- more -->\n\n"
               "Paid body paidbody1x.\n")
    salon = textwrap.dedent("""\
        ---
        title: Tracing night
        date: 2026-09-12
        time: "14:00-17:30"
        location: Berlin
        speakers: [Ada]
        slides: https://slides.example/slidescanary1x.pdf
        recording: https://video.example/recordingcanary1x
        secret_notes: customkeycanary1x
        access: members
        ---

        # Tracing night

        The salon was about tracing. <!-- salonnotecanary1x -->

        <!-- more -->

        Members read the rest membersbody1x.
        """)
    write_site(tmp_path, {"index.md": "# Home\n", "courses/q/index.md": COURSE, "courses/q/01-free.md": FREE,
                          "courses/q/02-notes.md": chapter, "salons/2026-09-12-tracing.md": salon})
    build_site(tmp_path / "mkdocs.yml")
    assert found(tmp_path, ["commentcanary1x", "commentcanary2x", "slidescanary1x", "recordingcanary1x",
                            "customkeycanary1x", "salonnotecanary1x", "paidbody1x", "membersbody1x"]) == {}
    salon_page = tmp_path / "site/salons/2026-09-12-tracing/index.html"
    assert "Berlin" in salon_page.read_text(encoding="utf-8")  # where and when stay public
    assert "The salon was about tracing." in visible_text_of(salon_page)


# --- 4. every private file is fingerprinted ----------------------------------------------------


SOLUTION = "def solve():\n    # the saffron kestrel settles the ledger before the auditors arrive\n    return 42\n"
ANSWERS = "Answer one: the heron counts every parcel twice before the night shift ends.\n"
TABLE = "question,answer\nq1,the marmot guards the western gate until the relay lights up\n"
NOTEBOOK = ('{"cells": [{"cell_type": "code", "source": ["# the lantern fish computes the hidden service level '
            'objective for members\\n", "x = 1\\n"], "outputs": [], "metadata": {}, "execution_count": null}], '
            '"metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
PDF_SENTENCE = "The workbook tells buyers how the copper otter balances every queue at midnight"


def pdf(sentence: str) -> bytes:
    """A one-page PDF whose text is in a compressed content stream (as real workbooks are)."""
    stream = zlib.compress(f"BT /F1 12 Tf 40 700 Td ({sentence}) Tj ET".encode())
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


PRIVATE = {"courses/q/solutions/solve.py": SOLUTION.encode(), "courses/q/answers.txt": ANSWERS.encode(),
           "courses/q/data/answers.csv": TABLE.encode(), "courses/q/lab.ipynb": NOTEBOOK.encode(),
           "courses/q/workbook.pdf": pdf(PDF_SENTENCE)}

# A generator script (as mkdocs-gen-files runs one): it copies a file of content/ into the site.
COPY_HOOK = """\
from pathlib import Path
from mkdocs.structure.files import File

def on_files(files, config):
    source = Path(config.config_file_path).parent / "content" / {name!r}
    files.append(File.generated(config, "downloads/" + source.name, content=source.read_bytes()))
    return files
"""


def private_site(root: Path, **kwargs) -> Path:
    pages = {"index.md": "# Home\n", "courses/q/index.md": COURSE, "courses/q/01-free.md": FREE,
             "courses/q/02-paid.md": "---\naccess: paid\n---\n\n# Paid\n\nTeaser.\n\n<!-- more -->\n\nBody.\n"}
    return write_site(root, pages, assets=PRIVATE, **kwargs)


@pytest.mark.parametrize("name", sorted(PRIVATE))
def test_a_private_file_copied_into_the_site_by_a_generator_script_fails_the_build(tmp_path, name):
    config = private_site(tmp_path)
    (tmp_path / "copy_hook.py").write_text(COPY_HOOK.format(name=name), encoding="utf-8")
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["hooks"] = ["copy_hook.py"]
    config.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(LeakError) as error:
        build_site(config)
    assert f"content/{name}" in str(error.value)


def test_private_files_that_stay_private_build_clean(tmp_path):
    build_site(private_site(tmp_path))
    assert not list((tmp_path / "site").rglob("solve.py")) and not list((tmp_path / "site").rglob("*.pdf"))


def test_public_files_matching_inside_a_priced_course_is_an_error_naming_the_file(tmp_path):
    config = private_site(tmp_path, folio={"public_files": ["*.txt"]})
    with pytest.raises(FolioError, match=r"public_files matches files of a priced course[\s\S]*content/courses/q/answers\.txt"):
        build_site(config)


# --- 5. the public tree is a snapshot --------------------------------------------------------


def test_an_in_place_edit_of_a_source_never_changes_the_public_tree(tmp_path):
    config = write_site(tmp_path, {"index.md": "# Home\n", "courses/q/index.md": COURSE, "courses/q/01-free.md": FREE})
    build_site(config)
    source, tree = tmp_path / "content/courses/q/01-free.md", tmp_path / ".folio/public/courses/q/01-free.md"
    assert not os.path.samefile(source, tree)
    with open(source, "r+", encoding="utf-8") as handle:  # `cat >`: the same file, new bytes
        handle.seek(0)
        handle.write("---\naccess: paid\n---\n\n# Free chapter\n\nTeaser.\n\n<!-- more -->\n\nNow paid inplacecanary1x.\n")
        handle.truncate()
    assert "inplacecanary1x" not in tree.read_text(encoding="utf-8")


def test_enabled_false_says_loudly_that_nothing_is_checked(tmp_path, caplog):
    config = write_site(tmp_path, {"index.md": "# Home\n"}, folio={"enabled": False})
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.folio"):
        build_site(config)
    assert "FOLIO IS DISABLED" in caplog.text and "nothing is checked" in caplog.text


# --- 6. the old layout fails closed ------------------------------------------------------------


def test_docs_dir_holding_the_content_is_an_error_with_the_two_line_fix(tmp_path):
    config = write_site(tmp_path, {"index.md": "# Home\n", "courses/q/index.md": COURSE,
                                   "courses/q/02-paid.md": "# Paid\n\nPaid text.\n"})
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["docs_dir"] = "content"
    del data["plugins"][-1]["folio"]["content_dir"]
    config.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(FolioError) as error:
        build_site(config)
    assert "docs_dir: .folio/public" in str(error.value) and "content_dir: content" in str(error.value)
    assert not (tmp_path / "site").exists()


# --- 7. no false alarms, no odd failures -------------------------------------------------------


def test_a_paid_page_with_an_upper_case_suffix_is_a_page(tmp_path):
    chapter = "---\naccess: paid\n---\n\n# Shouting\n\nUpper teaser text.\n\n<!-- more -->\n\nUpper paid uppercanary1x.\n"
    write_site(tmp_path, {"index.md": "# Home\n", "courses/q/index.md": COURSE, "courses/q/01-free.md": FREE,
                          "courses/q/02-shout.MD": chapter})
    build_site(tmp_path / "mkdocs.yml")
    assert "Upper teaser text." in visible_text_of(tmp_path / "site/courses/q/02-shout/index.html")
    assert not list((tmp_path / "site").rglob("*.MD"))
    assert found(tmp_path, ["uppercanary1x"]) == {}


TABS_FREE = """\
---
access: free
---

# Install

=== "pip"

    ```
    pip install folio-toolkit
    ```

=== "uv"

    ```
    uv add folio-toolkit
    ```
"""

TABS_PAID = """\
---
access: paid
---

# Operate

Teaser.

<!-- more -->

```
pip install folio-toolkit
uv add folio-toolkit
```

Then the paid part explains tuning.
"""


def test_commands_in_a_free_chapters_content_tabs_and_in_a_paid_block_are_no_false_alarm(tmp_path):
    config = write_site(tmp_path, {"index.md": "# Home\n", "courses/q/index.md": COURSE,
                                   "courses/q/01-free.md": TABS_FREE, "courses/q/02-paid.md": TABS_PAID})
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["markdown_extensions"].append({"pymdownx.tabbed": {"alternate_style": True}})
    config.write_text(yaml.safe_dump(data), encoding="utf-8")
    build_site(config)
    assert "uv add folio-toolkit" in visible_text_of(tmp_path / "site/courses/q/01-free/index.html")
