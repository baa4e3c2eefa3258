// The self-assessment runs entirely in this page: answers are read from the radio buttons,
// turned into suggested routes by a pure function, and never stored or sent anywhere.

const QUESTIONS = ["safety", "urgent", "impact", "talked", "wish"];

// Pure: which routes to suggest, most important first. Routes: crisis, chat, module, professional.
export function suggestRoutes(answers) {
  const routes = [];
  const add = (route) => { if (!routes.includes(route)) routes.push(route); };
  const atRisk = (value) => value === "yes" || value === "unsure";
  if (atRisk(answers.safety) || atRisk(answers.urgent)) {
    add("crisis");
    add("chat");
  }
  if (answers.wish === "talk") add("chat");
  if (answers.wish === "professional") add("professional");
  if (answers.wish === "self") add("module");
  if (answers.impact === "high") {
    add("chat");
    add("professional");
  }
  if (answers.talked === "no") add("chat");
  add("module");
  return routes;
}

function readAnswers(root) {
  const answers = {};
  for (const name of QUESTIONS) {
    const checked = root.querySelector(`input[name="${name}"]:checked`);
    answers[name] = checked ? checked.value : null;
  }
  return answers;
}

function show(section, routes) {
  for (const block of section.querySelectorAll("[data-route]")) {
    block.hidden = !routes.includes(block.dataset.route);
  }
  // Put the blocks in the suggested order, keeping the closing link last.
  const last = section.lastElementChild;
  for (const route of routes) {
    const block = section.querySelector(`[data-route="${route}"]`);
    if (block) section.insertBefore(block, last);
  }
  section.hidden = false;
  section.focus();
}

function init() {
  const root = document.querySelector("[data-assessment]");
  const section = document.querySelector("[data-suggestions]");
  if (!root || !section) return;
  root.hidden = false;
  root.querySelector("[data-suggest]").addEventListener("click", () => {
    show(section, suggestRoutes(readAnswers(root)));
  });
  root.querySelector("[data-reset]").addEventListener("click", () => {
    for (const input of root.querySelectorAll("input[type=radio]")) input.checked = false;
    section.hidden = true;
  });
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", init);
} else {
  init();
}
