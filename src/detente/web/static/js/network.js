// The dyad network (/api/network): countries as nodes sized by their events, directed edges
// weighted by events and coloured from cooperation blue to conflict red by their conflict share.
//
//   const network = createNetwork(div, {onDyad: (dyad) => ...});
//   network.update(await getJSON("/api/network", params));
//
// Clicking an edge asks for that dyad (USA-RUS) as a filter.

import {conflictColor, escapeHtml} from "./util.js";

function share(edge) {
  const coded = edge.cooperation + edge.conflict;
  return coded ? edge.conflict / coded : 0;
}

export function createNetwork(container, {onDyad}) {
  const chart = echarts.init(container, null, {renderer: "canvas"});

  chart.on("click", (event) => {
    if (event.dataType === "edge" && event.data) onDyad(`${event.data.source}-${event.data.target}`);
  });

  function update(body) {
    const nodes = body.nodes || [];
    const edges = body.edges || [];
    const most = Math.max(1, ...nodes.map((n) => n.events));
    const heaviest = Math.max(1, ...edges.map((e) => e.events));
    const pairs = new Set(edges.map((e) => `${e.source}|${e.target}`));
    chart.setOption({
      animation: false,
      tooltip: {
        formatter: (p) => {
          if (p.dataType === "edge") {
            const e = p.data;
            return `<strong>${escapeHtml(e.source)} → ${escapeHtml(e.target)}</strong><br>` +
              `${escapeHtml(e.events)} events: ${escapeHtml(e.cooperation)} cooperation, ` +
              `${escapeHtml(e.conflict)} conflict`;
          }
          return `<strong>${escapeHtml(p.name)}</strong><br>${escapeHtml(p.value)} events in these dyads`;
        },
      },
      series: [{
        type: "graph",
        layout: "force",
        roam: true,
        draggable: true,
        zoom: 0.9,
        force: {repulsion: 140, edgeLength: [40, 110], gravity: 0.25, layoutAnimation: false},
        label: {show: true, position: "right", fontSize: 11},
        edgeSymbol: ["none", "arrow"],
        edgeSymbolSize: 7,
        emphasis: {focus: "adjacency", lineStyle: {width: 5}},
        data: nodes.map((n) => ({
          name: n.id, value: n.events,
          symbolSize: 6 + 20 * Math.sqrt(n.events / most),
          itemStyle: {color: "#5b6675"},
        })),
        links: edges.map((e) => ({
          ...e,
          lineStyle: {
            width: 0.8 + 4.5 * Math.sqrt(e.events / heaviest),
            color: conflictColor(share(e)),
            opacity: 0.75,
            // both directions of a dyad are drawn: bend them apart
            curveness: pairs.has(`${e.target}|${e.source}`) ? 0.2 : 0,
          },
        })),
      }],
    }, {notMerge: true});
  }

  return {update, resize: () => chart.resize(), chart};
}
