// The run page's share link: make a new one (POST /api/v1/runs/ID/share) or revoke the one shown (DELETE /api/v1/shares/SIG).
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var box = document.getElementById("share");
  if (!box) { return; }
  var status = document.getElementById("share-status");
  async function call(method, url) {
    var response = await fetch(url, {method: method});
    var body = await response.json().catch(function () { return {}; });
    if (!response.ok) { throw new Error(body.error || ("HTTP " + response.status)); }
    return body;
  }
  function show(link) {
    var a = document.getElementById("share-link");
    a.href = link ? link.url : "";
    a.title = link ? new URL(link.url, window.location.href).href : "";  /* the link's text stays short: copy it from the link */
    a.hidden = !link;
    document.getElementById("share-revoke").hidden = !link;
    document.getElementById("share-make").hidden = !!link;
    box.dataset.sig = link ? link.sig : "";
  }
  document.getElementById("share-make").addEventListener("click", function () {
    call("POST", "/api/v1/runs/" + box.dataset.run + "/share")
      .then(function (link) { show(link); status.textContent = "anyone with this link can read this run"; })
      .catch(function (error) { status.textContent = error.message; });
  });
  document.getElementById("share-revoke").addEventListener("click", function () {
    call("DELETE", "/api/v1/shares/" + box.dataset.sig)
      .then(function () { show(null); status.textContent = "revoked: the link now answers 403"; })
      .catch(function (error) { status.textContent = error.message; });
  });
});
