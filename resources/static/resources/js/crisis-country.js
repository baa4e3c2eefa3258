// The crisis contacts' country picker ({% crisis_contacts %}, resources/templatetags/crisis.py).
// Every country's list is already in the page; choosing a country shows its list and hides the
// others, without a request. The choice is kept in this tab's sessionStorage only (quick exit
// clears it), and every picker on the page follows it.

const KEY = "crisis-country";

function remembered() {
  try { return sessionStorage.getItem(KEY); } catch (_) { return null; }
}

function remember(code) {
  try { sessionStorage.setItem(KEY, code); } catch (_) { /* storage may be disabled */ }
}

export function showCountry(root, code) {
  const select = root.querySelector("[data-crisis-country]");
  if (!select || ![...select.options].some((option) => option.value === code)) return false;
  select.value = code;
  for (const block of root.querySelectorAll("[data-country]")) block.hidden = block.dataset.country !== code;
  return true;
}

function init() {
  const roots = [...document.querySelectorAll("[data-crisis-contacts]")];
  // A country in the address (the picker's form, sent from a page without JavaScript) wins.
  const asked = new URLSearchParams(window.location.search).get("country");
  const saved = asked ? asked.toUpperCase() : remembered();
  if (asked) remember(saved);
  for (const root of roots) {
    // The button is for pages without JavaScript; here the list changes as soon as the choice does.
    const button = root.querySelector("[data-crisis-submit]");
    if (button) button.hidden = true;
    if (saved) showCountry(root, saved);
    const select = root.querySelector("[data-crisis-country]");
    if (!select) continue;
    select.addEventListener("change", () => {
      remember(select.value);
      for (const other of roots) showCountry(other, select.value);
    });
  }
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", init);
} else {
  init();
}
