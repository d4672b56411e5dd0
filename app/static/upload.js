// Upload one or many documents (drag and drop or file picker) and show each one's extraction progress.
// Everything shown is set with textContent: file names and failure reasons are never parsed as HTML.
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form) return;
  var zone = document.getElementById("dropzone");
  var input = document.getElementById("file-input");
  var list = document.getElementById("uploads");
  var label = form.dataset;
  var failures = JSON.parse(document.getElementById("failure-messages").textContent || "{}");

  function csrfToken() {
    var m = document.cookie.match(/(?:^|;\s*)chengxin_csrf=([^;]+)/);
    if (m) return decodeURIComponent(m[1]);
    var field = form.querySelector("input[name=_csrf_token]");
    return field ? field.value : "";
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function statusText(doc) {
    var s = label["status" + doc.status.charAt(0).toUpperCase() + doc.status.slice(1)] || doc.status;
    if (doc.status === "failed") {
      // the extractor's reason is already a clerk-facing sentence; the code's message is the fallback
      s += "：" + (doc.failure_reason || failures[doc.failure_code] || failures.extraction_failed);
    }
    return s;
  }

  function show(item, doc) {
    item.li.dataset.document = doc.id;
    item.li.dataset.status = doc.status;
    if (doc.pages) { item.bar.max = doc.pages; item.bar.value = doc.pages_done; }
    if (doc.status === "extracted") { item.bar.max = item.bar.max || 1; item.bar.value = item.bar.max; }
    item.pages.textContent = doc.pages_done + "/" + (doc.pages || "?") + " " + label.pages;
    item.status.textContent = statusText(doc);
    item.status.className = "status status-" + doc.status;
    if (doc.status === "extracted" && !item.link) {
      item.link = el("a", "review-link", label.review);
      item.link.href = "/documents/" + doc.id + "/review";
      item.li.appendChild(item.link);
    }
  }

  function poll(item, id) {
    fetch("/api/documents/" + id, { credentials: "same-origin", headers: { accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (doc) {
        show(item, doc);
        if (doc.status === "queued" || doc.status === "extracting") setTimeout(function () { poll(item, id); }, 400);
      })
      .catch(function () { setTimeout(function () { poll(item, id); }, 1500); });
  }

  function upload(file) {
    var li = el("li", "upload");
    var item = { li: li, bar: el("progress"), status: el("span", "status", "…"), pages: el("span", "pages", "") };
    item.bar.max = 1; item.bar.value = 0;
    li.appendChild(el("span", "name", file.name));
    li.appendChild(item.bar); li.appendChild(item.pages); li.appendChild(item.status);
    list.appendChild(li);
    var data = new FormData();
    data.append("file", file, file.name);
    var kind = form.elements.kind.value, signed = form.elements.signed_on.value;
    if (kind) data.append("kind", kind);
    if (signed) data.append("signed_on", signed);
    fetch("/api/documents", {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "x-csrf-token": csrfToken(), accept: "application/json" }
    }).then(function (r) {
      return r.json().then(function (body) { return { ok: r.ok, body: body }; });
    }).then(function (res) {
      if (!res.ok) { item.status.textContent = label.statusFailed + "：" + (res.body.detail || ""); item.status.className = "status status-failed"; return; }
      show(item, res.body);
      poll(item, res.body.id);
    }).catch(function (e) { item.status.textContent = label.statusFailed + "：" + e; });
  }

  function uploadAll(files) { for (var i = 0; i < files.length; i++) upload(files[i]); }

  input.addEventListener("change", function () { uploadAll(input.files); input.value = ""; });
  ["dragenter", "dragover"].forEach(function (n) {
    zone.addEventListener(n, function (e) { e.preventDefault(); zone.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (n) {
    zone.addEventListener(n, function (e) { e.preventDefault(); zone.classList.remove("over"); });
  });
  zone.addEventListener("drop", function (e) { if (e.dataTransfer) uploadAll(e.dataTransfer.files); });
  form.addEventListener("submit", function (e) { e.preventDefault(); });
})();
