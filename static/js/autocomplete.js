// Search-as-you-type for long <select>s (units, people): a search box above the select asks the scoped API
// (/api/v1/units/?q=…) and refills the select's options, keeping what is already selected. Without JavaScript the
// select still works with its first options. No library: this is the whole of it.
(function () {
  "use strict";
  var timers = new WeakMap();

  function refill(select, results) {
    var kept = Array.prototype.filter.call(select.options, function (o) { return o.selected && o.value; });
    var keptValues = kept.map(function (o) { return o.value; });
    select.innerHTML = "";
    if (!select.multiple) { select.add(new Option("---------", "")); }
    kept.forEach(function (o) { select.add(new Option(o.text, o.value, true, true)); });
    results.forEach(function (r) {
      if (keptValues.indexOf(String(r.id)) === -1) { select.add(new Option(r.label, r.id)); }
    });
    select.dispatchEvent(new Event("xf:refilled", { bubbles: true }));
  }

  function label(item) {
    // Units read as the API labels them (a village's committee with its township); people with their title.
    if (item.label) { return item.label; }
    if (item.name) { return item.name; }
    var name = item.display_name || item.username;
    return item.title ? name + "（" + item.title + "）" : name;
  }

  function search(box) {
    var select = document.getElementById(box.dataset.autocompleteFor);
    var q = box.value.trim();
    if (!select || !q) { return; }
    var url = box.dataset.autocompleteUrl + "?page_size=30&q=" + encodeURIComponent(q);
    box.setAttribute("aria-busy", "true");
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { results: [] }; })
      .then(function (data) {
        var key = box.dataset.autocompleteValue || "id";  // regions are chosen by their code
        refill(select, (data.results || []).map(function (item) { return { id: item[key], label: label(item) }; }));
        box.removeAttribute("aria-busy");
      })
      .catch(function () { box.removeAttribute("aria-busy"); });
  }

  document.addEventListener("input", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("input[data-autocomplete-for]")) { return; }
    clearTimeout(timers.get(box));
    timers.set(box, setTimeout(function () { search(box); }, 250));
  });
})();
