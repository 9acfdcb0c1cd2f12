/* Draw every ECharts chart on the page: <div class="chart-box" data-chart="ID"> + json_script ID. */
(function () {
  "use strict";
  function draw(root) {
    if (typeof echarts === "undefined") { return; }
    root.querySelectorAll("[data-chart]").forEach(function (box) {
      var source = document.getElementById(box.getAttribute("data-chart"));
      if (!source) { return; }
      var existing = echarts.getInstanceByDom(box);
      if (existing) { existing.dispose(); }
      var chart = echarts.init(box);
      var option = JSON.parse(source.textContent);
      var links = option.links;  // one drill-down address per category: a click opens it
      delete option.links;
      chart.setOption(option);
      if (links) {
        chart.on("click", function (params) { if (links[params.dataIndex]) { window.location.href = links[params.dataIndex]; } });
      }
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSwap", function (event) { draw(event.target); });
})();
