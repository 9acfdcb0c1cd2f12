/* The organisation tree picker (orgs.widgets.OrgTreeSelect): fold, filter by name or pinyin initials,
   choose a committee's villages at once, count the choice. Without this script the tree is a plain
   list of checkboxes, and the "all villages" boxes are resolved by the server. */
(function () {
  "use strict";

  function setUp(tree) {
    if (tree.dataset.ready) return;
    tree.dataset.ready = "1";
    var rows = Array.prototype.slice.call(tree.querySelectorAll("[data-org-row]"));
    var filter = tree.querySelector("[data-org-tree-filter]");
    var chosen = tree.querySelector("[data-org-tree-chosen]");
    var clear = tree.querySelector("[data-org-tree-clear]");
    var none = tree.querySelector("[data-org-tree-none]");
    var folded = {};
    var info = [];
    var stack = [];
    rows.forEach(function (row, i) {
      var path = row.getAttribute("data-path");
      while (stack.length && path.indexOf(info[stack[stack.length - 1]].path) !== 0) stack.pop();
      info.push({
        row: row,
        path: path,
        level: parseInt(row.getAttribute("data-level"), 10) || 0,
        ancestors: stack.slice(),
        box: row.querySelector("[data-org-box]"),
        wholes: Array.prototype.slice.call(row.querySelectorAll("[data-org-whole]")),
        fold: row.querySelector("[data-org-fold]"),
        text: row.getAttribute("data-search") || "",
        branch: row.hasAttribute("data-branch") ? row.getAttribute("data-branch") : null
      });
      stack.push(i);
    });

    function below(i) {
      var result = [];
      for (var j = i + 1; j < info.length && info[j].path.indexOf(info[i].path) === 0; j++) result.push(j);
      return result;
    }

    function covered(i, sector) {
      return below(i).filter(function (j) {
        return info[j].branch !== null && (sector === "" || info[j].branch === sector);
      });
    }

    function setFold(i, closed) {
      var item = info[i];
      if (!item.fold) return;
      folded[item.path] = closed;
      item.fold.setAttribute("aria-expanded", closed ? "false" : "true");
      var icon = item.fold.querySelector(".ti");
      if (icon) icon.className = closed ? "ti ti-chevron-right" : "ti ti-chevron-down";
    }

    function show() {
      var q = (filter.value || "").trim().toLowerCase().replace(/\s+/g, "");
      var visible = {};
      if (q) {
        info.forEach(function (item, i) {
          if (item.text.replace(/\s+/g, "").indexOf(q) !== -1 || item.text.split(" ").some(function (w) { return w.indexOf(q) === 0; })) {
            visible[i] = true;
            item.ancestors.forEach(function (a) { visible[a] = true; });
          }
        });
      } else {
        info.forEach(function (item, i) {
          visible[i] = !item.ancestors.some(function (a) { return folded[info[a].path]; });
        });
      }
      var any = false;
      info.forEach(function (item, i) {
        item.row.classList.toggle("d-none", !visible[i]);
        any = any || !!visible[i];
      });
      if (none) none.classList.toggle("d-none", any || !info.length);
    }

    function count() {
      var n = info.filter(function (item) { return item.box && item.box.checked; }).length;
      chosen.textContent = String(n);
      if (clear) clear.classList.toggle("d-none", n === 0);
    }

    function syncWholes() {
      info.forEach(function (item, i) {
        item.wholes.forEach(function (whole) {
          var js = covered(i, whole.getAttribute("data-org-whole"));
          whole.checked = js.length > 0 && js.every(function (j) { return info[j].box.checked; });
        });
      });
    }

    info.forEach(function (item, i) {
      if (item.fold) {
        item.fold.addEventListener("click", function () {
          setFold(i, !folded[item.path]);
          show();
        });
      }
      item.wholes.forEach(function (whole) {
        whole.addEventListener("change", function () {
          covered(i, whole.getAttribute("data-org-whole")).forEach(function (j) { info[j].box.checked = whole.checked; });
          syncWholes();
          count();
        });
      });
      if (item.box) item.box.addEventListener("change", function () { syncWholes(); count(); });
    });
    filter.addEventListener("input", show);
    filter.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault(); // typing in the filter never submits the form
    });
    if (clear) {
      clear.addEventListener("click", function () {
        info.forEach(function (item) {
          if (item.box) item.box.checked = false;
          item.wholes.forEach(function (w) { w.checked = false; });
        });
        count();
      });
    }

    // A whole box posted back (a refused form) chooses its organisations again.
    info.forEach(function (item, i) {
      item.wholes.forEach(function (whole) {
        if (whole.checked) covered(i, whole.getAttribute("data-org-whole")).forEach(function (j) { info[j].box.checked = true; });
      });
    });
    // Fold everything below the second level, except the way to what is already chosen.
    var open = {};
    info.forEach(function (item) {
      if (item.box && item.box.checked) item.ancestors.forEach(function (a) { open[a] = true; });
    });
    info.forEach(function (item, i) { if (item.fold) setFold(i, item.level >= 1 && !open[i]); });
    syncWholes();
    count();
    show();
  }

  function init(root) {
    root.querySelectorAll("[data-org-tree]").forEach(setUp);
  }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSwap", function (event) { init(event.target); });
})();
