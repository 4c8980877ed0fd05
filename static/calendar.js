// The calendar's drag and drop: a queued post dropped on a day (month) or an hour (week) is moved
// by its own Move… form, filled in here and sent through htmx, so a drop and a keyboard move take
// the same path (CSRF, the API's reschedule rules, the error shown next to the entry).
(function () {
  "use strict";

  var dragged = null; // the post id being dragged (dataTransfer is unreadable during dragover)

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function dropCell(event) {
    return event.target.closest && event.target.closest("[data-calendar] [data-drop-date]");
  }

  document.addEventListener("dragstart", function (event) {
    var entry = event.target.closest && event.target.closest("[data-move]");
    if (!entry) return;
    dragged = entry.getAttribute("data-move");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged);
    entry.classList.add("dragging");
  });

  document.addEventListener("dragend", function (event) {
    var entry = event.target.closest && event.target.closest("[data-move]");
    if (entry) entry.classList.remove("dragging");
    document.querySelectorAll(".drop-over").forEach(function (el) { el.classList.remove("drop-over"); });
    dragged = null;
  });

  document.addEventListener("dragover", function (event) {
    var cell = dragged && dropCell(event);
    if (!cell) return;
    event.preventDefault(); // allows the drop
    event.dataTransfer.dropEffect = "move";
    if (!cell.classList.contains("drop-over")) {
      document.querySelectorAll(".drop-over").forEach(function (el) { el.classList.remove("drop-over"); });
      cell.classList.add("drop-over");
    }
  });

  document.addEventListener("drop", function (event) {
    var cell = dropCell(event);
    var id = dragged || (event.dataTransfer && event.dataTransfer.getData("text/plain"));
    var form = cell && id && document.getElementById("move-" + id);
    if (!form) return;
    event.preventDefault();
    cell.classList.remove("drop-over");
    var day = form.querySelector("input[name=scheduled_date]");
    var time = form.querySelector("input[name=scheduled_time]");
    var hour = cell.getAttribute("data-drop-hour");
    var sameDay = day.value === cell.getAttribute("data-drop-date");
    // A month keeps the time of day; a week's hour keeps the minutes.
    if (hour !== null && hour !== "") {
      if (sameDay && time.value.slice(0, 2) === pad(parseInt(hour, 10))) return;
      time.value = pad(parseInt(hour, 10)) + time.value.slice(2);
    } else if (sameDay) {
      return; // dropped where it already is
    }
    day.value = cell.getAttribute("data-drop-date");
    form.setAttribute("data-dropped", "");
    form.requestSubmit();
  });

  // A refused move answers 4xx with the reason, aimed by the server at the entry's error slot:
  // let htmx swap it in instead of treating it as a failed request.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status >= 400 && status < 500 && event.detail.elt.closest("[data-calendar]")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
      var form = event.detail.elt;
      if (form.hasAttribute("data-dropped")) form.reset(); // the entry stays where it was
    }
    if (event.detail.elt.removeAttribute) event.detail.elt.removeAttribute("data-dropped");
  });

  // After a move the grid is new: keep the keyboard on the post that moved.
  document.addEventListener("htmx:afterSettle", function () {
    var moved = document.querySelector("[data-calendar] [data-moved]");
    if (moved) moved.focus();
  });
})();
