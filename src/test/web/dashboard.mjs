// Opens the live dashboard in headless Chromium, sends beacons meanwhile (from here, as other
// visitors would), and waits for them to show on the page without a reload; saves a screenshot and
// prints one JSON line with what the page shows.
//   node dashboard.mjs <dashboard URL with #key=...> <beacon URL prefix> <pageviews expected at the end> <screenshot path>
import { chromium } from 'playwright-core';

const [dashboard, beaconPrefix, expected, screenshot] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(dashboard);
  await page.waitForSelector('.card[data-metric="pageviews"] .value');
  await page.waitForFunction(() => document.getElementById('live-dot').classList.contains('on'));
  const before = await page.textContent('.card[data-metric="pageviews"] .value');
  await page.evaluate(() => { window.notReloaded = true; });

  for (const [i, path] of ['/live-1', '/live-2'].entries()) {
    const response = await fetch(`${beaconPrefix}&u=${encodeURIComponent('https://dash.example' + path)}`, {
      headers: { 'X-Forwarded-For': `203.0.113.${50 + i}`, 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0' },
    });
    if (response.status !== 204) throw new Error(`beacon: ${response.status}`);
  }
  await page.waitForFunction((want) => document.querySelector('.card[data-metric="pageviews"] .value').textContent === want,
    expected, { timeout: 20000 });
  // The lists follow the cards within a few seconds.
  await page.waitForFunction(() => document.querySelector('[data-list="page"]').textContent.includes('/live-2'), null, { timeout: 20000 });
  // The alert rule on current visitors fired with the second of them, and the panel shows it live.
  await page.waitForSelector('#alerts tr.firing', { timeout: 20000 });
  await page.screenshot({ path: screenshot, fullPage: true });
  const shown = await page.evaluate(() => ({
    notReloaded: window.notReloaded === true,
    cards: Object.fromEntries([...document.querySelectorAll('.card')].map((c) => [c.dataset.metric, c.querySelector('.value').textContent])),
    current: document.getElementById('current').textContent,
    pages: [...document.querySelectorAll('[data-list="page"] tbody tr')].map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent.trim())),
    attribution: document.querySelector('footer').textContent.includes('IP Geolocation by DB-IP'),
    minuteBars: document.querySelectorAll('#minutes rect').length,
    alerts: [...document.querySelectorAll('#alerts tbody tr')].map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent.trim())),
  }));
  // The traffic switch: each channel's cards come from the filtered reports.
  const pageviewsOf = async (channel) => {
    await page.selectOption('#channel', channel);
    await page.waitForSelector(`#cards[data-channel="${channel}"]`);
    return page.textContent('.card[data-metric="pageviews"] .value');
  };
  const channels = { log: await pageviewsOf('log'), beacon: await pageviewsOf('beacon') };
  console.log(JSON.stringify({ before, errors, ...shown, channels }));
} finally {
  await browser.close();
}
