// The five-colour map (ECharts, vendored): township tiles and, given boundaries, the map; a click opens the township.
(function () {
  if (!window.echarts) return;
  const d = JSON.parse(document.getElementById("map-data").textContent);
  const L = d.labels;
  const charts = [];
  function tip(t) {
    return t.name + "<br>" + L.index + "：" + t.index + "<br>" + L.rank + "：" + t.rank + " " + t.change +
      "<br>" + L.colour + "：" + t.colour_name;
  }
  // The rank on the tile itself: the layout does not read in rank order at every width, and a tie shows as one.
  function label(t) {
    return t.name + "\n" + t.index + (t.no_data ? "" : "\n" + L.place.replace("{rank}", t.rank));
  }
  function open(params) { if (params.data && params.data.tile) window.location.href = params.data.tile.url; }
  const gridEl = document.getElementById("chart-grid");
  if (gridEl) {
    const grid = echarts.init(gridEl);
    grid.setOption({
      tooltip: {formatter: function (p) { return p.data && p.data.tile ? tip(p.data.tile) : ""; }},
      series: [{type: "treemap", roam: false, nodeClick: false, breadcrumb: {show: false}, sort: false,
        left: 0, right: 0, top: 0, bottom: 0, squareRatio: 1,
        itemStyle: {borderColor: "#fff", borderWidth: 3, gapWidth: 3},
        label: {show: true, color: "#fff", fontSize: 14, lineHeight: 20,
                formatter: function (p) { return label(p.data.tile); }},
        data: d.tiles.map(function (t) { return {name: t.name, value: 1, tile: t, itemStyle: {color: t.colour}}; })}]
    });
    grid.on("click", open);
    charts.push(grid);
  }
  const mapEl = document.getElementById("chart-map");
  if (mapEl && d.geojson) {
    echarts.registerMap("county", d.geojson);
    const map = echarts.init(mapEl);
    map.setOption({
      tooltip: {formatter: function (p) { return p.data && p.data.tile ? tip(p.data.tile) : p.name; }},
      series: [{type: "map", map: "county", roam: true, selectedMode: false, layoutCenter: ["50%", "50%"], layoutSize: "95%",
        itemStyle: {areaColor: "#e0e0e0", borderColor: "#fff"},
        label: {show: true, formatter: function (p) { return p.data && p.data.tile ? label(p.data.tile) : ""; }},
        emphasis: {label: {show: true}, itemStyle: {borderColor: "#333", borderWidth: 2}},
        data: d.tiles.map(function (t) {
          return {name: t.name, value: t.value === null ? null : Number(t.value), tile: t, itemStyle: {areaColor: t.colour},
                  emphasis: {itemStyle: {areaColor: t.colour}}};
        })}]
    });
    map.on("click", open);
    charts.push(map);
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
