// Explores the dashboard in headless Chromium as a site owner would: click a row to filter, reload
// the bookmarked address, remove the filter, add one from the filter bar, switch a panel's view,
// compare with the previous period, filter by a goal, apply a saved segment, read the funnel. Prints one JSON line with what
// the page showed at each step, and saves a screenshot.
//   node dashboard-explore.mjs <dashboard URL with #key=...> <screenshot path>
import { chromium } from 'playwright-core';

const [dashboard, screenshot] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  // Waits until the cards show the view now in the address, and returns what the page shows.
  const settled = async () => {
    await page.waitForFunction(() => document.getElementById('cards').dataset.view === location.search, null, { timeout: 20000 });
    return page.evaluate(() => ({
      search: decodeURIComponent(location.search),
      visitors: document.querySelector('.card[data-metric="visitors"] .value').textContent,
      visitorsChange: document.querySelector('.card[data-metric="visitors"] .change')?.textContent.trim() ?? null,
      chips: [...document.querySelectorAll('.chip')].map((c) => c.firstChild.textContent.trim()),
      comparisonLine: document.getElementById('comparison-line') !== null,
      lists: [...document.querySelectorAll('[data-list]')].map((l) => l.dataset.list),
      goals: [...document.querySelectorAll('[data-list="goal"] tbody tr')].map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent.trim())),
      funnel: [...document.querySelectorAll('.step')].map((s) => s.querySelector('.step-bar span').textContent.trim()),
    }));
  };
  const steps = {};
  await page.goto(dashboard);
  steps.opened = await settled();
  steps.opened.channels = await page.evaluate(() => [...document.querySelectorAll('[data-list="channel"] tbody tr')].map((r) => r.querySelector('span').textContent));
  const rowsOf = (list) => page.evaluate((l) => [...document.querySelectorAll(`[data-list="${l}"] tbody tr`)]
    .map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent.trim())), list);
  steps.opened.bots = await rowsOf('bot');
  steps.opened.ledger = await rowsOf('ledger');
  steps.opened.ledgerReceived = await page.evaluate(() => document.querySelector('[data-list="ledger"] h2 small')?.textContent.trim());
  await page.click('.tab:text("Not found")');
  steps.notFound = await settled();
  steps.notFound.rows = await rowsOf('event:props:path');
  await page.click('.tab:text("Sources")');
  await settled();
  await page.click('[data-list="source"] tr.row[data-filter="source==Google"]');
  steps.clickedGoogle = await settled();
  await page.reload();
  steps.reloaded = await settled();
  await page.click('.chip .remove');
  steps.removed = await settled();
  // A value with a | in it: the click filters by exactly that value (the | made plain), not by two.
  await page.click('.tab:text("UTM campaign")');
  await settled();
  await page.click('[data-list="utm_campaign"] tr.row');
  steps.campaign = await settled();
  await page.click('.chip .remove');
  await settled();
  await page.selectOption('#filter-key', 'page');
  await page.selectOption('#filter-op', 'contains');
  await page.fill('#filter-value', 'pric');
  await page.click('#filter-add');
  steps.containsPric = await settled();
  await page.click('.chip .remove');
  await settled();
  await page.click('.tab:text("Engagement")');
  steps.engagement = await settled();
  steps.engagement.rows = await page.evaluate(() => [...document.querySelectorAll('[data-view="time_on_page,scroll_depth"] tbody tr')]
    .map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent.trim())));
  await page.click('.tab:text("Browser versions")');
  steps.browserVersions = await settled();
  steps.browserVersions.rows = await rowsOf('browser_version');
  await page.click('.tab:text("Entry pages")');
  steps.entryPages = await settled();
  await page.selectOption('#compare', 'previous_period');
  steps.compared = await settled();
  await page.screenshot({ path: screenshot, fullPage: true });
  await page.click('[data-list="goal"] tr.row');
  steps.goal = await settled();
  await page.click('.chip .remove');
  await settled();
  await page.selectOption('#segment', { label: 'From Google' });
  steps.segment = await settled();
  console.log(JSON.stringify({ errors, steps }));
} finally {
  await browser.close();
}
