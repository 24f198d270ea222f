#!/usr/bin/env python3
# tests/integration/detect/check_alerts.py - match the alerts shrike wrote
# (JSON lines) against the behaviours detect.sh performed, and print one
# result per behaviour plus one for everything outside them:
#
#   ok<TAB>description
#   fail<TAB>description<TAB>detail<TAB>detail...
#
# usage: check_alerts.py ALERTS BEHAVIOURS CONTAINER_IDS LOGINUID
#
# BEHAVIOURS holds one line per behaviour: id, start ns, end ns, expected
# rules ('|'-separated, empty for benign work), container id ('host' for the
# host), proc.name ('|'-separated when several names are right), user.name,
# tab-separated. An alert belongs to this test
# when its container.id is one of CONTAINER_IDS (comma-separated), or it is
# a host alert whose user.loginuid is LOGINUID (detect.sh runs with that
# audit login id, so the host work of other tests running at the same time is
# left out; LOGINUID '-' takes every host alert). An alert belongs to a
# behaviour when its event time falls inside the behaviour's window.
import json
import sys

BEFORE_NS = 100_000_000  # event clock vs date(1): allow 0.1 s either side
AFTER_NS = 250_000_000


def parse_time(t):
    """RFC 3339 UTC with up to 9 fraction digits -> ns since the epoch."""
    import calendar

    date, _, rest = t.partition("T")
    rest = rest.rstrip("Z")
    hms, _, frac = rest.partition(".")
    y, mo, d = (int(x) for x in date.split("-"))
    h, mi, s = (int(x) for x in hms.split(":"))
    secs = calendar.timegm((y, mo, d, h, mi, s, 0, 0, 0))
    return secs * 1_000_000_000 + int((frac + "000000000")[:9])


def describe(a):
    f = a.get("output_fields", {})
    return "%s [container.id=%s proc.name=%s user.name=%s user.loginuid=%s]" % (
        a.get("rule"),
        f.get("container.id"),
        f.get("proc.name"),
        f.get("user.name"),
        f.get("user.loginuid"),
    )


def main():
    alerts_path, beh_path, cids, luid = sys.argv[1:5]
    cids = set(c for c in cids.split(",") if c)
    alerts = []
    bad = []
    with open(alerts_path) as fh:
        for line in fh:
            line = line.strip()
            if not line:
                continue
            try:
                a = json.loads(line)
                a["_t"] = parse_time(a["time"])
            except (ValueError, KeyError) as e:
                bad.append("unparsable alert (%s): %s" % (e, line[:200]))
                continue
            f = a.get("output_fields", {})
            cid = f.get("container.id")
            if cid in cids or (
                cid == "host" and (luid == "-" or str(f.get("user.loginuid")) == luid)
            ):
                alerts.append(a)
    results = []
    if bad:
        results.append(("fail", "every alert line is JSON with a time", bad[:5]))
    claimed = set()
    with open(beh_path) as fh:
        for line in fh:
            bid, start, end, rules, cid, pname, user = line.rstrip("\n").split("\t")
            start, end = int(start), int(end)
            want = set(r for r in rules.split("|") if r)
            mine = [
                a for a in alerts if start - BEFORE_NS <= a["_t"] <= end + AFTER_NS
            ]
            for a in mine:
                claimed.add(id(a))
            got = set(a["rule"] for a in mine)
            if not want:
                desc = "%s: no alert" % bid
            else:
                desc = "%s: %s (container.id=%s proc.name=%s user.name=%s)" % (
                    bid,
                    ", ".join(sorted(want)),
                    cid,
                    pname,
                    user,
                )
            problems = []
            if got != want:
                problems.append("rules fired: %s" % (sorted(got) or "none"))
            for r in sorted(want & got):
                if not any(
                    a["rule"] == r
                    and a["output_fields"].get("container.id") == cid
                    and a["output_fields"].get("proc.name") in pname.split("|")
                    and a["output_fields"].get("user.name") == user
                    for a in mine
                ):
                    problems.append("no '%s' alert with the expected fields" % r)
            for a in mine:
                if a["output_fields"].get("container.id") != cid:
                    problems.append("alert from another container: " + describe(a))
            if problems:
                results.append(("fail", desc, problems + [describe(a) for a in mine]))
            else:
                results.append(("ok", desc, []))
    stray = [a for a in alerts if id(a) not in claimed]
    desc = "no alert from this test's containers or host work outside the behaviours (podman, container start-up, the test itself)"
    if stray:
        results.append(("fail", desc, [describe(a) + " " + a.get("output", "")[:300] for a in stray[:20]]))
    else:
        results.append(("ok", desc, []))
    for status, desc, details in results:
        print("\t".join([status, desc] + [d.replace("\t", " ") for d in details]))


if __name__ == "__main__":
    main()
