#!/usr/bin/env bash
# nextest setup script (.config/nextest.toml): starts one reference provider for the whole
# run on a free loopback port and exports its URL and secret to the tests through
# $NEXTEST_ENV. The provider watches nextest's process and stops when the run ends.
set -euo pipefail
cd "$(dirname "$0")/.."
target_dir="${CARGO_TARGET_DIR:-target}"
bin="$target_dir/debug/sitebuilder"
# Always build: a binary left from an older checkout would serve an older provider (a no-op
# when it is up to date; the same build as scripts/schemathesis.sh and scripts/k6.sh).
cargo build --quiet -p sb-cli
# A secret of this run's own, so the run's tokens work against this provider only.
secret="nextest-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
log="$(mktemp "${TMPDIR:-/tmp}/sb-nextest-provider.XXXXXX")"
# The runner is this script's parent; setsid + redirected output so nextest does not wait on it.
setsid "$bin" serve --port 0 --jwt-secret "$secret" --watch-pid "$PPID" >"$log" 2>&1 </dev/null &
for _ in $(seq 1 200); do
  url="$(sed -n 's/^Site Builder reference provider at //p' "$log")"
  if [[ -n "$url" ]] && grep -q '^ready' "$log"; then
    echo "SB_BASE_URL=$url" >>"$NEXTEST_ENV"
    echo "SB_JWT_SECRET=$secret" >>"$NEXTEST_ENV"
    echo "reference provider at $url (log: $log)"
    exit 0
  fi
  if ! kill -0 $! 2>/dev/null; then
    echo "the provider exited before it was ready:" >&2
    cat "$log" >&2
    exit 1
  fi
  sleep 0.1
done
echo "the provider was not ready within 20 s; its log:" >&2
cat "$log" >&2
exit 1
