"""The export's own static files: a small stylesheet and the script that mounts Pagefind."""

CSS = """\
.gg-fakta {
  border-left: 4px solid var(--md-primary-fg-color);
  background: var(--md-code-bg-color);
  padding: 0.2rem 1rem;
  margin: 1rem 0;
}
.md-typeset .gg-fakta dl { display: grid; grid-template-columns: max-content 1fr;
  gap: 0.3rem 1.2rem; margin: 0.6rem 0; }
.md-typeset .gg-fakta dt { font-weight: 700; margin: 0; }
.md-typeset .gg-fakta dd { margin: 0; }
.gg-referanse { padding-left: 1.5em; text-indent: -1.5em; }
#sok { margin: 1rem 0 2rem; }
/* the theme styles every <details> as an admonition; Pagefind's filters are plain ones */
.md-typeset #sok details { border: 0; box-shadow: none; background: none; margin: 0 0 .6rem;
  padding: 0; font-size: inherit; overflow: visible; }
.md-typeset #sok summary { background: none; border: 0; padding: 0 0 0 1.2rem;
  font-weight: 700; margin: 0; }
.md-typeset #sok summary::before, .md-typeset #sok summary::after { display: none; }
"""

# Loaded on every page (extra_javascript); does nothing unless the page has <div id="sok">.
# Pagefind needs http(s): opened from file:// it shows a note instead of failing silently.
JS = """\
(function () {
  var target = document.getElementById("sok");
  if (!target) return;
  var root = new URL("../", document.currentScript.src);
  target.textContent = "";
  if (location.protocol === "file:") {
    target.textContent = "Søket virker når nettstedet vises fra en webserver, " +
      "for eksempel: python -m http.server -d site";
    return;
  }
  var css = document.createElement("link");
  css.rel = "stylesheet";
  css.href = new URL("pagefind/pagefind-ui.css", root).href;
  document.head.appendChild(css);
  var script = document.createElement("script");
  script.src = new URL("pagefind/pagefind-ui.js", root).href;
  script.onload = function () {
    var ui = new PagefindUI({
      element: "#sok",
      bundlePath: new URL("pagefind/", root).href,
      showSubResults: true,
      showImages: false
    });
    var q = new URLSearchParams(location.search).get("q");
    if (q) ui.triggerSearch(q);
  };
  document.head.appendChild(script);
})();
"""
