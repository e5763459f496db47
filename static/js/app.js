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

// A filter form marked data-clean-query sends only the fields that hold a value: the list's URL stays short and
// readable (the server drops empty parameters too, for a browser without JavaScript).
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-clean-query]") || event.defaultPrevented) { return; }
    var emptied = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name && !el.disabled && (el.tagName === "INPUT" || el.tagName === "SELECT") &&
          el.type !== "checkbox" && el.type !== "radio" && !el.value) {
        el.disabled = true;
        emptied.push(el);
      }
    });
    // Back in the history, the form is usable again.
    window.addEventListener("pageshow", function () { emptied.forEach(function (el) { el.disabled = false; }); },
                            { once: true });
  });
})();

// Long actions (exports, imports, PDFs) marked data-busy="正在生成…": the button says it is working and cannot be
// pressed twice. A download leaves the page where it is, so the button comes back after a while.
(function () {
  "use strict";
  function busy(el) {
    if (el.dataset.busyOn) { return false; }
    el.dataset.busyOn = "1";
    var label = el.innerHTML;
    el.classList.add("disabled");
    el.setAttribute("aria-busy", "true");
    el.innerHTML = '<span class="spinner-border spinner-border-sm me-1" aria-hidden="true"></span>' + el.dataset.busy;
    setTimeout(function () {
      el.innerHTML = label; el.classList.remove("disabled"); el.removeAttribute("aria-busy"); delete el.dataset.busyOn;
    }, 15000);
    return true;
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-busy]");
    if (link && !busy(link)) { event.preventDefault(); }
  });
  document.addEventListener("submit", function (event) {
    if (event.defaultPrevented) { return; }
    var button = event.target.querySelector("button[data-busy]");
    if (button && !busy(button)) { event.preventDefault(); }
  });
})();
