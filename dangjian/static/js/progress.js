/* Progress bars take their width from data-percent (no inline styles: the Content-Security-Policy). */
(function () {
  "use strict";
  function fill(root) {
    root.querySelectorAll(".progress-bar[data-percent]").forEach(function (bar) {
      var value = Math.max(0, Math.min(100, parseFloat(bar.getAttribute("data-percent")) || 0));
      bar.style.width = value + "%";
      bar.setAttribute("aria-valuenow", String(value));
    });
  }
  document.addEventListener("DOMContentLoaded", function () { fill(document); });
  document.addEventListener("htmx:afterSwap", function (event) { fill(event.target); });
})();
