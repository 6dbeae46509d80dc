// The frontend's calls, made by the browser itself (fetch, CORS and all), against the API
// base URL in `?api=`. Each step's outcome goes into window.__results for run.js: whether the
// browser let the script see the response (a CORS block is a TypeError), the status, and
// whether the documented X-Request-Id header is readable by script (Access-Control-Expose-Headers).
'use strict';

const q = new URLSearchParams(location.search);
const API = q.get('api');
const TOKEN = q.get('token');
const TENANT = q.get('tenant') || 'test-tenant';
const REVALIDATE_MS = Number(q.get('revalidateMs') || 0);
const results = [];
window.__results = results;

function log(line) {
  document.getElementById('log').textContent += line + '\n';
}

// Reads a Server-Sent Events body as it arrives (ReadableStream), as the frontend renders a
// page while it is generated; returns the parsed events and when the first bytes came.
async function readEvents(res, started) {
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  const events = [];
  let buffer = '';
  let firstByteMs = null;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (firstByteMs === null) firstByteMs = performance.now() - started;
    buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = block
        .split('\n')
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).replace(/^ /, ''))
        .join('\n');
      if (data) events.push(JSON.parse(data));
    }
  }
  return { events, firstByteMs };
}

async function call(step, method, path, opts = {}) {
  const headers = { 'X-Tenant-Id': TENANT, 'Content-Type': 'application/json' };
  if (opts.auth !== false) headers.Authorization = 'Bearer ' + TOKEN;
  if (opts.accept) headers.Accept = opts.accept;
  const started = performance.now();
  const entry = { step, method, path };
  try {
    const res = await fetch(API + path, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    entry.status = res.status;
    entry.requestIdReadable = res.headers.get('X-Request-Id') !== null;
    // generatePage documents X-Generation-Id, which the frontend reads while the page streams.
    if (path.endsWith('/generation')) {
      entry.generationIdReadable = res.headers.get('X-Generation-Id') !== null;
    }
    if ((res.headers.get('Content-Type') || '').startsWith('text/event-stream')) {
      const { events, firstByteMs } = await readEvents(res, started);
      entry.events = events.map((e) => e.type);
      entry.firstByteMs = firstByteMs;
      entry.data = events;
    } else if ((res.headers.get('Content-Type') || '').includes('json')) {
      entry.data = await res.json();
    } else {
      await res.arrayBuffer();
    }
    entry.ok = (opts.expect || [200]).includes(res.status);
  } catch (e) {
    entry.ok = false;
    entry.blocked = e instanceof TypeError;
    entry.error = String(e);
  }
  entry.ms = Math.round(performance.now() - started);
  results.push(entry);
  log(`${entry.ok ? 'ok  ' : 'FAIL'} ${step}: ${entry.status ?? entry.error}`);
  return entry;
}

const last = (entry, type) => (entry.data || []).filter((e) => e.type === type).pop();

async function main() {
  const logos = await call('generate four logo options', 'POST', '/agents/logo', {
    body: { prompt: 'Modern tech logo', style: 'modern', colors: ['#0066CC'], count: 4 },
  });
  const picked = await call('generate logos and pick one', 'POST', '/agents/logo', {
    body: { prompt: 'Tech company logo', count: 4 },
  });
  const logoUrl = picked.data?.results?.[0]?.url || logos.data?.results?.[0]?.url || 'https://example.com/logo.svg';
  await call('generate a page with a template and brand colours', 'POST', `/sites/${TENANT}/generation`, {
    body: {
      prompt: 'Create a landing page for summer sale',
      templateId: 'ecommerce-sale',
      brandAssets: { primaryColor: '#0066CC', secondaryColor: '#FF6600' },
    },
  });
  const page = await call('stream a page and collect its HTML', 'POST', `/sites/${TENANT}/generation`, {
    body: { prompt: 'Create summer sale landing page' },
    accept: 'text/event-stream',
  });
  await call('generate a page with the chosen logo', 'POST', `/sites/${TENANT}/generation`, {
    body: { prompt: 'Create tech company landing page', brandAssets: { logo: logoUrl } },
    accept: 'text/event-stream',
  });
  const invalid = await call('stream an invalid request and read the error event', 'POST', `/sites/${TENANT}/generation`, {
    body: { prompt: '' },
    accept: 'text/event-stream',
  });
  if (invalid.ok && !last(invalid, 'error')) invalid.ok = false;
  await call('generate without a token', 'POST', `/sites/${TENANT}/generation`, {
    body: { prompt: 'test' },
    auth: false,
    expect: [401],
  });
  const complete = last(page, 'complete') || {};
  const generationId = complete.generationId || 'missing';
  const siteId = complete.siteId || generationId;
  await call('read the generation state', 'GET', `/sites/${TENANT}/generation/${generationId}`);
  await call('read the brand score', 'GET', `/sites/${siteId}/brand-score`);
  await call('validate a site', 'GET', `/sites/${siteId}/validate`);
  const deployment = await call('deploy the site to staging', 'POST', `/sites/${TENANT}/deployments`, {
    body: { siteId, environment: 'staging' },
    expect: [202],
  });
  const deploymentId = deployment.data?.deploymentId || 'missing';
  // Poll as the frontend does, bounded: until the deployment leaves its in-progress states.
  for (let i = 0; i < 40; i++) {
    const status = await call('read the deployment status', 'GET', `/sites/${TENANT}/deployments/${deploymentId}`);
    const state = status.data?.status;
    if (!status.ok || !['PENDING', 'IN_PROGRESS'].includes(state)) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const versions = await call("list the site's versions", 'GET', `/sites/${siteId}/versions`);
  const versionId = versions.data?.currentVersionId || 'missing';
  await call('open a version', 'GET', `/sites/${siteId}/versions/${versionId}`);
  await call('restore a version', 'POST', `/sites/${siteId}/versions/${versionId}/restore`);
  if (REVALIDATE_MS > 0) {
    // A second validation after the preflight cache should have kept the first preflight
    // (Chromium keeps one for 5 s without Access-Control-Max-Age): the proxy counts them.
    await new Promise((r) => setTimeout(r, REVALIDATE_MS));
    await call('validate the site again', 'GET', `/sites/${siteId}/validate`);
  }
}

main()
  .catch((e) => results.push({ step: 'page script', ok: false, error: String(e) }))
  .finally(() => {
    window.__done = true;
  });
