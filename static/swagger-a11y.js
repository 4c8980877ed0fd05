// The API reference (/docs/api): names for the Swagger UI controls that render without one
// (parameter inputs, the request body editor, the dialog's close button), so screen readers
// and axe find a label for each. Swagger UI re-renders often: a MutationObserver re-applies.
(function () {
  "use strict";

  function name(element, label) {
    if (!element.hasAttribute("aria-label") && !element.labels?.length) {
      element.setAttribute("aria-label", label);
    }
  }

  function label(root) {
    root.querySelectorAll("tr[data-param-name]").forEach(function (row) {
      const where = row.getAttribute("data-param-in");
      const text = row.getAttribute("data-param-name") + (where ? " (" + where + ")" : "");
      row.querySelectorAll("input, select, textarea").forEach(function (control) {
        name(control, text);
      });
    });
    root.querySelectorAll("textarea.body-param__text").forEach(function (editor) {
      name(editor, "Request body");
    });
    root.querySelectorAll("select.examples-select-element").forEach(function (select) {
      name(select, "Example");
    });
    root.querySelectorAll("button.close-modal").forEach(function (button) {
      name(button, "Close");
    });
    // "Authorize" shown, "Apply credentials" announced: the visible text must be in the name.
    root.querySelectorAll(".auth-btn-wrapper button[aria-label]").forEach(function (button) {
      const shown = button.textContent.trim();
      if (shown && !button.getAttribute("aria-label").includes(shown)) {
        button.removeAttribute("aria-label");
      }
    });
  }

  function start() {
    const root = document.getElementById("swagger-ui");
    if (!root) return;
    label(root);
    new MutationObserver(function () { label(root); }).observe(root, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
