#!/usr/bin/env bash
# The browser test (issue 15): headless Chromium runs tests/browser/page.html, the Site
# Builder frontend's calls, through the validating proxy (`sitebuilder proxy`) against the
# reference provider, and asserts:
#   - from an allowed origin (http://localhost:PORT) every call succeeds, the proxy reports no
#     violation, and the consumer file it records passes compat and covers every use of
#     consumers/site-builder-frontend.yaml;
#   - from a disallowed origin (http://127.0.0.1:PORT) the browser blocks every call;
#   - with a schema fault (missing-required-field) the proxy reports violations;
#   - for each CORS fault of the provider, the browser's outcome and the verdict of the
#     generated CORS checks (`sitebuilder cors-checks`) agree; a table of both is printed.
#
#   scripts/browser-tests.sh                  # everything
#   SB_BROWSER_FAULTS="cors-no-vary" scripts/browser-tests.sh   # only these CORS faults
#   SB_FAULTS="cors-no-acao-on-actual" scripts/browser-tests.sh # the baseline with a fault: must fail
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
WORK="$ROOT/target/browser"
mkdir -p "$WORK"
CORS_FAULTS="${SB_BROWSER_FAULTS-cors-allow-any-origin cors-missing-header cors-no-acao-on-actual cors-no-vary cors-wildcard-with-credentials cors-suffix-match cors-no-max-age cors-no-expose-headers}"

die() {
    echo "browser-tests: $*" >&2
    exit 1
}

# --- what the test needs, installed when missing (bounded, retried) -------------------------
if [[ ! -x /usr/bin/chromium ]]; then
    echo "installing Debian's chromium"
    for attempt in 1 2 3; do
        if timeout 900 apt-get install -y -q chromium >"$WORK/apt.log" 2>&1; then break; fi
        echo "apt-get install failed (attempt $attempt); updating the package lists and retrying" >&2
        timeout 300 apt-get update -q >>"$WORK/apt.log" 2>&1 || true
        sleep $((attempt * 5))
    done
    [[ -x /usr/bin/chromium ]] || die "chromium is not installed; see $WORK/apt.log"
fi
if [[ ! -f tests/browser/node_modules/playwright-core/package.json ]]; then
    echo "installing playwright-core (tests/browser/package-lock.json)"
    (cd tests/browser && timeout 300 npm install --no-save --no-audit --no-fund) ||
        die "npm install failed in tests/browser"
fi
command -v node >/dev/null || die "node is not on PATH"

cargo build --quiet -p sb-cli
BIN="$ROOT/target/debug/sitebuilder"

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Every process started here, stopped on exit however the script ends.
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
}
trap cleanup EXIT

# wait_ready URL PID LOG: until URL answers (bounded), failing early if PID exits.
wait_ready() {
    local deadline=$((SECONDS + 60))
    until curl -fs -o /dev/null --max-time 2 "$1"; do
        kill -0 "$2" 2>/dev/null || die "process $2 exited before it was ready; see $3"
        ((SECONDS < deadline)) || die "$1 was not ready within 60 s; see $3"
        sleep 0.2
    done
}

LOGO="agents/logos/logo-3f9a1c2b7d4e5f60"

# start_provider NAME [FAULT...]: sets PROVIDER (base URL) and PROVIDER_PID.
start_provider() {
    local name="$1"
    shift
    local args=() port
    for fault in "$@"; do args+=(--fault "$fault"); done
    port="$(free_port)"
    "$BIN" serve --port "$port" "${args[@]}" >"$WORK/$name-provider.out" 2>"$WORK/$name-provider.log" &
    PROVIDER_PID=$!
    PIDS+=("$PROVIDER_PID")
    PROVIDER="http://127.0.0.1:$port/v1"
    wait_ready "$PROVIDER/$LOGO" "$PROVIDER_PID" "$WORK/$name-provider.log"
}

