// The search page's own pieces, loaded before Sphinx's searchtools.js (see _ext/course_pages.py).
//
// 1. Ranking: a page whose title holds every word of the query comes first (a chapter for its own
//    topic, ahead of the glossary entry and the API objects that share the word); among such pages,
//    the one whose title starts with the query, then the one the query covers most. The rest keeps
//    Sphinx's order.
// 2. Summaries: Sphinx fetches each result's page to cut a summary from it, which fails on a site
//    opened from disk (file://) and quotes the page's header buttons. This site turns that off
//    (html_show_search_summary) and cuts the summary from searchsummaries.js instead: each page's
//    article text, written when the site was built.
"use strict";

var COURSE_TITLE_BOOST = 10000;

function courseWords(text) {
  // Words of a title or query, lower case, without a leading section number ("4. Softmax" -> softmax).
  return String(text || "").replace(/<[^>]*>/g, " ").toLowerCase().split(/[^\p{Letter}\p{Number}_]+/u)
    .filter(function (w) { return w.length > 0; })
    .filter(function (w, i) { return !(i === 0 && /^\d+$/.test(w)); });
}

function courseQueryWords() {
  return courseWords(new URLSearchParams(window.location.search).get("q")).filter(function (w) { return w.length > 1; });
}

// How well a page title names the query: null when some query word is missing from it, otherwise
// higher for a title that starts with the query and that the query covers more of.
function courseTitleMatch(title, words) {
  var titleWords = courseWords(title);
  if (!words.length) return null;
  var first = Infinity;
  for (var k = 0; k < words.length; k++) {
    var word = words[k];
    var at = titleWords.findIndex(function (t) { return t === word || (word.length > 3 && t.startsWith(word)); });
    if (at < 0) return null;
    first = Math.min(first, at);
  }
  return 1000 - 20 * first + 10 * words.length / titleWords.length;
}

var Scorer = {
  score: function (result) {
    var docname = result[0], title = result[1], anchor = result[2], score = result[4];
    var index = typeof Search !== "undefined" && Search._index;
    var pageTitle = index ? index.titles[index.docnames.indexOf(docname)] : title;
    var wholePage = !anchor || title === pageTitle;
    var match = wholePage ? courseTitleMatch(pageTitle, courseQueryWords()) : null;
    return match === null ? score : COURSE_TITLE_BOOST + match + score / 1000;
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
    if (!texts || !link || item.querySelector("p.context") || item.querySelector(":scope > span")) return;
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
