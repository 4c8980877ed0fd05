// letmepost dashboard: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";

  // The viewer's time zone, so the server renders and converts times in it.
  var zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
  var offset = String(-new Date().getTimezoneOffset()); // minutes east of UTC
  var wanted = "lmp_tz=" + encodeURIComponent(zone || offset);
  document.cookie = wanted + "; path=/; max-age=31536000; SameSite=Lax";

  // A page rendered in another zone (first visit: UTC; or the zone changed since the cookie was
  // set) would show wrong times: load it again, now with the cookie. Once per zone and page, and
  // only for GET pages (the server marks them), so nothing is resubmitted and nothing loops.
  function reloadIfStale() {
    var rendered = document.body && document.body.getAttribute("data-tz-rendered");
    if (!rendered || !zone || rendered === zone) return;
    if (document.cookie.split("; ").indexOf(wanted) === -1) return; // cookies refused
    var mark = "lmp_tz_reloaded:" + zone + ":" + location.pathname + location.search;
    try {
      if (sessionStorage.getItem(mark)) return;
      sessionStorage.setItem(mark, "1");
    } catch (e) { return; }
    location.reload();
  }

  var segmenter = window.Intl && Intl.Segmenter ? new Intl.Segmenter(undefined, { granularity: "grapheme" }) : null;
  function graphemes(text) {
    if (!segmenter) return Array.from(text).length;
    var n = 0;
    for (var _ of segmenter.segment(text)) n++; // eslint-disable-line no-unused-vars
    return n;
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function init(root) {
    if (window.matchMedia && window.matchMedia("(min-width: 801px)").matches) {
      root.querySelectorAll("details[data-open-wide]").forEach(function (el) { el.open = true; });
    }
    root.querySelectorAll("[data-tz]").forEach(function (el) { el.value = zone; });
    root.querySelectorAll("[data-tz-offset]").forEach(function (el) { el.value = offset; });
    root.querySelectorAll("[data-tz-label]").forEach(function (el) { if (zone) el.textContent = zone; });
    root.querySelectorAll("[data-autocopy]").forEach(function (el) { el.focus(); el.select(); });
    updateCounters();
    updateSchedule();
  }

  // Live per-account counters: the account's own text if customized, else the main text.
  function updateCounters() {
    document.querySelectorAll("[data-count]").forEach(function (el) {
      var main = document.querySelector(el.getAttribute("data-count"));
      var own = el.getAttribute("data-override") && document.querySelector(el.getAttribute("data-override"));
      var text = own && own.value ? own.value : (main ? main.value : "");
      var n = graphemes(text);
      var limit = parseInt(el.getAttribute("data-limit") || "0", 10);
      el.textContent = limit ? n + " / " + limit : String(n);
      el.classList.toggle("over", Boolean(limit) && n > limit);
    });
  }

  // Publish now / schedule: show the date and time fields, and the UTC they mean.
  function updateSchedule() {
    var form = document.getElementById("compose-form");
    if (form) {
      var mode = form.querySelector("input[name=mode]:checked");
      var scheduling = mode && mode.value === "schedule";
      var fields = form.querySelector("[data-schedule-fields]");
      if (fields) fields.hidden = !scheduling;
      var submit = form.querySelector("[data-submit-label]");
      var labels = { schedule: "Schedule", queue: "Add to queue" };
      if (submit) submit.textContent = (mode && labels[mode.value]) || "Publish now";
    }
    document.querySelectorAll("form").forEach(function (f) {
      var out = f.querySelector("[data-utc-preview]");
      var day = f.querySelector("input[name=scheduled_date]");
      var time = f.querySelector("input[name=scheduled_time]");
      if (!out || !day || !time) return;
      if (!day.value || !time.value) { out.textContent = ""; return; }
      var local = new Date(day.value + "T" + time.value);
      if (isNaN(local)) { out.textContent = ""; return; }
      out.textContent = "= " + local.getUTCFullYear() + "-" + pad(local.getUTCMonth() + 1) + "-" + pad(local.getUTCDate()) +
        " " + pad(local.getUTCHours()) + ":" + pad(local.getUTCMinutes()) + " UTC";
    });
  }

  document.addEventListener("input", function () { updateCounters(); updateSchedule(); });
  document.addEventListener("change", function () { updateCounters(); updateSchedule(); });

  // Copy buttons: data-copy="#element" copies its value or text.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (button) {
      var source = document.querySelector(button.getAttribute("data-copy"));
      if (!source) return;
      var text = "value" in source && source.value !== undefined ? source.value : source.textContent;
      var done = function () {
        var label = button.textContent;
        button.textContent = "Copied";
        button.setAttribute("aria-live", "polite");
        setTimeout(function () { button.textContent = label; }, 1500);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(source, text); done(); });
      } else { fallbackCopy(source, text); done(); }
      return;
    }
    var toggle = event.target.closest(".menu-toggle");
    if (toggle) {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      document.body.classList.toggle("menu-open", open);
    }
  });

  function fallbackCopy(source, text) {
    if ("select" in source) { source.select(); document.execCommand("copy"); return; }
    var area = document.createElement("textarea");
    area.value = text; document.body.appendChild(area); area.select();
    document.execCommand("copy"); area.remove();
  }

  // Destructive buttons ask first: <form data-confirm="…">.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  }, true);

  document.addEventListener("DOMContentLoaded", function () { reloadIfStale(); init(document); });
  document.addEventListener("htmx:afterSwap", function (event) { init(event.target); });
})();
