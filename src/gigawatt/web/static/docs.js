// /docs: Swagger UI (served from /vendor/swagger-ui/) over the server's OpenAPI document; no request leaves the server.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("swagger-ui");
  if (!root || !window.SwaggerUIBundle) { return; }
  window.SwaggerUIBundle({
    url: root.dataset.openapi,
    domNode: root,
    validatorUrl: null,  // the default asks an outside validator service for a badge
    deepLinking: true,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout"
  });
});
