// Loaded (deferred) on pages that hold widgets; it loads the site's widget manager (widgets.js and
// widgets.css, next to this file in _vendor/) when it is needed, not before the page is read.
//
// Until then each explorer shows the plain first picture the build put in front of it
// (.widget-fallback, see _ext/course_pages.py). The manager loads as soon as an explorer comes
// within two screens of the view, or the reader reaches for one (pointer, touch or keyboard); it
// then renders every widget of the page and each fallback gives way to its live explorer. An
// explorer's other frames are fetched when the reader first reaches for its controls, so a change
// of setting finds its frame already there.
(function () {
  var VIEW = 'script[type="application/vnd.jupyter.widget-view+json"]';
  var here = document.currentScript.src.replace(/[^/]*$/, "");

  // 1. The manager (widgets base 2.0) typesets labels with MathJax 2's MathJax.Hub.Queue; this site
  //    loads MathJax 3, which has no Hub and replaces window.MathJax when it starts. Keep a Hub on
  //    whatever window.MathJax becomes, queueing a MathJax 3 typeset.
  var hub = {
    Queue: function () {
      var mj = window.MathJax;
      if (mj && typeof mj.typesetPromise === "function") {
        mj.typesetPromise().catch(function () {});
      }
    },
  };
  var current = window.MathJax;
  function withHub(value) {
    if (value && typeof value === "object" && !value.Hub) {
      value.Hub = hub;
    }
    return value;
  }
  Object.defineProperty(window, "MathJax", {
    configurable: true,
    get: function () { return current; },
    set: function (value) { current = withHub(value); },
  });
  current = withHub(current || {});

  // 2. Slider handles are ARIA sliders with no name: give each the label of its widget.
  function nameHandles(root) {
    root.querySelectorAll(".noUi-handle:not([aria-label])").forEach(function (handle) {
      var widget = handle.closest(".widget-slider, .jupyter-widgets");
      var label = widget && widget.querySelector("label");
      handle.setAttribute("aria-label", (label && label.textContent.trim()) || "slider");
    });
  }
  new MutationObserver(function () { nameHandles(document); })
    .observe(document.documentElement, { childList: true, subtree: true });

  // 3. Load the manager once, when it is wanted.
  var views = document.querySelectorAll(VIEW);
  if (!views.length) return;
  var loading = null;
  function load() {
    if (loading) return loading;
    loading = new Promise(function (resolve, reject) {
      var style = document.createElement("link");
      style.rel = "stylesheet";
      style.href = here + "widgets.css";
      document.head.appendChild(style);
      var script = document.createElement("script");
      script.src = here + "widgets.js";
      script.onload = resolve;
      script.onerror = function () { reject(new Error("widget manager did not load: " + script.src)); };
      document.head.appendChild(script);
    }).then(function () {
      return window.courseWidgets.renderWidgets(document);
    }).catch(function (error) {
      // Offline or blocked: every explorer keeps its precomputed first picture.
      console.warn("explorers stay as pictures:", error.message || error);
    });
    if (observer) observer.disconnect();
    return loading;
  }
  window.courseWidgetsLoad = load;

  var observer = null;
  if ("IntersectionObserver" in window) {
    observer = new IntersectionObserver(function (entries) {
      if (entries.some(function (entry) { return entry.isIntersecting; })) load();
    }, { rootMargin: "200% 0px" });
    views.forEach(function (view) { observer.observe(view.parentElement); });
  } else {
    load();
  }
  ["pointerdown", "touchstart", "focusin", "keydown"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      if (event.target.closest && event.target.closest(".widget-fallback")) load();
    }, { passive: true });
  });

  // 4. A rendered view replaces its fallback.
  document.addEventListener("course-widget-shown", function (event) {
    var view = event.target;
    var id = JSON.parse(view.textContent).model_id;
    view.parentElement.querySelectorAll(".widget-fallback").forEach(function (fallback) {
      if (fallback.dataset.view === id) fallback.remove();
    });
  });

  // 5. The first time the reader reaches for an explorer's controls, fetch all of its frames.
  var fetched = new Set();
  function prefetch(event) {
    var area = event.target.closest && event.target.closest(".widget-subarea");
    var view = area && area.nextElementSibling;
    if (!view || !view.matches(VIEW) || fetched.has(view)) return;
    fetched.add(view);
    (view.dataset.frames || "").split(" ").filter(Boolean).forEach(function (src) {
      var image = new Image();
      image.decoding = "async";
      image.src = src;
    });
  }
  ["pointerover", "focusin", "touchstart"].forEach(function (type) {
    document.addEventListener(type, prefetch, { passive: true });
  });
})();
