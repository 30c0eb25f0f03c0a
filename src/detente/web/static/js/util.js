// Small helpers shared by the dashboard's modules: building DOM safely, escaping text for the
// HTML that ECharts tooltips expect, talking to the API, and the PLOVER vocabulary.
//
//   const row = el("tr", {}, el("td", {text: event.actor}));      // text, never markup
//   const page = await getJSON("/api/events", {dyad: "USA-RUS"});
//
// Every string that comes from the store (titles, article text, names, even codes) is
// untrusted: it reaches the page as a text node or, inside ECharts tooltips, through escapeHtml.

export const PLOVER_TYPES = [
  "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
  "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
];

// The quad class of each type (as in the PLOVER ontology the coder uses): the API's mention
// detail has no quad_code, so the panel derives it from the type.
export const TYPE_QUADS = {
  AGREE: 1, CONSULT: 1, SUPPORT: 1, CONCEDE: 1, COOPERATE: 2, AID: 2, RETREAT: 2, REQUEST: 3,
  ACCUSE: 3, REJECT: 3, THREATEN: 3, SANCTION: 3, PROTEST: 4, MOBILIZE: 4, COERCE: 4, ASSAULT: 4,
};

// Blues for cooperation, reds for conflict: verbal (light) and material (dark).
export const QUADS = {
  1: {label: "Verbal cooperation", color: "#74a9cf"},
  2: {label: "Material cooperation", color: "#1f5f9e"},
  3: {label: "Verbal conflict", color: "#f08a6c"},
  4: {label: "Material conflict", color: "#b2182b"},
};
export const COOPERATION_COLOR = [31, 95, 158];
export const CONFLICT_COLOR = [178, 24, 43];

/** `el("a", {class: "x", text: "hi", on: {click: f}, attrs: {href: "#"}}, child, ...)` */
export function el(tag, options = {}, ...children) {
  const node = document.createElement(tag);
  const {text, on, attrs, dataset, ...properties} = options;
  for (const [name, value] of Object.entries(properties)) {
    if (value === undefined || value === null) continue;
    if (name === "innerHTML" || name === "outerHTML") throw new Error(`el(): no ${name}, build nodes instead`);
    if (name === "class") node.className = value;
    else node[name] = value;
  }
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value !== undefined && value !== null && value !== false) node.setAttribute(name, String(value));
  }
  Object.assign(node.dataset, dataset || {});
  for (const [event, handler] of Object.entries(on || {})) node.addEventListener(event, handler);
  if (text !== undefined && text !== null) node.textContent = String(text);
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Replace every child of `node` (text-only or DOM nodes; strings become text nodes). */
export function replaceChildren(node, ...children) {
  node.replaceChildren(...children.filter((c) => c !== null && c !== undefined && c !== false));
}

/** For ECharts formatters, which return HTML: `escapeHtml('<b>')` → `'&lt;b&gt;'`. */
export function escapeHtml(value) {
  return String(value ?? "").replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A colour between cooperation blue (share 0) and conflict red (share 1). */
export function conflictColor(share) {
  const t = Math.max(0, Math.min(1, Number.isFinite(share) ? share : 0));
  const mix = COOPERATION_COLOR.map((c, i) => Math.round(c + (CONFLICT_COLOR[i] - c) * t));
  return `rgb(${mix.join(",")})`;
}

/** Only http(s) links are shown as links: a stored `javascript:` URL stays text. */
export function safeHref(url) {
  if (!url) return null;
  try {
    const parsed = new URL(String(url), window.location.href);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
  } catch {
    return null;
  }
}

export class ApiError extends Error {
  constructor(status, detail) {
    super(detail || `HTTP ${status}`);
    this.status = status;
  }
}

function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params || {})) {
    if (value === undefined || value === null || value === "" || value === false) continue;
    for (const item of Array.isArray(value) ? value : [value]) search.append(name, String(item));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

async function answer(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok) {
    const detail = body && typeof body.detail === "string" ? body.detail : response.statusText;
    throw new ApiError(response.status, detail);
  }
  return body;
}

/** GET an API path with query parameters (empty ones left out); throws ApiError. */
export async function getJSON(path, params, signal) {
  return answer(await fetch(path + query(params), {signal, headers: {Accept: "application/json"}}));
}

/** POST a JSON body, with `Authorization: Bearer <token>` when a token is given. */
export async function postJSON(path, body, token) {
  const headers = {"Content-Type": "application/json", Accept: "application/json"};
  if (token) headers.Authorization = `Bearer ${token}`;
  return answer(await fetch(path, {method: "POST", headers, body: JSON.stringify(body)}));
}

/** "USA·GOV" from a code and a sector, "—" when there is neither. */
export function actorCode(code, sector) {
  return [code, sector].filter(Boolean).join("·") || "—";
}

export function formatConfidence(value) {
  return typeof value === "number" ? value.toFixed(2) : "—";
}
