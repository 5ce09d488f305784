// Gode grep: small enhancements. Every page works without this file.
(function () {
  "use strict";

  // Copy buttons beside each reference (.cite-text[data-copy]).
  function addCopyButtons() {
    var status = document.querySelector(".copy-status");
    document.querySelectorAll(".cite-text[data-copy]").forEach(function (el) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy-button";
      button.textContent = "Kopier referansen";
      button.setAttribute("aria-describedby", el.id);
      if (el.dataset.copyLabel) { button.setAttribute("aria-label", el.dataset.copyLabel); }
      button.addEventListener("click", function () {
        var text = el.getAttribute("data-copy");
        var done = function () { if (status) { status.textContent = "Referansen er kopiert."; } };
        var select = function () {
          var range = document.createRange();
          range.selectNodeContents(el);
          var sel = window.getSelection();
          sel.removeAllRanges();
          sel.addRange(range);
          if (status) { status.textContent = "Referansen er merket. Trykk Ctrl+C for å kopiere."; }
        };
        if (navigator.clipboard && navigator.clipboard.writeText) {
          navigator.clipboard.writeText(text).then(done, select);
        } else {
          select();
        }
      });
      el.insertAdjacentElement("afterend", button);
    });
  }

  // On a report page, #L100-L120 (or #L100) marks those lines, wherever they are.
  function highlightLines() {
    var match = /^#L(\d+)(?:-L(\d+))?$/.exec(window.location.hash);
    document.querySelectorAll(".line.is-marked").forEach(function (el) {
      el.classList.remove("is-marked");
    });
    if (!match) { return; }
    var start = parseInt(match[1], 10);
    var end = match[2] ? parseInt(match[2], 10) : start;
    var first = null;
    var target = document.getElementById(window.location.hash.slice(1));
    var scope = target || document.querySelector(".passages") || document;
    scope.querySelectorAll(".line[data-line]").forEach(function (el) {
      var n = parseInt(el.getAttribute("data-line"), 10);
      if (n >= start && n <= end) {
        el.classList.add("is-marked");
        if (!first) { first = el; }
      }
    });
    if (!target && first) {
      first.scrollIntoView({ block: "center" });
    }
  }

  // A form sent back with errors: start at the summary, as screen readers should.
  function focusErrorSummary() {
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    addCopyButtons();
    focusErrorSummary();
    if (document.querySelector(".line[data-line]")) {
      highlightLines();
      window.addEventListener("hashchange", highlightLines);
    }
  });
})();
