// Uploads with a progress bar: compose attaches each upload to the post (alt text, remove), the
// media library reloads to show it. Both send the file to POST /v1/media with the session cookie
// and the CSRF token; without this script the library's plain form still uploads.
(function () {
  "use strict";

  function csrfToken(scope) {
    var input = scope.querySelector("input[name=csrfmiddlewaretoken]") ||
      document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // One XHR upload; `ui` holds the status box, its label and <progress>, and the error line.
  function upload(file, url, token, ui, done) {
    var data = new FormData();
    data.append("file", file);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.setRequestHeader("X-CSRFToken", token);
    xhr.setRequestHeader("Accept", "application/json");
    ui.error.hidden = true;
    ui.status.hidden = false;
    ui.progress.value = 0;
    ui.label.textContent = "Uploading " + file.name;
    xhr.upload.addEventListener("progress", function (event) {
      if (!event.lengthComputable) { ui.progress.removeAttribute("value"); return; }
      var percent = Math.round((event.loaded / event.total) * 100);
      ui.progress.value = percent;
      ui.label.textContent = "Uploading " + file.name + ": " + percent + "%";
    });
    xhr.addEventListener("load", function () {
      var body = null;
      try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
      if (xhr.status === 201 && body && body.id) {
        ui.progress.value = 100;
        ui.label.textContent = "Uploaded " + file.name;
        done(body);
        return;
      }
      fail(ui, body && body.error ? body.error.message + (body.error.remediation ? " " + body.error.remediation : "")
        : "The upload failed (HTTP " + xhr.status + ").");
    });
    xhr.addEventListener("error", function () { fail(ui, "The upload failed: the network connection broke."); });
    xhr.send(data);
  }

  function fail(ui, message) {
    ui.status.hidden = true;
    ui.error.textContent = message;
    ui.error.hidden = false;
  }

  function statusUi(root) {
    return {
      status: root.querySelector("[data-upload-status]"),
      label: root.querySelector("[data-upload-label]"),
      progress: root.querySelector("[data-upload-progress]"),
      error: root.querySelector("[data-upload-error]"),
    };
  }

  // --- compose -------------------------------------------------------------------------------

  function firstPickedProfile(form) {
    var picked = form.querySelector("input[name=accounts]:checked");
    return picked ? picked.getAttribute("data-profile") : "";
  }

  function recheck(form) {
    // The live preflight listens for change on the form: the attached media are part of it.
    form.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function addItem(picker, media, previewUrl, name) {
    var template = picker.querySelector("[data-media-template]");
    var item = template.content.firstElementChild.cloneNode(true);
    var fieldId = "alt-" + media.id;
    item.querySelector("input[name=media_id]").value = media.id;
    item.querySelector("input[name=media_kind]").value = media.kind;
    item.querySelector("[data-media-code]").textContent = media.id;
    item.querySelector("[data-media-name]").textContent = name || media.id;
    item.querySelector("[data-media-alt-label]").setAttribute("for", fieldId);
    item.querySelector("[data-media-alt]").id = fieldId;
    item.querySelector("[data-media-remove]").setAttribute("aria-label", "Remove " + (name || media.id));
    var thumb = item.querySelector("[data-media-thumb]");
    if (media.kind === "video") {
      var placeholder = document.createElement("span");
      placeholder.className = "media-thumb media-placeholder";
      placeholder.textContent = "video";
      thumb.replaceWith(placeholder);
    } else {
      thumb.src = previewUrl || media.url;
    }
    picker.querySelector("[data-media-list]").appendChild(item);
    return item;
  }

  function initCompose(picker) {
    var form = picker.closest("form");
    var input = picker.querySelector("[data-media-file]");
    var ui = statusUi(picker);
    input.addEventListener("change", function (event) {
      event.stopPropagation(); // the file itself is not part of the post: only its media id is
      var file = input.files && input.files[0];
      if (!file) return;
      var url = picker.getAttribute("data-upload-url");
      var profile = firstPickedProfile(form);
      if (profile) url += "?profileId=" + encodeURIComponent(profile);
      var preview = window.URL && URL.createObjectURL ? URL.createObjectURL(file) : "";
      upload(file, url, csrfToken(form), ui, function (media) {
        var item = addItem(picker, media, preview, file.name);
        input.value = "";
        item.querySelector("[data-media-alt]").focus();
        recheck(form);
      });
    });
    picker.addEventListener("click", function (event) {
      var pick = event.target.closest("[data-media-pick]");
      if (pick) { // from the library: already uploaded, attach it as it is
        var media = { id: pick.getAttribute("data-id"), kind: pick.getAttribute("data-kind"), url: pick.getAttribute("data-url") };
        addItem(picker, media, "", pick.getAttribute("data-name")).querySelector("[data-media-alt]").focus();
        recheck(form);
        return;
      }
      var remove = event.target.closest("[data-media-remove]");
      if (!remove) return;
      remove.closest("[data-media-item]").remove();
      input.focus();
      recheck(form);
    });
  }

  // --- media library -------------------------------------------------------------------------

  function initLibrary(form) {
    var ui = statusUi(form);
    form.addEventListener("submit", function (event) {
      var file = form.querySelector("input[type=file]").files[0];
      if (!file || !window.FormData) return; // the server answers an empty form inline
      event.preventDefault();
      var url = form.getAttribute("data-upload-url");
      var profile = form.querySelector("select[name=profile_id]");
      if (profile && profile.value) url += "?profileId=" + encodeURIComponent(profile.value);
      upload(file, url, csrfToken(form), ui, function (media) {
        window.location.assign(form.getAttribute("action") + "?uploaded=" + encodeURIComponent(media.id));
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-media-picker]").forEach(initCompose);
    document.querySelectorAll("form[data-xhr-upload]").forEach(initLibrary);
  });
})();
