// page.js: what a download page does better with a script, none of it needed: the
// visitor's platform offered first, copy buttons on the command lines, and checking a
// downloaded file's SHA-512 in the browser. It asks no server anything; the file being
// checked never leaves the browser.
(function () {
  "use strict";

  // ---- The visitor's platform first ----------------------------------------------
  // From the user agent string: os and arch as util/platform.rs names them, "" unknown.
  // A Mac says "Intel" even on Apple silicon, so its processor stays unknown here.
  function fromAgent(ua) {
    ua = ua.toLowerCase();
    var os = "";
    if (/windows/.test(ua)) os = "windows";
    else if (/android/.test(ua)) os = "android";
    else if (/iphone|ipad|ipod|cros/.test(ua)) os = "";
    else if (/macintosh|mac os x/.test(ua)) os = "macos";
    else if (/freebsd/.test(ua)) os = "freebsd";
    else if (/openbsd/.test(ua)) os = "openbsd";
    else if (/netbsd/.test(ua)) os = "netbsd";
    else if (/linux|x11/.test(ua)) os = "linux";
    var arch = "";
    if (os !== "macos") {
      if (/aarch64|arm64|armv8/.test(ua)) arch = "arm64";
      else if (/x86_64|x86-64|amd64|win64|wow64|x64/.test(ua)) arch = "x86_64";
      else if (/armv7/.test(ua)) arch = "armv7";
      else if (/armv6/.test(ua)) arch = "armv6";
      else if (/i[3-6]86/.test(ua)) arch = "x86";
    }
    return { os: os, arch: arch };
  }

  // From User-Agent Client Hints where the browser has them (the processor too).
  function detect() {
    var guess = fromAgent(navigator.userAgent || "");
    // iPadOS's Safari says it is a Mac; a touch screen says it is not (no Mac has one).
    if (guess.os === "macos" && navigator.maxTouchPoints > 1) return Promise.resolve({ os: "", arch: "" });
    var uad = navigator.userAgentData;
    if (!uad || !uad.platform || !uad.getHighEntropyValues) return Promise.resolve(guess);
    var os = { windows: "windows", macos: "macos", linux: "linux", android: "android" }[uad.platform.toLowerCase()];
    if (os === undefined) return Promise.resolve({ os: "", arch: "" });
    return uad.getHighEntropyValues(["architecture", "bitness"]).then(function (v) {
      var arch = "";
      if (v.architecture === "x86") arch = v.bitness === "32" ? "x86" : "x86_64";
      else if (v.architecture === "arm") arch = v.bitness === "32" ? "armv7" : "arm64";
      return { os: os, arch: arch };
    }, function () { return { os: os, arch: guess.arch }; });
  }

  // How well a build fits: the same processor, a universal build, one for any
  // processor, (processor unknown) the common one for that system, or one the system
  // runs under emulation: an Intel Mac build on Apple silicon (Rosetta 2), an x86-64 or
  // 32-bit x86 Windows build on Windows on Arm, a 32-bit one on 64-bit Windows.
  function fit(li, me) {
    if (li.getAttribute("data-os") !== me.os) return 0;
    var arch = li.getAttribute("data-arch") || "";
    if (me.arch && arch === me.arch) return 4;
    if (arch === "universal") return 3;
    if (!arch) return 2;
    if (!me.arch && arch === (me.os === "macos" || me.os === "android" ? "arm64" : "x86_64")) return 1;
    if (me.os === "macos" && me.arch !== "x86_64" && arch === "x86_64") return 0.5;
    if (me.os === "windows" && me.arch === "arm64" && arch === "x86_64") return 0.5;
    if (me.os === "windows" && me.arch !== "x86" && arch === "x86") return 0.25;
    return 0;
  }

  function platformFirst() {
    var list = document.getElementById("closer-get");
    if (!list) return;
    var builds = list.querySelectorAll("li[data-os]");
    var fallback = list.querySelector("li[data-default]");
    detect().then(function (me) {
      document.documentElement.setAttribute("data-platform", me.os + "/" + me.arch);
      var best = null, score = 0;
      // Of builds that fit alike, the broadest (a plain archive before a musl build, a
      // distribution's own or a package).
      var narrow = function (li) { return Number(li.getAttribute("data-narrow") || 0); };
      // Of builds that surely run (the visitor's processor, a universal build, one for any
      // processor), the broadest first: dmd's plain `linux.tar.xz`, for any processor,
      // before its `_amd64.deb`; then the closest fit.
      var better = function (li, s) {
        if (s >= 2 && score >= 2 && narrow(li) !== narrow(best)) return narrow(li) < narrow(best);
        return s > score || (s > 0 && s === score && narrow(li) < narrow(best));
      };
      Array.prototype.forEach.call(builds, function (li) {
        // Another program the release carries (Tor Browser's `tor-expert-bundle`) only
        // when no build of the project's own fits, however well it does.
        var s = fit(li, me) / (li.hasAttribute("data-aux") ? 10 : 1);
        if (better(li, s)) { best = li; score = s; }
      });
      if (!best || best === fallback) return;
      best.hidden = false;
      var mark = document.createElement("span");
      mark.className = "muted";
      // A processor guessed (Safari tells none: an Intel Mac looks like an Apple one)
      // is said as a guess, and the other builds are a click away.
      var how = fit(best, me);
      mark.textContent = how > 1 ? " · matches your system"
        : how === 1 ? " · likely your system; other processors below"
        : " · runs on your system under emulation; other processors below";
      best.appendChild(mark);
      list.insertBefore(best, list.firstChild);
      if (fallback) fallback.className = "alt";
      // The verify lines of the build offered, in place of the default file's.
      var path = best.querySelector("a").getAttribute("data-path");
      var blocks = document.querySelectorAll(".verify-for");
      var mine = Array.prototype.filter.call(blocks, function (b) { return b.getAttribute("data-path") === path; });
      if (mine.length) Array.prototype.forEach.call(blocks, function (b) { b.hidden = b !== mine[0]; });
    });
  }

  // ---- Copy buttons ----------------------------------------------------------------
  function copyButtons() {
    var blocks = document.querySelectorAll("section.verify pre");
    Array.prototype.forEach.call(blocks, function (pre) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy";
      button.textContent = "Copy";
      button.setAttribute("aria-label", "Copy these commands");
      button.addEventListener("click", function () {
        var text = pre.querySelector("code").textContent;
        var done = function () { button.textContent = "Copied"; };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(text).then(done, function () { select(pre); });
        } else {
          select(pre);
          try { if (document.execCommand("copy")) done(); } catch (e) { /* selected: copy by hand */ }
        }
      });
      pre.parentNode.insertBefore(button, pre);
    });
  }
  function select(node) {
    var range = document.createRange();
    range.selectNodeContents(node);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }

  // ---- Check a downloaded file -----------------------------------------------------
  // Web Crypto digests a whole buffer at once, so the file is read into memory; above
  // this size the page names the command-line check instead.
  var CHECK_LIMIT = 1 << 30;

  function checker() {
    var box = document.getElementById("closer-check");
    if (!box) return;
    var input = document.getElementById("closer-check-file");
    var out = document.getElementById("closer-check-result");
    var published = Array.prototype.map.call(document.querySelectorAll("a.download[data-sha512]"), function (a) {
      return { name: a.textContent, sha512: a.getAttribute("data-sha512") };
    });
    function say(text, verdict) {
      out.textContent = text;
      out.className = verdict ? "verdict " + verdict : "";
      box.setAttribute("data-verdict", verdict || "");
    }
    function cli(name) { return "On the command line: sha512sum -c '" + name + ".sha512' (the .sha512 is linked beside the file above)."; }
    function check(file) {
      if (!file) return;
      // (A file in a folder of the release is named with it: `linux/x.tar.gz`, saved as
      // `x.tar.gz`.)
      var named = published.filter(function (p) { return p.name === file.name || p.name.split("/").pop() === file.name; })[0];
      var name = named ? named.name : file.name;
      if (!(window.crypto && crypto.subtle && file.arrayBuffer)) {
        say("This browser cannot compute SHA-512 on this page (it needs an https page). " + cli(name), "unknown");
        return;
      }
      if (file.size > CHECK_LIMIT) {
        say(file.name + " is too large to check in the browser (over 1 GiB). " + cli(name), "unknown");
        return;
      }
      say("Computing the SHA-512 of " + file.name + "…", "working");
      file.arrayBuffer().then(function (buf) { return crypto.subtle.digest("SHA-512", buf); }).then(function (h) {
        var hex = Array.prototype.map.call(new Uint8Array(h), function (b) { return (b + 256).toString(16).slice(1); }).join("");
        var same = published.filter(function (p) { return p.sha512 === hex; })[0];
        if (same) {
          say("✓ Matches: this is " + same.name + " exactly as published (SHA-512 " + hex.slice(0, 16) + "…).", "matches");
        } else if (named) {
          say("✗ Does not match: this is not " + named.name + " as published. Delete it and download it again, from another mirror.", "does-not-match");
        } else {
          say("✗ Does not match any file of this release (SHA-512 " + hex.slice(0, 16) + "…).", "does-not-match");
        }
      }, function (e) {
        say("Could not read " + file.name + " (" + e + "). " + cli(name), "unknown");
      });
    }
    input.addEventListener("change", function () { check(input.files[0]); });
    box.addEventListener("dragover", function (e) { e.preventDefault(); box.classList.add("over"); });
    box.addEventListener("dragleave", function () { box.classList.remove("over"); });
    box.addEventListener("drop", function (e) {
      e.preventDefault();
      box.classList.remove("over");
      check(e.dataTransfer.files[0]);
    });
    box.hidden = false;
  }

  platformFirst();
  copyButtons();
  checker();
})();
