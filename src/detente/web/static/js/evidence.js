// Evidence highlighting: the character spans of a mention (trigger, actor, recipient, date,
// place; offsets into the article text) become <mark> elements between plain text nodes.
//
//   const spans = evidenceSpans(parseEvidence(mention.evidence), article.text);
//   box.append(highlight(article.text, spans));
//   // "… <mark class="ev ev-actor">John Kerry</mark> met … <mark class="ev ev-trigger">talks</mark> …"
//
// The text is never parsed as HTML: whatever the article contains stays text.

import {el} from "./util.js";

export const ROLES = [
  {role: "trigger", label: "Trigger"},
  {role: "actor", label: "Actor"},
  {role: "recipient", label: "Recipient"},
  {role: "date", label: "Date"},
  {role: "place", label: "Place"},
];
const LABELS = Object.fromEntries(ROLES.map(({role, label}) => [role, label]));

/** The evidence as an object (the API sends one; a JSON string is parsed too), or {} when unreadable. */
export function parseEvidence(evidence) {
  if (evidence && typeof evidence === "object") return evidence;
  try {
    const parsed = JSON.parse(evidence || "{}");
    return parsed && typeof parsed === "object" ? parsed : {};
  } catch {
    return {};
  }
}

/** The spans of an evidence object that fit in the text, ordered for nesting. */
export function evidenceSpans(evidence, text) {
  const spans = [];
  for (const {role} of ROLES) {
    const span = evidence[role];
    if (!span || !Number.isInteger(span.start) || !Number.isInteger(span.end)) continue;
    if (span.start < 0 || span.end > text.length || span.start >= span.end) continue;
    spans.push({role, start: span.start, end: span.end, text: span.text});
  }
  // outer spans first, so that a span inside another (a date inside a place) nests in it
  return spans.sort((a, b) => a.start - b.start || b.end - a.end);
}

function build(text, spans, from, to, parent) {
  let position = from;
  let i = 0;
  while (i < spans.length) {
    const span = spans[i];
    const inner = [];
    let j = i + 1;
    // spans starting inside this one go inside its <mark>; one that crosses its end is cut there
    for (; j < spans.length && spans[j].start < span.end; j++) {
      inner.push({...spans[j], end: Math.min(spans[j].end, span.end)});
    }
    if (span.start > position) parent.append(document.createTextNode(text.slice(position, span.start)));
    const mark = el("mark", {class: `ev ev-${span.role}`, title: LABELS[span.role], dataset: {role: span.role}});
    build(text, inner, span.start, span.end, mark);
    parent.append(mark);
    position = span.end;
    i = j;
  }
  if (position < to) parent.append(document.createTextNode(text.slice(position, to)));
}

/** A fragment of text nodes and <mark class="ev ev-ROLE"> elements for the spans. */
export function highlight(text, spans) {
  const fragment = document.createDocumentFragment();
  build(text, spans, 0, text.length, fragment);
  return fragment;
}

/** The colour key of the highlights. */
export function legend() {
  return el("ul", {class: "legend", attrs: {"aria-label": "Highlight colours"}},
    ...ROLES.map(({role, label}) => el("li", {}, el("mark", {class: `ev ev-${role}`, text: label}))));
}
