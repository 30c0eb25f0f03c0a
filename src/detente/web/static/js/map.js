// The world map (/api/map): country outlines from the bundled world-atlas TopoJSON (no tile
// server), countries shaded by the events that took place there, and event places as circles
// sized by their events and coloured by their conflict share.
//
//   const map = await createMap(div);          // loads /static/vendor/countries-110m.json
//   map.update(await getJSON("/api/map", params));
//
// Fiji and Russia cross the antimeridian: their rings jump from +180° to -180° and would be
// drawn as streaks across the whole map, so such rings are cut at ±180° (splitAntimeridian).

import {ALPHA3, ALPHA3_BY_NAME} from "./iso.js";
import {conflictColor, escapeHtml} from "./util.js";

const ATLAS = "/static/vendor/countries-110m.json";
const ANTARCTICA = "010"; // no events there, and it takes a fifth of the map's height

/** Make a ring continuous: after a jump of more than 180° the following points move by ±360°. */
function unwrap(ring) {
  let offset = 0;
  const out = [[ring[0][0], ring[0][1]]];
  for (let i = 1; i < ring.length; i++) {
    const step = ring[i][0] - ring[i - 1][0];
    if (step > 180) offset -= 360;
    else if (step < -180) offset += 360;
    out.push([ring[i][0] + offset, ring[i][1]]);
  }
  // a ring around a pole does not come back to its start: it must be left alone
  return {ring: out, closed: offset === 0};
}

/** The part of a ring on one side of the meridian x = at (Sutherland–Hodgman, one edge). */
function clip(ring, at, keepWest) {
  const inside = (x) => (keepWest ? x <= at : x >= at);
  const out = [];
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i];
    const b = ring[(i + 1) % ring.length];
    if (inside(a[0])) out.push(a);
    if (inside(a[0]) !== inside(b[0])) {
      const t = (at - a[0]) / (b[0] - a[0]);
      out.push([at, a[1] + t * (b[1] - a[1])]);
    }
  }
  if (out.length && (out[0][0] !== out[out.length - 1][0] || out[0][1] !== out[out.length - 1][1])) {
    out.push(out[0]);
  }
  return out.length >= 4 ? out : null;
}

/** A polygon (outer ring and holes) as one or two polygons, none crossing ±180°. */
function splitPolygon(rings) {
  const unwrapped = rings.map(unwrap);
  if (unwrapped.some((u) => !u.closed)) return [rings];
  const xs = unwrapped.flatMap((u) => u.ring.map((p) => p[0]));
  const east = Math.max(...xs) > 180;
  const west = Math.min(...xs) < -180;
  if (!east && !west) return [unwrapped.map((u) => u.ring)];
  const at = east ? 180 : -180;
  const shift = east ? -360 : 360;
  const near = unwrapped.map((u) => clip(u.ring, at, east));
  const far = unwrapped.map((u) => clip(u.ring, at, !east)).map(
    (ring) => ring && ring.map(([x, y]) => [x + shift, y]));
  // a part exists when its outer ring does; holes follow the outer ring they fall in
  return [near, far].filter((part) => part[0]).map((part) => part.filter(Boolean));
}

/** A GeoJSON geometry with no ring crossing the antimeridian. */
export function splitAntimeridian(geometry) {
  if (!geometry) return geometry;
  if (geometry.type === "Polygon") {
    const parts = splitPolygon(geometry.coordinates);
    return parts.length === 1 ? {type: "Polygon", coordinates: parts[0]}
      : {type: "MultiPolygon", coordinates: parts};
  }
  if (geometry.type === "MultiPolygon") {
    return {type: "MultiPolygon", coordinates: geometry.coordinates.flatMap(splitPolygon)};
  }
  return geometry;
}

/** The atlas as GeoJSON named by alpha-3 codes (ECharts names regions by `properties.name`). */
export function worldFeatures(topology) {
  const collection = topojson.feature(topology, topology.objects.countries);
  const names = {};
  const features = collection.features
    .filter((f) => f.id !== ANTARCTICA)
    .map((f) => {
      const code = ALPHA3[f.id] || ALPHA3_BY_NAME[f.properties.name] || f.properties.name;
      names[code] = f.properties.name;
      return {type: "Feature", id: f.id, properties: {name: code}, geometry: splitAntimeridian(f.geometry)};
    });
  return {geojson: {type: "FeatureCollection", features}, names};
}

export async function createMap(container) {
  const response = await fetch(ATLAS);
  if (!response.ok) throw new Error(`the world atlas could not be loaded (HTTP ${response.status})`);
  const {geojson, names} = worldFeatures(await response.json());
  echarts.registerMap("world", geojson);
  const chart = echarts.init(container, null, {renderer: "canvas"});
  const countryName = (code) => names[code] || code;

  function update(body) {
    const points = body.points || [];
    const countries = body.countries || [];
    const most = Math.max(1, ...countries.map((c) => c.events));
    const busiest = Math.max(1, ...points.map((p) => p.events));
    chart.setOption({
      animation: false,
      tooltip: {
        formatter: (p) => {
          if (p.seriesType === "scatter") {
            const d = p.data;
            return `<strong>${escapeHtml(d.name)}</strong> (${escapeHtml(countryName(d.country))})<br>` +
              `${escapeHtml(d.events)} events, ${escapeHtml(d.conflict)} of them conflict`;
          }
          const events = Number.isFinite(p.value) ? p.value : 0;
          return `<strong>${escapeHtml(countryName(p.name))}</strong><br>${escapeHtml(events)} events located here`;
        },
      },
      visualMap: {
        type: "continuous", seriesIndex: 0, min: 0, max: most, left: 8, bottom: 8,
        itemHeight: 70, itemWidth: 10, text: ["events", ""], textStyle: {fontSize: 10},
        inRange: {color: ["#f4efe2", "#c9823a"]}, calculable: false,
      },
      geo: {
        map: "world", roam: true, zoom: 1.15, center: [15, 20],
        itemStyle: {areaColor: "#eceef1", borderColor: "#9aa3ad", borderWidth: 0.5},
        emphasis: {label: {show: false}, itemStyle: {areaColor: "#d6dbe1"}},
        select: {disabled: true},
      },
      series: [
        {type: "map", geoIndex: 0, data: countries.map((c) => ({name: c.country, value: c.events}))},
        {
          type: "scatter", coordinateSystem: "geo", z: 3,
          data: points.map((p) => ({
            name: p.place, value: [p.lon, p.lat, p.events], country: p.country,
            events: p.events, conflict: p.conflict,
            itemStyle: {color: conflictColor(p.events ? p.conflict / p.events : 0), opacity: 0.8,
                        borderColor: "#fff", borderWidth: 1},
          })),
          symbolSize: (value) => 6 + 16 * Math.sqrt(value[2] / busiest),
        },
      ],
    }, {notMerge: true});
  }

  return {update, resize: () => chart.resize(), chart, geojson};
}
