// k6 load script for openapi/generation-api.yaml (Site Builder Generation API 1.0.0), one open-model scenario per operation.
// Generated from the contract model by `cargo xtask k6`; do not edit, regenerate.
//
//   k6 run tests/k6/generation.js
//   k6 run --execution-segment 0:1/2 tests/k6/generation.js   # and 1/2:1 on another machine
//
// Environment (the same names as the other target options, see README.md):
//   SB_BASE_URL      the API root (default: the spec's first server, http://127.0.0.1:8080/v1)
//   SB_TOKEN         the bearer token (`cargo xtask token --tenant test-tenant` for the provider)
//   SB_TENANT        the tenant, sent as the X-Tenant-Id header and {tenantId} (x-tenant; default test-tenant)
//   SB_K6_RATE       requests per minute of every scenario (default: the operation's x-slo ratePerMinute, else 60)
//   SB_K6_DURATION   how long each scenario sends (default 1m)
//   SB_K6_VUS        VUs allocated per scenario (default 2; a stream's: its x-slo concurrentCalls); maxVUs is 5 times that
//   SB_K6_ERROR_RATE failed share allowed where x-slo gives no errorPct (default 0)
//
// Thresholds come from each operation's x-slo (openapi/EXTENSIONS.md): avgMs, p95Ms and maxMs
// on the scenario's http_req_duration, errorPct on its http_req_failed; a crossed threshold
// makes k6 exit with code 99. Checks must pass at the same rate.
//
// A stream is read whole: k6 (without extensions) sees the time to its last event and the
// events in the body, not when each arrived. Time to the first chunk (x-slo firstChunkMs) is
// measured by `cargo xtask perf` (tests/reports/performance_report.md).

import http from 'k6/http';
import { check } from 'k6';
import { Trend } from 'k6/metrics';

const BASE_URL = (__ENV.SB_BASE_URL || "http://127.0.0.1:8080/v1").replace(/\/+$/, '');
const TOKEN = __ENV.SB_TOKEN || '';
const TENANT = __ENV.SB_TENANT || 'test-tenant';
const DURATION = __ENV.SB_K6_DURATION || '1m';
const ERROR_RATE = Number(__ENV.SB_K6_ERROR_RATE || "0");

// Requests per minute: SB_K6_RATE for every scenario, else the operation's own.
function rate(perMinute) {
  return __ENV.SB_K6_RATE ? Number(__ENV.SB_K6_RATE) : perMinute;
}

function vus(preset) {
  return __ENV.SB_K6_VUS ? Number(__ENV.SB_K6_VUS) : preset;
}

// The failed share a scenario may have: its x-slo errorPct, else SB_K6_ERROR_RATE.
function errorRate(percent) {
  return percent === undefined ? ERROR_RATE : percent / 100;
}

// The media type without parameters, lowercase (`text/event-stream; charset=utf-8`).
function essence(r) {
  return String(r.headers['Content-Type'] || '').split(';')[0].trim().toLowerCase();
}

// The JSON of each `data:` field of an event-stream body, in order (null where it is not JSON).
function sseEvents(body) {
  const events = [];
  for (const block of String(body || '').split(/\r?\n\r?\n/)) {
    const data = block
      .split(/\r?\n/)
      .filter((l) => l.startsWith('data:'))
      .map((l) => l.slice(5).replace(/^ /, ''))
      .join('\n');
    if (data === '') continue;
    try {
      events.push(JSON.parse(data));
    } catch (e) {
      events.push(null);
    }
  }
  return events;
}

// From the request until the last byte of the stream, i.e. its terminal event.
export const timeToLastEvent = new Trend('time_to_last_event', true);

