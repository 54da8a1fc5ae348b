// Drives headless Chromium through a page that carries the real tracking-script tag, the way a
// visitor would: load, scroll half way down, three single-page-app routes, a custom event queued before the script
// loaded, an outbound link click, a page not found (data-404); then the same tag on a host that is
// not the site's.
// Prints one JSON line: the status of every beacon request the browser made, per page host.
//   node tracking-script.mjs <site page URL> <foreign page URL>
import { chromium } from 'playwright-core';

const [sitePage, foreignPage] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    // The test pages' host names all lead to this machine's loopback.
    '--host-resolver-rules=MAP shop.test 127.0.0.1, MAP other.test 127.0.0.1, MAP elsewhere.test 127.0.0.1',
  ],
});
const statuses = {};
try {
  // Headless Chromium says "HeadlessChrome", which katric rightly drops as a bot; the visitor this
  // test plays uses an ordinary Chrome.
  const probe = await browser.newPage();
  const userAgent = (await probe.evaluate(() => navigator.userAgent)).replace('HeadlessChrome', 'Chrome');
  await probe.close();
  const context = await browser.newContext({ userAgent });
  const page = await context.newPage();
  page.on('response', (response) => {
    if (response.url().includes('/api/v1/beacon')) {
      const from = new URL(page.url()).hostname;
      (statuses[from] ||= []).push(response.status());
    }
  });
  const beacons = () => page.waitForResponse((r) => r.url().includes('/api/v1/beacon'));

  let next = beacons();
  await page.goto(sitePage);
  await next;
  // Read the first page down to half its height: its engagement hit reports 50 % scrolled.
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight / 2 - window.innerHeight));
  await page.waitForFunction(() => window.scrollY > 0);
  await page.waitForTimeout(100);
  for (const route of ['#to-pricing', '#to-docs', '#to-about']) {
    next = beacons();
    await page.click(route);
    await next;
  }
  await page.waitForFunction(() => typeof window.vulcan === 'function' && !window.vulcan.q);
  next = beacons();
  await page.click('#outbound');
  await next.catch(() => {});
  await page.waitForTimeout(500);

  // A page not found, whose tag carries data-404: its pageview and a "404" event.
  const before = statuses['shop.test'].length;
  await page.goto(new URL('/missing', sitePage).href);
  for (let waited = 0; statuses['shop.test'].length < before + 2 && waited < 10000; waited += 100) await page.waitForTimeout(100);

  const foreign = await context.newPage();
  foreign.on('response', (response) => {
    if (response.url().includes('/api/v1/beacon')) (statuses['other.test'] ||= []).push(response.status());
  });
  const refused = foreign.waitForResponse((r) => r.url().includes('/api/v1/beacon'));
  await foreign.goto(foreignPage);
  await refused;
  await page.waitForTimeout(300);
} finally {
  await browser.close();
}
console.log(JSON.stringify(statuses));
