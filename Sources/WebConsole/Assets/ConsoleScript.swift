/// The console's script (served as `static/console.<hash>.js`; pages work without it except upload and the
/// playground). Plain DOM code, no framework, nothing from another origin.
enum ConsoleScript {
    static let text = #"""
        "use strict";
        (function () {
          function $(selector, root) { return (root || document).querySelector(selector); }
          function $all(selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); }
          function csrf() { var meta = $('meta[name="csrf-token"]'); return meta ? meta.content : ""; }

          // Gallery: select every image of the page.
          $all("[data-select-all]").forEach(function (box) {
            box.addEventListener("change", function () {
              $all('input[name="id"]', box.form || document).forEach(function (item) { item.checked = box.checked; });
            });
          });

          // Copy buttons: data-copy names the element whose text is copied.
          $all("[data-copy]").forEach(function (button) {
            button.addEventListener("click", function () {
              var source = document.getElementById(button.getAttribute("data-copy"));
              if (!source) { return; }
              var text = source.value !== undefined ? source.value : source.textContent;
              var done = function () { button.textContent = "Copied"; setTimeout(function () { button.textContent = "Copy"; }, 1500); };
              if (navigator.clipboard && navigator.clipboard.writeText) {
                navigator.clipboard.writeText(text).then(done, function () { button.textContent = "Select and copy"; });
              } else { button.textContent = "Select and copy"; }
            });
          });

          // Detail: the transformation playground asks the API for the URL of the chosen options and shows the result.
          var playground = $("#playground");
          if (playground) {
            var output = $("#playground-url"), image = $("#playground-image"), error = $("#playground-error");
            var timer = null;
            var update = function () {
              var params = new URLSearchParams();
              $all("input, select", playground).forEach(function (field) {
                if (field.value !== "") { params.set(field.name, field.value); }
              });
              fetch(playground.getAttribute("data-endpoint") + "?" + params.toString(), { credentials: "same-origin" })
                .then(function (response) { return response.json().then(function (body) { return { ok: response.ok, body: body }; }); })
                .then(function (answer) {
                  if (!answer.ok) {
                    error.textContent = answer.body.detail || JSON.stringify(answer.body);
                    error.hidden = false;
                    return;
                  }
                  error.hidden = true;
                  output.textContent = answer.body.url;
                  image.src = answer.body.url;
                })
                .catch(function () { error.textContent = "Could not reach the server."; error.hidden = false; });
            };
            playground.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(update, 250); });
            playground.addEventListener("submit", function (event) { event.preventDefault(); update(); });
          }

          // Upload: several files, each checked against the settings, then sent by a direct creator upload to the URL the
          // API hands out, with its own progress bar.
          var form = $("#upload-form");
          if (form) {
            var input = $("#files"), zone = $("#dropzone"), list = $("#upload-list"), summary = $("#upload-summary");
            var maxBytes = parseInt(form.getAttribute("data-max-bytes"), 10);
            var types = form.getAttribute("data-types").split(",");
            var extensions = form.getAttribute("data-extensions").split(",");
            var queue = [];

            var describe = function (file) {
              var name = file.name.toLowerCase();
              var extension = name.indexOf(".") >= 0 ? name.split(".").pop() : "";
              if (types.indexOf(file.type) < 0 && extensions.indexOf(extension) < 0) {
                return "Not an allowed type (" + extensions.join(", ") + ").";
              }
              if (file.size > maxBytes) { return "Larger than " + Math.round(maxBytes / 1048576) + " MB."; }
              if (file.size === 0) { return "Empty file."; }
              return null;
            };

            var add = function (files) {
              Array.prototype.forEach.call(files, function (file) {
                var item = document.createElement("li");
                var title = document.createElement("div");
                title.textContent = file.name + " (" + Math.max(1, Math.round(file.size / 1024)) + " KB)";
                var bar = document.createElement("progress");
                bar.max = 100; bar.value = 0;
                bar.setAttribute("aria-label", "Upload progress of " + file.name);
                var state = document.createElement("div");
                state.className = "small muted";
                state.setAttribute("role", "status");
                item.appendChild(title); item.appendChild(bar); item.appendChild(state);
                list.appendChild(item);
                var problem = describe(file);
                if (problem) { state.textContent = problem; state.className = "small notice error"; bar.hidden = true; return; }
                state.textContent = "Ready.";
                queue.push({ file: file, bar: bar, state: state });
              });
            };

            input.addEventListener("change", function () { add(input.files); });
            zone.addEventListener("dragover", function (event) { event.preventDefault(); zone.classList.add("over"); });
            zone.addEventListener("dragleave", function () { zone.classList.remove("over"); });
            zone.addEventListener("drop", function (event) {
              event.preventDefault(); zone.classList.remove("over"); add(event.dataTransfer.files);
            });

            var post = function (url, body) {
              return fetch(url, {
                method: "POST", credentials: "same-origin",
                headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf() }, body: JSON.stringify(body)
              }).then(function (response) {
                return response.json().then(function (answer) {
                  if (!response.ok) { throw new Error(answer.detail || answer.error || JSON.stringify(answer)); }
                  return answer;
                });
              });
            };

            var send = function (entry) {
              var metadataText = $("#metadata").value.trim();
              var metadata = {};
              if (metadataText) {
                try { metadata = JSON.parse(metadataText); } catch (e) { return Promise.reject(new Error("Metadata is not valid JSON.")); }
              }
              var request = { filename: entry.file.name, metadata: metadata,
                require_signed_urls: $("#require-signed").checked };
              var expiry = $("#expiry").value;
              if (expiry) { request.expiry_minutes = parseInt(expiry, 10); }
              entry.state.textContent = "Asking for an upload URL…";
              return post(form.getAttribute("data-upload-url"), request).then(function (answer) {
                return new Promise(function (resolve, reject) {
                  var xhr = new XMLHttpRequest();
                  xhr.open("POST", answer.upload_url);
                  xhr.upload.addEventListener("progress", function (event) {
                    if (event.lengthComputable) { entry.bar.value = Math.round(event.loaded * 100 / event.total); }
                  });
                  xhr.addEventListener("load", function () {
                    if (xhr.status >= 200 && xhr.status < 300) { resolve(answer); } else {
                      var message = "Cloudflare refused the upload (" + xhr.status + ").";
                      try { var body = JSON.parse(xhr.responseText); if (body.errors && body.errors[0]) { message = body.errors[0].message; } } catch (e) {}
                      reject(new Error(message));
                    }
                  });
                  xhr.addEventListener("error", function () { reject(new Error("The upload did not reach Cloudflare.")); });
                  var data = new FormData();
                  data.append("file", entry.file);
                  entry.state.textContent = "Uploading…";
                  xhr.send(data);
                });
              }).then(function (answer) {
                entry.bar.value = 100;
                entry.state.textContent = "Checking status…";
                return post(form.getAttribute("data-status-base") + answer.id + "/check-status", {}).then(function () { return answer; },
                  function () { return answer; });
              }).then(function (answer) {
                entry.state.textContent = "";
                var link = document.createElement("a");
                link.href = form.getAttribute("data-detail-base") + answer.id;
                link.textContent = "Uploaded: open " + entry.file.name;
                link.className = "uploaded-link";
                entry.state.appendChild(link);
              }, function (problem) {
                entry.state.textContent = problem.message;
                entry.state.className = "small notice error";
              });
            };

            form.addEventListener("submit", function (event) {
              event.preventDefault();
              var pending = queue; queue = [];
              if (pending.length === 0) { summary.textContent = "Choose or drop files first."; return; }
              summary.textContent = "Uploading " + pending.length + " file(s)…";
              Promise.all(pending.map(send)).then(function () {
                summary.textContent = "";
                var done = document.createElement("a");
                done.href = form.getAttribute("data-gallery");
                done.id = "upload-done";
                done.textContent = "Done: view them in the gallery";
                summary.appendChild(done);
              });
            });
          }
        })();
        """#
}
