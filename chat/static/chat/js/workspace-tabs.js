// The chats this page holds, as tabs: which one is selected, keyboard movement between tabs, unread
// counts in the tabs and in the page title, and the sound for news in a chat the counsellor is not
// looking at.

import { $, BASE_TITLE, t } from "./staff-page.js";
import { playSound } from "./workspace-sound.js";

export const chats = new Map(); // session -> chat state (workspace-panel.js makeChat)
export let selected = "";
function unreadTotal() {
  let total = 0;
  for (const chat of chats.values()) total += chat.unread;
  return total;
}

function updateTitle() {
  const total = unreadTotal();
  document.title = total ? `(${total}) ${BASE_TITLE}` : BASE_TITLE;
}

export function renderTab(chat) {
  chat.tab.querySelector(".tab-label").textContent = chat.label;
  const badge = chat.tab.querySelector(".unread");
  badge.hidden = chat.unread === 0;
  badge.textContent = t("unread", { n: chat.unread });
  chat.tab.classList.toggle("has-unread", chat.unread > 0);
}

export function selectChat(session, { focus = false } = {}) {
  selected = session;
  for (const chat of chats.values()) {
    const on = chat.session === session;
    chat.tab.setAttribute("aria-selected", String(on));
    chat.tab.tabIndex = on ? 0 : -1;
    chat.panel.hidden = !on;
    if (on) {
      chat.unread = 0;
      renderTab(chat);
      if (focus) chat.tab.focus();
    }
  }
  showChatArea();
  updateTitle();
}

function showChatArea() {
  $("#no-chats").hidden = chats.size > 0;
  $("#chat-tabs").hidden = chats.size === 0;
}

/** Adds a chat that workspace-panel.js built: its tab, its panel, and selects it when none is. */
export function addChat(chat) {
  const { session, tab, panel } = chat;
  tab.addEventListener("click", () => selectChat(session));
  tab.addEventListener("keydown", (event) => tabKeys(event, session));
  $("#chat-tabs").append(tab);
  $("#chat-panels").append(panel);
  chats.set(session, chat);
  renderTab(chat);
  if (!selected || !chats.has(selected)) selectChat(session);
  else chat.panel.hidden = true;
  showChatArea();
}

function tabKeys(event, session) {
  const order = Array.from(chats.keys());
  const index = order.indexOf(session);
  let next = -1;
  if (event.key === "ArrowRight") next = (index + 1) % order.length;
  else if (event.key === "ArrowLeft") next = (index - 1 + order.length) % order.length;
  else if (event.key === "Home") next = 0;
  else if (event.key === "End") next = order.length - 1;
  if (next >= 0) {
    event.preventDefault();
    selectChat(order[next], { focus: true });
  }
}

export function removeChat(chat) {
  // The transcript is wiped, not only detached: nothing of the chat stays in this page's memory.
  chat.panel.querySelector(".chat-log").replaceChildren();
  chat.unacked.clear();
  chat.tab.remove();
  chat.panel.remove();
  chats.delete(chat.session);
  if (selected === chat.session) {
    selected = "";
    const first = chats.keys().next();
    if (!first.done) selectChat(first.value);
  }
  showChatArea();
  updateTitle();
}

export function notifyNew(chat) {
  const visible = selected === chat.session && document.visibilityState === "visible";
  if (!visible) {
    chat.unread += 1;
    renderTab(chat);
    updateTitle();
  }
  if (!visible || !document.hasFocus()) playSound();
}
