// The timeline: events per period stacked by quad class (/api/series), with a brush that
// selects a range of periods and hands it over as a date filter.
//
//   const timeline = createTimeline(div, {onRange: ({since, until}) => ...});
//   timeline.update(series.items, "month", {since: "2016-01-01", until: "2016-03-31"});
//
// The timeline is the overview: it ignores the date filter itself (so that another range can be
// brushed) and shows the current range as the brush area.

import {QUADS, escapeHtml} from "./util.js";

const DAY = 86400000;

function parseDay(text) {
  const [y, m, d] = text.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d));
}

function formatDay(date) {
  return date.toISOString().slice(0, 10);
}

/** The period after `start` ("2016-03-01", "month" → "2016-04-01"). */
export function nextPeriod(start, freq) {
  const d = parseDay(start);
  if (freq === "day") return formatDay(new Date(d.getTime() + DAY));
  if (freq === "week") return formatDay(new Date(d.getTime() + 7 * DAY));
  if (freq === "month") return formatDay(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)));
  return formatDay(new Date(Date.UTC(d.getUTCFullYear() + 1, 0, 1)));
}

/** The last day of the period that starts on `start`. */
export function periodEnd(start, freq) {
  return formatDay(new Date(parseDay(nextPeriod(start, freq)).getTime() - DAY));
}

/** Every period from the first to the last one with events, so that gaps show as gaps. */
export function allPeriods(items, freq) {
  if (!items.length) return [];
  const starts = items.map((i) => i.period).sort();
  const periods = [];
  // a guard against a runaway loop on odd input: 20 years of days is ~7300 periods
  for (let p = starts[0]; p <= starts[starts.length - 1] && periods.length < 10000; p = nextPeriod(p, freq)) {
    periods.push(p);
  }
  return periods;
}

function label(period, freq) {
  if (freq === "year") return period.slice(0, 4);
  if (freq === "month") return period.slice(0, 7);
  return period;
}

/** The indexes of the periods covering [since, until], or null when nothing overlaps. */
function rangeIndexes(periods, freq, since, until) {
  if (!periods.length || (!since && !until)) return null;
  let first = -1;
  let last = -1;
  periods.forEach((p, i) => {
    const overlaps = (!until || p <= until) && (!since || periodEnd(p, freq) >= since);
    if (overlaps) {
      if (first < 0) first = i;
      last = i;
    }
  });
  return first < 0 ? null : [first, last];
}

export function createTimeline(container, {onRange}) {
  const chart = echarts.init(container, null, {renderer: "canvas"});
  let periods = [];
  let freq = "month";

  chart.on("brushEnd", (event) => {
    const area = (event.areas || [])[0];
    if (!area || !periods.length) {
      onRange({since: "", until: ""});
      return;
    }
    const [a, b] = area.coordRange.map((i) => Math.max(0, Math.min(periods.length - 1, Math.round(i))));
    onRange({since: periods[Math.min(a, b)], until: periodEnd(periods[Math.max(a, b)], freq)});
  });

  // the toolbox's "clear" button removes the brush without a brushEnd
  chart.on("brush", (event) => {
    if (event.command === "clear") onRange({since: "", until: ""});
  });

  function showRange(range) {
    const indexes = rangeIndexes(periods, freq, range.since, range.until);
    chart.dispatchAction({
      type: "brush",
      areas: indexes ? [{brushType: "lineX", xAxisIndex: 0, coordRange: indexes}] : [],
    });
  }

  function update(items, newFreq, range) {
    freq = newFreq;
    periods = allPeriods(items, freq);
    const index = new Map(periods.map((p, i) => [p, i]));
    const series = Object.entries(QUADS).map(([quad, {label: name, color}]) => {
      const data = new Array(periods.length).fill(0);
      for (const item of items) if (String(item.quad) === quad) data[index.get(item.period)] += item.events;
      return {name, type: "bar", stack: "events", data, itemStyle: {color}, barMaxWidth: 28,
              emphasis: {focus: "series"}};
    });
    chart.setOption({
      animation: false,
      grid: {left: 40, right: 16, top: 34, bottom: 28},
      legend: {top: 0, left: 0, itemWidth: 12, itemHeight: 10, textStyle: {fontSize: 11}},
      tooltip: {
        trigger: "axis",
        axisPointer: {type: "shadow"},
        formatter: (params) => {
          const lines = params.filter((p) => p.value).map(
            (p) => `${p.marker}${escapeHtml(p.seriesName)}: ${escapeHtml(p.value)}`);
          return [`<strong>${escapeHtml(params[0]?.name)}</strong>`, ...lines].join("<br>");
        },
      },
      toolbox: {right: 8, top: -4, itemSize: 14, feature: {brush: {type: ["lineX", "clear"],
                title: {lineX: "Select a date range", clear: "Clear the date range"}}}},
      brush: {xAxisIndex: 0, brushMode: "single", brushType: "lineX", throttleType: "debounce",
              brushStyle: {color: "rgba(80, 80, 80, 0.12)", borderColor: "rgba(60, 60, 60, 0.6)"}},
      xAxis: {type: "category", data: periods.map((p) => label(p, freq)),
              axisLabel: {fontSize: 10, hideOverlap: true}},
      yAxis: {type: "value", minInterval: 1, axisLabel: {fontSize: 10}},
      series,
    }, {notMerge: true});
    // brushing is the point of the timeline: make it the cursor's default action
    chart.dispatchAction({type: "takeGlobalCursor", key: "brush",
                          brushOption: {brushType: "lineX", brushMode: "single"}});
    showRange(range);
  }

  return {update, showRange, resize: () => chart.resize(), chart};
}
