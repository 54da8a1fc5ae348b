// Latency from a beacon's 204 to the first live WebSocket message that counts it.
// node --experimental-websocket live_latency.mjs <base url> <site> <report key> <hits> <hits per second> <warm-up hits>
// Hits go one at a time at a steady pace, each a pageview; hit i is seen when an update's
// aggregate.pageviews reaches i (updates are absolute, and conflated, so one may cover several).
// The first <warm-up> hits (a fresh node: the site's entity starts, code is not compiled yet) are
// reported apart from the measured ones.
const [base, site, key, total, rate, warm] = process.argv.slice(2);
const warmup = Number(warm);
const hits = warmup + Number(total);
const gapMs = 1000 / Number(rate);
const answered = new Array(hits + 1);
const latencies = [];
const warmupLatencies = [];
const pipeline = []; // 204 -> the entity published the report that counts the hit (same clock: one machine)
let seen = 0;

const socket = new WebSocket(`${base.replace(/^http/, 'ws')}/api/v1/sites/${site}/live`, ['vulcan-live', key]);
const opened = new Promise((resolve, reject) => {
  socket.onerror = (e) => reject(new Error('WebSocket failed: ' + e.message));
  socket.onmessage = (event) => {
    const message = JSON.parse(event.data);
    if (message.type === 'snapshot') {
      resolve();
      return;
    }
    const now = performance.now();
    const publishedAgo = Date.now() - Date.parse(message.published);
    const counted = message.aggregate.pageviews;
    for (let i = seen + 1; i <= Math.min(counted, hits); i++) {
      if (answered[i] !== undefined) {
        if (i <= warmup) {
          warmupLatencies.push(now - answered[i]);
        } else {
          latencies.push(now - answered[i]);
          pipeline.push(now - publishedAgo - answered[i]);
        }
        seen = i;
      }
    }
  };
});
await opened;

const started = performance.now();
for (let i = 1; i <= hits; i++) {
  const due = started + (i - 1) * gapMs;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  const url = encodeURIComponent(`https://${site}/bench/${i}`);
  const response = await fetch(`${base}/api/v1/beacon?s=${site}&u=${url}`, {
    headers: { 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0' },
  });
  if (response.status !== 204) throw new Error(`beacon ${i}: ${response.status} ${await response.text()}`);
  answered[i] = performance.now();
}
const deadline = performance.now() + 30000;
while (seen < hits && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
socket.close();
if (seen < hits) throw new Error(`only ${seen} of ${hits} hits appeared on the WebSocket`);

latencies.sort((a, b) => a - b);
pipeline.sort((a, b) => a - b);
const pct = (p, list = latencies) => list[Math.min(list.length - 1, Math.ceil((p / 100) * list.length) - 1)];
console.log(`hits: ${warmup} warm-up + ${hits - warmup} measured at ${rate}/s, every one seen on the WebSocket`);
console.log(`warm-up hits: max ${Math.max(...warmupLatencies).toFixed(0)} ms`);
console.log(`latency 204 -> update: p50 ${pct(50).toFixed(0)} ms, p90 ${pct(90).toFixed(0)} ms, p99 ${pct(99).toFixed(0)} ms, max ${latencies[latencies.length - 1].toFixed(0)} ms`);
console.log(`  of which 204 -> published by the entity: p50 ${pct(50, pipeline).toFixed(0)} ms, p99 ${pct(99, pipeline).toFixed(0)} ms`);