export const options = {
  scenarios: {
    "listVersions": {
      executor: 'constant-arrival-rate',
      exec: "listVersions",
      rate: rate(60), // default rate
      timeUnit: '1m',
      duration: DURATION,
      preAllocatedVUs: vus(2),
      maxVUs: vus(2) * 5,
    },
    "getVersion": {
      executor: 'constant-arrival-rate',
      exec: "getVersion",
      rate: rate(60), // default rate
      timeUnit: '1m',
      duration: DURATION,
      preAllocatedVUs: vus(2),
      maxVUs: vus(2) * 5,
    },
    "restoreVersion": {
      executor: 'constant-arrival-rate',
      exec: "restoreVersion",
      rate: rate(60), // default rate
      timeUnit: '1m',
      duration: DURATION,
      preAllocatedVUs: vus(2),
      maxVUs: vus(2) * 5,
    },
    "generatePage": {
      executor: 'constant-arrival-rate',
      exec: "generatePage",
      rate: rate(60), // default rate
      timeUnit: '1m',
      duration: DURATION,
      preAllocatedVUs: vus(10),
      maxVUs: vus(10) * 5,
    },
    "getGeneration": {
      executor: 'constant-arrival-rate',
      exec: "getGeneration",
      rate: rate(60), // default rate
      timeUnit: '1m',
      duration: DURATION,
      preAllocatedVUs: vus(2),
      maxVUs: vus(2) * 5,
    },
    "listTemplates": {
      executor: 'constant-arrival-rate',
      exec: "listTemplates",
      rate: rate(100), // x-slo ratePerMinute
      timeUnit: '1m',
      duration: DURATION,
      preAllocatedVUs: vus(2),
      maxVUs: vus(2) * 5,
    },
  },
  thresholds: {
    "http_req_duration{scenario:listVersions}": ["avg<10", "p(95)<20"],
    "http_req_failed{scenario:listVersions}": [`rate<=${errorRate(undefined)}`],
    "checks{scenario:listVersions}": [`rate>=${1 - errorRate(undefined)}`],
    "http_req_duration{scenario:getVersion}": ["avg<10", "p(95)<20"],
    "http_req_failed{scenario:getVersion}": [`rate<=${errorRate(undefined)}`],
    "checks{scenario:getVersion}": [`rate>=${1 - errorRate(undefined)}`],
    "http_req_duration{scenario:restoreVersion}": ["avg<10", "p(95)<20"],
    "http_req_failed{scenario:restoreVersion}": [`rate<=${errorRate(undefined)}`],
    "checks{scenario:restoreVersion}": [`rate>=${1 - errorRate(undefined)}`],
    "time_to_last_event{scenario:generatePage}": ["max<60000"],
    "http_req_failed{scenario:generatePage}": [`rate<=${errorRate(undefined)}`],
    "checks{scenario:generatePage}": [`rate>=${1 - errorRate(undefined)}`],
    "http_req_duration{scenario:getGeneration}": ["avg<10", "p(95)<20"],
    "http_req_failed{scenario:getGeneration}": [`rate<=${errorRate(undefined)}`],
    "checks{scenario:getGeneration}": [`rate>=${1 - errorRate(undefined)}`],
    "http_req_duration{scenario:listTemplates}": ["avg<10", "p(95)<20"],
    "http_req_failed{scenario:listTemplates}": [`rate<=${errorRate(5)}`],
    "checks{scenario:listTemplates}": [`rate>=${1 - errorRate(5)}`],
  },
};

// GET /sites/{siteId}/versions (/paths/~1sites~1{siteId}~1versions/get): List the versions of a site, newest first
export function listVersions() {
  const params = {
    headers: {
      "Authorization": `Bearer ${TOKEN}`,
      "X-Tenant-Id": TENANT,
    },
    tags: { name: "GET /sites/{siteId}/versions", operation: "listVersions" },
    // Any other status, documented or not, counts as failed in http_req_failed.
    responseCallback: http.expectedStatuses(200),
  };
  const r = http.request("GET", `${BASE_URL}/sites/${encodeURIComponent("test-site-id")}/versions`, null, params);
  check(r, {
    "status is 200": (r) => r.status === 200,
    "content type is application/json": (r) => ["application/json"].includes(essence(r)),
  });
}

// GET /sites/{siteId}/versions/{versionId} (/paths/~1sites~1{siteId}~1versions~1{versionId}/get): Read one version of a site, with its HTML
export function getVersion() {
  const params = {
    headers: {
      "Authorization": `Bearer ${TOKEN}`,
      "X-Tenant-Id": TENANT,
    },
    tags: { name: "GET /sites/{siteId}/versions/{versionId}", operation: "getVersion" },
    // Any other status, documented or not, counts as failed in http_req_failed.
    responseCallback: http.expectedStatuses(200),
  };
  const r = http.request("GET", `${BASE_URL}/sites/${encodeURIComponent("test-site-id")}/versions/${encodeURIComponent("v1")}`, null, params);
  check(r, {
    "status is 200": (r) => r.status === 200,
    "content type is application/json": (r) => ["application/json"].includes(essence(r)),
  });
}

