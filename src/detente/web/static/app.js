// detente's dashboard: filters, a timeline, the dyad network, the map and the event table, all
// views of the same filtered events, and a detail panel for one event.
//
// The filters live in the form and in the URL fragment (#dyad=USA-RUS&type=CONSULT), so that a
// view can be bookmarked or shared. Every change of filters refreshes all views; a range brushed
// on the timeline becomes the date filter and refreshes the others.

import {ApiError, el, getJSON, replaceChildren} from "./js/util.js";
import {createTimeline} from "./js/timeline.js";
import {createNetwork} from "./js/network.js";
import {createMap} from "./js/map.js";
import {createTable} from "./js/table.js";
import {createDetail} from "./js/detail.js";
import {mapData, seriesData} from "./js/data.js";

const FILTERS = ["since", "until", "actor", "recipient", "dyad", "undirected", "type", "quad", "text", "level"];
const PAGE_SIZE = 50;

const $ = (id) => document.getElementById(id);
const form = $("filters");
const status = $("status");
const state = {filters: {level: "event"}, freq: "month", offset: 0};
let generation = 0;
let applied = "";

function readForm() {
  const data = new FormData(form);
  const filters = {};
  for (const name of FILTERS) {
    const value = name === "undirected" ? data.has(name) : String(data.get(name) ?? "").trim();
    if (value) filters[name] = name === "dyad" || name === "actor" || name === "recipient" ? value.toUpperCase() : value;
  }
  filters.level = filters.level || "event";
  return filters;
}

function writeForm(filters) {
  for (const name of FILTERS) {
    if (name === "level") {
      for (const radio of form.elements.level) radio.checked = radio.value === (filters.level || "event");
    } else if (name === "undirected") {
      form.elements.undirected.checked = Boolean(filters.undirected);
    } else {
      form.elements[name].value = filters[name] || "";
    }
  }
}

function fromHash() {
  const params = new URLSearchParams(window.location.hash.slice(1));
  const filters = {level: "event"};
  for (const name of FILTERS) {
    const value = params.get(name);
    if (value) filters[name] = name === "undirected" ? value === "true" : value;
  }
  return {filters, freq: params.get("freq") || "month"};
}

function toHash() {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(state.filters)) {
    if (value && !(name === "level" && value === "event")) params.set(name, String(value));
  }
  if (state.freq !== "month") params.set("freq", state.freq);
  const hash = params.toString();
  history.replaceState(null, "", hash ? `#${hash}` : window.location.pathname);
}

/** The API's query parameters for the current filters (`undirected` only with a dyad). */
function apiParams({withDates = true} = {}) {
  const params = {...state.filters};
  if (!params.dyad) delete params.undirected;
  if (!withDates) {
    delete params.since;
    delete params.until;
  }
  return params;
}

function say(message, isError = false) {
  status.textContent = message;
  status.classList.toggle("error", isError);
}

function failure(what, err) {
  if (err instanceof ApiError) return `${what}: ${err.message}`;
  return `${what}: the server did not answer (${err.message})`;
}

let loads = 0;

/** `data-state` on <body> says whether the views are up to date; `data-loads` counts refreshes. */
function setBusy(busy) {
  document.body.dataset.state = busy ? "loading" : "ready";
  if (!busy) document.body.dataset.loads = String(++loads);
  for (const view of document.querySelectorAll(".view")) view.setAttribute("aria-busy", String(busy));
}

const views = {};

async function loadTable(ticket) {
  const page = await getJSON("/api/events", {...apiParams(), limit: PAGE_SIZE, offset: state.offset});
  if (ticket === generation) {
    views.table.update(page, state.filters.level);
    $("table-count").textContent = `${page.total}`;
    if (detail.current) views.table.select(detail.current);
  }
}

