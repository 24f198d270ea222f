# tests/faults/lib.sh - what the fault tests share (sourced after
# tests/lib.sh): clocks, alertgen's progress, and the figures of a stream
# of JSON alerts read back from a receiver.

# now_ms - a monotonic clock in milliseconds
now_ms() { python3 -c 'import time; print(int(time.monotonic() * 1000))'; }
# secs MS - MS as seconds with one decimal
secs() { echo "$(($1 / 1000)).$(($1 % 1000 / 100))"; }
# emitted FILE - the last count alertgen -r printed on its stderr FILE
emitted() { grep -E '^(progress|emitted) ' "$1" | tail -n 1 | cut -d' ' -f2; }
# progress_at_least FILE N - alertgen has emitted at least N alerts
progress_at_least() { [ "$(emitted "$1")" -ge "$2" ] 2>/dev/null; }

# uuid_figures FILE [N] - figures of FILE, one JSON alert a line (from
# alertgen: rule "Test rule SEQ"), as "name value" lines: received,
# unique (uuids), duplicates, bad (unreadable lines) and, with N, missing
# (seqs of 1..N never seen)
uuid_figures() {
	python3 - "$1" "${2:-0}" <<'EOP'
import json, sys
path, n = sys.argv[1], int(sys.argv[2])
msgs, bad, uuids, seqs = 0, 0, set(), set()
for line in open(path, encoding="utf-8"):
    msgs += 1
    try:
        j = json.loads(line)
        uuids.add(j["uuid"])
        seqs.add(int(j["rule"].rsplit(" ", 1)[1]))
    except (ValueError, KeyError, IndexError):
        bad += 1
print("received %d" % msgs)
print("unique %d" % len(uuids))
print("duplicates %d" % (msgs - bad - len(uuids)))
print("bad %d" % bad)
if n:
    print("missing %d" % (n - len(seqs & set(range(1, n + 1)))))
EOP
}
# fig FILE NAME - one figure from uuid_figures' output FILE
fig() { awk -v k="$2" '$1 == k { print $2 }' "$1"; }
