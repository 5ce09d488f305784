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

  // On a report page, #L100-L120 (or #L100) marks those lines, wherever they are: numbered
  // lines (.line[data-line]) or the paragraphs of a report part ([data-first][data-last]).
  function highlightLines() {
    var match = /^#L(\d+)(?:-L(\d+))?$/.exec(window.location.hash);
    document.querySelectorAll(".is-marked").forEach(function (el) {
      el.classList.remove("is-marked");
    });
    if (!match) { return; }
    var start = parseInt(match[1], 10);
    var end = match[2] ? parseInt(match[2], 10) : start;
    var first = null;
    var target = document.getElementById(window.location.hash.slice(1));
    var lines = target && target.querySelector(".line[data-line]") ? target : document.querySelector(".passages");
    (lines || document).querySelectorAll(".line[data-line]").forEach(function (el) {
      var n = parseInt(el.getAttribute("data-line"), 10);
      if (n >= start && n <= end) {
        el.classList.add("is-marked");
        if (!first) { first = el; }
      }
    });
    document.querySelectorAll(".report-text [data-first]").forEach(function (el) {
      var a = parseInt(el.getAttribute("data-first"), 10);
      var b = parseInt(el.getAttribute("data-last"), 10);
      if (a <= end && b >= start) {
        el.classList.add("is-marked");
        if (!first) { first = el; }
      }
    });
    if (!target && first) {
      first.scrollIntoView({ block: "start" });
    }
  }

  // A report's overview page: #L731-L759 goes on to the part that holds line 731.
  function followLineAnchor() {
    var match = /^#L(\d+)(?:-L\d+)?$/.exec(window.location.hash);
    if (!match) { return false; }
    var line = parseInt(match[1], 10);
    var parts = document.querySelectorAll(".source-toc > li[data-first]");
    for (var i = 0; i < parts.length; i++) {
      var a = parseInt(parts[i].getAttribute("data-first"), 10);
      var b = parseInt(parts[i].getAttribute("data-last"), 10);
      if (line >= a && line <= b) {
        window.location.replace(parts[i].querySelector("a").href + window.location.hash);
        return true;
      }
    }
    return false;
  }

  // A form sent back with errors: start at the summary, as screen readers should.
  function focusErrorSummary() {
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    addCopyButtons();
    focusErrorSummary();
    if (document.querySelector(".source-toc") && followLineAnchor()) { return; }
    if (document.querySelector(".line[data-line], .report-text [data-first]")) {
      highlightLines();
      window.addEventListener("hashchange", highlightLines);
    }
  });
})();