/** Load every view that depends on the filters; the timeline only when asked. */
async function refresh({timeline = true} = {}) {
  const ticket = ++generation;
  setBusy(true);
  say("Loading…");
  const jobs = [
    ["events", loadTable(ticket)],
    ["network", getJSON("/api/network", apiParams()).then((body) => {
      if (ticket === generation) {
        views.network.update(body);
        $("network-empty").hidden = body.edges.length > 0;
      }
    })],
    ["map", views.mapReady.then((map) => map && mapData(apiParams())).then((body) => {
      if (body && ticket === generation) views.map.update(body);
    })],
  ];
  if (timeline) {
    jobs.push(["timeline", seriesData(apiParams({withDates: false}), state.freq)
      .then((body) => {
        if (ticket === generation) views.timeline.update(body.items, state.freq, state.filters);
      })]);
  } else {
    views.timeline.showRange(state.filters);
  }
  const outcomes = await Promise.allSettled(jobs.map(([, job]) => job));
  if (ticket !== generation) return;
  const refused = outcomes.filter((o) => o.status === "rejected" && o.reason instanceof ApiError && o.reason.status === 422);
  const problems = outcomes.map((o, i) => (o.status === "rejected" ? failure(jobs[i][0], o.reason) : null)).filter(Boolean);
  // a filter the API refuses is refused by every view: say it once
  const message = refused.length ? `Filters refused: ${refused[0].reason.message}` : problems.join(" · ");
  say(message, problems.length > 0);
  setBusy(false);
}

function apply({timeline = true, force = false} = {}) {
  state.filters = readForm();
  writeForm(state.filters); // shows the codes as they are sent (usa-rus → USA-RUS)
  const key = JSON.stringify([state.filters, state.freq]);
  if (key === applied && !force) return;
  applied = key;
  state.offset = 0;
  toHash();
  refresh({timeline});
}

const detail = createDetail($("detail"), {onClose: () => views.table.select(null)});

/** Show the filters of the URL fragment (on load, and when someone edits or pastes it). */
function followHash() {
  const wanted = fromHash();
  state.freq = ["day", "week", "month", "year"].includes(wanted.freq) ? wanted.freq : "month";
  $("freq").value = state.freq;
  writeForm(wanted.filters);
}

function init() {
  followHash();

  views.timeline = createTimeline($("timeline"), {
    onRange: ({since, until}) => {
      form.elements.since.value = since;
      form.elements.until.value = until;
      apply({timeline: false});
    },
  });
  views.network = createNetwork($("network"), {
    onDyad: (dyad) => {
      form.elements.dyad.value = dyad;
      apply();
    },
  });
  views.table = createTable($("table"), {
    onOpen: (id, button) => {
      views.table.select(id);
      detail.open(id, button);
    },
    onPage: (offset) => {
      state.offset = offset;
      const ticket = ++generation;
      setBusy(true);
      loadTable(ticket)
        .then(() => say(""), (err) => say(failure("events", err), true))
        .finally(() => ticket === generation && setBusy(false));
    },
  });
  views.mapReady = createMap($("map")).then((map) => {
    views.map = map;
    return map;
  }).catch((err) => {
    replaceChildren($("map"), el("p", {class: "error", text: err.message}));
    return null;
  });

  // text inputs apply on Enter or when they lose focus; the other controls as soon as they change
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    apply();
  });
  form.addEventListener("change", () => apply());
  $("reset").addEventListener("click", () => {
    writeForm({level: "event"});
    apply();
  });
  $("freq").addEventListener("change", (event) => {
    state.freq = event.target.value;
    applied = "";
    apply();
  });
  // replaceState (toHash) fires no hashchange: this is a fragment typed, pasted or followed
  window.addEventListener("hashchange", () => {
    followHash();
    apply();
  });
  let resizing = 0;
  window.addEventListener("resize", () => {
    clearTimeout(resizing);
    resizing = setTimeout(() => {
      for (const view of [views.timeline, views.network, views.map]) view?.resize();
    }, 100);
  });

  getJSON("/api/summary").then((s) => {
    $("summary").textContent = `${s.articles} articles · ${s.events} events · ${s.mentions} mentions` +
      (s.first_date ? ` · ${s.first_date} to ${s.last_date}` : "");
  }).catch((err) => say(failure("summary", err), true));

  window.detente = {views, state, detail};
  apply({force: true});
}

init();
