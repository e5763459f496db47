// The leader dashboard's charts (ECharts, vendored) and tooltips. Every bar and point opens the case list behind it.
(function () {
  document.querySelectorAll('[data-bs-toggle="tooltip"]').forEach(function (el) {
    if (window.bootstrap && bootstrap.Tooltip) new bootstrap.Tooltip(el);
  });
  if (!window.echarts) return;
  const d = JSON.parse(document.getElementById("dash-data").textContent);
  const list = JSON.parse(document.getElementById("dash-case-list").textContent);
  const t = d.trend, L = t.labels;
  const grid = {left: 40, right: 16, top: 40, bottom: 28, containLabel: true};
  const charts = [];
  function draw(id, option, queries) {
    const el = document.getElementById(id);
    if (!el) return;
    const chart = echarts.init(el);
    chart.setOption(Object.assign({tooltip: {trigger: "axis"}, grid: grid}, option));
    if (queries) {
      chart.on("click", function (p) {
        const q = typeof queries === "function" ? queries(p) : queries[p.dataIndex];
        if (q) window.location.href = list + "?" + q;
      });
    }
    charts.push(chart);
  }
  draw("chart-trend", {legend: {data: [L.received, L.first, L.repeat]}, xAxis: {type: "category", data: t.months},
    yAxis: {type: "value", minInterval: 1},
    series: [{name: L.received, type: "line", data: t.received}, {name: L.first, type: "line", data: t.first},
             {name: L.repeat, type: "line", data: t.repeat}]}, t.cases);
  draw("chart-skip", {legend: {data: [L.skip_level, L.to_province, L.to_beijing]}, xAxis: {type: "category", data: t.months},
    yAxis: {type: "value", minInterval: 1},
    series: [{name: L.skip_level, type: "bar", data: t.skip_level}, {name: L.to_province, type: "bar", data: t.to_province},
             {name: L.to_beijing, type: "bar", data: t.to_beijing}]}, t.skip_level_cases);
  draw("chart-channel-trend", {legend: {type: "scroll", data: d.channels.map(function (c) { return c.label; })},
    xAxis: {type: "category", data: t.months}, yAxis: {type: "value", minInterval: 1},
    series: d.channels.map(function (c) { return {name: c.label, type: "bar", stack: "all", data: c.trend}; })},
    t.cases);
  draw("chart-channels", {tooltip: {trigger: "item"}, series: [{type: "pie", radius: ["35%", "65%"],
    data: d.channels.filter(function (c) { return c.received; }).map(function (c) { return {name: c.label, value: c.received, q: c.cases}; })}]},
    function (p) { return p.data && p.data.q; });
  draw("chart-categories", {xAxis: {type: "value", minInterval: 1},
    yAxis: {type: "category", inverse: true, data: d.categories.map(function (c) { return c.label; })},
    series: [{type: "bar", data: d.categories.map(function (c) { return c.received; })}]},
    d.categories.map(function (c) { return c.cases; }));
  // The breakdowns' monthly lines: categories, regions or units, as the select says.
  const seriesEl = document.getElementById("chart-series"), seriesBy = document.getElementById("series-by");
  if (seriesEl && seriesBy) {
    const seriesChart = echarts.init(seriesEl);
    function showSeries() {
      const lines = d.series[seriesBy.value] || [];
      seriesChart.setOption({tooltip: {trigger: "axis"}, grid: grid, legend: {type: "scroll", data: lines.map(function (l) { return l.label; })},
        xAxis: {type: "category", data: t.months}, yAxis: {type: "value", minInterval: 1},
        series: lines.map(function (l) { return {name: l.label, type: "line", data: l.data}; })}, true);
    }
    seriesBy.addEventListener("change", showSeries);
    showSeries();
    charts.push(seriesChart);
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
