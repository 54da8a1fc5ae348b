// Two visitors browse a site served by nginx, whose access log a forwarder sends: one with the
// tracking script, one whose browser blocks it (the request for vulcan.js aborted, as an
// ad-blocker does). Each opens its pages one after another, full page loads.
// Prints one JSON line: the pages each opened, and the beacon answers the first one's browser had.
//   node coverage.mjs <site URL> <scripted pages, comma-separated> <blocked pages, comma-separated>
// Or, once the hits are counted, what the dashboard's script-coverage panel shows:
//   node coverage.mjs --dashboard <dashboard URL with #key=...> <screenshot path>
import { chromium } from 'playwright-core';

const [site, scriptedPages, blockedPages] = process.argv.slice(2);
const dashboard = site === '--dashboard';
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--host-resolver-rules=MAP shop.test 127.0.0.1',
  ],
});
const result = { scripted: [], blocked: [], beacons: [], scriptRequestsAborted: 0 };
if (dashboard) {
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
    await page.goto(scriptedPages);
    await page.waitForSelector('[data-list="coverage"]', { timeout: 20000 });
    await page.locator('#coverage').screenshot({ path: blockedPages });
    console.log(JSON.stringify(await page.evaluate(() => ({
      visits: document.querySelector('[data-coverage="visits"]').textContent,
      pageviews: document.querySelector('[data-coverage="pageviews"]').textContent,
      rows: [...document.querySelectorAll('[data-list="coverage"] tbody tr')].map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent.trim())),
    }))));
  } finally {
    await browser.close();
  }
  process.exit(0);
}
try {
  // Headless Chromium says "HeadlessChrome", which is dropped as a bot; the two visitors use an
  // ordinary Chrome and a Firefox (the same address, so the browser tells them apart).
  const probe = await browser.newPage();
  const chrome = (await probe.evaluate(() => navigator.userAgent)).replace('HeadlessChrome', 'Chrome');
  await probe.close();
  const firefox = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';

  const scripted = await (await browser.newContext({ userAgent: chrome })).newPage();
  scripted.on('response', (response) => {
    if (response.url().includes('/api/v1/beacon')) result.beacons.push(response.status());
  });
  for (const path of scriptedPages.split(',')) {
    const beacon = scripted.waitForResponse((r) => r.url().includes('/api/v1/beacon')
      && (r.request().postData() || decodeURIComponent(r.url())).includes('pageview'));
    await scripted.goto(new URL(path, site).href);
    await beacon;
    result.scripted.push(path);
  }

  const blockedContext = await browser.newContext({ userAgent: firefox });
  await blockedContext.route('**/vulcan.js', (route) => { result.scriptRequestsAborted++; return route.abort('blockedbyclient'); });
  const blocked = await blockedContext.newPage();
  for (const path of blockedPages.split(',')) {
    await blocked.goto(new URL(path, site).href, { waitUntil: 'load' });
    result.blocked.push(path);
  }
  await scripted.close({ runBeforeUnload: true });
  await blocked.close();
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
