/* The workbench's behaviour: live validation, uploads, runs and their progress (charts: charts.js). No inline script
   anywhere (the content security policy forbids it): pages carry data in JSON blocks and data- attributes. */
(function () {
  "use strict";

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
    function overrides() { return extra.value.split("\n").map(function (s) { return s.trim(); }).filter(Boolean); }
    async function check() {
      var result = await postJSON("/api/v1/validate", {kind: kind.value, yaml: text.value, set: overrides()});
      var d = result.data;
      status.textContent = d.ok ? "valid" : (d.error || message(d));
      status.className = d.ok ? "ok" : "error";
      text.setAttribute("aria-invalid", d.ok ? "false" : "true");
      status.dataset.line = d.line || "";
      status.dataset.field = d.field || "";
    }
    function later() { clearTimeout(timer); timer = setTimeout(check, 300); }
    text.addEventListener("input", later);
    extra.addEventListener("input", later);
    kind.addEventListener("change", function () { window.location.search = "?kind=" + encodeURIComponent(kind.value); });
    /* a form field sets (or, emptied, removes) its own override line */
    document.querySelectorAll("#form [data-key]").forEach(function (input) {
      input.addEventListener("change", function () {
        var key = input.dataset.key;
        var lines = overrides().filter(function (line) { return line.split("=")[0].trim() !== key; });
        if (input.value !== "") { lines.push(key + "=" + input.value); }
        extra.value = lines.join("\n");
        check();
      });
    });
    check();
    $("upload").addEventListener("change", async function (event) {
      var file = event.target.files[0];
      if (!file) { return; }
      var body = new FormData();
      body.append("file", file);
      var response = await fetch("/api/v1/uploads", {method: "POST", body: body});
      var data = await response.json().catch(function () { return {}; });
      $("upload-name").textContent = response.ok ? data.name + " (" + data.original + ")" : message(data);
    });
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      var result = await postJSON("/api/v1/runs", {kind: kind.value, yaml: text.value, set: overrides()});
      if (result.ok) { window.location.href = "/jobs/" + result.data.id; return; }
      status.textContent = message(result.data);
      status.className = "error";
    });
  }

  function job() {
    var box = $("job");
    if (!box) { return; }
    var id = box.dataset.job, events = new EventSource("/api/v1/jobs/" + id + "/events");
    events.onmessage = function (event) {
      var state = JSON.parse(event.data);
      $("job-state").textContent = state.state + (state.total ? " (" + state.done + " of " + state.total + ")" : "");
      if (state.total) { $("progress").max = state.total; $("progress").value = state.done; }
      if (state.state === "done") { events.close(); window.location.href = "/runs/" + state.run_id; }
      if (state.state === "failed" || state.state === "cancelled") {
        events.close();
        $("error").textContent = state.error; $("error").hidden = false; $("cancel").hidden = true; $("progress").hidden = true;
      }
    };
    $("cancel").addEventListener("click", function () { fetch("/api/v1/jobs/" + id, {method: "DELETE"}); });
  }

  function compare() {
    var form = $("compare-form");
    if (!form) { return; }
    form.addEventListener("submit", function (event) {
      var picked = Array.from(form.querySelectorAll("input[name=pick]:checked")).map(function (box) { return box.value; });
      if (picked.length < 2 || picked.length > 4) { event.preventDefault(); alert("Tick 2 to 4 runs to compare."); return; }
      $("compare-ids").value = picked.join(",");
      form.querySelectorAll("input[name=pick]").forEach(function (box) { box.disabled = true; });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { editor(); job(); compare(); });
})();
