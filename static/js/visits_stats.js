// The visit statistics charts (ECharts, vendored): receptions by leader level, field and skip-level visits by month.
(function () {
  if (!window.echarts) return;
  const d = JSON.parse(document.getElementById("stats-data").textContent);
  const L = d.labels;
  const grid = {left: 40, right: 16, top: 36, bottom: 28};
  const charts = [];
  function draw(id, option) {
    const el = document.getElementById(id);
    if (!el) return;
    const c = echarts.init(el);
    c.setOption(Object.assign({tooltip: {trigger: "axis"}, grid: grid}, option));
    charts.push(c);
  }
  draw("chart-levels", {legend: {data: [L.batches, L.persons]}, xAxis: {type: "category", data: d.levels},
    yAxis: {type: "value", minInterval: 1},
    series: [{name: L.batches, type: "bar", data: d.batches}, {name: L.persons, type: "bar", data: d.persons}]});
  draw("chart-field", {legend: {data: [L.field, L.night]}, xAxis: {type: "category", data: d.months},
    yAxis: {type: "value", minInterval: 1},
    series: [{name: L.field, type: "bar", data: d.field}, {name: L.night, type: "bar", data: d.night}]});
  draw("chart-skip", {legend: {data: [L.skip_level, L.to_province, L.to_beijing]},
    xAxis: {type: "category", data: d.months}, yAxis: {type: "value", minInterval: 1},
    series: [{name: L.skip_level, type: "line", data: d.skip_level}, {name: L.to_province, type: "line", data: d.to_province},
             {name: L.to_beijing, type: "line", data: d.to_beijing}]});
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
