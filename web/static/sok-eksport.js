// Gode grep, the static export's search page (/sok/): Pagefind in the browser, the hits in the
// service's own markup and words. The page as written lists the cases; this file runs the
// search when the address has a query or filters (/sok/?q=startlån&tema=bolig).
(function () {
  "use strict";
  // the service's search parameters (web/model/params.py FILTERS), with the same values
  var FILTERS = ["tema", "malgruppe", "aktor", "fylke", "kommune", "storrelse", "evidens", "kilde",
    "aar", "inngang", "tilskudd", "fase"];
  var STEP = 30;
  var params = new URLSearchParams(window.location.search);
  var q = (params.get("q") || "").trim();
  var filters = {};
  FILTERS.forEach(function (name) {
    var values = params.getAll(name).filter(Boolean);
    if (values.length) { filters[name] = values; }
  });
  var kind = params.get("type");
  if (kind === "grep" || kind === "rapport") { filters.type = [kind]; }
  if (!q && !Object.keys(filters).length) { return; }

  var section = document.getElementById("treff");
  var heading = document.getElementById("treff-title");
  var status = document.getElementById("sok-status");
  var input = document.getElementById("q");
  if (!section || !heading) { return; }
  if (input) { input.value = q; }
  var root = new URL("../", document.currentScript.src);
  if (window.location.protocol === "file:") {
    status.textContent = "Søket virker når nettstedet vises fra en webserver, for eksempel: python -m http.server -d site";
    return;
  }

  function number(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, "\u00a0"); }

  function countLine(total, counts) {
    if (!total) { return "Ingen treff" + (q ? " for «" + q + "»" : ""); }
    if (!q) { return number(total) + " treff"; }
    var parts = [];
    if (counts.grep) { parts.push(number(counts.grep) + " grep"); }
    // Pagefind finds report parts (pages), not the service's passages: count what it found.
    if (counts.rapport) { parts.push(number(counts.rapport) + (counts.rapport === 1 ? " rapportdel" : " rapportdeler")); }
    return parts.join(" og ") + " for «" + q + "»";
  }

  // Pagefind's excerpt as text and <mark> elements only (nothing else from it reaches the page).
  function excerptNodes(html, into) {
    var doc = new DOMParser().parseFromString("<p>" + html + "</p>", "text/html");
    doc.body.firstChild.childNodes.forEach(function (node) {
      if (node.nodeType === 3) { into.appendChild(document.createTextNode(node.textContent)); }
      else if (node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        into.appendChild(mark);
      }
    });
  }

  // A case whose words matched only in the hidden compound parts shows its summary instead.
  function fromHiddenWords(data) {
    var hidden = parseInt((data.meta && data.meta.skjulte) || "0", 10);
    var visible = data.word_count - hidden - 15;
    return hidden > 0 && data.locations.some(function (at) { return at >= visible; });
  }

  function hitItem(data) {
    var isCase = (data.filters.type || [])[0] === "grep";
    var li = document.createElement("li");
    li.className = "hit " + (isCase ? "hit-case" : "hit-passage");
    var badge = document.createElement("p");
    badge.className = "badge " + (isCase ? "badge-case" : "badge-passage");
    badge.textContent = isCase ? "Grep" : "Fra rapport";
    var title = document.createElement("h3");
    title.className = "hit-title";
    var link = document.createElement("a");
    link.href = data.url;
    link.textContent = data.meta.title;
    title.appendChild(link);
    var meta = document.createElement("p");
    meta.className = "meta";
    meta.textContent = data.meta.linje || "";
    var snippet = document.createElement("p");
    snippet.className = "snippet";
    if (isCase && (!q || fromHiddenWords(data))) { snippet.textContent = data.meta.sammendrag || ""; }
    else { excerptNodes(data.excerpt, snippet); }
    [badge, title, meta, snippet].forEach(function (el) { li.appendChild(el); });
    return li;
  }

  function show(search) {
    var counts = (search.filters && search.filters.type) || {};
    heading.textContent = countLine(search.results.length, counts);
    document.title = (q ? "Søk: " + q : "Bla i grep") + " – Gode grep";
    var title = document.querySelector("h1.page-title");
    if (title && q) { title.textContent = "Søk i gode grep"; }
    section.querySelectorAll("ol.hits, h3.hit-group, p.more, .zero").forEach(function (el) { el.remove(); });
    status.textContent = "";
    var list = document.createElement("ol");
    list.className = "hits";
    section.appendChild(list);
    var more = document.createElement("button");
    more.type = "button";
    more.className = "more-button";
    more.textContent = "Vis flere treff";
    var shown = 0;
    function next() {
      var batch = search.results.slice(shown, shown + STEP);
      shown += batch.length;
      more.hidden = shown >= search.results.length;
      section.setAttribute("aria-busy", "true");
      return Promise.all(batch.map(function (r) { return r.data(); })).then(function (rows) {
        rows.forEach(function (data) { list.appendChild(hitItem(data)); });
        section.setAttribute("aria-busy", "false");
      });
    }
    more.addEventListener("click", next);
    section.appendChild(more);
    return next();
  }

  heading.textContent = "Søker …";
  section.setAttribute("aria-busy", "true");
  import(new URL("pagefind/pagefind.js", root).href).then(function (pagefind) {
    return pagefind.options({ baseUrl: root.pathname }).then(function () {
      return pagefind.filters();  // loaded first, so the search counts grep and report parts
    }).then(function () {
      return pagefind.search(q || null, { filters: filters });
    });
  }).then(show).catch(function () {
    heading.textContent = "Søket kunne ikke lastes";
    section.setAttribute("aria-busy", "false");
    status.textContent = "Prøv igjen, eller bruk temaene og filtrene.";
  });
})();
