#!/usr/bin/env python3
# Judges the browser runs of scripts/browser-tests.sh from the files it leaves in target/browser:
#   verdict.py baseline DIR          allowed origin all green, no proxy violation, disallowed blocked
#   verdict.py faults DIR FAULT...   the browser's outcome per CORS fault next to the CORS checks'
#                                    verdicts; exits 1 where they disagree
import json
import sys
from pathlib import Path


def load(path):
    return json.loads(Path(path).read_text())


def lines(path):
    p = Path(path)
    if not p.exists():
        return []
    return [json.loads(l) for l in p.read_text().splitlines() if l.strip()]


def browser_outcome(work, name, other):
    allowed = load(work / f"{name}-allowed.json")["results"]
    denied = load(work / f"{name}-{other}.json")
    summary = load(work / f"{name}-summary.json")
    preflights = summary["exchanges"].get("preflight GET validation:validateSite", 0)
    revalidated = any(r["step"] == "validate the site again" for r in allowed)
    return {
        "calls_ok": all(r.get("ok") for r in allowed),
        "failed": [r["step"] for r in allowed if not r.get("ok")],
        "exposed": all(r.get("requestIdReadable") for r in allowed if r.get("ok")),
        # Only generations that stream a page carry X-Generation-Id (an invalid prompt's
        # single error event does not).
        "generation_id_exposed": all(
            r.get("generationIdReadable", True)
            for r in allowed
            if r.get("ok") and "complete" in (r.get("events") or [])
        ),
        "other_origin": denied["origin"],
        "other_blocked": all(r.get("blocked") for r in denied["results"]),
        # Without Access-Control-Max-Age Chromium keeps a preflight 5 s: the second
        # validation 5.5 s later needs a new one (the proxy counts them).
        "preflight_cached": (preflights <= 1) if revalidated else None,
        "preflights": preflights,
    }


def baseline(work):
    ok = True
    allowed = load(work / "baseline-allowed.json")["results"]
    for r in allowed:
        if not r.get("ok"):
            ok = False
            print(f"FAIL allowed origin: `{r['step']}` -> {r.get('status', r.get('error'))}")
    print(f"allowed origin: {sum(bool(r.get('ok')) for r in allowed)} of {len(allowed)} calls succeeded in the browser")
    streams = [r["firstByteMs"] for r in allowed if r.get("firstByteMs") is not None]
    if streams:
        print(f"  time to first streamed byte in the browser (through the proxy): {', '.join(f'{ms:.0f} ms' for ms in streams)}")
    denied = load(work / "baseline-disallowed.json")
    leaked = [r["step"] for r in denied["results"] if not r.get("blocked")]
    if leaked:
        ok = False
        print(f"FAIL disallowed origin {denied['origin']}: the browser let through {leaked}")
    else:
        print(f"disallowed origin {denied['origin']}: the browser blocked all {len(denied['results'])} calls")
    violations = lines(work / "baseline-violations.jsonl")
    for v in violations:
        print(f"FAIL proxy: [{v['kind']}] {v['operation']} {v['method']} {v['path']} at {v['at']}: expected {v['expected']}, got {v['preview']}")
    if violations:
        ok = False
    else:
        print("proxy: no violation")
    failing = [c for c in lines(work / "baseline-checks.jsonl") if c["status"] == "fail"]
    for c in failing:
        ok = False
        print(f"FAIL CORS check {c['check']} on {c['operation']}: {c['reason']}")
    return ok


# Where the browser and the checks are known to disagree, and why; printed with the table,
# not failing the run. Anything else that disagrees fails it.
KNOWN = {
    "cors-no-vary": "not observable by one browser: a missing Vary: Origin mixes origins only "
    "in a shared cache; the check guards that on purpose",
}


def faults(work, names):
    rows = []
    disagree = 0
    for fault in names:
        other = "evil" if fault == "cors-suffix-match" else "disallowed"
        b = browser_outcome(work, fault, other)
        checks = lines(work / f"{fault}-checks.jsonl")
        failing = sorted({c["check"] for c in checks if c["status"] == "fail"})
        problems = []
        if not b["calls_ok"]:
            problems.append(f"allowed origin blocked ({len(b['failed'])} calls)")
        if not b["exposed"]:
            problems.append("X-Request-Id unreadable")
        if not b["generation_id_exposed"]:
            problems.append("X-Generation-Id unreadable by script")
        if not b["other_blocked"]:
            problems.append(f"{b['other_origin']} let through")
        if b["preflight_cached"] is False:
            problems.append(f"preflight not cached ({b['preflights']} for 2 calls)")
        agree = bool(problems) == bool(failing)
        verdict = "yes" if agree else ("known" if fault in KNOWN else "NO")
        disagree += verdict == "NO"
        rows.append((fault, "; ".join(problems) or "works as with a healthy provider",
                     ", ".join(failing) or "all pass", verdict))
    widths = [max(len(r[i]) for r in rows + [("fault", "browser", "CORS checks failing", "agree")]) for i in range(4)]
    header = ("fault", "browser", "CORS checks failing", "agree")
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |")
    for fault, row in zip(names, rows):
        if row[3] == "known":
            print(f"known: {fault}: {KNOWN[fault]}")
    if disagree:
        print(f"{disagree} fault(s) where the browser and the CORS checks disagree")
    return disagree == 0


def main():
    mode, work = sys.argv[1], Path(sys.argv[2])
    ok = baseline(work) if mode == "baseline" else faults(work, sys.argv[3:])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
