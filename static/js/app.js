// Behaviours the pages ask for by data attribute, as the CSP allows no inline script: print, confirm, autosubmit, copy.
(function () {
  "use strict";

  // Listeners on document, not on the elements: content that htmx swaps in later works the same.
  document.addEventListener("click", function (event) {
    var print = event.target.closest("[data-print]");
    if (print) { window.print(); return; }
    var copy = event.target.closest("[data-copy]");
    if (copy) {
      var input = document.querySelector(copy.dataset.copy);
      if (!input) { return; }
      // The Clipboard API exists only on https (and localhost); over plain http the old command still copies.
      if (navigator.clipboard) {
        navigator.clipboard.writeText(input.value);
      } else {
        input.select();
        document.execCommand("copy");
      }
    }
  });

  // Capture phase: a declined confirm stops the event before it reaches the form's own listeners (htmx's).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches("form[data-confirm]") && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("change", function (event) {
    var select = event.target.closest("select[data-autosubmit]");
    if (select && select.form) { select.form.submit(); }
  });
})();
