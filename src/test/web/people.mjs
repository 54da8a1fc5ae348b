// People in a real browser: the owner signs up on a fresh install, adds a site, signs out and in
// again, opens a site's dashboard and from its settings invites a viewer and makes two share links
// (one with a password) and imports an export, watching its progress; the viewer joins through the
// invitation link; strangers open both links. Prints one JSON line of what each of them saw.
//   node people.mjs <base URL> <site with traffic> <screenshot directory> <Plausible export zip>
import { chromium } from 'playwright-core';

const [base, site, shots, exportZip] = process.argv.slice(2);
const PASSWORD = 'owner password 12';
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const result = {};
// What a dashboard shows once its cards are in: its credential's role and way in, and whether settings show.
const dashboardSeen = (page) => page.evaluate(() => ({
  role: document.body.dataset.role,
  via: document.body.dataset.via,
  settingsShown: !document.getElementById('settings').hidden,
  pageviews: document.querySelector('[data-metric="pageviews"] .value').textContent,
  note: document.getElementById('shared-note').textContent,
  error: document.getElementById('error').style.display === 'block' ? document.getElementById('error').textContent : '',
}));
// Every page's console errors, uncaught errors and refused requests, named, on stderr: what a failure's
// message shows of the pages the test did not expect to go wrong.
const watch = (page, name) => {
  page.on('console', (message) => { if (message.type() === 'error') console.error(`${name} console: ${message.text()}`); });
  page.on('pageerror', (error) => console.error(`${name} page error: ${error.message}`));
  page.on('response', (response) => {
    if (response.status() >= 400) console.error(`${name}: ${response.status()} ${response.request().method()} ${new URL(response.url()).pathname}`);
  });
  return page;
};
// A failed wait's error, with where the page is and the error it shows.
const explained = (page) => async (error) => {
  throw new Error(`${error.message}; the page at ${page.url()} shows: ${await page.textContent('#error').catch(() => '?')}`);
};
const cardsIn = (page) => page.waitForSelector('[data-metric="pageviews"]', { timeout: 20000 }).catch(explained(page));
try {
  const owner = await browser.newContext();
  const page = watch(await owner.newPage(), 'owner');
  await page.goto(`${base}/account`);
  await page.waitForSelector('#setup:not([hidden])');
  await page.fill('#setup-email', 'owner@example.com');
  await page.fill('#setup-password', PASSWORD);
  await page.click('#setup-form button');
  await page.waitForSelector('#sites:not([hidden]) #site-list a');
  result.cookies = (await owner.cookies()).map(({ name, secure, httpOnly, sameSite }) => ({ name, secure, httpOnly, sameSite }));
  await page.fill('#site-id', 'added.example');
  await page.fill('#site-zone', 'Europe/Berlin');
  await page.click('#site-form button');
  await page.waitForFunction(() => [...document.querySelectorAll('#site-list a')].some((a) => a.textContent === 'added.example'));
  result.sitesListed = await page.$$eval('#site-list tr', (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent)));
  await page.click('#signout');
  await page.waitForSelector('#signin:not([hidden])');
  result.signedOutCookies = (await owner.cookies()).map((c) => c.name);
  await page.fill('#signin-email', 'owner@example.com');
  await page.fill('#signin-password', PASSWORD);
  await page.click('#signin-form button');
  await page.waitForSelector('#sites:not([hidden]) #site-list a');
  result.signedInAgain = await page.textContent('#who');

  await page.goto(`${base}/dashboard/${site}`);
  await cardsIn(page);
  await page.waitForSelector('#settings:not([hidden]) #shares tr');
  result.owner = await dashboardSeen(page);
  await page.fill('#invite-email', 'viewer@example.com');
  await page.selectOption('#invite-role', 'viewer');
  await page.click('#invite-form button');
  await page.waitForFunction(() => document.getElementById('invite-link').textContent.includes('#invite='));
  const invitation = await page.textContent('#invite-link');
  await page.fill('#share-label', 'Public');
  await page.click('#share-form button');
  await page.waitForFunction(() => document.getElementById('share-link').textContent.includes('#key=vs_'));
  const openLink = await page.textContent('#share-link');
  await page.fill('#share-label', 'Board');
  await page.fill('#share-password', 'board password 1');
  await page.click('#share-form button');
  await page.waitForFunction((earlier) => document.getElementById('share-link').textContent.includes('#key=vs_')
    && document.getElementById('share-link').textContent !== earlier, openLink);
  const lockedLink = await page.textContent('#share-link');
  await page.waitForFunction(() => document.querySelectorAll('#shares tr').length === 2);
  result.settingsRows = await page.$$eval('#settings tr', (rows) => rows.map((r) => r.querySelector('td').textContent));
  await page.locator('#settings').screenshot({ path: `${shots}/people-settings.png` });

  // An import from the settings, over the last 30 days: its row shows its progress, then done, and
  // the reports load again with the imported days in them.
  await page.goto(`${base}/dashboard/${site}?period=30d`);
  await cardsIn(page);
  await page.waitForSelector('#settings:not([hidden]) #imports tr');
  await page.selectOption('#import-source', 'plausible');
  await page.setInputFiles('#import-file', exportZip);
  await page.click('#import-form button');
  await page.waitForFunction(() => document.getElementById('import-note').textContent.startsWith('Importing'));
  result.importNote = await page.textContent('#import-note');
  await page.waitForFunction(() => document.querySelector('#imports .import-state')?.textContent === 'done', null, { timeout: 30000 });
  result.importRow = await page.$eval('#imports tr', (row) => [...row.querySelectorAll('td')].map((td) => td.textContent));
  // Before the import the last 30 days held the site's own 3 pageviews.
  await page.waitForFunction(() => document.querySelector('[data-metric="pageviews"] .value')?.textContent.replace(/\D/g, '') > 3,
    null, { timeout: 20000 });
  result.withImport = await dashboardSeen(page);
  await page.locator('#settings').screenshot({ path: `${shots}/people-import.png` });

  const viewer = watch(await (await browser.newContext()).newPage(), 'viewer');
  await viewer.goto(invitation);
  await viewer.waitForSelector('#invitation:not([hidden])');
  result.invitationTitle = await viewer.textContent('#invitation-title');
  await viewer.fill('#invitation-password', 'viewer password 1');
  await viewer.click('#invitation-form button');
  await viewer.waitForURL(`**/dashboard/${site}`).catch(explained(viewer));
  await cardsIn(viewer);
  result.viewer = await dashboardSeen(viewer);

  const stranger = watch(await (await browser.newContext()).newPage(), 'stranger');
  await stranger.goto(openLink);
  await cardsIn(stranger);
  result.openLink = await dashboardSeen(stranger);
  await stranger.screenshot({ path: `${shots}/people-share-link.png` });

  const locked = watch(await (await browser.newContext()).newPage(), 'locked');
  await locked.goto(lockedLink);
  await locked.waitForSelector('#unlock:not([hidden])');
  await locked.fill('#unlock-password', 'not the password');
  await locked.click('#unlock-submit');
  await locked.waitForFunction(() => document.getElementById('unlock-note').textContent !== '');
  result.wrongPassword = await locked.textContent('#unlock-note');
  await locked.fill('#unlock-password', 'board password 1');
  await locked.click('#unlock-submit');
  await cardsIn(locked);
  result.lockedLink = await dashboardSeen(locked);
  result.lockedKeyInFragment = new URL(locked.url()).hash.startsWith('#key=vu_');
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
