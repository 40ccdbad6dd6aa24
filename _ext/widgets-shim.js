// Loaded after require.js and before the ipywidgets HTML manager, on pages that hold widgets.
(function () {
  // 1. Serve the manager's modules and icon fonts from this folder (_vendor/), not from paths
  //    relative to the page. The manager derives its public path from its own module URL.
  var here = document.currentScript.src.replace(/[^/]*$/, "");
  window.require.config({ paths: { "@jupyter-widgets/html-manager/dist": here.replace(/\/$/, "") } });

  // 2. The manager (widgets base 2.0) typesets labels with MathJax 2's MathJax.Hub.Queue; this site
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

  // 3. Slider handles are ARIA sliders with no name: give each the label of its widget.
  function nameHandles(root) {
    root.querySelectorAll(".noUi-handle:not([aria-label])").forEach(function (handle) {
      var widget = handle.closest(".widget-slider, .jupyter-widgets");
      var label = widget && widget.querySelector("label");
      handle.setAttribute("aria-label", (label && label.textContent.trim()) || "slider");
    });
  }
  new MutationObserver(function () { nameHandles(document); })
    .observe(document.documentElement, { childList: true, subtree: true });
})();
