/* The scenario editor (edit.html): live validation as the CLI validates, a form filled from the YAML whose changes
   are written into the YAML (comments kept, by the server's round trip), technologies picked from the catalog, a
   map that places the site, uploads, and a guard that never lets edits be thrown away unasked. No inline script
   (the content security policy forbids it). */
(function () {
  "use strict";

  var MAP_STEP_DEG = 2;  /* spacing of the map's clickable grid, degrees: a click lands on the nearest grid point */
  var CHECK_DELAY_MS = 300;  /* typing pauses this long before the scenario is checked */

  function $(id) { return document.getElementById(id); }

  async function postJSON(url, body) {
    var response = await fetch(url, {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)});
    var data = await response.json().catch(function () { return {}; });
    return {ok: response.ok, status: response.status, data: data};
  }

  function message(data) { return data.error || (data.detail && (typeof data.detail === "string" ? data.detail : data.detail[0].msg)) || "the request failed"; }

  function editor() {
    var form = $("editor");
    if (!form) { return; }
    var text = $("scenario"), kind = $("kind"), status = $("status"), extra = $("overrides"), timer = null;
    var baseline = text.value, leaving = false;  /* the text as loaded or last run: anything else is unsaved work */
    var inputs = Array.from(document.querySelectorAll("#form [data-key]"));
    var techs = Array.from(document.querySelectorAll("#techs input[type=checkbox]"));
    var keys = inputs.map(function (input) { return input.dataset.key; }).concat(["supply.technologies", "site.latitude", "site.longitude"]);

    function dirty() { return text.value !== baseline || extra.value.trim() !== ""; }
    window.addEventListener("beforeunload", function (event) {
      if (!leaving && dirty()) { event.preventDefault(); event.returnValue = ""; }
    });

    function overrides() { return extra.value.split("\n").map(function (s) { return s.trim(); }).filter(Boolean); }

    function fill(values) {
      inputs.forEach(function (input) {
        if (input === document.activeElement) { return; }
        var value = values[input.dataset.key];
        input.value = value === undefined || value === null ? "" : String(value);
      });
      var picked = values["supply.technologies"];
      techs.forEach(function (box) {
        box.checked = Array.isArray(picked) ? picked.indexOf(box.value) >= 0 : box.dataset.default === "true";
      });
      site(values["site.latitude"], values["site.longitude"]);
    }

    var touched = 0;  /* counts the person's edits: a check's answer fills the form only if none came since it was asked */
    async function check() {
      var sent = text.value, asked = touched;
      var result = await postJSON("/api/v1/editor/check", {kind: kind.value, yaml: sent, set: overrides(), keys: keys});
      if (text.value !== sent || touched !== asked) { return; }  /* edited meanwhile: a newer check answers for it */
      var d = result.data;
      status.textContent = d.ok ? "valid" : (d.error || message(d));
      status.className = d.ok ? "ok" : "error";
      text.setAttribute("aria-invalid", d.ok ? "false" : "true");
      status.dataset.line = d.line || "";
      status.dataset.field = d.field || "";
      if (d.values) { fill(d.values); }
    }
    function later() { clearTimeout(timer); timer = setTimeout(check, CHECK_DELAY_MS); }

    /* write one key into the YAML text (the server keeps the rest, comments included) */
    var writing = Promise.resolve(true);  /* writes go one after another, each on the text the previous one left */
    function write(key, value) {
      writing = writing.then(async function () {
        var result = await postJSON("/api/v1/editor/set", {yaml: text.value, key: key, value: value});
        if (!result.ok) { status.textContent = message(result.data); status.className = "error"; return false; }
        text.value = result.data.yaml;
        return true;
      });
      return writing;
    }

    form.addEventListener("input", function () { touched += 1; });
    form.addEventListener("change", function () { touched += 1; });
    text.addEventListener("input", later);
    extra.addEventListener("input", later);
    kind.addEventListener("change", function () {
      if (dirty() && !window.confirm("Changing the kind opens an empty " + kind.value + " scenario: your edits to this one are lost. Change anyway?")) {
        kind.value = kind.dataset.loaded;
        return;
      }
      leaving = true;
      window.location.search = "?kind=" + encodeURIComponent(kind.value);
    });
    inputs.forEach(function (input) {
      input.addEventListener("change", async function () {
        if (await write(input.dataset.key, input.value)) { check(); }
      });
    });
    techs.forEach(function (box) {
      box.addEventListener("change", async function () {
        var picked = techs.filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
        if (await write("supply.technologies", "[" + picked.join(", ") + "]")) { check(); }
      });
    });

    /* the site map: a grid of nearly invisible points to click, and the site as it stands */
    var mapBox = $("site-map"), drawn = false;
    function site(lat, lon) {
      if (!mapBox || !drawn) { return; }
      var has = typeof lat === "number" && typeof lon === "number";
      window.Plotly.restyle(mapBox, {lat: [has ? [lat] : []], lon: [has ? [lon] : []]}, [1]);
    }
    function drawMap() {
      if (!mapBox || drawn || !window.Plotly) { return; }
      var lats = [], lons = [];
      for (var la = -90 + MAP_STEP_DEG; la < 90; la += MAP_STEP_DEG) {
        for (var lo = -180; lo < 180; lo += MAP_STEP_DEG) { lats.push(la); lons.push(lo); }
      }
      var grid = {type: "scattergeo", lat: lats, lon: lons, mode: "markers", hoverinfo: "lat+lon", showlegend: false,
                  marker: {size: 5, color: "rgba(11, 98, 196, 0.02)"}};
      var here = {type: "scattergeo", lat: [], lon: [], mode: "markers", name: "site", hoverinfo: "lat+lon", showlegend: false,
                  marker: {size: 12, color: "#d55e00", line: {width: 1, color: "#fff"}}};
      var layout = {margin: {l: 0, r: 0, t: 0, b: 0}, geo: {projection: {type: "natural earth"}, showland: true, showcountries: true,
                    landcolor: "#e8e8e8", countrycolor: "#999", showframe: false}, hovermode: "closest", dragmode: false};
      window.Plotly.newPlot(mapBox, [grid, here], layout, {displayModeBar: false, responsive: true, topojsonURL: "/static/topojson/"})
        .then(function () {
          drawn = true;
          mapBox.dataset.drawn = "true";
          mapBox.on("plotly_click", async function (event) {
            var point = event.points[0];
            if (await write("site.latitude", String(point.lat)) && await write("site.longitude", String(point.lon))) { check(); }
          });
          check();
        });
    }
    if ($("map-box")) {
      $("map-box").addEventListener("toggle", function () { if ($("map-box").open) { drawMap(); } });
    }

    check();
    $("upload").addEventListener("change", async function (event) {
      var file = event.target.files[0];
      if (!file) { return; }
      var body = new FormData();
      body.append("file", file);
      var response = await fetch("/api/v1/uploads", {method: "POST", body: body});
      var data = await response.json().catch(function () { return {}; });
      $("upload-name").textContent = response.ok ? data.named + " (or, these very bytes, " + data.name + ")" : message(data);
    });
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      var result = await postJSON("/api/v1/editor/runs", {kind: kind.value, yaml: text.value, set: overrides()});
      if (result.ok) { leaving = true; baseline = text.value; window.location.href = "/jobs/" + result.data.id; return; }
      status.textContent = message(result.data);
      status.className = "error";
    });
  }

  document.addEventListener("DOMContentLoaded", editor);
})();
