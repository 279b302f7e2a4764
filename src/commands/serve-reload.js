// closer serve only (never in a built site): reloads the page after each good build and
// shows the error over the last good page after a bad one.
(function () {
  "use strict";
  if (!window.EventSource) return;
  var version = null;
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
  // What the stream did, on the page's root element, for whoever wonders why a page did
  // not reload: events received, and the stream's state at its last error.
  var root = document.documentElement;
  root.dataset.closerEvents = "0";
  function connect() {
    var events = new EventSource("/__closer/events");
    function seen() { root.dataset.closerEvents = String(Number(root.dataset.closerEvents) + 1); }
    events.addEventListener("ok", function (e) {
      seen();
      // The state when the stream opened, with the build's number: a page shown over a
      // failed build that is fixed by now, or one that missed a build while its stream
      // was down, is reloaded; otherwise nothing to do.
      if (document.getElementById("closer-error") || (version !== null && e.data !== version)) location.reload();
      version = e.data;
    });
    events.addEventListener("reload", function () { seen(); location.reload(); });
    events.addEventListener("failed", function (e) {
      seen();
      try { show(JSON.parse(e.data)); } catch (err) { show(String(e.data)); }
    });
    events.addEventListener("error", function () {
      root.dataset.closerStream = ["connecting", "open", "closed"][events.readyState];
      // The browser retries a stream that broke, but not one it closed (a bad answer
      // while the server was busy or restarting): open a new one. Its first event is
      // the state, so nothing that happened meanwhile is missed.
      if (events.readyState === EventSource.CLOSED) setTimeout(connect, 1000);
    });
  }
  connect();
})();
