// The search page's own pieces, loaded before Sphinx's searchtools.js (see _ext/course_pages.py).
//
// 1. Ranking: a page whose title holds every word of the query comes first (a chapter for its own
//    topic, ahead of the glossary entry and the API objects that share the word); the rest keeps
//    Sphinx's order.
// 2. Summaries: Sphinx fetches each result's page to cut a summary from it, which fails on a site
//    opened from disk (file://) and quotes the page's header buttons. This site turns that off
//    (html_show_search_summary) and cuts the summary from searchsummaries.js instead: each page's
//    article text, written when the site was built.
"use strict";

var COURSE_TITLE_BOOST = 1000;

function courseQueryWords() {
  var query = new URLSearchParams(window.location.search).get("q") || "";
  return query.toLowerCase().split(/[^\p{Letter}\p{Number}_]+/u).filter(function (w) { return w.length > 1; });
}

function courseTitleHolds(title, words) {
  var titleWords = String(title || "").toLowerCase().split(/[^\p{Letter}\p{Number}_]+/u);
  return words.length > 0 && words.every(function (word) {
    return titleWords.some(function (t) { return t === word || (word.length > 3 && t.startsWith(word)); });
  });
}

var Scorer = {
  score: function (result) {
    var docname = result[0], title = result[1], anchor = result[2], score = result[4];
    var index = typeof Search !== "undefined" && Search._index;
    var pageTitle = index ? index.titles[index.docnames.indexOf(docname)] : title;
    var wholePage = !anchor || title === pageTitle;
    if (wholePage && courseTitleHolds(pageTitle, courseQueryWords())) return score + COURSE_TITLE_BOOST;
    return score;
  },
  // Sphinx's defaults (searchtools.js uses this object instead of its own when it exists).
  objNameMatch: 11,
  objPartialMatch: 6,
  objPrio: { 0: 15, 1: 5, 2: -5 },
  objPrioDefault: 0,
  title: 15,
  partialTitle: 7,
  term: 5,
  partialTerm: 2,
};

(function () {
  function summary(text, words) {
    var lower = text.toLowerCase();
    var at = -1;
    words.forEach(function (word) {
      var i = lower.indexOf(word);
      if (i > -1 && (at < 0 || i < at)) at = i;
    });
    var start = Math.max((at < 0 ? 0 : at) - 100, 0);
    var p = document.createElement("p");
    p.className = "context";
    p.textContent = (start > 0 ? "…" : "") + text.substr(start, 240).trim() + (start + 240 < text.length ? "…" : "");
    return p;
  }

  function docnameOf(link) {
    var root = new URL(document.documentElement.dataset.content_root || "./", window.location.href);
    var path = new URL(link.getAttribute("href"), window.location.href).pathname;
    var base = root.pathname;
    return decodeURI(path.startsWith(base) ? path.slice(base.length) : path).replace(/\.html$/, "");
  }

  function addSummary(item) {
    var texts = window.COURSE_SEARCH_TEXT;
    var link = item.querySelector("a");
    if (!texts || !link || item.querySelector("p.context") || item.querySelector("span")) return;
    var text = texts[docnameOf(link)];
    if (!text) return;
    var words = courseQueryWords();
    item.appendChild(summary(text, words));
    if (typeof _highlightText === "function") {
      words.forEach(function (word) { _highlightText(item, word, "highlighted"); });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var results = document.getElementById("search-results");
    if (!results) return;
    new MutationObserver(function (changes) {
      changes.forEach(function (change) {
        change.addedNodes.forEach(function (node) {
          if (node.nodeName === "LI") addSummary(node);
          else if (node.querySelectorAll) node.querySelectorAll("li").forEach(addSummary);
        });
      });
    }).observe(results, { childList: true, subtree: true });
  });
})();
