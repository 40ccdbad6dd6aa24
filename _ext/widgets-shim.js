// Loaded before the ipywidgets HTML manager on pages that hold widgets.
// The manager (widgets base 2.0) typesets labels with MathJax 2's MathJax.Hub.Queue; this site uses
// MathJax 3, which has no Hub. Give it a Hub whose Queue typesets with MathJax 3 instead.
(function () {
  window.MathJax = window.MathJax || {};
  if (!window.MathJax.Hub) {
    window.MathJax.Hub = {
      Queue: function () {
        var mj = window.MathJax;
        if (mj && typeof mj.typesetPromise === "function") {
          mj.typesetPromise().catch(function () {});
        }
      },
    };
  }
})();
