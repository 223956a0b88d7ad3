// The blind A/B rating page of a FreeU study: one self-contained HTML file (no server, no network; works from file://).

/** One FreeU off / on pair the rater sees; paths are relative to the page. */
export interface StudyPair {
  readonly id: string;
  readonly prompt: string;
  readonly seed: string;
  readonly off: string;
  readonly on: string;
}

export interface StudyData {
  /** Identifies the study in the votes, so results never mix two studies. */
  readonly id: string;
  readonly title: string;
  readonly pairs: readonly StudyPair[];
}

export const QUESTIONS = [
  { key: 'quality', text: 'Which video looks better (sharper, cleaner, fewer artefacts)?' },
  { key: 'alignment', text: 'Which video matches the text better?' },
] as const;

/** JSON inside a <script> element: `<` escaped so no text can close the element. */
function scriptJson(v: unknown): string {
  return JSON.stringify(v).replace(/</g, '\\u003c');
}

// The page's script: plain ES2020 in the browser; state in localStorage so a reload keeps the votes.
const SCRIPT = String.raw`
const study = JSON.parse(document.getElementById('study').textContent);
const questions = JSON.parse(document.getElementById('questions').textContent);
const key = (k) => 't2v-study-' + study.id + '-' + k;
const rater = localStorage.getItem(key('rater')) || (() => { const r = Array.from(crypto.getRandomValues(new Uint8Array(6)), (b) => b.toString(16).padStart(2, '0')).join(''); localStorage.setItem(key('rater'), r); return r; })();
// a small seeded generator (mulberry32): each rater gets their own order and sides, the same after a reload
let s = parseInt(rater.slice(0, 8), 16) >>> 0;
const rand = () => { s = (s + 0x6D2B79F5) >>> 0; let t = s; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
const order = study.pairs.map((p, i) => i);
for (let i = order.length - 1; i > 0; i--) { const j = Math.floor(rand() * (i + 1)); [order[i], order[j]] = [order[j], order[i]]; }
const freeuLeft = order.map(() => rand() < 0.5);
let votes = JSON.parse(localStorage.getItem(key('votes')) || '[]');
const $ = (id) => document.getElementById(id);
const total = order.length * questions.length;
function current() { return votes.length < total ? { slot: Math.floor(votes.length / questions.length), q: votes.length % questions.length } : null; }
let shownSlot = -1;
function show() {
  const c = current();
  $('progress').textContent = Math.min(votes.length, total) + ' of ' + total + ' answers';
  $('bar').style.width = (100 * votes.length / total) + '%';
  if (!c) { $('rate').hidden = true; $('done').hidden = false; return; }
  $('rate').hidden = false; $('done').hidden = true;
  const pair = study.pairs[order[c.slot]];
  $('prompt').textContent = pair.prompt;
  $('question').textContent = 'Pair ' + (c.slot + 1) + ' of ' + order.length + ', question ' + (c.q + 1) + ' of ' + questions.length + ': ' + questions[c.q].text;
  if (shownSlot !== c.slot) {
    shownSlot = c.slot;
    const [l, r] = freeuLeft[c.slot] ? [pair.on, pair.off] : [pair.off, pair.on];
    $('left').src = l; $('right').src = r;
    // both restart together, then the right one follows the left one's clock
    let ready = 0;
    for (const v of [$('left'), $('right')]) v.onloadeddata = () => { if (++ready === 2) for (const w of [$('left'), $('right')]) { w.currentTime = 0; w.play().catch(() => {}); } };
  }
}
$('left').ontimeupdate = () => { const a = $('left'), b = $('right'); if (Math.abs(a.currentTime - b.currentTime) > 0.08) b.currentTime = a.currentTime; };
function vote(side) {
  const c = current();
  if (!c) return;
  const pair = study.pairs[order[c.slot]];
  const choice = side === 'same' ? 'same' : (side === 'left') === freeuLeft[c.slot] ? 'freeu' : 'base';
  votes.push({ pair: pair.id, question: questions[c.q].key, choice, freeuSide: freeuLeft[c.slot] ? 'left' : 'right', at: new Date().toISOString() });
  localStorage.setItem(key('votes'), JSON.stringify(votes));
  show();
}
function undo() { votes.pop(); localStorage.setItem(key('votes'), JSON.stringify(votes)); shownSlot = -1; show(); }
function exportVotes() {
  const blob = new Blob([JSON.stringify({ study: study.id, rater, votes, exportedAt: new Date().toISOString() }, null, 1)], { type: 'application/json' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob); a.download = 'votes-' + rater + '.json';
  document.body.appendChild(a); a.click(); a.remove();
}
$('b-left').onclick = () => vote('left'); $('b-same').onclick = () => vote('same'); $('b-right').onclick = () => vote('right');
$('b-undo').onclick = undo; $('b-export').onclick = exportVotes; $('b-export2').onclick = exportVotes;
document.addEventListener('keydown', (e) => {
  if (e.key === 'ArrowLeft' || e.key === '1') vote('left');
  else if (e.key === 'ArrowRight' || e.key === '2') vote('right');
  else if (e.key === 'ArrowDown' || e.key === 's' || e.key === '0') vote('same');
  else if (e.key === 'Backspace' || e.key === 'u') undo();
  else if (e.key === 'e') exportVotes();
  else return;
  e.preventDefault();
});
$('rater').textContent = rater;
show();
`;

