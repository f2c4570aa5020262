"""Leak guard: paid text is found in any file of a built site, and nothing else is."""

from __future__ import annotations

import gzip
import html
import json
import re
from pathlib import Path

import pytest

from toolkit.errors import FolioError
from toolkit.leakguard.scan import Fingerprints, Leak, LeakError, check_site, scan_report, scan_site

PAID_PAGE = "courses/async-python/03-tasks.md"
CHINESE_PAGE = "courses/async-python/04-zh.md"

BOILERPLATE = "import asyncio, logging, contextlib, functools from typing import Any"

PAID_EN = f"""\
## Cancelling a **task group** safely

When one child fails, the `TaskGroup` cancels its siblings and waits for them to
finish before the exception propagates to the caller, as the [reference](https://docs.python.org/3/library/asyncio-task.html "Task groups") explains.[^shield]

```python
{BOILERPLATE}

async def fetch_all(urls: list[str]) -> list[bytes]:
    async with asyncio.TaskGroup() as group:
        tasks = [group.create_task(fetch_one(url)) for url in urls]
    return [task.result() for task in tasks]
```

| strategy | latency budget | retries |
|---|---|---|
| shielded commit | ninety milliseconds per request | three with jitter |

[^shield]: Wrap the final database commit in shield so a cancelled request never leaves half written rows.
"""

PAID_ZH = """\
## 事件循环的内部机制

事件循环在每一轮迭代中首先检查就绪队列，然后调用选择器等待文件描述符变为可读或可写，
最后按照计划时间执行到期的回调函数。理解这一点之后，你就会明白为什么在协程中调用**阻塞函数**会让整个服务停顿，
以及为什么应该把计算密集型的工作交给`asyncio.to_thread`、[线程池](https://docs.python.org/3/library/concurrent.futures.html)或者进程池来完成，而不是直接在事件循环里运行。
"""

TEASER = "This chapter shows how task groups behave when one child fails. " + BOILERPLATE

PAID_SENTENCE = "the TaskGroup cancels its siblings and waits for them to finish before the exception propagates"
ZH_SENTENCE = "你就会明白为什么在协程中调用阻塞函数会让整个服务停顿"


@pytest.fixture(scope="module")
def fingerprints() -> Fingerprints:
    return Fingerprints.build({PAID_PAGE: PAID_EN, CHINESE_PAGE: PAID_ZH}, public=[TEASER])


def html_page(body: str, title: str = "Tasks", description: str = "Async Python course") -> str:
    return (
        f'<!doctype html><html><head><meta name="description" content="{html.escape(description)}">'
        f"<title>{title}</title></head><body><nav><a href='/'>Home</a></nav>"
        f'<article class="md-content">{body}</article></body></html>'
    )


def clean_site(root: Path) -> Path:
    """A site with the public teaser everywhere and no paid text."""
    site = root / "site"
    write(site / "index.html", html_page("<p>Welcome to the Lambda Salon.</p>"))
    write(site / "courses/async-python/03-tasks/index.html", html_page(f"<p>{html.escape(TEASER)}</p>"))
    write(site / "search/search_index.json", search_index([TEASER, "Welcome to the Lambda Salon."]))
    write(site / "feed_rss_created.xml", rss([TEASER]))
    write_gz(site / "sitemap.xml.gz", "<urlset><url><loc>https://x.example/courses/</loc></url></urlset>")
    write(site / "assets/app.js", 'console.log("ready");')
    (site / "assets/logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0" + PAID_EN.encode())
    return site


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def write_gz(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(text.encode()))


def strip_tags(text: str) -> str:
    return re.sub(r"<[^>]+>", "", text)


def search_index(texts: list[str]) -> str:
    docs = [{"location": f"page{i}/", "title": "Page", "text": html.escape(t)} for i, t in enumerate(texts)]
    return json.dumps({"config": {"lang": ["en"]}, "docs": docs}, ensure_ascii=True)


