// The case page's keyboard shortcuts (templates/cases/case_detail.html): j / k the next and previous case of the
// user's my-work list, r the reply form, a the assign form, p the print view, ? the help. The page names its own
// targets (data-shortcut links, the action forms' <details data-action>), so this file holds no text and no address.
(function () {
  "use strict";

  var FORMS = { r: "reply", a: "assign" };

  function typing(target) {
    if (!target || !target.closest) { return false; }
    return Boolean(target.closest("input, textarea, select, [contenteditable=''], [contenteditable='true']"));
  }

  function say(text) {
    var status = document.getElementById("shortcut-status");
    if (!status) { return; }
    status.textContent = text;
    window.clearTimeout(say.timer);
    say.timer = window.setTimeout(function () { status.textContent = ""; }, 4000);
  }

  function openForm(action) {
    var details = document.querySelector("details[data-action='" + action + "']");
    var help = document.getElementById("shortcut-help");
    if (!details) {
      if (help) { say(help.dataset["unavailable" + action.charAt(0).toUpperCase() + action.slice(1)] || ""); }
      return;
    }
    details.open = true;
    details.scrollIntoView({ block: "nearest" });
    var field = details.querySelector(
      "form input:not([type=hidden]):not([disabled]), form select:not([disabled]), form textarea:not([disabled])");
    if (field) { field.focus(); }
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.isComposing || event.ctrlKey || event.altKey || event.metaKey) { return; }
    if (typing(event.target)) { return; }
    if (document.querySelector(".modal.show")) { return; }  // the help is open: Escape closes it, nothing else
    var key = event.key;
    if (key === "?") {
      var help = document.getElementById("shortcut-help");
      if (help && window.bootstrap) {
        event.preventDefault();
        window.bootstrap.Modal.getOrCreateInstance(help).show();
      }
      return;
    }
    if (event.shiftKey) { return; }
    if (FORMS[key]) {
      // Prevented: the letter is not typed into the field the form's opening focuses.
      event.preventDefault();
      openForm(FORMS[key]);
      return;
    }
    var link = document.querySelector("a[data-shortcut='" + key + "']");
    if (link) {
      event.preventDefault();
      window.location.assign(link.href);
    }
  });
})();
