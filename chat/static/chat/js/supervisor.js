// The supervisor view: the floor's metadata (never content), help alerts, reassigning a chat and
// setting a counsellor offline, over the counsellor socket (docs/PROTOCOL.md 3.4).
//
// Rows are updated in place, keyed by chat or counsellor, so that a supervisor choosing from a
// list is not interrupted by the updates that arrive every two seconds.

import { $, BASE_TITLE, announce, minutes, strings, t } from "./staff-page.js";
import { send, startStaffSocket } from "./staff-socket.js";

const PRIORITY_ORDER = { crisis: 0, raised: 1, normal: 2 };

// ------------------------------------------------------------------------------------------
// Floor

let counsellors = [];
let chatNumbers = new Map(); // session -> a short number shown instead of the session id
let nextNumber = 1;
let unseenHelp = 0;

function numberFor(session) {
  if (!chatNumbers.has(session)) chatNumbers.set(session, nextNumber++);
  return chatNumbers.get(session);
}

function counsellorName(id) {
  const found = counsellors.find((person) => person.id === id);
  return found ? found.name : t("floor_counsellor_unknown");
}

function cell(row, index) {
  while (row.cells.length <= index) row.insertCell();
  return row.cells[index];
}

function setText(row, index, text) {
  const target = cell(row, index);
  if (target.textContent !== text) target.textContent = text;
}

function syncRows(tbody, items, key, render) {
  const wanted = new Set(items.map(key));
  for (const row of Array.from(tbody.rows)) if (!wanted.has(row.dataset.key)) row.remove();
  items.forEach((item, position) => {
    let row = Array.from(tbody.rows).find((candidate) => candidate.dataset.key === key(item));
    if (!row) {
      row = document.createElement("tr");
      row.dataset.key = key(item);
    }
    if (tbody.rows[position] !== row) tbody.insertBefore(row, tbody.rows[position] || null);
    render(row, item);
  });
}

function assignControl(row, index, session, holder) {
  const target = cell(row, index);
  let form = target.querySelector("form");
  if (!form) {
    form = $("#assign-template").content.firstElementChild.cloneNode(true);
    const id = `assign-${numberFor(session)}`;
    form.querySelector("select").id = id;
    form.querySelector("label").setAttribute("for", id);
    form.querySelector("label").textContent = t("chat_label", { n: numberFor(session) });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const value = Number(form.querySelector("select").value);
      if (!value) return;
      if (send({ type: "assign", session, counsellor: value })) announce(t("assign_done"));
    });
    target.append(form);
  }
  const select = form.querySelector("select");
  const choices = counsellors.filter((person) => person.online && person.id !== holder && person.state !== "offline");
  const signature = choices.map((person) => `${person.id}:${person.name}:${person.active}/${person.limit}`).join("|");
  if (select.dataset.signature !== signature) {
    const keep = select.value;
    select.replaceChildren();
    if (!choices.length) {
      const option = document.createElement("option");
      option.value = "";
      option.textContent = t("none_online");
      select.append(option);
    }
    for (const person of choices) {
      const option = document.createElement("option");
      option.value = String(person.id);
      option.textContent = `${person.name} (${t(`state_${person.state}`)}, ${person.active}/${person.limit})`;
      select.append(option);
    }
    if (choices.some((person) => String(person.id) === keep)) select.value = keep;
    select.dataset.signature = signature;
  }
  form.querySelector("button").disabled = choices.length === 0;
}

function offlineControl(row, index, person) {
  const target = cell(row, index);
  let button = target.querySelector("button");
  if (!button) {
    button = document.createElement("button");
    button.type = "button";
    button.className = "secondary";
    button.addEventListener("click", () => {
      if (send({ type: "set_offline", counsellor: person.id })) announce(t("set_offline_done", { name: person.name }));
    });
    target.append(button);
  }
  button.textContent = `${t("set_offline")} (${person.name})`;
  button.hidden = !person.online || person.state === "offline";
}

