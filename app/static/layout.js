// Tables that scroll sideways inside their own box (phones: app.css) can be scrolled with the keyboard:
// such a table gets tabindex="0" while it is wider than its box, and loses it when it fits again.
(function () {
  "use strict";
  function mark() {
    var tables = document.querySelectorAll("table.grid-table");
    for (var i = 0; i < tables.length; i++) {
      var t = tables[i];
      if (t.scrollWidth > t.clientWidth + 1) t.setAttribute("tabindex", "0");
      else if (t.getAttribute("tabindex") === "0") t.removeAttribute("tabindex");
    }
  }
  var pending = null;
  window.addEventListener("resize", function () {
    if (pending) cancelAnimationFrame(pending);
    pending = requestAnimationFrame(mark);
  });
  mark();
})();
