/* Adding a task by selecting text: a selection inside the speech on the left fills the passage field of
   "Add a task from the text" (the clerk may still paste one). The numbers of the highlighted passages are
   left out, line breaks kept, so the passage is found in the stored text as it stands. A static file: the
   Content-Security-Policy allows no inline script. */
(function () {
  "use strict";

  function selectedIn(text) {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) return "";
    var range = selection.getRangeAt(0);
    if (!text.contains(range.commonAncestorContainer)) return "";
    var box = document.createElement("div");
    box.appendChild(range.cloneContents());
    box.querySelectorAll(".badge").forEach(function (badge) { badge.remove(); });
    box.querySelectorAll("br").forEach(function (br) { br.replaceWith("\n"); });
    return box.textContent.trim();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var text = document.querySelector('[data-testid="speech-text"]');
    var field = document.querySelector('[data-testid="passage-form"] textarea[name="quote"]');
    if (!text || !field) return;
    document.addEventListener("selectionchange", function () {
      var passage = selectedIn(text);
      if (passage) field.value = passage;
    });
  });
})();
