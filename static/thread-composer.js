// Compose: the thread composer. Without this file the page shows a few spare item fields, which
// the form submits in order (blank ones are left out); with it, "Add to thread" makes them and
// each item can be moved or removed with buttons (keyboard usable, no dragging).
(function () {
  "use strict";

  function setup() {
    var box = document.querySelector("[data-thread]");
    if (!box) return;
    var form = box.closest("form");
    var list = box.querySelector("[data-thread-list]");
    var template = box.querySelector("template[data-thread-template]");
    var add = box.querySelector("[data-thread-add]");
    var status = box.querySelector("[data-thread-status]");
    var max = parseInt(box.getAttribute("data-max") || "25", 10);

    function items() { return Array.prototype.slice.call(list.querySelectorAll("[data-thread-item]")); }
    function textOf(item) { return item.querySelector("[data-thread-text]"); }
    function say(message) { status.textContent = message; }

    // Ids, labels and the API's name follow the place: the first item is post 2, `thread[0]`.
    function renumber() {
      var all = items();
      all.forEach(function (item, i) {
        var text = textOf(item);
        var check = item.querySelector("[data-thread-check]");
        var label = item.querySelector("[data-thread-label]");
        text.id = "thread-text-" + i;
        check.id = "thread-check-" + i;
        text.setAttribute("aria-describedby", check.id);
        label.setAttribute("for", text.id);
        label.firstChild.textContent = "Post " + (i + 2) + " ";
        label.querySelector("code").textContent = "thread[" + i + "]";
        var up = item.querySelector("[data-thread-up]");
        var down = item.querySelector("[data-thread-down]");
        up.disabled = i === 0;
        down.disabled = i === all.length - 1;
        // The accessible name starts with the visible text (WCAG 2.5.3), then names the post.
        up.setAttribute("aria-label", "Move up post " + (i + 2));
        down.setAttribute("aria-label", "Move down post " + (i + 2));
        item.querySelector("[data-thread-remove]").setAttribute("aria-label", "Remove post " + (i + 2));
      });
      add.disabled = all.length >= max;
    }

    // The live preflight re-checks every item in its new place.
    function recheck() { form.dispatchEvent(new Event("change", { bubbles: true })); }

    function reveal(root) {
      root.querySelectorAll("[data-thread-js]").forEach(function (el) { el.hidden = false; });
    }

    function focusButton(item, wanted, other) {
      var button = item.querySelector(wanted);
      (button.disabled ? item.querySelector(other) : button).focus();
    }

    list.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      var item = button && button.closest("[data-thread-item]");
      if (!item) return;
      var from = items().indexOf(item);
      if (button.hasAttribute("data-thread-up") && item.previousElementSibling) {
        list.insertBefore(item, item.previousElementSibling);
        renumber();
        focusButton(item, "[data-thread-up]", "[data-thread-down]");
        say("Post " + (from + 2) + " moved up: it is now post " + (from + 1) + ".");
      } else if (button.hasAttribute("data-thread-down") && item.nextElementSibling) {
        list.insertBefore(item.nextElementSibling, item);
        renumber();
        focusButton(item, "[data-thread-down]", "[data-thread-up]");
        say("Post " + (from + 2) + " moved down: it is now post " + (from + 3) + ".");
      } else if (button.hasAttribute("data-thread-remove")) {
        var next = item.nextElementSibling || item.previousElementSibling;
        item.remove();
        renumber();
        (next ? textOf(next) : add).focus();
        say("Post " + (from + 2) + " removed.");
      } else {
        return;
      }
      recheck();
    });

    add.addEventListener("click", function () {
      if (items().length >= max) return;
      var item = template.content.firstElementChild.cloneNode(true);
      list.appendChild(item);
      reveal(item);
      renumber();
      textOf(item).focus();
      say("Post " + (items().length + 1) + " added.");
    });

    // The spare blank fields are for the page without JavaScript: here "Add to thread" makes them.
    items().forEach(function (item) { if (!textOf(item).value.trim()) item.remove(); });
    reveal(box);
    renumber();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