# start_proxy NAME [ARGS...]: sets PROXY (URL) and PROXY_PID; violations in $WORK/NAME-violations.jsonl.
start_proxy() {
    local name="$1"
    shift
    local port
    port="$(free_port)"
    rm -f "$WORK/$name-violations.jsonl" "$WORK/$name-summary.json"
    "$BIN" proxy --upstream "$PROVIDER" --port "$port" --allowed-origin 'http://localhost:*' \
        --violations "$WORK/$name-violations.jsonl" --summary "$WORK/$name-summary.json" "$@" \
        >"$WORK/$name-proxy.out" 2>"$WORK/$name-proxy.log" &
    PROXY_PID=$!
    PIDS+=("$PROXY_PID")
    PROXY="http://127.0.0.1:$port"
    wait_ready "$PROXY/$LOGO" "$PROXY_PID" "$WORK/$name-proxy.log"
    touch "$WORK/$name-violations.jsonl"
}

# stop PID: SIGINT (the proxy then writes its summary and recording), bounded, then SIGKILL.
stop() {
    kill -INT "$1" 2>/dev/null || return 0
    local deadline=$((SECONDS + 20))
    while kill -0 "$1" 2>/dev/null; do
        if ((SECONDS > deadline)); then
            echo "process $1 did not stop within 20 s; killing it" >&2
            kill -9 "$1" 2>/dev/null || true
            break
        fi
        sleep 0.1
    done
    wait "$1" 2>/dev/null || true
}

# browser NAME ORIGIN [REVALIDATE_MS]: the page in Chromium, its outcome in $WORK/NAME-ORIGIN.json.
browser() {
    (cd tests/browser && timeout 180 node run.js --api "$PROXY" --token "$TOKEN" --origin "$2" \
        --revalidate-ms "${3:-0}") >"$WORK/$1-$2.json" 2>"$WORK/$1-$2.log" ||
        die "the browser run $1 ($2 origin) failed; see $WORK/$1-$2.log"
}

TOKEN="$("$BIN" token --tenant test-tenant --ttl 3600)"
RECORDED="$WORK/recorded-frontend.yaml"
rm -f "$RECORDED"

echo "=== allowed and disallowed origins, healthy provider${SB_FAULTS:+ (faults: $SB_FAULTS)} ==="
# shellcheck disable=SC2086 # SB_FAULTS is a list of fault names
start_provider baseline ${SB_FAULTS:-}
start_proxy baseline --record "$RECORDED"
browser baseline allowed
browser baseline disallowed
stop "$PROXY_PID"
cat "$WORK/baseline-proxy.out"
"$BIN" cors-checks --consumer consumers/site-builder-frontend.yaml --base-url "$PROVIDER" \
    >"$WORK/baseline-checks.jsonl"
stop "$PROVIDER_PID"
python3 tests/browser/verdict.py baseline "$WORK" || die "the baseline failed (above)"
"$BIN" consumer-covers --recorded "$RECORDED" --consumer consumers/site-builder-frontend.yaml ||
    die "the recorded consumer file does not cover the committed one"
cargo xtask compat --consumer "$RECORDED" || die "the recorded consumer file fails compat"

echo "=== a response that breaks its schema: the proxy must report it ==="
start_provider schema missing-required-field
start_proxy schema
browser schema allowed
stop "$PROXY_PID"
stop "$PROVIDER_PID"
[[ -s "$WORK/schema-violations.jsonl" ]] || die "missing-required-field: the proxy reported no violation"
echo "missing-required-field: the proxy reported $(wc -l <"$WORK/schema-violations.jsonl") violation(s), e.g.:"
head -n 1 "$WORK/schema-violations.jsonl"

echo "=== CORS faults: the browser against the generated CORS checks ==="
for fault in $CORS_FAULTS; do
    echo "--- $fault"
    start_provider "$fault" "$fault"
    start_proxy "$fault"
    # The second validation 5.5 s later shows whether the preflight was cached.
    browser "$fault" allowed 5500
    if [[ "$fault" == cors-suffix-match ]]; then
        browser "$fault" evil
    else
        browser "$fault" disallowed
    fi
    stop "$PROXY_PID"
    # The checks as generated: from the spec's x-cors origin and its near misses.
    "$BIN" cors-checks --consumer consumers/site-builder-frontend.yaml --base-url "$PROVIDER" \
        >"$WORK/$fault-checks.jsonl"
    stop "$PROVIDER_PID"
done
# shellcheck disable=SC2086
python3 tests/browser/verdict.py faults "$WORK" $CORS_FAULTS