def rss(descriptions: list[str]) -> str:
    items = "".join(f"<item><title>Chapter</title><description>{html.escape(d)}</description></item>" for d in descriptions)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed</title>{items}</channel></rss>'


def scan(site: Path, fingerprints: Fingerprints, sources=(PAID_PAGE, CHINESE_PAGE)) -> list[Leak]:
    return scan_site(site, fingerprints, sources)


def files_of(leaks: list[Leak]) -> set[str]:
    return {leak.file for leak in leaks}


# --- clean sites ----------------------------------------------------------------------------


def test_clean_site_has_no_leaks(tmp_path, fingerprints):
    assert scan(clean_site(tmp_path), fingerprints) == []


def test_public_teaser_and_shared_boilerplate_do_not_fire(tmp_path, fingerprints):
    site = clean_site(tmp_path)
    code = f"<pre><code>{html.escape(BOILERPLATE)}\n\nasync def main(): pass</code></pre>"
    write(site / "articles/free/index.html", html_page(f"<p>{html.escape(TEASER)}</p>{code}"))
    assert scan(site, fingerprints) == []


def test_short_common_phrases_do_not_fire(tmp_path, fingerprints):
    site = clean_site(tmp_path)
    write(site / "about/index.html", html_page("<p>The task group cancels its siblings. 事件循环的内部机制很重要。</p>"))
    assert scan(site, fingerprints) == []


# --- leaks in each kind of file -------------------------------------------------------------


def test_paid_sentence_in_html_is_named_with_file_page_and_snippet(tmp_path, fingerprints):
    site = clean_site(tmp_path)
    body = "<p>When one child fails, the <code>TaskGroup</code> cancels its siblings and waits for them to finish before the exception propagates.</p>"
    write(site / "blog/leaky/index.html", html_page(body))
    [leak] = scan(site, fingerprints)
    assert leak.file == "blog/leaky/index.html"
    assert leak.page == PAID_PAGE
    assert "cancels its siblings" in leak.snippet
    assert len(leak.snippet) <= 90
    assert str(leak).startswith(f"blog/leaky/index.html: paid text of {PAID_PAGE}: ")


def test_paid_text_in_meta_description_attribute_is_found(tmp_path, fingerprints):
    site = clean_site(tmp_path)
    write(site / "x/index.html", html_page("<p>Public.</p>", description=PAID_SENTENCE + " & more"))
    assert [leak.page for leak in scan(site, fingerprints)] == [PAID_PAGE]


def test_paid_code_block_in_highlighted_html_is_found(tmp_path, fingerprints):
    site = clean_site(tmp_path)
    code = (
        '<pre><span></span><code><span class="n">tasks</span> <span class="o">=</span> '
        '[<span class="n">group</span>.<span class="n">create_task</span>(<span class="n">fetch_one</span>'
        '(<span class="n">url</span>)) <span class="k">for</span> <span class="n">url</span> '
        '<span class="ow">in</span> <span class="n">urls</span>]\n</code></pre>'
    )
    write(site / "x/index.html", html_page(code))
    assert [leak.page for leak in scan(site, fingerprints)] == [PAID_PAGE]


def test_paid_footnote_and_table_text_are_found(tmp_path, fingerprints):
    site = clean_site(tmp_path)
    footnote = "<li><p>Wrap the final database commit in shield so a cancelled request never leaves half written rows.</p></li>"
    table = "<table><tr><td>shielded commit</td><td>ninety milliseconds per request</td><td>three with jitter</td></tr></table>"
    write(site / "a/index.html", html_page(footnote))
    write(site / "b/index.html", html_page(table))
    assert files_of(scan(site, fingerprints)) == {"a/index.html", "b/index.html"}


def test_paid_text_in_search_index_is_found(tmp_path, fingerprints):
    site = clean_site(tmp_path)
    leaked = strip_tags("<p>When one child fails, the <code>TaskGroup</code> cancels its siblings and waits for them to finish</p>")
    write(site / "search/search_index.json", search_index([TEASER, leaked]))
    [leak] = scan(site, fingerprints)
    assert (leak.file, leak.page) == ("search/search_index.json", PAID_PAGE)
    assert "cancels its siblings" in leak.snippet


