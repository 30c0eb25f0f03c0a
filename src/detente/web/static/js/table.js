// The event table (/api/events, paginated): one row per canonical event or mention, each row
// opening the event's detail panel by mouse (the whole row) or keyboard (its date button).
//
//   const table = createTable(root, {onOpen: (id, button) => ..., onPage: (offset) => ...});
//   table.update(page, "event");
//
// Cells are text nodes: titles, names and places come from the store and are never markup.

import {QUADS, actorCode, el, formatConfidence, replaceChildren} from "./util.js";

const HEADINGS = ["Date", "Actor", "Type", "Recipient", "Place", "Articles / sources", "Confidence"];

function party(code, sector, name) {
  return el("td", {class: "party"},
    el("span", {class: "code", text: actorCode(code, sector)}),
    name ? el("span", {class: "name", text: name}) : null);
}

function typeCell(event) {
  const quad = QUADS[event.quad_code];
  return el("td", {class: "type"},
    el("span", {class: "chip", attrs: {"aria-hidden": "true"},
                dataset: {quad: String(event.quad_code ?? "")}}),
    el("span", {text: event.event || "—"}),
    event.mode ? el("span", {class: "mode", text: ` (${event.mode})`}) : null,
    quad ? el("span", {class: "visually-hidden", text: `, ${quad.label}`}) : null);
}

function sourcesCell(event, level) {
  if (level === "mention") {
    return el("td", {class: "sources", text: event.source || "—", title: event.title || ""});
  }
  return el("td", {class: "sources num",
                   title: `${event.n_mentions} mentions in ${event.n_articles} articles from ` +
                          `${event.n_sources} independent sources`,
                   text: `${event.n_articles} / ${event.n_sources}`});
}

export function createTable(root, {onOpen, onPage}) {
  const caption = el("caption", {class: "visually-hidden", text: "Events matching the filters"});
  const head = el("thead", {}, el("tr", {}, ...HEADINGS.map((h) => el("th", {scope: "col", text: h}))));
  const body = el("tbody");
  const table = el("table", {class: "events", id: "events-table"}, caption, head, body);
  const status = el("span", {class: "page-status", attrs: {"aria-live": "polite"}});
  const previous = el("button", {type: "button", text: "← Previous", on: {click: () => turn(-1)}});
  const next = el("button", {type: "button", text: "Next →", on: {click: () => turn(1)}});
  const pager = el("nav", {class: "pager", attrs: {"aria-label": "Event pages"}}, previous, status, next);
  replaceChildren(root, el("div", {class: "table-scroll"}, table), pager);
  let current = {total: 0, limit: 50, offset: 0};

  function turn(direction) {
    const offset = current.offset + direction * current.limit;
    if (offset >= 0 && offset < current.total) onPage(offset);
  }

  function row(event, level) {
    const id = level === "mention" ? event.event_id : event.cluster_id;
    const open = el("button", {type: "button", class: "open", text: event.date || "undated",
                               attrs: {"aria-label": `Open ${event.event || "event"} of ${event.date || "unknown date"}`},
                               on: {click: (e) => { e.stopPropagation(); onOpen(id, open); }}});
    const tr = el("tr", {dataset: {id, event: event.event || ""}},
      el("td", {class: "date"}, open),
      party(event.actor_code, event.actor_sector, event.actor),
      typeCell(event),
      party(event.recipient_code, event.recipient_sector, event.recipient),
      el("td", {class: "place", text: event.place || "—"}),
      sourcesCell(event, level),
      el("td", {class: "num", text: formatConfidence(event.confidence)}));
    // the whole row is a click target; the button inside is the keyboard's way in
    tr.addEventListener("click", () => onOpen(id, open));
    return tr;
  }

  function update(page, level) {
    current = page;
    const rows = page.items.map((event) => row(event, level));
    if (!rows.length) {
      rows.push(el("tr", {class: "empty"}, el("td", {colSpan: HEADINGS.length, text: "No events match the filters."})));
    }
    replaceChildren(body, ...rows);
    const last = Math.min(page.offset + page.limit, page.total);
    status.textContent = page.total
      ? `${page.offset + 1}–${last} of ${page.total} ${level === "mention" ? "mentions" : "events"}`
      : "nothing found";
    previous.disabled = page.offset <= 0;
    next.disabled = last >= page.total;
  }

  function select(id) {
    for (const tr of body.rows) tr.classList.toggle("selected", tr.dataset.id === id);
  }

  return {update, select};
}
