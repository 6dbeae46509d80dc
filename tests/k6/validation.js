// k6 load script for openapi/validation-api.yaml (Site Builder Validation API 1.0.0), one open-model scenario per operation.
// Generated from the contract model by `cargo xtask k6`; do not edit, regenerate.
//
//   k6 run tests/k6/validation.js
//   k6 run --execution-segment 0:1/2 tests/k6/validation.js   # and 1/2:1 on another machine
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
    "getBrandScore": {
      executor: 'constant-arrival-rate',
      exec: "getBrandScore",
      rate: rate(60), // default rate
      timeUnit: '1m',
      duration: DURATION,
      preAllocatedVUs: vus(2),
      maxVUs: vus(2) * 5,
    },
    "validateSite": {
      executor: 'constant-arrival-rate',
      exec: "validateSite",
      rate: rate(100), // x-slo ratePerMinute
      timeUnit: '1m',
      duration: DURATION,
      preAllocatedVUs: vus(2),
      maxVUs: vus(2) * 5,
    },
    "createDeployment": {
      executor: 'constant-arrival-rate',
      exec: "createDeployment",
      rate: rate(60), // default rate
      timeUnit: '1m',
      duration: DURATION,
      preAllocatedVUs: vus(2),
      maxVUs: vus(2) * 5,
    },
    "getDeployment": {
      executor: 'constant-arrival-rate',
      exec: "getDeployment",
      rate: rate(60), // default rate
      timeUnit: '1m',
      duration: DURATION,
      preAllocatedVUs: vus(2),
      maxVUs: vus(2) * 5,
    },
  },
  thresholds: {
    "http_req_duration{scenario:getBrandScore}": ["avg<10", "p(95)<20"],
    "http_req_failed{scenario:getBrandScore}": [`rate<=${errorRate(undefined)}`],
    "checks{scenario:getBrandScore}": [`rate>=${1 - errorRate(undefined)}`],
    "http_req_duration{scenario:validateSite}": ["avg<10", "p(95)<20"],
    "http_req_failed{scenario:validateSite}": [`rate<=${errorRate(5)}`],
    "checks{scenario:validateSite}": [`rate>=${1 - errorRate(5)}`],
    "http_req_duration{scenario:createDeployment}": ["avg<10", "p(95)<20"],
    "http_req_failed{scenario:createDeployment}": [`rate<=${errorRate(undefined)}`],
    "checks{scenario:createDeployment}": [`rate>=${1 - errorRate(undefined)}`],
    "http_req_duration{scenario:getDeployment}": ["avg<10", "p(95)<20"],
    "http_req_failed{scenario:getDeployment}": [`rate<=${errorRate(undefined)}`],
    "checks{scenario:getDeployment}": [`rate>=${1 - errorRate(undefined)}`],
  },
};

// GET /sites/{siteId}/brand-score (/paths/~1sites~1{siteId}~1brand-score/get): The brand score of the site's current page, with its breakdown
export function getBrandScore() {
  const params = {
    headers: {
      "Authorization": `Bearer ${TOKEN}`,
      "X-Tenant-Id": TENANT,
    },
    tags: { name: "GET /sites/{siteId}/brand-score", operation: "getBrandScore" },
    // Any other status, documented or not, counts as failed in http_req_failed.
    responseCallback: http.expectedStatuses(200),
  };
  const r = http.request("GET", `${BASE_URL}/sites/${encodeURIComponent("test-site-id")}/brand-score`, null, params);
  check(r, {
    "status is 200": (r) => r.status === 200,
    "content type is application/json": (r) => ["application/json"].includes(essence(r)),
  });
}

// GET /sites/{siteId}/validate (/paths/~1sites~1{siteId}~1validate/get): Analyse the site's current page
export function validateSite() {
  const params = {
    headers: {
      "Authorization": `Bearer ${TOKEN}`,
      "X-Tenant-Id": TENANT,
    },
    tags: { name: "GET /sites/{siteId}/validate", operation: "validateSite" },
    // Any other status, documented or not, counts as failed in http_req_failed.
    responseCallback: http.expectedStatuses(200),
  };
  const r = http.request("GET", `${BASE_URL}/sites/${encodeURIComponent("test-site-id")}/validate`, null, params);
  check(r, {
    "status is 200": (r) => r.status === 200,
    "content type is application/json": (r) => ["application/json"].includes(essence(r)),
  });
}

// POST /sites/{tenantId}/deployments (/paths/~1sites~1{tenantId}~1deployments/post): Deploy a site's current version
export function createDeployment() {
  const params = {
    headers: {
      "Authorization": `Bearer ${TOKEN}`,
      "X-Tenant-Id": TENANT,
      "Content-Type": "application/json",
    },
    tags: { name: "POST /sites/{tenantId}/deployments", operation: "createDeployment" },
    // Any other status, documented or not, counts as failed in http_req_failed.
    responseCallback: http.expectedStatuses(202),
  };
  const r = http.request("POST", `${BASE_URL}/sites/${encodeURIComponent(TENANT)}/deployments`, JSON.stringify({"environment":"staging","siteId":"test-site-id"}), params);
  check(r, {
    "status is 202": (r) => r.status === 202,
    "content type is application/json": (r) => ["application/json"].includes(essence(r)),
  });
}

// GET /sites/{tenantId}/deployments/{deploymentId} (/paths/~1sites~1{tenantId}~1deployments~1{deploymentId}/get): Read a deployment's status
export function getDeployment() {
  const params = {
    headers: {
      "Authorization": `Bearer ${TOKEN}`,
      "X-Tenant-Id": TENANT,
    },
    tags: { name: "GET /sites/{tenantId}/deployments/{deploymentId}", operation: "getDeployment" },
    // Any other status, documented or not, counts as failed in http_req_failed.
    responseCallback: http.expectedStatuses(200),
  };
  const r = http.request("GET", `${BASE_URL}/sites/${encodeURIComponent(TENANT)}/deployments/${encodeURIComponent("dep-demo-0001")}`, null, params);
  check(r, {
    "status is 200": (r) => r.status === 200,
    "content type is application/json": (r) => ["application/json"].includes(essence(r)),
  });
}
