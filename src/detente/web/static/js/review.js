// The review part of the detail panel: the reviews already made, "correct" / "wrong" buttons,
// a small form to fix the type, actor or recipient, and a token prompt when the server asks for
// one (401). Reviews go to POST /api/reviews.
//
//   panel.append(reviewSection({level: "event", target: clusterId, reviews, onSaved: reload}));
//
// The token lives in sessionStorage (gone with the tab) and is sent as `Authorization: Bearer`.

import {ApiError, PLOVER_TYPES, el, postJSON} from "./util.js";

const TOKEN_KEY = "detente.token";
const REVIEWER_KEY = "detente.reviewer";
let uid = 0;

function stored(storage, key) {
  try {
    return window[storage].getItem(key) || "";
  } catch {
    return "";
  }
}

function store(storage, key, value) {
  try {
    if (value) window[storage].setItem(key, value);
    else window[storage].removeItem(key);
  } catch {
    // storage may be disabled: the value then lasts as long as the page
  }
}

function field(label, control) {
  control.id = control.id || `review-field-${++uid}`;
  return el("div", {class: "field"}, el("label", {htmlFor: control.id, text: label}), control);
}

function reviewItem(review) {
  const fixes = [
    review.event && `type ${review.event}`,
    review.actor_code && `actor ${review.actor_code}`,
    review.recipient_code && `recipient ${review.recipient_code}`,
  ].filter(Boolean);
  return el("li", {class: `review verdict-${review.verdict}`},
    el("span", {class: "verdict", text: review.verdict}),
    fixes.length ? el("span", {class: "fixes", text: ` → ${fixes.join(", ")}`}) : null,
    el("span", {class: "meta", text: ` · ${review.reviewer || "anonymous"} · ${String(review.made_at || "").replace("T", " ").slice(0, 16)}`}),
    review.note ? el("p", {class: "note", text: review.note}) : null);
}

/** The review section for a canonical event (level "event") or a mention (level "mention"). */
export function reviewSection({level, target, reviews, onSaved, message = ""}) {
  const status = el("p", {class: "review-status", attrs: {role: "status", "aria-live": "polite"}, text: message});
  const note = el("textarea", {rows: 2, maxLength: 2000, name: "note"});
  const reviewer = el("input", {type: "text", maxLength: 100, name: "reviewer", value: stored("localStorage", REVIEWER_KEY),
                                autocomplete: "name"});
  const type = el("select", {name: "event"},
    el("option", {value: "", text: "(keep)"}), ...PLOVER_TYPES.map((t) => el("option", {value: t, text: t})));
  const codeInput = (name) => el("input", {type: "text", name, maxLength: 3, size: 4, pattern: "[A-Za-z]{3}",
                                           placeholder: "USA", autocomplete: "off", spellcheck: false});
  const actor = codeInput("actor_code");
  const recipient = codeInput("recipient_code");
  const token = el("input", {type: "password", name: "token", autocomplete: "off"});
  const tokenForm = el("form", {class: "token-form", hidden: true},
    el("p", {text: "This server needs a token to record reviews."}),
    field("Access token", token), el("button", {type: "submit", text: "Send with token"}));
  let pending = null;
  const buttons = [];

  async function send(body) {
    pending = body;
    buttons.forEach((b) => { b.disabled = true; });
    status.textContent = "Saving…";
    store("localStorage", REVIEWER_KEY, reviewer.value.trim());
    try {
      await postJSON("/api/reviews", body, stored("sessionStorage", TOKEN_KEY));
      pending = null;
      onSaved(`Review saved: ${body.verdict}.`);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        store("sessionStorage", TOKEN_KEY, "");
        tokenForm.hidden = false;
        status.textContent = "A token is needed: enter it below.";
        token.focus();
      } else {
        status.textContent = `Not saved: ${err.message}`;
      }
    } finally {
      buttons.forEach((b) => { b.disabled = false; });
    }
  }

  function verdict(kind, fixes = {}) {
    const body = {level, target, verdict: kind, ...fixes};
    if (note.value.trim()) body.note = note.value.trim();
    if (reviewer.value.trim()) body.reviewer = reviewer.value.trim();
    return send(body);
  }

  const correct = el("button", {type: "button", class: "verdict-correct", text: "Correct",
                                on: {click: () => verdict("correct")}});
  const wrong = el("button", {type: "button", class: "verdict-wrong", text: "Wrong",
                              on: {click: () => verdict("wrong")}});
  const saveFix = el("button", {type: "submit", text: "Save fix"});
  buttons.push(correct, wrong, saveFix);

  const fixForm = el("form", {class: "fix-form"},
    field("Event type", type), field("Actor code", actor), field("Recipient code", recipient), saveFix);
  fixForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const fixes = {};
    if (type.value) fixes.event = type.value;
    if (actor.value.trim()) fixes.actor_code = actor.value.trim().toUpperCase();
    if (recipient.value.trim()) fixes.recipient_code = recipient.value.trim().toUpperCase();
    if (!Object.keys(fixes).length) {
      status.textContent = "A fix needs a new event type, actor code or recipient code.";
      return;
    }
    verdict("fixed", fixes);
  });
  tokenForm.addEventListener("submit", (event) => {
    event.preventDefault();
    store("sessionStorage", TOKEN_KEY, token.value.trim());
    tokenForm.hidden = true;
    if (pending) send(pending);
  });

  return el("section", {class: "review-section", attrs: {"aria-labelledby": "review-heading"}},
    el("h3", {id: "review-heading", tabIndex: -1, text: "Review"}),
    reviews.length
      ? el("ul", {class: "reviews", attrs: {"aria-label": "Reviews of this event"}}, ...reviews.map(reviewItem))
      : el("p", {class: "muted", text: "No reviews yet."}),
    field("Note (optional)", note),
    field("Your name (optional)", reviewer),
    el("div", {class: "verdict-buttons"}, correct, wrong),
    el("details", {class: "fix"}, el("summary", {text: "Fix the coding…"}), fixForm),
    tokenForm,
    status);
}
