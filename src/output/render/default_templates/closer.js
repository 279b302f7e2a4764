// closer.js: points each download link at a nearby mirror that already has the file.
// Without it every link goes to the primary site, which always works. It reads only
// this site's mirror data (mirrors.json, status.json) and the zone table (zones.js); it
// never asks a third party where the visitor is: the browser's time zone says roughly
// where.
(function () {
  "use strict";
  var KEY = "closer.mirror";
  var script = document.currentScript;
  var root = script ? script.src.replace(/[^/]*$/, "") : "";
  var links = document.querySelectorAll("a.download[data-path]");
  if (!links.length || !window.fetch) return;
  var params = new URLSearchParams(location.search);
  // From a page served over https only https mirrors are used: a browser blocks or warns
  // about an http download started from a secure page, and it would downgrade the visitor.
  var secure = location.protocol === "https:";

  function store(id) {
    try {
      if (id) localStorage.setItem(KEY, id); else localStorage.removeItem(KEY);
    } catch (e) { /* private mode: the choice lasts for this page only */ }
  }
  function stored() {
    try { return localStorage.getItem(KEY); } catch (e) { return null; }
  }

  // ?update=YYYYMMDDhhmm (UTC): only mirrors whose stamp is at least that time.
  function updateParam() {
    var m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(params.get("update") || "");
    return m ? Date.UTC(+m[1], m[2] - 1, +m[3], +m[4], +m[5]) / 1000 : 0;
  }

  // Where the visitor roughly is, from the time zone; worked out once (the browser's
  // first Intl call can take tens of ms, so it runs while the data is on its way).
  var whereabouts;
  function position() {
    if (whereabouts !== undefined) return whereabouts;
    var zones = window.CLOSER_ZONES || {};
    var tz = "";
    try { tz = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { /* old browser */ }
    whereabouts = zones[tz] || null;
    return whereabouts;
  }

  // Great-circle distance in km.
  function distance(a, b) {
    var r = Math.PI / 180;
    var dlat = (b[0] - a[0]) * r, dlon = (b[1] - a[1]) * r;
    var h = Math.pow(Math.sin(dlat / 2), 2) + Math.cos(a[0] * r) * Math.cos(b[0] * r) * Math.pow(Math.sin(dlon / 2), 2);
    return 12742 * Math.asin(Math.min(1, Math.sqrt(h)));
  }

  function age(secs) {
    secs = Math.max(0, Math.round(secs));
    if (secs < 60) return secs + " s";
    if (secs < 7200) return Math.floor(secs / 60) + " min";
    if (secs < 172800) return Math.floor(secs / 3600) + " h";
    return Math.floor(secs / 86400) + " d";
  }

  function baseUrl(m) {
    var u = (m.urls && (m.urls.https || (!secure && m.urls.http))) || "";
    return /^https?:\/\/[^\s"<>]+\/$/.test(u) ? u : "";
  }

  // What choosing needs of each mirror, worked out once however many links the page
  // has: its base URL and its distance from the visitor.
  function prepare(data, here) {
    data.withheld = data.withheld || [];
    if (data.probed === undefined) data.probed = !!data.probed_at;
    data.mirrors.forEach(function (m) {
      m.base = baseUrl(m);
      m.km = here ? distance(here, [m.lat, m.lon]) : 0;
    });
  }

  // A mirror serves a file when its stamp is at least when the file entered the lists
  // and when its list took the project in (`from`: a mirror given a project later has
  // none of it until it syncs again).
  function serves(m, project, since) {
    return m.ok && !m.stale && m.stamp != null && m.stamp >= since && m.stamp >= (m.from || 0) &&
      (!m.partial || m.projects.indexOf(project) >= 0) && m.base !== "";
  }

  // The links' distinct (project, since) pairs: links that share one share a choice.
  function kinds() {
    var out = {};
    Array.prototype.forEach.call(links, function (link) {
      var project = link.getAttribute("data-project"), since = +link.getAttribute("data-since") || 0;
      out[project + " " + since] = { project: project, since: since };
    });
    return out;
  }

  // The nearest mirrors (within 1.5x of the nearest's distance, at least 100 km), one
  // drawn by bandwidth with the page's random number, so a region's load is spread.
  function pick(pool, here, r) {
    if (!pool.length) return null;
    if (here) {
      var near = Math.max(1.5 * Math.min.apply(null, pool.map(function (m) { return m.km; })), 100);
      pool = pool.filter(function (m) { return m.km <= near; });
    }
    var total = pool.reduce(function (s, m) { return s + Math.max(1, m.bandwidth); }, 0);
    var x = r * total;
    for (var i = 0; i < pool.length; i++) {
      x -= Math.max(1, pool[i].bandwidth);
      if (x < 0) return pool[i];
    }
    return pool[pool.length - 1];
  }

  function apply(data, choice, r) {
    var here = position();
    var since = updateParam();
    var now = Date.now() / 1000;
    var choices = {};
    function choose(project, fileSince) {
      var all = data.mirrors.filter(function (m) { return serves(m, project, fileSince) && m.stamp >= since; });
      var chosen = null, how = "";
      if (choice) {
        chosen = all.filter(function (m) { return m.id === choice; })[0] || null;
        if (chosen) how = "your choice";
      }
      if (!chosen) {
        var main = all.filter(function (m) { return !m.backup; });
        chosen = pick(main.length ? main : all, here, r);
        // (Not "nearby" when the nearest that has the file is across a continent.)
        how = !here || !chosen ? "" : chosen.km <= 1500 ? "nearby" : "the nearest that has it";
      }
      return { chosen: chosen, how: how };
    }
    Array.prototype.forEach.call(links, function (link) {
      var project = link.getAttribute("data-project"), fileSince = +link.getAttribute("data-since") || 0;
      var key = project + " " + fileSince;
      var c = choices[key] || (choices[key] = choose(project, fileSince));
      var chosen = c.chosen, how = c.how;
      if (!link.hasAttribute("data-primary")) link.setAttribute("data-primary", link.href);
      var note = link.parentNode.querySelector(".via");
      if (!note) {
        note = document.createElement("div");
        note.className = "via";
        link.parentNode.insertBefore(note, link.nextSibling);
      }
      if (chosen) {
        link.href = chosen.base + link.getAttribute("data-path");
        link.setAttribute("data-mirror", chosen.id);
        note.textContent = "from " + chosen.name + " (" + chosen.country + ")" +
          (chosen.synced_at ? ", synced " + age(now - chosen.synced_at) + " ago" : "") +
          (how ? " · " + how : "");
        sponsor(note, chosen);
      } else if (data.withheld.indexOf(link.getAttribute("data-path")) >= 0) {
        // The primary's copy changed after it was published: never sent there.
        link.removeAttribute("href");
        link.setAttribute("data-mirror", "none");
        note.textContent = "held back: the copy at " + data.primary.name +
          " changed after it was published; no mirror with the published file is up now";
      } else {
        link.href = link.getAttribute("data-primary");
        link.setAttribute("data-mirror", "primary");
        note.textContent = "from " + data.primary.name + " (" + why(data, project) + ")";
      }
    });
  }

  // Why a link stays on the primary: no mirror that carries the project is serving now
  // (the probe found them down or stale), or those that are lack this file so far.
  function why(data, project) {
    if (!data.probed) return "the mirrors have not been checked yet";
    var up = data.mirrors.some(function (m) { return serves(m, project, -Infinity); });
    return up ? "no mirror has this file yet" : "no mirror serves it now";
  }

  // The mirror's sponsor, thanked beside the link: its logo (a file of this site, so
  // no third party is asked) and its name.
  function sponsor(note, m) {
    if (!m.sponsor) return;
    var span = document.createElement("span");
    span.className = "sponsor";
    if (m.logo && /^logos\/[A-Za-z0-9._-]+\.(svg|png)$/.test(m.logo)) {
      var img = document.createElement("img");
      img.src = root + m.logo;
      img.alt = "";
      img.width = 16;
      img.height = 16;
      img.className = "logo";
      span.appendChild(img);
    }
    span.appendChild(document.createTextNode(" sponsored by " + m.sponsor));
    note.appendChild(document.createTextNode(" · "));
    note.appendChild(span);
  }

  function picker(data, choice, r) {
    var box = document.getElementById("closer-picker");
    if (!box) return;
    var wanted = kinds();
    var serving = data.mirrors.filter(function (m) {
      return Object.keys(wanted).some(function (k) { return serves(m, wanted[k].project, wanted[k].since); });
    });
    var label = document.createElement("label");
    label.textContent = "Download from ";
    var select = document.createElement("select");
    select.id = "closer-mirror";
    var auto = document.createElement("option");
    auto.value = "";
    auto.textContent = "a nearby mirror (automatic)";
    select.appendChild(auto);
    var options = document.createDocumentFragment();
    serving.forEach(function (m) {
      var o = document.createElement("option");
      o.value = m.id;
      o.textContent = m.name + " (" + m.country + ")";
      if (m.id === choice) o.selected = true;
      options.appendChild(o);
    });
    select.appendChild(options);
    select.addEventListener("change", function () {
      store(select.value);
      apply(data, select.value, r);
    });
    label.appendChild(select);
    box.textContent = "";
    box.appendChild(label);
    box.hidden = false;
  }

  // Format 3 (a project's mirrors.json): arrays in the order of `fields`, every mirror
  // that carries the project, joined with the site's status.json (the mirrors up and not
  // stale at the last probe, with their stamp and when they synced); into the shape of
  // format 1. Without the status every link stays on the primary.
  function expand(d, status) {
    var at = {};
    d.fields.forEach(function (f, i) { at[f] = i; });
    var live = (status && status.serving) || {};
    return {
      primary: { name: d.primary },
      probed: !!(status && status.probed_at),
      withheld: d.withheld || [],
      mirrors: d.mirrors.map(function (a) {
        var url = a[at.url] || "", which = a[at.units], s = live[a[at.id]];
        return {
          id: a[at.id], name: a[at.name], country: a[at.country], lat: a[at.lat], lon: a[at.lon],
          bandwidth: a[at.bandwidth], stamp: s ? s[0] : null, synced_at: s ? s[1] : null,
          backup: !!a[at.backup], ok: !!s, stale: false, partial: true, from: a[at.from] || 0,
          sponsor: a[at.sponsor] || null, logo: a[at.logo] || null,
          urls: /^https:/.test(url) ? { https: url } : { http: url },
          projects: which ? which.map(function (k) { return d.units[k]; }) : d.units
        };
      })
    };
  }

  // The probe's time, on a project's page (which is not rendered again for each probe).
  function probed(status) {
    var el = document.getElementById("closer-probed");
    if (!el || !status || !status.probed_at) return;
    var t = new Date(status.probed_at * 1000).toISOString();
    el.textContent = "last probed " + t.slice(0, 10) + " " + t.slice(11, 16) + " UTC";
  }

  var preferred = params.get("preferred");
  if (preferred) store(preferred);
  var choice = preferred || stored();
  var r = Math.random();
  // The page's own selection data (its project's mirrors, format 3, with the site's
  // status.json, both asked for at once) when it names one, else the whole registry
  // (format 1).
  var select = script && script.getAttribute("data-select");
  var source = select ? new URL(select, location.href).href : root + "mirrors.json";
  var json = function (url) {
    return fetch(url, { credentials: "same-origin" })
      .then(function (resp) { if (!resp.ok) throw new Error(resp.status); return resp.json(); });
  };
  var fetching = json(source);
  var status = select ? json(root + "status.json").catch(function () { return null; }) : null;
  position();
  Promise.all([fetching, status])
    .then(function (got) {
      var data = got[0], t0 = performance.now();
      if (data.format === 3) data = expand(data, got[1]);
      probed(got[1]);
      prepare(data, position());
      apply(data, choice, r);
      picker(data, choice, r);
      // When the links went to a mirror, in ms since the page was requested, and how
      // long choosing took (scripts/bench measures both).
      var html = document.documentElement, now = performance.now();
      html.setAttribute("data-closer-ms", now.toFixed(1));
      html.setAttribute("data-closer-pick-ms", (now - t0).toFixed(1));
      html.setAttribute("data-closer", "ready");
    })
    .catch(function () { document.documentElement.setAttribute("data-closer", "primary"); });
})();
