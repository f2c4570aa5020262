// Folio's members script: a progressive enhancement of the static site, nothing it needs.
//
// One request per page view, to the gate only (GET <gate>/unlock/state, with the gate's cookies):
// it says who reads and what they may read; for a locked page the reader may read, the answer
// carries the locked part (signed figure URLs included), which replaces the paywall here. Without
// this script, without a session, or when the browser keeps the gate's cookie from the request,
// the page stays as it was built: teaser, paywall and its links. Nothing is stored on a server:
// the last chapter read is kept in this browser's localStorage.
(function () {
  "use strict";
  var me = document.getElementById("folio-members");
  if (!me || !window.fetch) return;
  var gate = me.dataset.gate, page = me.dataset.page, course = me.dataset.course;
  var t = {};
  try { t = JSON.parse(me.dataset.strings || "{}"); } catch (e) { /* the defaults below */ }
  var KEY = "folio.last." + course;

  function store(fn) { try { return fn(window.localStorage); } catch (e) { return null; } }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) node.textContent = text;
    return node;
  }
  function canonical() {
    var link = document.querySelector('link[rel="canonical"]');
    return link ? link.href : location.href.split("#")[0];
  }

  // Continue where you left off: a chapter notes itself; its course page offers it back.
  if (course && me.dataset.chapter) {
    store(function (s) { s.setItem(KEY, JSON.stringify({ url: canonical(), title: me.dataset.chapter })); });
  } else if (course) {
    var last = store(function (s) { return JSON.parse(s.getItem(KEY) || "null"); });
    var anchor = document.querySelector(".folio-course-facts");
    if (last && last.url && /^https?:/.test(last.url) && anchor) {
      var p = el("p", { "class": "folio-continue" });
      p.appendChild(el("a", { href: last.url, "class": "md-button" },
        (t["continue"] || "Continue: {title}").replace("{title}", last.title)));
      anchor.parentNode.insertBefore(p, anchor);
    }
  }

  // Every Buy form tells the gate where it was, so the buyer comes back here.
  document.querySelectorAll("form.folio-buy").forEach(function (form) {
    if (!form.querySelector('input[name="page"]')) form.appendChild(el("input", { type: "hidden", name: "page", value: page }));
  });

  // Back from checkout: the fragment names the purchase; link to its downloads, then drop the fragment.
  var bought = /^#folio-bought=(cs_[A-Za-z0-9_]+)$/.exec(location.hash);
  if (bought) {
    history.replaceState(null, "", location.pathname + location.search);
    var note = el("p", { "class": "folio-thanks admonition success", role: "status" }, (t.thanks || "Thank you!") + " ");
    note.appendChild(el("a", { href: gate + "/success?session_id=" + bought[1] }, t.downloads || "Downloads"));
    var article = document.querySelector("article");
    if (article) article.insertBefore(note, article.firstChild);
  }

  function header(state) {
    var inner = document.querySelector(".md-header__inner");
    if (!inner || document.querySelector(".folio-account")) return;
    var link;
    if (state && state.signed_in) {
      var member = state.products.indexOf("membership") >= 0;
      link = el("a", { href: gate + state.library, "class": "folio-account md-header__button" }, t.library || "Library");
      link.appendChild(el("span", { "class": "folio-account__state" }, member ? (t.member || "Member") : (t.signed_in || "Signed in")));
    } else {
      link = el("a", { href: gate + "/signin?next=" + encodeURIComponent(page), "class": "folio-account md-header__button" },
        t.sign_in || "Sign in");
    }
    var before = inner.querySelector(".md-header__source");
    inner.insertBefore(link, before);
  }

  function owns(products, product) {
    return products.indexOf(product) >= 0 || products.indexOf("membership") >= 0;
  }

  function ownedButtons(state) {
    var products = state.products || [];
    if (!products.length) return;
    var first = document.querySelector(".folio-chapters a");
    document.querySelectorAll("form.folio-buy").forEach(function (form) {
      var button = form.querySelector("button[data-product]");
      if (!button || !owns(products, button.dataset.product)) return;
      var box = el("span", { "class": "folio-owned" });
      box.appendChild(el("a", { href: first ? first.href : gate + state.library, "class": "md-button md-button--primary" }, t.read || "Read"));
      box.appendChild(document.createTextNode(" "));
      box.appendChild(el("a", { href: gate + state.library, "class": "md-button" }, t.download || "Download"));
      form.replaceWith(box);
    });
  }

  function loadMath(fragment, part) {
    // The locked part's formulas: KaTeX from the gate (signed), unless this page has it already.
    var sheet = fragment.querySelector('link[rel="stylesheet"]');
    var scripts = Array.prototype.filter.call(fragment.querySelectorAll("script[src]"),
      function (s) { return !/folio-math/.test(s.src); });
    if (!part.querySelector(".arithmatex") || window.renderMathInElement || !scripts.length) {
      if (window.renderMathInElement) typeset(part);
      return;
    }
    if (sheet) document.head.appendChild(el("link", { rel: "stylesheet", href: sheet.href }));
    (function next(i) {
      if (i === scripts.length) { typeset(part); return; }
      var script = el("script", { src: scripts[i].src });
      script.onload = function () { next(i + 1); };
      document.head.appendChild(script);
    })(0);
  }

  function typeset(part) {
    part.querySelectorAll(".arithmatex").forEach(function (node) {
      window.renderMathInElement(node, { delimiters: [
        { left: "\\(", right: "\\)", display: false }, { left: "\\[", right: "\\]", display: true },
        { left: "$$", right: "$$", display: true }, { left: "$", right: "$", display: false }], throwOnError: false });
    });
  }

  function unlock(unlocked) {
    var wall = document.getElementById("folio-paywall");
    if (!wall) return;
    var template = document.createElement("template");
    template.innerHTML = unlocked.html;
    var fragment = template.content;
    var part = fragment.querySelector(".folio-locked");
    if (!part) return;
    var toc = fragment.querySelector("nav.md-nav--secondary");
    part = document.importNode(part, true);
    wall.replaceWith(part);
    var oldToc = document.querySelector(".md-sidebar--secondary nav.md-nav--secondary");
    if (toc && oldToc) oldToc.replaceWith(document.importNode(toc, true));
    document.documentElement.classList.add("folio-unlocked");
    loadMath(fragment, part);
    // An anchor into the locked part works now that its heading is here.
    if (location.hash.length > 1) {
      var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
      if (target) target.scrollIntoView();
    }
  }

  fetch(gate + "/unlock/state?page=" + encodeURIComponent(page), { credentials: "include", cache: "no-store" })
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (state) {
      header(state);
      if (!state) return;
      if (state.unlocked && me.dataset.locked === "1") unlock(state.unlocked);
      ownedButtons(state);
    })
    .catch(function () { header(null); });
})();
