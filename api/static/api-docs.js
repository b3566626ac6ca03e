// Starts Swagger UI on /docs (the Content-Security-Policy allows no inline script).
"use strict";

const box = document.getElementById("swagger-ui");
window.ui = SwaggerUIBundle({
  url: box.dataset.openapi,
  dom_id: "#swagger-ui",
  deepLinking: true,
  validatorUrl: null,  // no badge fetched from another host
  layout: "BaseLayout",
  presets: [SwaggerUIBundle.presets.apis],
});
