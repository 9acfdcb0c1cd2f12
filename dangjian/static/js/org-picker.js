/* The organisation picker of wide scopes: a <select data-org-search="URL"> that holds only its chosen
   organisation(s), because a city or a province has too many to list (orgs.forms.OrgSelect), becomes a
   search box (Tom Select) asking URL?q=… for the organisations the user may see whose name holds q. */
(function () {
  "use strict";
  function init(root) {
    if (typeof TomSelect === "undefined") { return; }
    root.querySelectorAll("select[data-org-search]").forEach(function (select) {
      if (select.tomselect) { return; }
      var url = select.getAttribute("data-org-search");
      new TomSelect(select, {
        valueField: "id",
        labelField: "label",
        searchField: ["label", "name"],
        maxOptions: 50,
        loadThrottle: 250,
        allowEmptyOption: false,  // the placeholder shows instead of "---------"
        plugins: select.multiple ? ["remove_button"] : (select.required ? [] : ["clear_button"]),
        placeholder: select.getAttribute("data-placeholder") || "",
        shouldLoad: function (query) { return query.length > 0; },
        load: function (query, callback) {
          fetch(url + "?q=" + encodeURIComponent(query), {
            credentials: "same-origin", headers: { "Accept": "application/json" }
          })
            .then(function (response) { return response.ok ? response.json() : { results: [] }; })
            .then(function (data) { callback(data.results); })
            .catch(function () { callback(); });
        },
        render: {
          option: function (item, escape) {
            return "<div>" + escape(item.label) +
              (item.context ? ' <small class="text-secondary">' + escape(item.context) + "</small>" : "") +
              "</div>";
          },
          no_results: function () {
            return '<div class="no-results">' + (select.getAttribute("data-no-results") || "") + "</div>";
          }
        }
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSwap", function (event) { init(event.target); });
})();
