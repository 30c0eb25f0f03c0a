// The detail panel: one event (/api/events/{id}) with what was coded, each mention's article
// (/api/articles/{article_id}) with the evidence highlighted, and the reviews.
//
//   const detail = createDetail(asideElement, {onClose: () => ...});
//   detail.open("c10fb3d975cb9c13fc7d", buttonThatOpenedIt);
//
// A canonical event gathers mentions from several articles: one is shown at a time, the
// cluster's representative first, and the list of mentions switches between them.

import {QUADS, TYPE_QUADS, actorCode, el, formatConfidence, getJSON, replaceChildren, safeHref} from "./util.js";
import {evidenceSpans, highlight, legend, parseEvidence} from "./evidence.js";
import {reviewSection} from "./review.js";

function facts(pairs) {
  return el("dl", {class: "facts"}, ...pairs.filter(([, value]) => value !== null && value !== undefined && value !== "")
    .flatMap(([term, value]) => [el("dt", {text: term}), el("dd", {text: value})]));
}

function party(code, sector, name) {
  if (!code && !sector && !name) return "—";
  return name ? `${name} (${actorCode(code, sector)})` : actorCode(code, sector);
}

function plural(n, noun) {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

function reported(event, level) {
  if (level === "mention") return "1 mention";
  return `${plural(event.n_mentions, "mention")} in ${plural(event.n_articles, "article")} ` +
    `from ${plural(event.n_sources, "independent source")}`;
}

function eventFacts(detail) {
  const event = detail.event;
  const rules = [...new Set(detail.mentions.map((m) => m.rule).filter(Boolean))];
  const quadCode = event.quad_code ?? TYPE_QUADS[event.event];
  const quad = QUADS[quadCode];
  return facts([
    ["Date", event.date_value || event.date || "undated"],
    ["Actor", party(event.actor_code, event.actor_sector, event.actor_name)],
    ["Recipient", party(event.recipient_code, event.recipient_sector, event.recipient_name)],
    ["Place", event.place ? `${event.place}${event.place_country ? ` (${event.place_country})` : ""}` : "—"],
    ["Class", quad ? `${quad.label} (quad ${quadCode})` : "—"],
    ["Confidence", formatConfidence(event.confidence)],
    [rules.length > 1 ? "Rules" : "Rule", rules.join(", ") || "—"],
    ["Reported", reported(event, detail.level)],
    ["Reciprocal", event.reciprocal ? "yes: counted in both directions" : null],
    ["Modality", event.modality],
  ]);
}

function mentionLabel(mention) {
  const who = [mention.actor_text, mention.recipient_text].filter(Boolean).join(" → ");
  return `${mention.title || "Untitled article"} — ${who || "?"}: “${mention.trigger_text || ""}”`;
}

export function createDetail(root, {onClose}) {
  const heading = el("h2", {id: "detail-heading", tabIndex: -1, text: "Event"});
  const close = el("button", {type: "button", class: "close", text: "×",
                              attrs: {"aria-label": "Close the event detail"}, on: {click: () => hide()}});
  const body = el("div", {class: "detail-body"});
  replaceChildren(root, el("header", {class: "detail-header"}, heading, close), body);
  root.setAttribute("aria-labelledby", "detail-heading");
  root.hidden = true;
  const articles = new Map();
  let current = null;
  let opener = null;
  let generation = 0;

  // Escape closes the panel wherever the focus is (a saved review re-renders what had it)
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !root.hidden) hide();
  });

  function article(id) {
    if (!articles.has(id)) {
      const request = getJSON(`/api/articles/${encodeURIComponent(id)}`);
      request.catch(() => articles.delete(id)); // a failed fetch is retried next time
      articles.set(id, request);
    }
    return articles.get(id);
  }

  async function showMention(detail, index, box, ticket) {
    const mention = detail.mentions[index];
    const evidence = parseEvidence(mention.evidence);
    box.setAttribute("aria-busy", "true");
    let text = null;
    let meta = null;
    let copies = [];
    try {
      const answer = await article(mention.article_id);
      text = answer.article.text || "";
      meta = answer.article;
      copies = answer.copies || [];
    } catch (err) {
      if (ticket !== generation) return;
      replaceChildren(box, el("p", {class: "error", text: `The article could not be loaded: ${err.message}`}));
      box.removeAttribute("aria-busy");
      return;
    }
    if (ticket !== generation) return;
    const href = safeHref(meta.url);
    const source = [meta.source, meta.published].filter(Boolean).join(" · ");
    const textBox = el("div", {class: "article-text", tabIndex: 0,
                               attrs: {role: "region", "aria-label": "Article text with the evidence highlighted"}},
      highlight(text, evidenceSpans(evidence, text)));
    replaceChildren(box,
      facts([
        ["Rule", mention.rule || evidence.rule || "—"],
        ["Confidence", formatConfidence(mention.confidence)],
        ["Coded as", `${party(mention.actor_code, mention.actor_sector, mention.actor_text)} → ` +
                     `${party(mention.recipient_code, mention.recipient_sector, mention.recipient_text)}`],
        ["Date", mention.date_value ? `${mention.date_value} (from the ${mention.date_source || "?"})` : "—"],
      ]),
      legend(),
      el("h4", {class: "article-title", text: meta.title || `Untitled article (${meta.source_id || meta.article_id})`}),
      el("p", {class: "article-meta"},
        source || meta.source_id || mention.article_id,
        href ? " · " : null,
        href ? el("a", {href, text: "original", rel: "noopener noreferrer nofollow", target: "_blank"}) : null,
        copies.length ? ` · same text also from ${copies.map((c) => c.source || c.article_id).join(", ")}` : null),
      textBox);
    box.removeAttribute("aria-busy");
    const trigger = textBox.querySelector("mark.ev-trigger");
    if (trigger) textBox.scrollTop = Math.max(0, trigger.offsetTop - textBox.clientHeight / 3);
  }

  function evidenceSection(detail, ticket) {
    const box = el("div", {class: "mention"});
    const first = Math.max(0, detail.mentions.findIndex((m) => m.event_id === detail.event.event_id));
    const choices = detail.mentions.map((mention, index) => el("li", {},
      el("button", {type: "button", class: "mention-choice", text: mentionLabel(mention),
                    attrs: {"aria-pressed": String(index === first)}, dataset: {eventId: mention.event_id},
                    on: {click: (event) => {
                      for (const b of list.querySelectorAll("button")) b.setAttribute("aria-pressed", "false");
                      event.currentTarget.setAttribute("aria-pressed", "true");
                      showMention(detail, index, box, ticket);
                    }}})));
    const list = el("ol", {class: "mentions", attrs: {"aria-label": "Mentions of this event"}}, ...choices);
    if (detail.mentions.length) showMention(detail, first, box, ticket);
    return el("section", {class: "evidence", attrs: {"aria-labelledby": "evidence-heading"}},
      el("h3", {id: "evidence-heading", text: `Evidence (${plural(detail.mentions.length, "mention")})`}),
      detail.mentions.length > 1 ? list : null,
      detail.mentions.length ? box : el("p", {class: "muted", text: "No mention is stored for this event."}));
  }

  function render(detail, message) {
    const ticket = ++generation;
    const event = detail.event;
    // a reciprocal event (A meets B) is stored once, A→B, and listed under both directions
    heading.textContent = `${event.event || "Event"}: ${actorCode(event.actor_code, event.actor_sector)} ` +
      `${event.reciprocal ? "↔" : "→"} ${actorCode(event.recipient_code, event.recipient_sector)}`;
    const level = detail.level === "mention" ? "mention" : "event";
    const target = level === "mention" ? event.event_id : event.cluster_id;
    replaceChildren(body,
      el("section", {class: "event-facts", attrs: {"aria-label": "What was coded"}}, eventFacts(detail)),
      evidenceSection(detail, ticket),
      reviewSection({level, target, reviews: detail.reviews || [], message,
                     onSaved: (saved) => load(current, saved)}));
    root.dataset.state = "ready";
    if (message) root.querySelector("#review-heading")?.focus();
  }

  async function load(id, message = "") {
    const ticket = ++generation;
    root.dataset.state = "loading";
    try {
      const detail = await getJSON(`/api/events/${encodeURIComponent(id)}`);
      if (ticket === generation) render(detail, message);
    } catch (err) {
      if (ticket !== generation) return;
      heading.textContent = "Event";
      replaceChildren(body, el("p", {class: "error", text: `The event could not be loaded: ${err.message}`}));
      root.dataset.state = "error";
    }
  }

  function open(id, from) {
    current = id;
    opener = from || null;
    root.hidden = false;
    load(id).then(() => heading.focus());
  }

  function hide() {
    if (root.hidden) return;
    root.hidden = true;
    current = null;
    generation++;
    onClose();
    if (opener && opener.isConnected) opener.focus();
  }

  return {open, close: hide, get current() { return current; }};
}
