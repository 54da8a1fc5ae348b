// A digest's HTML part as a mail client shows it: rendered in Chromium with scripts off, screenshot taken.
// Prints one JSON line: the figures and pages it shows, and the screenshot's size.
//   node digest.mjs <digest.html> <screenshot path>
import { chromium } from 'playwright-core';
import { readFileSync, statSync } from 'node:fs';

const [file, shot] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let result;
try {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 640, height: 900 } });
  const page = await context.newPage();
  await page.setContent(readFileSync(file, 'utf8'));
  await page.screenshot({ path: shot, fullPage: true });
  const value = async (metric) => (await page.locator(`[data-metric="${metric}"] div`).nth(1).innerText()).trim();
  result = {
    visitors: await value('visitors'),
    pageviews: await value('pageviews'),
    pages: await page.locator('table').nth(1).innerText(),
    screenshotBytes: statSync(shot).size,
  };
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