def test_chinese_paid_text_escaped_in_search_index_is_found(tmp_path, fingerprints):
    site = clean_site(tmp_path)
    leaked = "开头的公开文字。" + ZH_SENTENCE + "。"
    index = search_index([leaked])
    assert "\\u" in index and ZH_SENTENCE not in index
    write(site / "search/search_index.json", index)
    [leak] = scan(site, fingerprints)
    assert (leak.file, leak.page) == ("search/search_index.json", CHINESE_PAGE)
    assert "阻塞函数" in leak.snippet


def test_chinese_paid_text_as_html_entities_is_found(tmp_path, fingerprints):
    site = clean_site(tmp_path)
    entities = "".join(f"&#x{ord(c):x};" for c in ZH_SENTENCE)
    write(site / "zh/index.html", html_page(f"<p>{entities}</p>"))
    assert [leak.page for leak in scan(site, fingerprints)] == [CHINESE_PAGE]


def test_chinese_paid_text_with_inline_markup_is_found_across_tags(tmp_path, fingerprints):
    site = clean_site(tmp_path)
    body = "<p>应该把计算密集型的工作交给<code>asyncio.to_thread</code>、<a href='/x'>线程池</a>或者进程池来完成</p>"
    write(site / "zh/index.html", html_page(body))
    [leak] = scan(site, fingerprints)
    assert (leak.file, leak.page) == ("zh/index.html", CHINESE_PAGE)
    assert "进程池" in leak.snippet


def test_paid_text_in_rss_with_entities_and_cdata_is_found(tmp_path, fingerprints):
    site = clean_site(tmp_path)
    escaped = html.escape(f"<p>the <code>TaskGroup</code> cancels its siblings &amp; waits for them to finish before the exception propagates</p>")
    cdata = f"<![CDATA[<p>{PAID_SENTENCE}</p>]]>"
    feed = f"<rss><channel><item><description>{escaped}</description></item><item><description>{cdata}</description></item></channel></rss>"
    write(site / "feed_rss_updated.xml", feed)
    assert files_of(scan(site, fingerprints)) == {"feed_rss_updated.xml"}


def test_paid_text_in_gzipped_xml_is_found(tmp_path, fingerprints):
    site = clean_site(tmp_path)
    write_gz(site / "sitemap.xml.gz", f"<urlset><url><loc>https://x/</loc><note>{ZH_SENTENCE}</note></url></urlset>")
    [leak] = scan(site, fingerprints)
    assert (leak.file, leak.page) == ("sitemap.xml.gz", CHINESE_PAGE)


def test_paid_text_in_javascript_string_is_found(tmp_path, fingerprints):
    site = clean_site(tmp_path)
    write(site / "assets/bundle.js", f"var excerpts = [{json.dumps(PAID_SENTENCE)}, \"\\u4e8b\"];")
    assert [leak.page for leak in scan(site, fingerprints)] == [PAID_PAGE]


def test_paid_text_in_any_text_file_is_found(tmp_path, fingerprints):
    site = clean_site(tmp_path)
    write(site / "llms-full.txt", "# Course\n\n" + PAID_EN)
    write(site / "assets/extra.css", f"/* {PAID_SENTENCE} */ body {{ color: red; }}")
    write(site / "diagram.svg", f'<svg xmlns="http://www.w3.org/2000/svg"><text>{ZH_SENTENCE}</text></svg>')
    assert files_of(scan(site, fingerprints)) == {"llms-full.txt", "assets/extra.css", "diagram.svg"}


def test_deployed_markdown_source_of_paid_page_is_forbidden(tmp_path, fingerprints):
    site = clean_site(tmp_path)
    write(site / PAID_PAGE, "# Tasks\n\n" + TEASER)
    [leak] = scan(site, fingerprints)
    assert (leak.file, leak.page) == (PAID_PAGE, "")
    assert PAID_PAGE in leak.snippet and "must not be deployed" in str(leak)


