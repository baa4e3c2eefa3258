// The sound for a new chat or message: a short tone made with WebAudio, off until the counsellor
// turns it on (the choice is kept in localStorage as "workspace-sound").

import { $ } from "./staff-page.js";

let audio = null;

export function playSound() {
  if (!$("#sound-toggle").checked) return;
  try {
    audio = audio || new AudioContext();
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.type = "sine";
    oscillator.frequency.value = 660;
    gain.gain.setValueAtTime(0.0001, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.2, audio.currentTime + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + 0.35);
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start();
    oscillator.stop(audio.currentTime + 0.4);
  } catch (error) {
    // No audio device: the title still shows the unread count.
  }
}
