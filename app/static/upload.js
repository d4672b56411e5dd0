// Upload one or many documents (drag and drop or file picker) and show each one's extraction progress, with
// an estimate of the time left from the pages read so far; a file already uploaded is named with a link to
// it; a failed upload (in the list or the recent table) can be retried or deleted.
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
  var UNFINISHED = { queued: true, extracting: true };

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

  function outcomeOf(doc) { return doc.outcome || doc.status; }

  function labelFor(outcome) { return label["status" + outcome.charAt(0).toUpperCase() + outcome.slice(1)] || outcome; }

  // why it failed (the extractor's reason is already a clerk-facing sentence; the code's message is the
  // fallback), or what was read when no obligation was found; "" otherwise
  function reasonText(doc) {
    var outcome = outcomeOf(doc);
    if (outcome === "failed") return doc.failure_reason || failures[doc.failure_code] || failures.extraction_failed;
    if (outcome === "no_obligations") return doc.failure_reason || "";
    return "";
  }

  function statusText(doc) {
    var reason = reasonText(doc);
    return labelFor(outcomeOf(doc)) + (reason ? "：" + reason : "");
  }

  // Time left = the time per page of the pages read since this page first saw the document extracting,
  // times the pages still to read. Null until a page has been read meanwhile.
  function secondsLeft(item, doc, now) {
    if (doc.status !== "extracting" || !doc.pages) { item.since = null; return null; }
    if (!item.since) item.since = { at: now, done: doc.pages_done };
    var read = doc.pages_done - item.since.done;
    if (read <= 0) return null;
    return ((now - item.since.at) / 1000 / read) * (doc.pages - doc.pages_done);
  }

  function duration(seconds) {
    if (seconds < 60) return label.seconds.replace("{n}", String(Math.max(1, Math.round(seconds))));
    return label.minutes.replace("{n}", String(Math.round(seconds / 60)));
  }

  function showEta(item, doc) {
    if (!item.eta) return;
    var left = secondsLeft(item, doc, Date.now());
    if (doc.status !== "extracting" || !doc.pages || doc.pages_done >= doc.pages) item.eta.textContent = "";
    else item.eta.textContent = left === null ? label.estimating : label.eta.replace("{time}", duration(left));
  }

  function show(item, doc) {
    var outcome = outcomeOf(doc);
    item.root.dataset.document = doc.id;
    item.root.dataset.status = outcome;
    if (doc.pages) { item.bar.max = doc.pages; item.bar.value = doc.pages_done; }
    if (doc.status === "extracted") { item.bar.max = item.bar.max || 1; item.bar.value = item.bar.max; }
    item.pages.textContent = doc.pages_done + "/" + (doc.pages || "?") + (item.unit ? " " + label.pages : "");
    showEta(item, doc);
    if (item.reason) {  // the recent table: a badge and the reason beside it
      item.status.textContent = labelFor(outcome);
      item.reason.textContent = reasonText(doc);
      item.reason.className = "reason " + (outcome === "failed" ? "error" : "muted");
      item.status.className = "status badge status-" + outcome;
    } else {
      item.status.textContent = statusText(doc);
      item.status.className = "status status-" + outcome;
    }
    if (item.actions) item.actions.hidden = outcome !== "failed";
    if (doc.status === "extracted" && !item.root.querySelector(".review-link")) {
      var link = el("a", "review-link", label.review);
      link.href = "/documents/" + doc.id + "/review";
      (item.links || item.root).insertBefore(link, item.actions || null);
    }
  }

  function poll(item, id) {
    fetch("/api/documents/" + id, { credentials: "same-origin", headers: { accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (doc) {
        if (item.gone) return;
        show(item, doc);
        if (UNFINISHED[doc.status]) setTimeout(function () { poll(item, id); }, 400);
      })
      .catch(function () { setTimeout(function () { poll(item, id); }, 1500); });
  }

  function actionsFor(item) {
    var box = el("span", "upload-actions");
    var retry = el("button", "retry", label.retry), remove = el("button", "delete", label.delete);
    retry.type = remove.type = "button";
    retry.dataset.action = "retry"; remove.dataset.action = "delete";
    box.appendChild(retry); box.appendChild(remove);
    box.hidden = true;
    item.root.appendChild(box);
    return box;
  }

  function call(method, url) {
    return fetch(url, {
      method: method, credentials: "same-origin",
      headers: { "x-csrf-token": csrfToken(), accept: "application/json" }
    }).then(function (r) {
      if (r.status === 204) return { ok: true, body: null };
      return r.json().then(function (body) { return { ok: r.ok, body: body }; });
    });
  }

  function refuse(item, body) {
    item.note.textContent = label.actionFailed + ((body && body.detail) || "");
    item.note.className = "upload-note error";
  }

  function act(item, action) {
    var id = item.root.dataset.document;
    item.note.textContent = "";
    var buttons = item.actions.querySelectorAll("button");
    for (var i = 0; i < buttons.length; i++) buttons[i].disabled = true;
    var done = function () { for (var j = 0; j < buttons.length; j++) buttons[j].disabled = false; };
    if (action === "retry") {
      call("POST", "/api/documents/" + id + "/retry").then(function (res) {
        done();
        if (!res.ok) return refuse(item, res.body);
        item.since = null;
        show(item, res.body);
        poll(item, id);
      }).catch(function (e) { done(); refuse(item, { detail: String(e) }); });
    } else {
      call("DELETE", "/api/documents/" + id).then(function (res) {
        done();
        if (!res.ok) return refuse(item, res.body);
        item.gone = true;
        item.root.dataset.status = "deleted";
        item.status.textContent = label.deleted;
        item.status.className = (item.reason ? "status badge " : "status ") + "status-deleted";
        if (item.reason) item.reason.textContent = "";
        item.actions.hidden = true;
        item.root.classList.add("deleted");
      }).catch(function (e) { done(); refuse(item, { detail: String(e) }); });
    }
  }

  function wire(item) {
    item.actions.addEventListener("click", function (e) {
      var button = e.target.closest("button[data-action]");
      if (button && !button.disabled) act(item, button.dataset.action);
    });
  }

  function duplicateNotice(item, doc) {
    var note = item.note;
    note.className = "upload-note notice";
    note.textContent = label.duplicate + doc.filename + "（#" + doc.id + "） ";
    var link = el("a", "duplicate-link", label.open);
    link.href = doc.status === "extracted" ? "/documents/" + doc.id + "/review" : "#document-" + doc.id;
    note.appendChild(link);
  }

  function upload(file) {
    var li = el("li", "upload");
    var item = { root: li, bar: el("progress"), status: el("span", "status", "…"), pages: el("span", "pages", ""), unit: true };
    item.bar.max = 1; item.bar.value = 0;
    item.eta = el("span", "eta muted", "");
    li.appendChild(el("span", "name", file.name));
    li.appendChild(item.bar); li.appendChild(item.pages); li.appendChild(item.status); li.appendChild(item.eta);
    item.actions = actionsFor(item);
    item.note = el("span", "upload-note", "");
    li.appendChild(item.note);
    wire(item);
    list.appendChild(li);
    var data = new FormData();
    data.append("file", file, file.name);
    var kind = form.elements.kind.value, signed = form.elements.signed_on.value;
    if (kind) data.append("kind", kind);
    if (signed) data.append("signed_on", window.chengxinIsoDate ? window.chengxinIsoDate(signed) : signed);
    fetch("/api/documents", {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "x-csrf-token": csrfToken(), accept: "application/json" }
    }).then(function (r) {
      return r.json().then(function (body) { return { ok: r.ok, body: body }; });
    }).then(function (res) {
      if (!res.ok) { item.status.textContent = label.statusFailed + "：" + (res.body.detail || ""); item.status.className = "status status-failed"; return; }
      if (res.body.duplicate) duplicateNotice(item, res.body);
      show(item, res.body);
      poll(item, res.body.id);
    }).catch(function (e) { item.status.textContent = label.statusFailed + "：" + e; });
  }

  // the recent table: failed rows get their buttons wired, unfinished rows their progress polled
  var rows = document.querySelectorAll("#recent tr[data-document]");
  for (var r = 0; r < rows.length; r++) {
    var row = rows[r];
    var item = {
      root: row, bar: row.querySelector("progress"), status: row.querySelector(".status"), reason: row.querySelector(".reason"),
      pages: row.querySelector(".pages"), eta: row.querySelector(".eta"), actions: row.querySelector(".upload-actions"),
      links: row.lastElementChild
    };
    item.note = el("span", "upload-note", "");
    row.lastElementChild.appendChild(item.note);
    wire(item);
    if (UNFINISHED[row.dataset.status]) poll(item, row.dataset.document);
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
