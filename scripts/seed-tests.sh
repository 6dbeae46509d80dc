#!/usr/bin/env bash
# Runs the seed's Python test cases (tests/seed/) against the reference provider started
# with `cargo xtask serve` on a free loopback port with a fresh file store.
#
#   scripts/seed-tests.sh                 # all four files
#   scripts/seed-tests.sh -k streaming    # extra arguments go to pytest
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/target/py/seed"
WORK="$ROOT/target/seed-tests"
mkdir -p "$WORK"

if ! cmp -s tests/seed/requirements.txt "$VENV/requirements.txt" 2>/dev/null; then
    echo "installing tests/seed/requirements.txt into $VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check -r tests/seed/requirements.txt
    cp tests/seed/requirements.txt "$VENV/requirements.txt"
fi

cargo build --quiet -p sb-cli
# The binary behind `cargo xtask serve` / `token`, run directly so the PID is the server.
XTASK="$ROOT/target/debug/sitebuilder"
PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
DB="$WORK/provider.sqlite"
rm -f "$DB" "$DB-wal" "$DB-shm"
BASE="http://127.0.0.1:$PORT/v1"

"$XTASK" serve --port "$PORT" --db "$DB" >"$WORK/provider.out" 2>"$WORK/provider.log" &
SERVER_PID=$!
cleanup() {
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
}
trap cleanup EXIT

# Wait for readiness: the public logo of the demo data answers 200 once serving.
deadline=$((SECONDS + 60))
until curl -fsS -o /dev/null --max-time 2 "$BASE/agents/logos/logo-3f9a1c2b7d4e5f60"; do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        echo "the provider exited; see $WORK/provider.log" >&2
        exit 1
    fi
    if ((SECONDS > deadline)); then
        echo "the provider was not ready within 60 s; see $WORK/provider.log" >&2
        exit 1
    fi
    sleep 0.2
done

export SB_BASE_URL="$BASE"
export SB_TOKEN="$("$XTASK" token --tenant test-tenant --ttl 3600)"
export SB_TENANT="test-tenant"
"$VENV/bin/python" -m pytest tests/seed -c tests/seed/pytest.ini --durations=0 -p no:cacheprovider "$@"
