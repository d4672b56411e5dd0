// Date fields (input.date-input, app/templates/_macros.html) show and take 2025-03-01 whatever the browser's
// locale. One typed as 2025年3月1日 or 2025-3-1 (full-width digits too) is rewritten to 2025-03-01 when the
// field is left, so the scripts that send a value themselves (review.js, upload.js) send what the JSON API
// reads; a form posted to a page is read in both forms by the server (app.ui.forms.read_date).
(function () {
  "use strict";
  function isoDate(text) {
    var t = String(text || "").replace(/[\uFF10-\uFF19]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0xFEE0);
    }).replace(/\uFF0D/g, "-").trim();
    var m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t) || /^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$/.exec(t);
    if (!m) return text;
    var pad = function (n) { return (n.length < 2 ? "0" : "") + n; };
    return m[1] + "-" + pad(m[2]) + "-" + pad(m[3]);
  }
  window.chengxinIsoDate = isoDate;
  document.addEventListener("change", function (e) {
    var el = e.target;
    if (el && el.classList && el.classList.contains("date-input")) el.value = isoDate(el.value);
  }, true);
})();

// Puts a form sent back with errors together again: the values the user typed, each error beside its
// field (aria-invalid + aria-describedby), the first invalid field focused. The data comes from the page
// (<script type="application/json" id="flash-form">, written by app.ui.render from the signed flash).
(function () {
  "use strict";
  var node = document.getElementById("flash-form");
  if (!node) return;
  var data;
  try { data = JSON.parse(node.textContent || "{}"); } catch (e) { return; }
  var forms = Array.prototype.slice.call(document.querySelectorAll("form"));
  var target = forms.filter(function (f) { return f.getAttribute("action") === data.action; });
  if (!target.length) target = forms;

  function field(name) {
    for (var i = 0; i < target.length; i++) {
      var el = target[i].elements.namedItem(name);
      if (el) return el;
    }
    return null;
  }
  function open(el) {
    for (var p = el.parentElement; p; p = p.parentElement) if (p.tagName === "DETAILS") p.open = true;
  }
  var values = data.form || {};
  Object.keys(values).forEach(function (name) {
    var el = field(name);
    if (!el) return;
    var list = el.length !== undefined && !el.tagName ? Array.prototype.slice.call(el) : [el];
    list.forEach(function (one) {
      if (one.type === "hidden" || one.type === "file" || one.type === "password") return;
      if (one.type === "checkbox" || one.type === "radio") one.checked = one.value === values[name];
      else one.value = values[name];
    });
  });
  var first = null;
  var errors = data.fields || {};
  Object.keys(errors).forEach(function (name) {
    var el = field(name);
    if (!el) return;
    if (!el.tagName && el.length) el = el[0];
    var id = "error-" + name.replace(/[^A-Za-z0-9_-]/g, "_");
    var msg = document.getElementById(id) || document.createElement("span");
    msg.id = id;
    msg.className = "field-error";
    msg.textContent = errors[name];
    el.setAttribute("aria-invalid", "true");
    el.setAttribute("aria-describedby", id);
    el.insertAdjacentElement("afterend", msg);
    open(el);
    if (!first) first = el;
  });
  if (first) first.focus();
})();
