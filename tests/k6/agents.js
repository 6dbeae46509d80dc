// k6 load script for openapi/agents-api.yaml (Site Builder Agents API 1.0.0), one open-model scenario per operation.
// Generated from the contract model by `cargo xtask k6`; do not edit, regenerate.
//
//   k6 run tests/k6/agents.js
//   k6 run --execution-segment 0:1/2 tests/k6/agents.js   # and 1/2:1 on another machine
//
// Environment (the same names as the other target options, see README.md):
//   SB_BASE_URL      the API root (default: the spec's first server, http://127.0.0.1:8080/v1)
//   SB_TOKEN         the bearer token (`cargo xtask token --tenant test-tenant` for the provider)
//   SB_TENANT        the tenant, sent as the X-Tenant-Id header (x-tenant; default test-tenant)
//   SB_K6_RATE       requests per minute of every scenario (default: the operation's x-slo ratePerMinute, else 60)
//   SB_K6_DURATION   how long each scenario sends (default 1m)
//   SB_K6_VUS        VUs allocated per scenario (default 2; a stream's: its x-slo concurrentCalls); maxVUs is 5 times that
//   SB_K6_ERROR_RATE failed share allowed where x-slo gives no errorPct (default 0)
//
// Thresholds come from each operation's x-slo (openapi/EXTENSIONS.md): avgMs, p95Ms and maxMs
// on the scenario's http_req_duration, errorPct on its http_req_failed; a crossed threshold
// makes k6 exit with code 99. Checks must pass at the same rate.

import http from 'k6/http';
import { check } from 'k6';

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

export const options = {
  scenarios: {
    "generateLogo": {
      executor: 'constant-arrival-rate',
      exec: "generateLogo",
      rate: rate(60), // default rate
      timeUnit: '1m',
      duration: DURATION,
      preAllocatedVUs: vus(2),
      maxVUs: vus(2) * 5,
    },
    "getLogoImage": {
      executor: 'constant-arrival-rate',
      exec: "getLogoImage",
      rate: rate(60), // default rate
      timeUnit: '1m',
      duration: DURATION,
      preAllocatedVUs: vus(2),
      maxVUs: vus(2) * 5,
    },
  },
  thresholds: {
    "http_req_duration{scenario:generateLogo}": ["max<30000"],
    "http_req_failed{scenario:generateLogo}": [`rate<=${errorRate(undefined)}`],
    "checks{scenario:generateLogo}": [`rate>=${1 - errorRate(undefined)}`],
    "http_req_duration{scenario:getLogoImage}": ["avg<10", "p(95)<20"],
    "http_req_failed{scenario:getLogoImage}": [`rate<=${errorRate(undefined)}`],
    "checks{scenario:getLogoImage}": [`rate>=${1 - errorRate(undefined)}`],
  },
};

// POST /agents/logo (/paths/~1agents~1logo/post): Generate logo options
export function generateLogo() {
  const params = {
    headers: {
      "Authorization": `Bearer ${TOKEN}`,
      "X-Tenant-Id": TENANT,
      "Content-Type": "application/json",
    },
    tags: { name: "POST /agents/logo", operation: "generateLogo" },
    // Any other status, documented or not, counts as failed in http_req_failed.
    responseCallback: http.expectedStatuses(200),
  };
  const r = http.request("POST", `${BASE_URL}/agents/logo`, JSON.stringify({"colors":["#0066CC"],"count":4,"prompt":"Modern tech logo","style":"modern"}), params);
  check(r, {
    "status is 200": (r) => r.status === 200,
    "content type is application/json": (r) => ["application/json"].includes(essence(r)),
  });
}

// GET /agents/logos/{logoId} (/paths/~1agents~1logos~1{logoId}/get): Fetch a generated logo as SVG
export function getLogoImage() {
  const params = {
    headers: {
    },
    tags: { name: "GET /agents/logos/{logoId}", operation: "getLogoImage" },
    // Any other status, documented or not, counts as failed in http_req_failed.
    responseCallback: http.expectedStatuses(200),
  };
  const r = http.request("GET", `${BASE_URL}/agents/logos/${encodeURIComponent("logo-3f9a1c2b7d4e5f60")}?size=${encodeURIComponent("preview")}`, null, params);
  check(r, {
    "status is 200": (r) => r.status === 200,
    "content type is image/svg+xml": (r) => ["image/svg+xml"].includes(essence(r)),
  });
}
