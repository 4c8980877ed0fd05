// The preflight index's search box (templates/docs/preflight_index.html). A file, not an
// inline script, so the Content-Security-Policy allows it with script-src 'self'.
(function () {
  var box = document.getElementById("rule-search");
  var count = document.getElementById("rule-count");
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.rule"));
  var groups = Array.prototype.slice.call(document.querySelectorAll("section.rule-group"));
  function apply() {
    var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    rows.forEach(function (row) {
      var text = row.getAttribute("data-search");
      var hit = words.every(function (w) { return text.indexOf(w) !== -1; });
      row.hidden = !hit;
      if (hit) { shown += 1; }
    });
    groups.forEach(function (group) {
      group.hidden = !group.querySelector("tr.rule:not([hidden])");
    });
    count.textContent = words.length ? shown + " of " + rows.length + " rules" : "";
  }
  box.addEventListener("input", apply);
  if (location.hash.length > 1 && !document.getElementById(location.hash.slice(1))) {
    box.value = decodeURIComponent(location.hash.slice(1));
  }
  apply();
})();
