// The idle warning: a minute before the county's idle timeout (data-idle-seconds on <body>, set at login) a notice
// offers to go on; "继续使用" tells the server (POST keepalive), which starts the idle clock again. Any page load or
// htmx request also starts it again. At the timeout the page goes to the login page (the server has ended the session).
(function () {
  "use strict";
  const body = document.body;
  const idle = parseInt(body.dataset.idleSeconds || "0", 10);
  if (!idle) return;
  const el = document.getElementById("idle-warning");
  const toast = el && window.bootstrap ? window.bootstrap.Toast.getOrCreateInstance(el) : null;
  const warnAt = Math.max(idle - 60, idle / 2) * 1000;
  let warnTimer, endTimer;
  function arm() {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    if (toast) toast.hide();
    warnTimer = setTimeout(function () { if (toast) toast.show(); }, warnAt);
    endTimer = setTimeout(function () { window.location.href = body.dataset.loginUrl; }, idle * 1000 + 2000);
  }
  function keepAlive() {
    const token = document.querySelector("[name=csrfmiddlewaretoken]");
    fetch(body.dataset.keepaliveUrl, {method: "POST", credentials: "same-origin",
      headers: {"X-CSRFToken": token ? token.value : ""}}).then(function (r) {
      if (r.ok) arm(); else window.location.href = body.dataset.loginUrl;
    });
  }
  const button = document.getElementById("idle-continue");
  if (button) button.addEventListener("click", keepAlive);
  document.body.addEventListener("htmx:afterRequest", arm);
  arm();
})();
