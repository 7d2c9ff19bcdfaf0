/* The workbench's behaviour: runs and their progress, compare (the editor: editor.js; charts: charts.js). No inline script
   anywhere (the content security policy forbids it): pages carry data in JSON blocks and data- attributes. */
(function () {
  "use strict";

  function $(id) { return document.getElementById(id); }

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

  document.addEventListener("DOMContentLoaded", function () { job(); compare(); });
})();
