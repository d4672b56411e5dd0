// "Select all" for the bulk review form.
(function () {
  "use strict";
  var all = document.getElementById("select-all");
  if (!all) return;
  all.addEventListener("change", function () {
    document.querySelectorAll("#review-form input.select").forEach(function (box) { box.checked = all.checked; });
  });
})();
