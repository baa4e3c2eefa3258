// Joining and waiting (docs/PROTOCOL.md 3.3): the triage answers sent with `join`, the place in
// the queue and an honest wait, crisis contacts shown at once, the idle warning, a chat put back in
// the queue, and the pages for a closed or full service. Methods of SeekerChat (seeker.js).

import { PHASE_KEY, store } from "./seeker-storage.js";

export const waitingMethods = {
  join(form) {
    const triage = {};
    for (const [question, answer] of form.entries()) {
      if (typeof answer === "string" && answer) triage[question] = answer;
    }
    this.pendingJoin = { type: "join", v: 1, lang: this.data.lang, triage };
    if (this.data.source) this.pendingJoin.source = this.data.source;
    this.phase = "joining";
    this.$("queue-position").textContent = this.t("connecting");
    this.$("queue-eta").textContent = "";
    this.show("waiting");
    this.connect();
  },

  on_queue(frame) {
    this.phase = "queued";
    store(PHASE_KEY, "queued");
    const position = Number(frame.position);
    this.$("queue-position").textContent =
      position <= 1 ? this.t("position_next") : this.t("position", { position });
    const eta = frame.eta_seconds;
    let etaText;
    if (eta === null || eta === undefined || !Number.isFinite(eta)) etaText = this.t("eta_unknown");
    else if (eta < 60) etaText = this.t("eta_soon");
    else if (eta < 120) etaText = this.t("eta_one");
    else etaText = this.t("eta_minutes", { minutes: Math.round(eta / 60) });
    this.$("queue-eta").textContent = etaText;
    if (this.current !== "waiting") this.show("waiting");
  },

  on_crisis(frame) {
    // The page lists every country's contacts with a picker (resources/js/crisis-country.js); the
    // frame's list (the default country's) is only for a page without it.
    const list = this.$("crisis-contacts");
    if (!list) {
      this.$("crisis-panel").hidden = false;
      return;
    }
    list.replaceChildren();
    for (const contact of Array.isArray(frame.contacts) ? frame.contacts : []) {
      const item = document.createElement("li");
      const name = document.createElement("strong");
      name.textContent = String(contact.name || "");
      item.append(name);
      if (contact.phone) {
        item.append(" ");
        const phone = document.createElement("a");
        const digits = String(contact.phone).replace(/[^0-9+]/g, "");
        if (digits) phone.href = `tel:${digits}`;
        phone.textContent = String(contact.phone);
        item.append(phone);
      }
      if (contact.hours) item.append(` (${String(contact.hours)})`);
      list.append(item);
    }
    this.$("crisis-panel").hidden = false;
  },

  on_requeued() {
    this.notDelivered();
    this.dropKeys();
    this.setComposer(false);
    this.phase = "queued";
    store(PHASE_KEY, "queued");
    this.system(this.t("requeued"));
    this.$("queue-position").textContent = this.t("requeued");
    this.$("queue-eta").textContent = "";
    this.show("waiting");
  },

  on_idle_warning(frame) {
    const seconds = Number(frame.seconds) || 0;
    const minutes = Math.round(seconds / 60);
    this.$("idle-text").textContent = minutes >= 1 ? this.t("idle", { minutes }) : this.t("idle_soon");
    this.$("idle-warning").hidden = false;
  },

  on_closed(frame) {
    let when = "";
    if (typeof frame.opens_at === "string") {
      const date = new Date(frame.opens_at);
      if (!Number.isNaN(date.getTime())) {
        const options = { weekday: "long", day: "numeric", month: "long", hour: "2-digit", minute: "2-digit" };
        if (this.data.timeZone) options.timeZone = this.data.timeZone;
        try {
          when = date.toLocaleString(this.data.lang || undefined, options);
        } catch (_) {
          when = date.toLocaleString();
        }
      }
    }
    this.$("closed-when").textContent = when ? this.t("opens_at", { when }) : this.t("opens_unknown");
    this.forget();
    this.stop();
    this.show("closed");
  },

  on_full() {
    this.forget();
    this.stop();
    this.show("full");
  },
};
