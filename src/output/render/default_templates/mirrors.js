// mirrors.js: filter and sort the mirrors table, without a framework. Without it the
// table is all there, in the registry's order.
(function () {
  "use strict";
  var table = document.getElementById("mirror-table");
  var tools = document.getElementById("mirror-tools");
  if (!table || !tools) return;
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var input = document.getElementById("mirror-filter");
  var shown = document.getElementById("mirror-shown");
  tools.hidden = false;

  function filter() {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    var n = 0;
    rows.forEach(function (row) {
      var text = row.textContent.toLowerCase();
      var match = words.every(function (w) { return text.indexOf(w) >= 0; });
      row.hidden = !match;
      if (match) n++;
    });
    shown.textContent = words.length ? n + " of " + rows.length + " mirrors" : "";
  }
  input.addEventListener("input", filter);

  // A header with data-sort becomes a button; a second click reverses the order.
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
    var kind = th.getAttribute("data-sort");
    if (!kind) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    button.textContent = th.textContent;
    th.textContent = "";
    th.appendChild(button);
    button.addEventListener("click", function () {
      var up = th.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) { c.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", up ? "ascending" : "descending");
      var key = function (row) {
        var v = row.cells[col].getAttribute("data-v") || "";
        return kind === "num" ? parseFloat(v) : v.toLowerCase();
      };
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        var c = x < y ? -1 : x > y ? 1 : 0;
        return up ? c : -c;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
})();
