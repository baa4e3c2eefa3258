// Progress through a self-help module and the reader's reflection notes, kept in sessionStorage
// only: never sent to the server, gone when the tab closes, cleared by quick exit.

const PREFIX = "helpline.module.";

export function emptyState() {
  return { done: [], notes: {} };
}

export function loadState(slug, storage = window.sessionStorage) {
  try {
    const raw = storage.getItem(PREFIX + slug);
    const parsed = raw ? JSON.parse(raw) : null;
    if (parsed && Array.isArray(parsed.done) && parsed.notes && typeof parsed.notes === "object") {
      return parsed;
    }
  } catch (_) { /* storage disabled or damaged: start afresh */ }
  return emptyState();
}

export function saveState(slug, state, storage = window.sessionStorage) {
  try { storage.setItem(PREFIX + slug, JSON.stringify(state)); } catch (_) { /* storage disabled */ }
}

export function markDone(state, step) {
  const done = new Set(state.done);
  done.add(step);
  return { ...state, done: [...done].sort((a, b) => a - b) };
}

function showDone(root, state) {
  for (const item of document.querySelectorAll("[data-step]")) {
    const number = Number(item.dataset.step);
    if (state.done.includes(number)) item.dataset.done = "true";
  }
  const summary = document.querySelector("[data-progress-summary]");
  if (summary && state.done.length > 0) {
    summary.textContent = summary.dataset.template.replace("{done}", String(state.done.length));
    summary.hidden = false;
  }
}

function wireStep(root, slug, number) {
  const textarea = root.querySelector("[data-reflection]");
  if (textarea) {
    textarea.value = loadState(slug).notes[number] || "";
    textarea.addEventListener("input", () => {
      const state = loadState(slug);
      state.notes[number] = textarea.value;
      saveState(slug, state);
    });
  }
  const form = root.querySelector("[data-step-done]");
  if (form) {
    form.addEventListener("submit", () => {
      saveState(slug, markDone(loadState(slug), number));
    });
  }
}

function wireFinished(root, slug) {
  const section = document.querySelector("[data-notes]");
  const list = document.querySelector("[data-notes-list]");
  const titles = [...document.querySelectorAll("[data-step-titles] li")].map((li) => li.textContent);
  const state = loadState(slug);
  const numbers = Object.keys(state.notes).map(Number).filter((n) => state.notes[n].trim()).sort((a, b) => a - b);
  if (!section || !list || numbers.length === 0) return;
  for (const number of numbers) {
    const term = document.createElement("dt");
    term.textContent = titles[number - 1] || String(number);
    const detail = document.createElement("dd");
    detail.textContent = state.notes[number];
    list.append(term, detail);
  }
  section.hidden = false;
  document.querySelector("[data-clear-notes]").addEventListener("click", () => {
    saveState(slug, { ...loadState(slug), notes: {} });
    list.replaceChildren();
    section.hidden = true;
  });
}

function init() {
  const root = document.querySelector("[data-module]");
  if (!root) return;
  const slug = root.dataset.module;
  showDone(root, loadState(slug));
  if (root.dataset.stepNumber) wireStep(root, slug, Number(root.dataset.stepNumber));
  if ("finished" in root.dataset) wireFinished(root, slug);
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", init);
} else {
  init();
}