const STYLE = `
body { font: 16px/1.4 system-ui, sans-serif; margin: 0 auto; max-width: 980px; padding: 16px; color: #111; background: #fafafa; }
h1 { font-size: 20px; margin: 0 0 4px; } .muted { color: #666; font-size: 13px; }
#prompt { font-size: 22px; margin: 16px 0 8px; text-align: center; } #question { text-align: center; margin: 8px 0; }
.videos { display: flex; gap: 16px; justify-content: center; } .videos figure { margin: 0; text-align: center; }
video { width: 400px; max-width: 45vw; image-rendering: pixelated; background: #000; }
.buttons { display: flex; gap: 12px; justify-content: center; margin: 16px 0; } button { font-size: 16px; padding: 8px 16px; }
.track { height: 6px; background: #ddd; border-radius: 3px; } #bar { height: 6px; background: #3a7; border-radius: 3px; width: 0; }
`;

/** The page for `data`: the study inline, so opening the file is all a rater does. */
export function studyPage(data: StudyData): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; media-src 'self' file: blob:; script-src 'unsafe-inline'; style-src 'unsafe-inline'">
<title>${escapeHtml(data.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(data.title)}</h1>
<div class="muted">Two videos per prompt, in random order. Keys: &larr; or 1 left, &rarr; or 2 right, &darr; or S the same, Backspace undo, E export. Rater <span id="rater"></span>; your answers stay in this browser until you export them.</div>
<div class="track"><div id="bar"></div></div><div class="muted" id="progress"></div>
<section id="rate">
<div id="prompt"></div>
<div id="question"></div>
<div class="videos"><figure><video id="left" muted loop playsinline></video><figcaption>left</figcaption></figure><figure><video id="right" muted loop playsinline></video><figcaption>right</figcaption></figure></div>
<div class="buttons"><button id="b-left">&larr; Left</button><button id="b-same">Same (S)</button><button id="b-right">Right &rarr;</button></div>
<div class="buttons"><button id="b-undo">Undo</button><button id="b-export">Export votes so far</button></div>
</section>
<section id="done" hidden><p>All pairs rated, thank you. Export your votes and send the file to the person running the study.</p><div class="buttons"><button id="b-export2">Export votes</button></div></section>
<script type="application/json" id="study">${scriptJson(data)}</script>
<script type="application/json" id="questions">${scriptJson(QUESTIONS)}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
