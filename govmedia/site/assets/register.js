/* govmedia: client-side filtering of the register table. The table works without this script. */
(function () {
  "use strict";
  var form = document.getElementById("gm-filter");
  var table = document.getElementById("gm-register");
  var count = document.getElementById("gm-count");
  if (!form || !table || !table.tBodies.length) return;
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var fold = function (s) { return s.normalize("NFKC").toLowerCase().replace(/\s+/g, ""); };
  var texts = rows.map(function (r) { return fold((r.textContent || "") + " " + (r.dataset.id || "")); });
  var field = function (name) { return form.elements.namedItem(name); };
  function apply() {
    var unit = field("unit").value, platform = field("platform").value, status = field("status").value;
    var q = fold(field("q").value);
    var shown = 0;
    for (var i = 0; i < rows.length; i++) {
      var d = rows[i].dataset;
      var ok = (!unit || d.unit === unit) && (!platform || d.platform === platform) &&
        (!status || d.status === status) && (!q || texts[i].indexOf(q) !== -1);
      rows[i].hidden = !ok;
      if (ok) shown++;
    }
    count.textContent = "显示 " + shown + " 个账号（共 " + rows.length + " 个）。";
  }
  var params = new URLSearchParams(window.location.search);
  ["unit", "platform", "status", "q"].forEach(function (name) {
    if (params.get(name)) field(name).value = params.get(name);
  });
  form.hidden = false;
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (e) { e.preventDefault(); apply(); });
  apply();
})();
