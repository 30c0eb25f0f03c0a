// What the timeline and the map draw, fetched so that they count the same events as the table.
//
//   const series = await seriesData(params, "month");   // {items: [{period, quad, events}]}
//   const map = await mapData(params);                  // {points: [...], countries: [...]}
//
// Why not /api/series and /api/map alone: a reciprocal canonical event (A meets B) is stored once,
// A→B, and the API adds a flipped copy B→A for filters. /api/series and /api/map count canonical
// events with `NOT flipped`, so a directional filter (actor, recipient, directed dyad) that only
// the flipped copy matches loses the event: USA-RUS misses every meeting stored as RUS→USA.
// /api/events counts such events (it keeps one matching copy per event). For those filters the
// timeline uses the zero-filled panel, which counts the matching copy, and the map counts the
// places of the listed events and takes their coordinates from an unfiltered-by-actor /api/map.
// Without directional filters, or for mentions, the API's answers are right and used as they are.

import {getJSON} from "./util.js";

const QUAD_COLUMNS = ["q1_verbal_coop", "q2_material_coop", "q3_verbal_conflict", "q4_material_conflict"];
const EVENTS_FOR_MAP = 1000; // the API's page limit; beyond it the map falls back to /api/map

/** Whether the API's flipped-copy bug can lose events under these filters. */
export function directional(params) {
  return params.level !== "mention" && Boolean(params.actor || params.recipient || (params.dyad && !params.undirected));
}

export async function seriesData(params, freq) {
  if (!directional(params)) return getJSON("/api/series", {...params, freq});
  const unit = params.dyad || (params.actor && params.recipient) ? "dyad" : params.actor ? "actor" : "recipient";
  const panel = await getJSON("/api/panel", {...params, unit, freq, measure: "quad-counts", limit: 100000});
  const items = panel.items.flatMap((row) => QUAD_COLUMNS
    .map((column, i) => ({period: row.period, quad: i + 1, events: row[column]}))
    .filter((item) => item.events > 0));
  return {freq, items};
}

export async function mapData(params) {
  if (!directional(params)) return getJSON("/api/map", params);
  const {actor, recipient, dyad, undirected, ...others} = params;
  const [everywhere, listed] = await Promise.all([
    getJSON("/api/map", {...others, limit: 10000}),
    getJSON("/api/events", {...params, limit: EVENTS_FOR_MAP}),
  ]);
  if (listed.total > EVENTS_FOR_MAP) return getJSON("/api/map", params);
  const where = new Map(everywhere.points.map((p) => [`${p.place}|${p.country}`, p]));
  const points = new Map();
  const countries = new Map();
  for (const event of listed.items) {
    if (event.place_country) countries.set(event.place_country, (countries.get(event.place_country) || 0) + 1);
    const known = where.get(`${event.place}|${event.place_country}`);
    if (!event.place || !known) continue;
    const point = points.get(known) || {...known, events: 0, conflict: 0};
    point.events += 1;
    point.conflict += event.quad_code === 3 || event.quad_code === 4 ? 1 : 0;
    points.set(known, point);
  }
  return {
    points: [...points.values()].sort((a, b) => b.events - a.events),
    countries: [...countries].map(([country, events]) => ({country, events})).sort((a, b) => b.events - a.events),
  };
}
