// The API reference page: Swagger UI (static/vendor/swagger-ui) draws the OpenAPI schema whose
// address the page gives in data-schema-url. A static file, so the page needs no inline script.
document.addEventListener("DOMContentLoaded", function () {
  var node = document.getElementById("api-reference");
  if (!node || !window.SwaggerUIBundle) {
    return;
  }
  window.SwaggerUIBundle({
    url: node.dataset.schemaUrl,
    domNode: node,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    // Without deep links: they put a link inside each operation's toggle button, a control
    // inside a control, which screen readers cannot reach.
    deepLinking: false,
    // No call to the public validator at swagger.io: the page talks only to this site.
    validatorUrl: null,
    docExpansion: "list",
    defaultModelsExpandDepth: 0,
  });
});