def test_deployed_markdown_with_paid_text_reports_both_problems(tmp_path, fingerprints):
    site = clean_site(tmp_path)
    write(site / "_sources" / PAID_PAGE, PAID_EN)
    leaks = scan(site, fingerprints)
    assert {leak.file for leak in leaks} == {f"_sources/{PAID_PAGE}"}
    assert [leak.page for leak in leaks][0] == ""
    assert PAID_PAGE in [leak.page for leak in leaks]
    assert len(leaks) <= 3


def test_source_map_naming_a_paid_source_is_forbidden(tmp_path, fingerprints):
    site = clean_site(tmp_path)
    source_map = {"version": 3, "sources": [f"../../content/{PAID_PAGE}"], "mappings": "AAAA"}
    write(site / "assets/app.js.map", json.dumps(source_map))
    [leak] = scan(site, fingerprints)
    assert (leak.file, leak.page) == ("assets/app.js.map", "")
    assert PAID_PAGE in leak.snippet


def test_source_map_with_paid_sources_content_is_found(tmp_path, fingerprints):
    site = clean_site(tmp_path)
    source_map = {"version": 3, "sources": ["src/app.ts"], "sourcesContent": [f"const doc = `{PAID_ZH}`;"]}
    write(site / "assets/app.js.map", json.dumps(source_map))
    assert [(leak.file, leak.page) for leak in scan(site, fingerprints)] == [("assets/app.js.map", CHINESE_PAGE)]


def test_images_and_fonts_are_not_read_but_counted(tmp_path, fingerprints):
    site = clean_site(tmp_path)  # assets/logo.png: a PNG with paid bytes after its header
    (site / "fonts").mkdir()
    (site / "fonts/x.woff2").write_bytes(b"wOF2\0\1\0\0" + PAID_EN.encode())
    report = scan_report(site, fingerprints, (PAID_PAGE, CHINESE_PAGE))
    assert report.leaks == []
    assert report.media == 2
    assert report.unreadable == []


def test_text_under_a_binary_name_is_read(tmp_path, fingerprints):
    site = clean_site(tmp_path)
    (site / "fonts").mkdir()
    (site / "fonts/x.woff2").write_bytes(PAID_EN.encode())
    (site / "bundle.zip").write_bytes(PAID_EN.encode())
    (site / "photo.png").write_bytes(PAID_SENTENCE.encode())
    assert files_of(scan(site, fingerprints)) == {"fonts/x.woff2", "bundle.zip", "photo.png"}


def test_unknown_binary_is_searched_for_text_and_listed(tmp_path, fingerprints):
    site = clean_site(tmp_path)
    (site / "blob.bin").write_bytes(b"\0\1\2\3" * 50 + PAID_EN.encode() + b"\0\7")
    (site / "clean.wasm").write_bytes(b"\0asm\1\0\0\0" + bytes(range(256)))
    report = scan_report(site, fingerprints, (PAID_PAGE,))
    assert [(leak.file, leak.page) for leak in report.leaks][:1] == [("blob.bin", PAID_PAGE)]
    assert {name for name, _ in report.unreadable} == {"blob.bin", "clean.wasm"}
    assert all("only the plain text" in why for _, why in report.unreadable)


def test_at_most_three_leaks_per_file(tmp_path, fingerprints):
    site = clean_site(tmp_path)
    write(site / "dump/index.html", html_page("<hr>".join(f"<p>{html.escape(PAID_EN)}</p><p>{'filler words here ' * 60}</p>" for _ in range(6))))
    leaks = scan(site, fingerprints)
    assert files_of(leaks) == {"dump/index.html"}
    assert 1 < len(leaks) <= 3


# --- the error a build raises ---------------------------------------------------------------


