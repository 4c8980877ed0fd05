// Posts log bulk bar: "select all on page" and a live count of ticked posts.
// Without this file the row checkboxes still work; only the select-all box stays hidden.
(function () {
  "use strict";

  function items() { return Array.prototype.slice.call(document.querySelectorAll("[data-bulk-item]")); }

  function refresh() {
    var all = items();
    var ticked = all.filter(function (el) { return el.checked; }).length;
    var count = document.querySelector("[data-bulk-count]");
    if (count) count.textContent = ticked ? "(" + ticked + " selected)" : "(none selected)";
    document.querySelectorAll("[data-bulk-all]").forEach(function (box) {
      box.hidden = false;
      box.checked = all.length > 0 && ticked === all.length;
      box.indeterminate = ticked > 0 && ticked < all.length;
    });
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("[data-bulk-all]")) {
      items().forEach(function (el) { el.checked = target.checked; });
    }
    refresh();
  });
  document.addEventListener("DOMContentLoaded", refresh);
  document.addEventListener("htmx:afterSwap", refresh);
})();
