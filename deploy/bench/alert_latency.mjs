// Latency from the beacon that completes a goal to its alert's webhook POST, against the latency to
// the live WebSocket update that counts the same hit (the baseline: both start at the same 204).
// node --experimental-websocket alert_latency.mjs <base url> <admin token> <sites> <background pageviews/s>
// Each site gets 20 goals (events G1..G20) and 20 goal alerts (count 1, a webhook served here); each
// firing is one event beacon, sent one at a time, 4 a second, while background pageviews (public
// addresses, many browsers and pages) keep the pipeline busy. The first site's firings are the cold
// ones (its entity starts, code is not compiled yet), reported apart.
import http from 'node:http';

const [base, admin, siteCount, backgroundRate] = process.argv.slice(2);
const RULES = 20;
const GAP_MS = 250;
const agents = [
  'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
];
// Public addresses (documentation ranges are not in GeoIP): a spread over a few real networks.
const address = (i) => `${[81, 88, 151, 185, 212][i % 5]}.${(i >> 8) % 250 + 1}.${(i >> 3) % 250 + 1}.${i % 250 + 1}`;

const received = new Map(); // alert name -> ms (performance.now()) of its first webhook POST
const server = http.createServer((request, response) => {
  let body = '';
  request.on('data', (chunk) => { body += chunk; });
  request.on('end', () => {
    const at = performance.now();
    const name = JSON.parse(body).alert.name;
    if (!received.has(name)) received.set(name, at);
    response.writeHead(204).end();
  });
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const webhook = `http://127.0.0.1:${server.address().port}/hook`;

async function adminPost(path, body) {
  const response = await fetch(`${base}${path}`, { method: 'POST', headers: { Authorization: `Bearer ${admin}` }, body: JSON.stringify(body) });
  if (response.status !== 201) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

const sites = [];
for (let s = 0; s < Number(siteCount); s++) {
  const id = `alerts${s}.example`;
  const site = await adminPost('/api/v1/sites', { id, domains: [id], timezone: 'UTC' });
  for (let i = 1; i <= RULES; i++) {
    const goal = await adminPost(`/api/v1/sites/${id}/goals`, { event: `G${i}` });
    await adminPost(`/api/v1/sites/${id}/alerts`, { name: `${id} G${i}`, kind: 'goal', goal: goal.id, count: 1, webhook });
  }
  sites.push({ id, key: site.reportKey });
}

// One live socket per site: the time an update first counts event i of the site.
const liveSeen = new Map(); // `${site} ${events}` -> ms
const sockets = await Promise.all(sites.map((site) => new Promise((resolve, reject) => {
  const socket = new WebSocket(`${base.replace(/^http/, 'ws')}/api/v1/sites/${site.id}/live`, ['vulcan-live', site.key]);
  socket.onerror = (e) => reject(new Error('WebSocket failed: ' + e.message));
  let events = 0;
  socket.onmessage = (event) => {
    const message = JSON.parse(event.data);
    if (message.type === 'snapshot') { resolve(socket); return; }
    const now = performance.now();
    for (let n = events + 1; n <= message.aggregate.events; n++) liveSeen.set(`${site.id} ${n}`, now);
    events = Math.max(events, message.aggregate.events);
  };
})));

let running = true;
let background = 0;
const backgroundLoop = (async () => {
  const gap = 1000 / Number(backgroundRate);
  const start = performance.now();
  while (running) {
    const due = start + background * gap;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const i = background++;
    const site = sites[i % sites.length].id;
    fetch(`${base}/api/v1/beacon?s=${site}&u=${encodeURIComponent(`https://${site}/page/${i % 300}`)}`, {
      headers: { 'User-Agent': agents[i % agents.length], 'X-Forwarded-For': address(50_000 + (i % 40_000)) },
    }).catch(() => {});
  }
})();

const firings = []; // {site, name, answered, cold}
for (const [s, site] of sites.entries()) {
  for (let i = 1; i <= RULES; i++) {
    const started = performance.now();
    const response = await fetch(`${base}/api/v1/beacon?s=${site.id}&u=${encodeURIComponent(`https://${site.id}/signup`)}&n=G${i}`, {
      headers: { 'User-Agent': agents[i % agents.length], 'X-Forwarded-For': address(s * 100 + i) },
    });
    if (response.status !== 204) throw new Error(`beacon: ${response.status} ${await response.text()}`);
    firings.push({ site: site.id, name: `${site.id} G${i}`, events: i, answered: performance.now(), cold: s === 0 });
    const wait = started + GAP_MS - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
}
const deadline = performance.now() + 30000;
while (firings.some((f) => !received.has(f.name)) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
running = false;
await backgroundLoop;
sockets.forEach((socket) => socket.close());
server.close();
const missing = firings.filter((f) => !received.has(f.name)).length;
if (missing) throw new Error(`${missing} of ${firings.length} firings never reached the webhook`);

const pct = (list, p) => list[Math.min(list.length - 1, Math.ceil((p / 100) * list.length) - 1)];
const report = (label, list) => {
  const hook = list.map((f) => received.get(f.name) - f.answered).sort((a, b) => a - b);
  const live = list.map((f) => liveSeen.get(`${f.site} ${f.events}`)).filter((t) => t !== undefined);
  const liveLatency = list.filter((f) => liveSeen.has(`${f.site} ${f.events}`))
    .map((f) => liveSeen.get(`${f.site} ${f.events}`) - f.answered).sort((a, b) => a - b);
  console.log(`${label}: ${list.length} firings; 204 -> webhook p50 ${pct(hook, 50).toFixed(0)} ms, p99 ${pct(hook, 99).toFixed(0)} ms, `
    + `max ${hook[hook.length - 1].toFixed(0)} ms; baseline 204 -> live update (same hits, ${live.length} seen) `
    + `p50 ${pct(liveLatency, 50).toFixed(0)} ms, p99 ${pct(liveLatency, 99).toFixed(0)} ms`);
};
console.log(`background: ${background} pageviews at ${backgroundRate}/s over ${sites.length} sites, public addresses, ${agents.length} browsers, 300 pages`);
report('cold (first site)', firings.filter((f) => f.cold));
report('warm', firings.filter((f) => !f.cold));
