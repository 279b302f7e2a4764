// closer serve only (never in a built site): reloads the page after each good build and
// shows the error over the last good page after a bad one.
(function () {
  "use strict";
  if (!window.EventSource) return;
  var first = true;
  function show(message) {
    var box = document.getElementById("closer-error");
    if (!box) {
      box = document.createElement("div");
      box.id = "closer-error";
      box.setAttribute("role", "alert");  // styled by the server's #closer-error rule
      document.body.appendChild(box);
    }
    box.textContent = "closer: the last build failed; this is the last good site.\n" + message;
  }
  var events = new EventSource("/__closer/events");
  events.addEventListener("ok", function () {
    // The state when the page connected: a page loaded during a failed build that is
    // fixed by now is reloaded; otherwise nothing to do.
    if (!first || document.getElementById("closer-error")) location.reload();
    first = false;
  });
  events.addEventListener("reload", function () { location.reload(); });
  events.addEventListener("failed", function (e) {
    first = false;
    try { show(JSON.parse(e.data)); } catch (err) { show(String(e.data)); }
  });
})();
