/// `static/cfimages-upload.js`, the embeddable upload widget for host apps (README, "Browser uploads"). It never
/// holds an API key: it asks the host's own backend for a one-time upload URL, uploads the file straight to it with
/// progress, and puts the image id into a hidden input of the form.
enum UploadWidgetScript {
    static let text = #"""
        /* cfimages-upload.js: <input type="file" data-cfimages-upload data-endpoint="/images/upload-url" data-field="image_id">
           The endpoint (the host's backend) answers POST {"filename": ...} with cfimages' {"id", "upload_url", ...}. */
        "use strict";
        (function () {
          function setup(input) {
            if (input.getAttribute("data-cfimages-ready")) { return; }
            input.setAttribute("data-cfimages-ready", "1");
            var form = input.form;
            var fieldName = input.getAttribute("data-field") || "cloudflare_image_id";
            var hidden = form && form.querySelector('input[type="hidden"][name="' + fieldName + '"]');
            if (!hidden) {
              hidden = document.createElement("input");
              hidden.type = "hidden"; hidden.name = fieldName;
              input.parentNode.insertBefore(hidden, input.nextSibling);
            }
            var bar = document.createElement("progress");
            bar.max = 100; bar.value = 0; bar.hidden = true; bar.className = "cfimages-progress";
            bar.setAttribute("aria-label", "Upload progress");
            var status = document.createElement("span");
            status.className = "cfimages-status"; status.setAttribute("role", "status");
            hidden.parentNode.insertBefore(status, hidden.nextSibling);
            hidden.parentNode.insertBefore(bar, status);
            var maxBytes = parseInt(input.getAttribute("data-max-bytes") || "10485760", 10);

            function fail(message) {
              status.textContent = message; status.className = "cfimages-status cfimages-error"; bar.hidden = true;
              input.dispatchEvent(new CustomEvent("cfimages:error", { bubbles: true, detail: { message: message } }));
            }

            input.addEventListener("change", function () {
              var file = input.files && input.files[0];
              hidden.value = "";
              if (!file) { return; }
              if (file.size > maxBytes) { fail("The file is larger than " + Math.round(maxBytes / 1048576) + " MB."); return; }
              status.className = "cfimages-status"; status.textContent = "Preparing…";
              var headers = { "Content-Type": "application/json" };
              var csrfField = form && form.querySelector('input[name="csrfmiddlewaretoken"], input[name="csrf"]');
              if (csrfField) { headers["X-CSRFToken"] = csrfField.value; }
              fetch(input.getAttribute("data-endpoint"), {
                method: "POST", credentials: "same-origin", headers: headers, body: JSON.stringify({ filename: file.name })
              }).then(function (response) {
                if (!response.ok) { throw new Error("Could not get an upload URL (" + response.status + ")."); }
                return response.json();
              }).then(function (answer) {
                var xhr = new XMLHttpRequest();
                xhr.open("POST", answer.upload_url);
                bar.hidden = false; bar.value = 0;
                xhr.upload.addEventListener("progress", function (event) {
                  if (event.lengthComputable) { bar.value = Math.round(event.loaded * 100 / event.total); }
                });
                xhr.addEventListener("load", function () {
                  if (xhr.status < 200 || xhr.status >= 300) { fail("The upload was refused (" + xhr.status + ")."); return; }
                  bar.value = 100;
                  hidden.value = answer.id;
                  status.textContent = "Uploaded " + file.name + ".";
                  input.dispatchEvent(new CustomEvent("cfimages:uploaded", { bubbles: true, detail: answer }));
                });
                xhr.addEventListener("error", function () { fail("The upload did not get through."); });
                var data = new FormData();
                data.append("file", file);
                status.textContent = "Uploading…";
                xhr.send(data);
              }).catch(function (error) { fail(error.message); });
            });
          }
          function scan() { Array.prototype.forEach.call(document.querySelectorAll("input[type=file][data-cfimages-upload]"), setup); }
          if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", scan); } else { scan(); }
          window.cfimagesUpload = { scan: scan };
        })();
        """#
}