def test_check_site_raises_leak_error_listing_each_leak(tmp_path, fingerprints):
    site = clean_site(tmp_path)
    write(site / "x/index.html", html_page(f"<p>{PAID_SENTENCE}</p>"))
    write(site / PAID_PAGE, "teaser only")
    with pytest.raises(LeakError) as caught:
        check_site(site, fingerprints, [PAID_PAGE])
    message = caught.value.format_message()
    assert isinstance(caught.value, FolioError)
    assert "2 leaks" in message
    assert f"x/index.html: paid text of {PAID_PAGE}:" in message
    assert "cancels its siblings" in message
    assert f"{PAID_PAGE}: must not be deployed" in message
    assert "What to do:" in message and "leak_guard > allow" in message
    assert "access: free" not in message and "mark" not in message


def test_check_site_is_quiet_on_a_clean_site(tmp_path, fingerprints):
    check_site(clean_site(tmp_path), fingerprints, [PAID_PAGE])


def long_enough_to_fingerprint(fragment: str) -> bool:
    text = strip_tags(fragment)
    return len(text.split()) >= 8 or len(re.findall(r"[\u4e00-\u9fff]", text)) >= 12


def test_every_paid_block_of_8_words_or_12_han_rendered_to_html_is_caught(tmp_path, fingerprints):
    import markdown

    rendered = markdown.markdown(PAID_EN + "\n\n" + PAID_ZH, extensions=["tables", "footnotes", "fenced_code", "attr_list"])
    site = clean_site(tmp_path)
    for number, paragraph in enumerate(re.findall(r"<(p|li|td|h2|pre)>(.*?)</\1>", rendered, re.S)):
        if long_enough_to_fingerprint(paragraph[1]):
            write(site / f"part{number}/index.html", html_page(f"<{paragraph[0]}>{paragraph[1]}</{paragraph[0]}>"))
    leaked = files_of(scan(site, fingerprints))
    planted = {p.relative_to(site).as_posix() for p in site.glob("part*/index.html")}
    assert len(planted) >= 4
    assert leaked == planted


def test_same_leak_in_list_items_of_many_themed_pages_names_every_page(tmp_path, fingerprints):
    site = clean_site(tmp_path)
    nav = "".join(f'<li class="md-nav__item"><a href="/p{i}/">Page {i}</a></li>\n' for i in range(50))
    leaky_item = f"<li>{PAID_SENTENCE}</li>"
    for number in range(4):
        write(site / f"p{number}/index.html", html_page(f"<ul>{nav}</ul><ul>{leaky_item}</ul>"))
    assert files_of(scan(site, fingerprints)) == {f"p{number}/index.html" for number in range(4)}


def test_leak_after_repeated_navigation_is_found(tmp_path, fingerprints):
    site = clean_site(tmp_path)
    nav = "".join(f'<li class="md-nav__item"><a href="/p{i}/">Page {i}</a></li>\n' for i in range(50))
    write(site / "a/index.html", html_page(f"<ul>{nav}</ul><p>Public words only.</p>"))
    write(site / "b/index.html", html_page(f"<ul>{nav}</ul><p>{PAID_SENTENCE}</p>"))
    assert files_of(scan(site, fingerprints)) == {"b/index.html"}


def test_teaser_words_followed_by_paywall_words_do_not_fire(tmp_path):
    # The paid part repeats the teaser's last six words, followed by two words that happen to
    # open the paywall box: public text plus two words is not a leak.
    teaser = "Chapter two covers the basics of the event loop"
    paid = "Recall from above the basics of the event loop. Buy once to see how every ready callback runs in order."
    fingerprints = Fingerprints.build({"courses/c/02.md": paid}, public=[teaser])
    site = tmp_path / "site"
    write(site / "c/02/index.html", html_page(f"<p>{teaser}</p><div class='paywall'>Buy once, read forever.</div>"))
    assert scan_site(site, fingerprints) == []
    write(site / "leak/index.html", html_page("<p>Buy once to see how every ready callback runs in order.</p>"))
    assert files_of(scan_site(site, fingerprints)) == {"leak/index.html"}