// POST /sites/{siteId}/versions/{versionId}/restore (/paths/~1sites~1{siteId}~1versions~1{versionId}~1restore/post): Make an earlier version the site's current version
export function restoreVersion() {
  const params = {
    headers: {
      "Authorization": `Bearer ${TOKEN}`,
      "X-Tenant-Id": TENANT,
    },
    tags: { name: "POST /sites/{siteId}/versions/{versionId}/restore", operation: "restoreVersion" },
    // Any other status, documented or not, counts as failed in http_req_failed.
    responseCallback: http.expectedStatuses(200),
  };
  const r = http.request("POST", `${BASE_URL}/sites/${encodeURIComponent("restore-demo-site")}/versions/${encodeURIComponent("v1")}/restore`, null, params);
  check(r, {
    "status is 200": (r) => r.status === 200,
    "content type is application/json": (r) => ["application/json"].includes(essence(r)),
  });
}

// POST /sites/{tenantId}/generation (/paths/~1sites~1{tenantId}~1generation/post): Generate a landing page, streamed as Server-Sent Events
export function generatePage() {
  const params = {
    headers: {
      "Authorization": `Bearer ${TOKEN}`,
      "X-Tenant-Id": TENANT,
      "Content-Type": "application/json",
    },
    tags: { name: "POST /sites/{tenantId}/generation", operation: "generatePage" },
    // Any other status, documented or not, counts as failed in http_req_failed.
    responseCallback: http.expectedStatuses(200),
    // x-slo lastChunkMs is also the longest a stream is read.
    timeout: '60000ms',
  };
  const r = http.request("POST", `${BASE_URL}/sites/${encodeURIComponent(TENANT)}/generation`, JSON.stringify({"brandAssets":{"primaryColor":"#0066CC","secondaryColor":"#FF6600"},"prompt":"Create a landing page for summer sale","templateId":"ecommerce-sale"}), params);
  timeToLastEvent.add(r.timings.duration);
  const kinds = sseEvents(r.body).map((e) => (e === null ? null : e["type"]));
  const terminal = ["complete", "error"]; // x-stream terminal
  check(r, {
    "status is 200": (r) => r.status === 200,
    "content type is text/event-stream": (r) => ["text/event-stream"].includes(essence(r)),
    "stream ends with one terminal event (complete, error)": (r) => kinds.length > 0 && terminal.includes(kinds[kinds.length - 1]) && kinds.filter((k) => terminal.includes(k)).length === 1,
    "stream ends with complete (x-stream success)": (r) => kinds[kinds.length - 1] === "complete",
  });
}

// GET /sites/{tenantId}/generation/{generationId} (/paths/~1sites~1{tenantId}~1generation~1{generationId}/get): Read the state of a generation
export function getGeneration() {
  const params = {
    headers: {
      "Authorization": `Bearer ${TOKEN}`,
      "X-Tenant-Id": TENANT,
    },
    tags: { name: "GET /sites/{tenantId}/generation/{generationId}", operation: "getGeneration" },
    // Any other status, documented or not, counts as failed in http_req_failed.
    responseCallback: http.expectedStatuses(200),
  };
  const r = http.request("GET", `${BASE_URL}/sites/${encodeURIComponent(TENANT)}/generation/${encodeURIComponent("gen-demo-0001")}`, null, params);
  check(r, {
    "status is 200": (r) => r.status === 200,
    "content type is application/json": (r) => ["application/json"].includes(essence(r)),
  });
}

// GET /sites/{tenantId}/templates (/paths/~1sites~1{tenantId}~1templates/get): List the page templates
export function listTemplates() {
  const params = {
    headers: {
      "Authorization": `Bearer ${TOKEN}`,
      "X-Tenant-Id": TENANT,
    },
    tags: { name: "GET /sites/{tenantId}/templates", operation: "listTemplates" },
    // Any other status, documented or not, counts as failed in http_req_failed.
    responseCallback: http.expectedStatuses(200),
  };
  const r = http.request("GET", `${BASE_URL}/sites/${encodeURIComponent(TENANT)}/templates`, null, params);
  check(r, {
    "status is 200": (r) => r.status === 200,
    "content type is application/json": (r) => ["application/json"].includes(essence(r)),
  });
}
