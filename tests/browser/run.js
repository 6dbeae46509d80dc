// Runs tests/browser/page.html in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core) and prints one JSON line with each call's outcome as the browser saw it.
//
//   node run.js --api URL --token JWT --origin allowed|disallowed|evil [--revalidate-ms N]
//
// The page is served by this script on an ephemeral loopback port. `allowed` loads it from
// http://localhost:PORT (the provider allows http://localhost:*), `disallowed` from
// http://127.0.0.1:PORT (not allowed), `evil` from http://evilkimmyai.io (never resolved:
// Playwright answers the navigation itself), an origin that merely ends in kimmyai.io.
'use strict';

const http = require('http');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const API = arg('--api');
const TOKEN = arg('--token');
const ORIGIN = arg('--origin', 'allowed');
const REVALIDATE_MS = arg('--revalidate-ms', '0');
const DEADLINE_MS = Number(arg('--deadline-ms', '90000'));
if (!API || !TOKEN) {
  console.error('usage: node run.js --api URL --token JWT --origin allowed|disallowed|evil');
  process.exit(2);
}

const FILES = { '/page.html': 'text/html', '/app.js': 'text/javascript' };

function serve() {
  const server = http.createServer((req, res) => {
    const file = new URL(req.url, 'http://x').pathname;
    if (!FILES[file]) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': FILES[file] });
    res.end(fs.readFileSync(path.join(__dirname, file)));
  });
  // Loopback only, ephemeral port; resolves once listening (the readiness).
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

// Chromium honours only the last --disable-features, and Playwright passes its own list (some
// of which its request interception needs), so the Private Network Access features are
// appended to Playwright's list rather than given alone.
function withoutPrivateNetworkChecks() {
  const extra = 'BlockInsecurePrivateNetworkRequests,PrivateNetworkAccessSendPreflights,LocalNetworkAccessChecks';
  let own = [];
  try {
    const file = path.join(__dirname, 'node_modules/playwright-core/lib/server/chromium/chromiumSwitches.js');
    const switches = require(file).chromiumSwitches;
    own = typeof switches === 'function' ? switches() : switches;
  } catch (e) {
    console.error(`cannot read Playwright's Chromium switches (${e}); disabling only ${extra}`);
  }
  const theirs = own.find((s) => s.startsWith('--disable-features='));
  return theirs ? `${theirs},${extra}` : `--disable-features=${extra}`;
}

async function main() {
  const server = await serve();
  const port = server.address().port;
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-chromium-'));
  // A fresh profile per run: Playwright takes it as the persistent context's directory
  // (it refuses --user-data-dir among the args), so no cache or preflight survives a run.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.SB_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    timeout: 30000,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // Only for the page that poses as http://evilkimmyai.io: a real such site would call a
      // public API, but here the API is on loopback, and Private Network Access would block
      // the call before CORS is even consulted, hiding what this run is about.
      ...(ORIGIN === 'evil' ? [withoutPrivateNetworkChecks()] : []),
    ],
  });
  let outcome;
  try {
    const page = context.pages()[0] || (await context.newPage());
    page.on('console', (m) => {
      if (m.type() === 'error') console.error(`[browser] ${m.text()}`);
    });
    const query = `?api=${encodeURIComponent(API)}&token=${encodeURIComponent(TOKEN)}&revalidateMs=${REVALIDATE_MS}`;
    let base;
    if (ORIGIN === 'allowed') base = `http://localhost:${port}`;
    else if (ORIGIN === 'disallowed') base = `http://127.0.0.1:${port}`;
    else if (ORIGIN === 'evil') {
      base = 'http://evilkimmyai.io';
      // Answer the page's own requests from the files, so no name needs resolving.
      await page.route(`${base}/**`, (route) => {
        const file = new URL(route.request().url()).pathname;
        if (!FILES[file]) return route.fulfill({ status: 404 });
        return route.fulfill({ status: 200, contentType: FILES[file], body: fs.readFileSync(path.join(__dirname, file)) });
      });
    } else throw new Error(`unknown --origin ${ORIGIN}`);
    await page.goto(`${base}/page.html${query}`, { timeout: 30000 });
    await page.waitForFunction(() => window.__done === true, null, { timeout: DEADLINE_MS });
    const results = await page.evaluate(() => window.__results);
    outcome = { origin: new URL(base).origin, results };
  } finally {
    await context.close();
    server.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  console.log(JSON.stringify(outcome));
}

main().catch((e) => {
  console.error(`browser run failed: ${e.stack || e}`);
  process.exit(1);
});
