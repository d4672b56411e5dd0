// The review page: parties (preview, then apply), per-row confirm / reject / edit through the JSON API,
// adding a missed clause by selecting it in the full text, split and merge, keyboard shortcuts and a
// progress count. Errors are shown beside their field in Chinese; nothing typed elsewhere is lost.
// Everything shown is set with textContent: document text is never parsed as HTML.
(function () {
  "use strict";
  var all = document.getElementById("select-all");
  if (all) {
    all.addEventListener("change", function () {
      document.querySelectorAll("input.select").forEach(function (box) { box.checked = all.checked; });
    });
  }
  var dataEl = document.getElementById("review-data");
  if (!dataEl) return;
  var data = JSON.parse(dataEl.textContent || "{}");

  var FIELD = {
    label: "简称", name: "名称", role: "角色", organisation_id: "对应单位", party_id: "义务方",
    obligor_role: "角色", obligor_name: "义务人", owner_id: "责任单位", responsible: "责任单位（原文）",
    start: "原文范围", end: "原文范围", category: "类别", deadline_text: "期限表述", nominal_date: "期限日期",
    amount: "金额", currency: "币种", recurrence: "周期", at: "拆分位置", other_id: "合并对象"
  };
  var MESSAGE = {
    "not in scope": "该单位不存在或不在您的管辖范围内",
    "duplicate": "本协议中已有同名简称",
    "unreadable": "无法识别该期限表述，请改写（如“2026年3月31日前”“签订之日起30日内”）或直接填写日期",
    "outside the text": "所选范围不在文件正文内",
    "empty": "所选文字为空",
    "too long": "所选文字过长",
    "negative": "金额不能为负数",
    "not a party of this agreement": "不是本协议的一方",
    "outside the clause": "拆分位置必须在该条款文字之内，请先在右侧全文中选中拆分处",
    "same row": "不能与自身合并",
    "another document": "只能合并同一文件中的义务"
  };
  var STATUS = { 401: "登录已过期，请重新登录", 403: "您无权执行此操作", 404: "该记录不存在或您无权查看",
                 409: "该义务已被他人处理或已进入跟踪，请刷新页面", 413: "内容过大" };

  function csrfToken() {
    var m = document.cookie.match(/(?:^|;\s*)chengxin_csrf=([^;]+)/);
    if (m) return decodeURIComponent(m[1]);
    var field = document.querySelector("input[name=_csrf_token]");
    return field ? field.value : "";
  }

  function api(method, url, body) {
    return fetch(url, {
      method: method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "x-csrf-token": csrfToken() },
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (response) {
      return response.text().then(function (text) {
        var json = null;
        try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
        if (!response.ok) throw { status: response.status, body: json || {} };
        return json;
      });
    });
  }

  function clearErrors(scope) {
    scope.querySelectorAll(".field-error, .row-error").forEach(function (e) { e.textContent = ""; });
    scope.querySelectorAll(".has-error").forEach(function (e) { e.classList.remove("has-error"); });
  }

  // A problem+json response: each named field gets its Chinese message beside it; the rest goes to the row.
  function showErrors(scope, err) {
    var errors = (err.body && err.body.errors) || [];
    var shown = false;
    errors.forEach(function (e) {
      var key = e.key || "";
      var slot = scope.querySelector('.field-error[data-for="' + key + '"]');
      var text = (FIELD[key] ? FIELD[key] + "：" : "") + (MESSAGE[e.message] || "输入无效");
      if (slot) {
        slot.textContent = text;
        var label = slot.closest("label");
        if (label) label.classList.add("has-error");
        shown = true;
      }
    });
    if (!shown) {
      var box = scope.querySelector(".row-error");
      var first = errors[0];
      var text = first ? (FIELD[first.key] ? FIELD[first.key] + "：" : "") + (MESSAGE[first.message] || "输入无效")
                       : (STATUS[err.status] || "操作失败，请稍后重试");
      if (box) box.textContent = text;
    }
  }

  // ---- the full-text selection ---------------------------------------------------------------------------
  var fulltext = document.getElementById("review-text");

  function offsetIn(container, node, offset) {
    var range = document.createRange();
    range.setStart(container, 0);
    range.setEnd(node, offset);
    return range.toString().length;
  }

  function selection() {
    var sel = window.getSelection();
    if (!fulltext || !sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
    var r = sel.getRangeAt(0);
    if (!fulltext.contains(r.startContainer) || !fulltext.contains(r.endContainer)) return null;
    var start = offsetIn(fulltext, r.startContainer, r.startOffset);
    var end = offsetIn(fulltext, r.endContainer, r.endOffset);
    return { start: Math.min(start, end), end: Math.max(start, end) };
  }

  function showSpan(start, end) {  // select the clause in the full text, so the clerk sees where it is
    if (!fulltext || !fulltext.firstChild) return;
    var node = fulltext.firstChild;
    var len = node.textContent.length;
    var range = document.createRange();
    range.setStart(node, Math.min(start, len));
    range.setEnd(node, Math.min(end, len));
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }

  var addForm = document.getElementById("add-form");
  var remembered = null;  // the last selection: clicking a button must not lose it
  document.addEventListener("selectionchange", function () {
    var s = selection();
    if (s) {
      remembered = s;
      var info = addForm && addForm.querySelector(".selection-info");
      if (info) info.textContent = "已选中 " + (s.end - s.start) + " 字（" + s.start + "–" + s.end + "）";
    }
  });

  if (addForm) {
    addForm.addEventListener("submit", function (ev) {
      ev.preventDefault();
      clearErrors(addForm);
      var s = selection() || remembered;
      if (!s) { addForm.querySelector(".row-error").textContent = "请先在全文中选中要添加的条款文字"; return; }
      var body = { start: s.start, end: s.end, category: addForm.elements.category.value };
      if (addForm.elements.party_id.value) body.party_id = parseInt(addForm.elements.party_id.value, 10);
      api("POST", "/api/documents/" + data.document + "/obligations", body)
        .then(function (ob) { window.location.assign(window.location.pathname + "?focus=" + ob.id + "#ob-" + ob.id); })
        .catch(function (err) { showErrors(addForm, err); });
    });
  }

  // ---- parties ---------------------------------------------------------------------------------------------
  function partyChange(form) {
    var body = {};
    ["label", "name", "role", "organisation_id"].forEach(function (k) {
      var el = form.elements[k];
      if (el.value === (el.dataset.initial || "")) return;
      if (k === "organisation_id") body[k] = el.value ? parseInt(el.value, 10) : null;
      else body[k] = el.value.trim() || (k === "role" ? el.value : null);
    });
    return body;
  }

  function orgName(id) { return data.organisations[String(id)] || ("#" + id); }
  function roleName(r) { return data.roles[r] || r; }

  document.querySelectorAll("form.party").forEach(function (form) {
    var box = form.querySelector(".party-preview");
    var url = "/api/agreements/" + data.agreement + "/parties/" + form.dataset.party;
    form.addEventListener("submit", function (ev) { ev.preventDefault(); });
    form.querySelector(".party-preview-btn").addEventListener("click", function () {
      clearErrors(form);
      var body = partyChange(form);
      api("POST", url + "/preview", body).then(function (changes) {
        var list = box.querySelector("ul");
        list.textContent = "";
        box.querySelector(".preview-title").textContent = changes.length
          ? "将重新推导以下 " + changes.length + " 项义务：" : "没有义务指向该方；只修改该方本身。";
        changes.forEach(function (c) {
          var li = document.createElement("li");
          li.dataset.obligation = c.obligation_id;
          li.textContent = "#" + c.obligation_id + " " + c.quote.slice(0, 40) + " — 角色 " + roleName(c.role_before) +
            " → " + roleName(c.role_after) + "；责任单位 " + orgName(c.owner_before) + " → " + orgName(c.owner_after);
          list.appendChild(li);
        });
        box.hidden = false;
      }).catch(function (err) { showErrors(form, err); });
    });
    form.querySelector(".party-cancel").addEventListener("click", function () { box.hidden = true; });
    form.querySelector(".party-apply").addEventListener("click", function () {
      clearErrors(form);
      api("PATCH", url, partyChange(form))
        .then(function () { window.location.reload(); })
        .catch(function (err) { box.hidden = true; showErrors(form, err); });
    });
  });

  // ---- rows ------------------------------------------------------------------------------------------------
  var rows = Array.prototype.slice.call(document.querySelectorAll("article.review-row"));
  var progress = document.getElementById("progress");

  function updateProgress() {
    var done = rows.filter(function (r) { return r.dataset.status !== "proposed"; }).length;
    if (progress) {
      progress.textContent = "已审核 " + done + " / " + rows.length;
      progress.dataset.done = done;
      progress.dataset.total = rows.length;
    }
  }

  function isOverdue(row) { return !!row.dataset.due && row.dataset.due < data.today; }

  function paint(row, ob) {
    row.dataset.due = (ob.deadline && ob.deadline.due_date) || "";
    row.dataset.start = ob.start;
    row.dataset.end = ob.end;
    row.querySelector(".s-role").textContent = roleName(ob.obligor_role);
    row.querySelector(".s-name").textContent = ob.obligor_name || ob.obligor_label || "";
    row.querySelector(".s-owner").textContent = ob.owner_name || orgName(ob.owner_id);
    row.querySelector(".s-phrase").textContent = (ob.deadline && ob.deadline.text) || "";
    row.querySelector(".s-due").textContent = ob.deadline && ob.deadline.due_date ? "→ " + ob.deadline.due_date : "";
    row.querySelector(".s-category").textContent = data.categories[ob.category] || ob.category;
    var mark = row.querySelector("blockquote.source mark");
    if (mark) { mark.textContent = ob.quote; revealClause(row); }
    var form = row.querySelector("form.edit");
    if (form) {
      var values = {
        obligor_role: ob.obligor_role, obligor_name: ob.obligor_name || "", owner_id: String(ob.owner_id),
        responsible: (ob.responsible || []).join("、"), category: ob.category,
        deadline_text: (ob.deadline && ob.deadline.text) || "", nominal_date: (ob.deadline && ob.deadline.nominal_date) || "",
        amount: ob.amount === null || ob.amount === undefined ? "" : String(ob.amount),
        recurrence: (ob.deadline && ob.deadline.recurrence) || "", start: String(ob.start), end: String(ob.end), party_id: ""
      };
      Object.keys(values).forEach(function (k) {
        var el = form.elements[k];
        if (el) { el.value = values[k]; el.dataset.initial = values[k]; }
      });
    }
    row.querySelector(".overdue-warning").hidden = !(row.dataset.status === "proposed" && isOverdue(row));
  }

  function setStatus(row, status) {
    row.dataset.status = status;
    row.classList.remove("proposed", "confirmed", "rejected");
    row.classList.add(status);
    var badge = row.querySelector(".status-badge");
    badge.textContent = "";
    var span = document.createElement("span");
    span.className = "badge review-" + status;
    span.textContent = status === "confirmed" ? "已确认" : "已驳回";
    badge.appendChild(span);
    ["div.actions", "form.edit", "input.select"].forEach(function (sel) {
      var el = row.querySelector(sel);
      if (el) el.remove();
    });
    if (status === "confirmed" && isOverdue(row)) {
      var w = row.querySelector(".overdue-warning");
      w.hidden = false;
      w.textContent = "已确认，但已逾期（到期日 " + row.dataset.due + "）：下次检查将记为逾期。";
    } else {
      row.querySelector(".overdue-warning").hidden = true;
    }
    updateProgress();
  }

  function decide(row, decision) {
    if (row.dataset.status !== "proposed") return;
    clearErrors(row);
    if (decision === "confirm" && isOverdue(row) && row.dataset.warned !== "1") {
      // a past due date: the clerk sees the warning and confirms a second time
      row.dataset.warned = "1";
      var w = row.querySelector(".overdue-warning");
      w.hidden = false;
      w.classList.add("emphasis");
      w.textContent = "确认时已逾期：到期日 " + row.dataset.due + " 已过，确认后下次检查即记为逾期。再次确认（c）以继续。";
      return;
    }
    api("POST", "/api/obligations/" + row.dataset.id + "/" + decision)
      .then(function (ob) { paint(row, ob); setStatus(row, ob.review_status); })
      .catch(function (err) { showErrors(row, err); });
  }

  function editValue(form, k) {
    var v = form.elements[k].value.trim();
    if (k === "party_id" || k === "owner_id" || k === "start" || k === "end") return v ? parseInt(v, 10) : null;
    if (k === "responsible") return v ? v.split(/[、，,；;\s]+/).filter(Boolean) : [];
    if (k === "obligor_role" || k === "category") return v;
    if (k === "nominal_date" && window.chengxinIsoDate) return v ? window.chengxinIsoDate(v) : null;
    return v || null;
  }

  function saveRow(row) {
    var form = row.querySelector("form.edit");
    clearErrors(row);
    var body = {};
    ["party_id", "obligor_role", "obligor_name", "owner_id", "responsible", "category", "deadline_text",
     "nominal_date", "amount", "recurrence", "start", "end"].forEach(function (k) {
      var el = form.elements[k];
      if (el && el.value !== (el.dataset.initial || "")) body[k] = editValue(form, k);
    });
    if (body.party_id === null) delete body.party_id;
    if (Object.keys(body).length === 0) { form.hidden = true; return Promise.resolve(); }
    return api("PATCH", "/api/obligations/" + row.dataset.id + "/fields", body)
      .then(function (ob) { paint(row, ob); row.dataset.warned = ""; form.hidden = true; })
      .catch(function (err) { showErrors(row, err); });  // the typed values stay in the form
  }

  rows.forEach(function (row) {
    var on = function (sel, fn) { var el = row.querySelector(sel); if (el) el.addEventListener("click", fn); };
    on(".act-confirm", function () { decide(row, "confirm"); });
    on(".act-reject", function () { decide(row, "reject"); });
    on(".act-edit", function () { toggleEdit(row); });
    on(".use-selection", function () {
      var s = selection() || remembered;
      var form = row.querySelector("form.edit");
      if (!s) { row.querySelector('.field-error[data-for="start"]').textContent = "请先在右侧全文中选中文字"; return; }
      form.elements.start.value = s.start;
      form.elements.end.value = s.end;
    });
    on(".act-split", function () {
      clearErrors(row);
      var s = selection() || remembered;
      if (!s) { row.querySelector('.field-error[data-for="at"]').textContent = "请先在右侧全文中选中拆分处"; return; }
      api("POST", "/api/obligations/" + row.dataset.id + "/split", { at: s.start })
        .then(function () { window.location.reload(); })
        .catch(function (err) { showErrors(row, err); });
    });
    on(".act-merge", function () {
      clearErrors(row);
      var other = row.querySelector(".merge-with").value;
      if (!other) { row.querySelector('.field-error[data-for="other_id"]').textContent = "请选择要合并的义务"; return; }
      api("POST", "/api/obligations/" + row.dataset.id + "/merge", { other_id: parseInt(other, 10) })
        .then(function () { window.location.reload(); })
        .catch(function (err) { showErrors(row, err); });
    });
    var form = row.querySelector("form.edit");
    if (form) form.addEventListener("submit", function (ev) { ev.preventDefault(); saveRow(row); });
    row.addEventListener("click", function (ev) {
      if (ev.target.closest("button, input, select, a, form.edit")) return;
      focusRow(rows.indexOf(row));
    });
  });

  var current = -1;
  function focusRow(i) {
    if (!rows.length) return;
    current = Math.max(0, Math.min(rows.length - 1, i));
    rows.forEach(function (r, j) { r.classList.toggle("current", j === current); });
    var row = rows[current];
    row.focus({ preventScroll: true });
    row.scrollIntoView({ block: "nearest" });
    showSpan(parseInt(row.dataset.start, 10), parseInt(row.dataset.end, 10));
  }

  function toggleEdit(row) {
    var form = row.querySelector("form.edit");
    if (!form) return;
    form.hidden = !form.hidden;
    if (!form.hidden) {
      var first = form.querySelector("input[name=deadline_text]");
      if (first) first.focus();
    }
  }

  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var tag = (ev.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "select" || tag === "textarea") {
      if (ev.key === "Escape") { ev.target.blur(); }
      return;
    }
    var row = rows[current];
    switch (ev.key) {
      case "j": focusRow(current + 1); break;
      case "k": focusRow(current - 1); break;
      case "c": if (row) decide(row, "confirm"); break;
      case "r": if (row) decide(row, "reject"); break;
      case "e": if (row) { ev.preventDefault(); toggleEdit(row); } break;
      default: return;
    }
  });

  // the compact source pane shows a few lines: scroll each one to its clause
  function revealClause(row) {
    var box = row.querySelector("blockquote.source");
    var mark = box && box.querySelector("mark");
    if (mark) box.scrollTop = Math.max(0, mark.offsetTop - 4);
  }
  rows.forEach(revealClause);

  updateProgress();
  var target = new URLSearchParams(window.location.search).get("focus") ||
    (window.location.hash.match(/^#ob-(\d+)$/) || [])[1];
  var start = target ? rows.findIndex(function (r) { return r.dataset.id === target; }) : -1;
  if (start < 0) start = rows.findIndex(function (r) { return r.dataset.status === "proposed"; });
  if (start >= 0) { current = start; rows[start].classList.add("current"); }
})();
