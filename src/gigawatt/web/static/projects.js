/* The run list (rename, note, delete with a confirm) and sweeps from the page (start one; follow its chart as points
   finish, then open the stored sweep). No inline script (the content security policy forbids it). */
(function () {
  "use strict";

  var POLL_MS = 1000;  // how often a sweep's page asks for its points
  var OPEN_DELAY_MS = 1500;  // a finished sweep's last chart stays this long before its stored page opens

  function $(id) { return document.getElementById(id); }

  async function send(method, url, body) {
    var response = await fetch(url, {method: method, headers: {"Content-Type": "application/json"}, body: body ? JSON.stringify(body) : undefined});
    var data = await response.json().catch(function () { return {}; });
    return {ok: response.ok, data: data};
  }

  function message(data) { return data.error || (typeof data.detail === "string" ? data.detail : "the request failed"); }

  function runList() {
    var table = $("runs"), dialog = $("label-dialog");
    if (!table || !dialog) { return; }
    var row = null, field = "name";
    function open(which, tr) {
      row = tr; field = which;
      $("label-title").textContent = which === "name" ? "Rename " + tr.dataset.name : "Note on " + tr.dataset.name;
      $("label-name-row").hidden = which !== "name";
      $("label-note-row").hidden = which === "name";
      $("label-name").value = tr.dataset.name;
      $("label-note").value = tr.dataset.note;
      $("label-error").textContent = "";
      dialog.showModal();
      (which === "name" ? $("label-name") : $("label-note")).focus();
    }
    table.addEventListener("click", async function (event) {
      var button = event.target.closest("button");
      if (!button) { return; }
      var tr = button.closest("tr.run-row");
      if (button.classList.contains("rename")) { open("name", tr); }
      else if (button.classList.contains("notes")) { open("note", tr); }
      else if (button.classList.contains("delete")) {
        if (!confirm("Delete the run " + tr.dataset.name + " (" + tr.dataset.id.slice(0, 12) + ") and its tables? This cannot be undone.")) { return; }
        var done = await send("DELETE", "/api/v1/runs/" + tr.dataset.id);
        if (done.ok) { location.reload(); } else { alert(message(done.data)); }
      }
    });
    $("label-cancel").addEventListener("click", function () { dialog.close(); });
    $("label-form").addEventListener("submit", async function (event) {
      event.preventDefault();
      var body = field === "name" ? {display_name: $("label-name").value} : {note: $("label-note").value};
      var done = await send("PATCH", "/api/v1/runs/" + row.dataset.id + "/label", body);
      if (!done.ok) { $("label-error").textContent = message(done.data); return; }
      dialog.close();
      location.reload();
    });
  }

  function newSweep() {
    var form = $("sweep-form");
    if (!form) { return; }
    var sources = JSON.parse($("sweep-examples").textContent);
    $("sweep-example").addEventListener("change", function (event) {
      if (sources[event.target.value] !== undefined) { $("sweep-yaml").value = sources[event.target.value]; }
    });
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      var status = $("sweep-status");
      status.textContent = "checking every point…"; status.className = "";
      $("sweep-start").disabled = true;
      var done = await send("POST", "/api/v1/sweeps", {yaml: $("sweep-yaml").value});
      $("sweep-start").disabled = false;
      if (!done.ok) { status.textContent = message(done.data); status.className = "error"; return; }
      location.assign("/sweeps/" + done.data.id);
    });
  }

  function followSweep() {
    var box = $("sweep-job");
    if (!box) { return; }
    var id = box.dataset.id, chart = $("sweep-chart"), drawn = -1;
    async function poll() {
      var response = await fetch("/api/v1/sweeps/" + id);
      if (!response.ok) { $("sweep-state").textContent = "this sweep is no longer known to the server"; return; }
      var job = await response.json();
      $("sweep-state").textContent = job.state;
      $("sweep-progress").value = job.done; $("sweep-progress").max = Math.max(job.total, 1);
      $("sweep-count").textContent = job.done + " of " + job.total + " points";
      var points = job.points || [];
      if (job.chart && points.length !== drawn) {
        drawn = points.length;
        try {
          Plotly.react(chart, job.chart.data, Object.assign({autosize: true}, job.chart.layout), {responsive: true, displaylogo: false});
          chart.dataset.points = String(points.length);
        } catch (err) { $("sweep-error").textContent = "the chart could not be drawn: " + err.message; }
      }
      $("sweep-cancel").hidden = job.state !== "running" && job.state !== "queued";
      if (job.state === "done") {
        var link = $("sweep-result");
        link.href = "/runs/" + job.run_id; link.hidden = false;
        setTimeout(function () { location.assign(link.href); }, OPEN_DELAY_MS);
        return;
      }
      if (job.state === "failed" || job.state === "cancelled") { $("sweep-error").textContent = job.error; return; }
      setTimeout(poll, POLL_MS);
    }
    $("sweep-cancel").addEventListener("click", async function () { await send("DELETE", "/api/v1/jobs/" + id); });
    poll();
  }

  document.addEventListener("DOMContentLoaded", function () { runList(); newSweep(); followSweep(); });
})();
