/* Draw every chart of the page: each .chart names the JSON block of its Plotly figure (data-figure).
   Used by the workbench's pages and inlined in a run's self-contained HTML report.
   Each chart is drawn on its own: one that fails shows a one-line message in its box (data-drawn="error")
   and the others still draw. Under every chart, PNG and SVG download buttons (Plotly's hover tool bar is
   absent on phones). On a dark background the load and target lines (drawn near-black) turn light. */
(function () {
  "use strict";
  var DARK_BG = "#16181d", DARK_TEXT = "#e6e6e6", LIGHT_LINE = "#d0d0d0";
  var DARK_COLOURS = {"black": true, "#000": true, "#000000": true, "#111111": true, "rgb(0, 0, 0)": true, "rgb(0,0,0)": true};
  var DEFAULT_HEIGHT_PX = 450, PLOT_HEIGHT_PX = 320, LEGEND_ROW_PX = 22;  /* Plotly's default height; a phone's plot area and legend row */
  var TITLE_CHAR_PX = 7.5, TITLE_LINE_PX = 17;  /* a 13 px title's average character width and line height */
  var IMAGE_SCALE = 2;  /* downloaded PNGs at twice the screen's pixels, sharp on slides */

  function isDarkColour(c) { return typeof c === "string" && DARK_COLOURS[c.toLowerCase().replace(/\s+/g, " ")] === true; }

  /* the near-black lines and markers of a trace (load, target) in a light grey on a dark background */
  function lighten(trace) {
    var t = Object.assign({}, trace);
    ["line", "marker"].forEach(function (part) {
      if (t[part] && isDarkColour(t[part].color)) { t[part] = Object.assign({}, t[part], {color: LIGHT_LINE}); }
    });
    if (t.textfont && isDarkColour(t.textfont.color)) { t.textfont = Object.assign({}, t.textfont, {color: DARK_TEXT}); }
    return t;
  }

  function darkLayout(layout) {
    layout.paper_bgcolor = DARK_BG; layout.plot_bgcolor = DARK_BG;
    layout.font = Object.assign({}, layout.font, {color: DARK_TEXT});
    if (layout.geo) { layout.geo = Object.assign({bgcolor: DARK_BG, landcolor: "#2a2e36", countrycolor: "#555"}, layout.geo); }
    Object.keys(layout).forEach(function (key) {  /* axes: a grid that shows on the dark background */
      if (/^[xy]axis\d*$/.test(key)) { layout[key] = Object.assign({gridcolor: "#333842", zerolinecolor: "#555"}, layout[key]); }
    });
    (layout.shapes || []).forEach(function (s) { if (s.line && isDarkColour(s.line.color)) { s.line.color = LIGHT_LINE; } });
    (layout.annotations || []).forEach(function (a) { if (a.font && isDarkColour(a.font.color)) { a.font.color = DARK_TEXT; } });
  }

  /* a long title in lines of at most ``width`` characters (Plotly does not wrap titles), split at spaces */
  function wrap(text, width) {
    var lines = [], line = "";
    text.split(" ").forEach(function (word) {
      if (line && (line + " " + word).length > width) { lines.push(line); line = word; } else { line = line ? line + " " + word : word; }
    });
    if (line) { lines.push(line); }
    return lines.join("<br>");
  }

  function fail(el, error) {
    var line = (error && error.message ? error.message : String(error)).split("\n")[0];
    el.textContent = "";
    var note = document.createElement("p");
    note.className = "chart-error";
    note.textContent = "This chart could not be drawn: " + line;
    el.appendChild(note);
    el.dataset.drawn = "error";
    if (window.console) { console.warn("chart " + el.id + ": " + line); }
  }

  function downloadButtons(el, title) {
    var figure = el.closest("figure") || el.parentNode;
    if (figure.querySelector(".chart-downloads")) { return; }
    var bar = document.createElement("div");
    bar.className = "chart-downloads";
    var name = (el.id || "chart").replace(/^chart-/, "");
    ["png", "svg"].forEach(function (format) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "chart-download";
      button.dataset.format = format;
      button.textContent = format.toUpperCase();
      button.title = "Download " + (title || name) + " as " + format.toUpperCase();
      button.setAttribute("aria-label", button.title);
      button.addEventListener("click", function () {
        Plotly.downloadImage(el, {format: format, filename: name, scale: format === "png" ? IMAGE_SCALE : 1,
                                  width: el.clientWidth || 900, height: el.clientHeight || 450});
      });
      bar.appendChild(button);
    });
    figure.appendChild(bar);
  }

  function drawOne(el, dark) {
    var spec = JSON.parse(document.getElementById(el.dataset.figure).textContent);
    var layout = Object.assign({autosize: true}, spec.layout);
    var data = spec.data;
    if (dark) { darkLayout(layout); data = data.map(lighten); }
    var narrow = el.clientWidth > 0 && el.clientWidth < 600;
    if (narrow) {  /* a phone: a smaller title on the left, and no tool bar over it (touch screens show it always) */
      var text = wrap((layout.title && layout.title.text) || "", Math.floor(el.clientWidth / TITLE_CHAR_PX));
      layout.title = Object.assign({}, layout.title, {text: text, font: {size: 13}, x: 0.02, xanchor: "left", yref: "container", y: 1, yanchor: "top", pad: {t: 12}});
      layout.margin = Object.assign({}, layout.margin, {l: 50, r: 10, t: 40 + TITLE_LINE_PX * text.split("<br>").length});
      layout.xaxis = Object.assign({automargin: true}, layout.xaxis);
      /* the legend at the bottom of the box, below the turned tick labels (not over them), the plot pushed up */
      layout.legend = Object.assign({}, layout.legend, {font: {size: 10}, yref: "container", y: 0, yanchor: "bottom"});
      /* a legend of many entries below a short plot squeezes the plot to nothing (Plotly's "axis scaling"
         error): the chart grows by a row a legend entry instead */
      var entries = data.filter(function (t) { return t.showlegend !== false; }).length;
      entries += 2 * new Set(data.map(function (t) { return t.legendgroup; }).filter(Boolean)).size;  /* a group's title and gap */
      if (layout.showlegend !== false && entries > 2) {
        layout.height = Math.max(layout.height || DEFAULT_HEIGHT_PX, PLOT_HEIGHT_PX + LEGEND_ROW_PX * entries);
      }
    }
    var title = spec.layout.title && spec.layout.title.text;
    return Plotly.newPlot(el, data, layout, {responsive: true, displaylogo: false, displayModeBar: narrow ? false : "hover",
                                             topojsonURL: "/static/topojson/", toImageButtonOptions: {format: "png", filename: el.id.replace(/^chart-/, "")}})
      .then(function () { el.dataset.drawn = "true"; downloadButtons(el, title); });
  }

  function draw() {
    var dark = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
    document.querySelectorAll(".chart[data-figure]").forEach(function (el) {
      try {
        var drawn = drawOne(el, dark);
        if (drawn && drawn.catch) { drawn.catch(function (error) { fail(el, error); }); }
      } catch (error) {
        fail(el, error);
      }
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
