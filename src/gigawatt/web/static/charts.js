/* Draw every chart of the page: each .chart names the JSON block of its Plotly figure (data-figure).
   Used by the workbench's pages and inlined in a run's self-contained HTML report. */
(function () {
  "use strict";
  function draw() {
    var dark = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
    document.querySelectorAll(".chart[data-figure]").forEach(function (el) {
      var spec = JSON.parse(document.getElementById(el.dataset.figure).textContent);
      var layout = Object.assign({autosize: true}, spec.layout);
      if (dark) {
        layout.paper_bgcolor = "#16181d"; layout.plot_bgcolor = "#16181d"; layout.font = {color: "#e6e6e6"};
        if (layout.geo) { layout.geo = Object.assign({bgcolor: "#16181d", landcolor: "#2a2e36", countrycolor: "#555"}, layout.geo); }
      }
      var narrow = el.clientWidth > 0 && el.clientWidth < 600;
      if (narrow) {  /* a phone: a smaller title on the left, and no tool bar over it (touch screens show it always) */
        layout.title = Object.assign({}, layout.title, {font: {size: 13}, x: 0.02, xanchor: "left"});
        layout.margin = Object.assign({}, layout.margin, {l: 50, r: 10});
        layout.xaxis = Object.assign({automargin: true}, layout.xaxis);
        layout.legend = Object.assign({}, layout.legend, {yref: "container", y: 0, yanchor: "bottom"});
      }
      Plotly.newPlot(el, spec.data, layout, {responsive: true, displaylogo: false, displayModeBar: narrow ? false : "hover",
                                             topojsonURL: "/static/topojson/", toImageButtonOptions: {format: "png", filename: el.id}})
        .then(function () { el.dataset.drawn = "true"; });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
