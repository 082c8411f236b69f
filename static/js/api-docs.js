"use strict";

// Swagger UI leaves its example pickers without a name, and its code samples scroll
// without being reachable by keyboard: name them and make them focusable as they appear.
new MutationObserver(() => {
  for (const select of document.querySelectorAll("#swagger-ui select:not([aria-label])")) {
    select.setAttribute("aria-label", select.closest(".examples-select") ? "Example" : "Choose");
  }
  for (const pre of document.querySelectorAll("#swagger-ui pre:not([tabindex])")) {
    pre.setAttribute("tabindex", "0");
  }
}).observe(document.getElementById("swagger-ui"), { childList: true, subtree: true });