function renderFloor(frame) {
  counsellors = frame.counsellors || [];
  const live = [...(frame.chats || [])].sort(
    (a, b) => (PRIORITY_ORDER[a.priority] ?? 9) - (PRIORITY_ORDER[b.priority] ?? 9) || b.duration - a.duration,
  );
  syncRows($("#live-chats tbody"), live, (chat) => chat.session, (row, chat) => {
    row.classList.toggle("help-asked", Boolean(chat.help));
    setText(row, 0, `${t("chat_label", { n: numberFor(chat.session) })}: ${t(`priority_${chat.priority}`)}`);
    setText(row, 1, chat.language);
    setText(row, 2, minutes(chat.waited));
    setText(row, 3, minutes(chat.duration));
    setText(row, 4, counsellorName(chat.counsellor) + (chat.counsellor_online ? "" : ` (${t("not_online")})`));
    const state = [t(`chat_state_${chat.state}`)];
    if (!chat.seeker_online) state.push(t("peer_reconnecting"));
    if (chat.help) state.push(t("help_flag"));
    setText(row, 5, state.join("; "));
    assignControl(row, 6, chat.session, chat.counsellor);
  });
  $("#live-chats").hidden = live.length === 0;
  $("#no-live-chats").hidden = live.length > 0;

  const queued = frame.queue || [];
  syncRows($("#queued-chats tbody"), queued, (chat) => chat.session, (row, chat) => {
    setText(row, 0, `${t("chat_label", { n: numberFor(chat.session) })}: ${t(`priority_${chat.priority}`)}`);
    setText(row, 1, chat.language);
    setText(row, 2, chat.pathway || "—");
    setText(row, 3, minutes(chat.waited));
    assignControl(row, 4, chat.session, 0);
  });
  $("#queued-chats").hidden = queued.length === 0;

  syncRows($("#counsellors tbody"), counsellors, (person) => String(person.id), (row, person) => {
    setText(row, 0, person.name);
    setText(row, 1, t(`state_${person.state}`));
    setText(row, 2, person.online ? t("online") : t("not_online"));
    setText(row, 3, `${person.active}/${person.limit}`);
    setText(row, 4, String(person.wrapups));
    setText(row, 5, (person.languages || []).join(", "));
    offlineControl(row, 6, person);
  });
  $("#counsellors").hidden = counsellors.length === 0;
  $("#no-counsellors").hidden = counsellors.length > 0;
  // Forget numbers of chats that are gone, so the map does not grow all day.
  const present = new Set([...live, ...queued].map((chat) => chat.session));
  chatNumbers = new Map([...chatNumbers].filter(([session]) => present.has(session)));
}

function renderQueue(summary) {
  $("#queue-total").textContent = t("queue_total", { n: summary.total });
  const fill = (tableId, rows, label) => {
    const entries = Object.entries(rows || {}).sort(
      (a, b) => (PRIORITY_ORDER[a[0]] ?? 9) - (PRIORITY_ORDER[b[0]] ?? 9) || a[0].localeCompare(b[0]),
    );
    const body = $(`#${tableId} tbody`);
    body.replaceChildren();
    for (const [code, entry] of entries) {
      const row = body.insertRow();
      for (const text of [label(code), String(entry.count), minutes(entry.longest_wait)]) row.insertCell().textContent = text;
    }
    $(`#${tableId}`).hidden = entries.length === 0;
  };
  fill("queue-by-priority", summary.by_priority, (code) => t(`priority_${code}`));
  fill("queue-by-language", summary.by_language, (code) => code);
}

function addHelpAlert(frame) {
  const item = document.createElement("li");
  const when = new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  item.textContent = `${when}: ${t("help_alert", {
    name: frame.counsellor_name,
    priority: t(`priority_${frame.priority}`).toLowerCase(),
    language: frame.language,
    minutes: minutes(frame.minutes * 60),
  })}`;
  $("#help-alerts").prepend(item);
  $("#no-help").hidden = true;
  announce(item.textContent, { urgent: true });
  if (document.visibilityState !== "visible") {
    unseenHelp += 1;
    document.title = `(${unseenHelp}) ${BASE_TITLE}`;
  }
}

const handlers = {
  floor: renderFloor,
  queue_summary: renderQueue,
  help: addHelpAlert,
  error(frame) {
    announce(strings[`error_${frame.code}`] || t("error_other"), { urgent: true });
  },
};

document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible") {
    unseenHelp = 0;
    document.title = BASE_TITLE;
  }
});
startStaffSocket({
  onFrame(frame) {
    const handler = handlers[frame.type];
    if (handler) handler(frame);
  },
});
