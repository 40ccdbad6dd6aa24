// On every page (deferred).
//
// An inline formula wider than its line would run off the page on a
// narrow screen: MathJax 3 does not break a formula across lines. Each such formula becomes a box
// of its own that scrolls sideways (class course-wide-math, see course.css); the others are left as
// they are, on the text's baseline.
(function () {
  var WIDE = "course-wide-math";
  function mark() {
    document.querySelectorAll('mjx-container[jax="CHTML"]:not([display="true"])').forEach(function (math) {
      math.classList.remove(WIDE);
      var block = math.parentElement && math.parentElement.closest("p, li, dd, dt, td, th, div, figcaption");
      if (!block) return;
      var style = getComputedStyle(block);
      var room = block.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      if (math.getBoundingClientRect().width > room + 1) math.classList.add(WIDE);
    });
  }
  var queued = false;
  function later() {  // at most once a frame while a window is being resized
    if (queued) return;
    queued = true;
    requestAnimationFrame(function () { queued = false; mark(); });
  }
  function start(tries) {
    var mj = window.MathJax;
    if (mj && mj.startup && mj.startup.promise) {
      mj.startup.promise.then(mark);
      window.addEventListener("resize", later);
      window.addEventListener("beforeprint", mark);
    } else if (tries > 0 && document.querySelector('script[src*="mathjax" i]')) {
      setTimeout(function () { start(tries - 1); }, 100);
    }
  }
  start(100);

  // Printing: images not yet near the screen (loading="lazy") are fetched now, so the paper shows them.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll('img[loading="lazy"]').forEach(function (img) { img.loading = "eager"; });
  });
})();
