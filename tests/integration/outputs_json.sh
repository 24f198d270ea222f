#!/bin/sh
# tests/integration/outputs_json.sh - alerts reach stdout and a file through
# the real output plugins, in Falco's JSON shape (keys in order, typed
# output_fields) and in Falco's text line format; config errors of the file
# output name the key.
. "$top_srcdir/tests/lib.sh"
GEN="$top_builddir/tests/tools/alertgen"
command -v python3 >/dev/null 2>&1 || tap_skip_all "python3 is needed to check JSON"
tap_plan 19

# run_gen NAME COUNT [alertgen args...]: run alertgen to completion
# (SIGTERM once it has emitted); stdout in $T/NAME.out, stderr in
# $T/NAME.err, exit status in $T/NAME.rc.
run_gen() {
	name=$1 count=$2
	shift 2
	"$GEN" -o plugins_dir="$SK_TEST_PLUGINS_DIR" -n "$count" -H test-host "$@" \
		>"$T/$name.out" 2>"$T/$name.err" &
	pid=$!
	if ! wait_for 20 grep -q "^emitted $count\$" "$T/$name.err"; then
		kill -KILL "$pid" 2>/dev/null
	fi
	kill -TERM "$pid" 2>/dev/null
	wait "$pid"
	echo $? >"$T/$name.rc"
}

cat >"$T/json.yaml" <<EOC
json_output: true
json_include_uuid_property: true
stdout_output:
  enabled: true
file_output:
  enabled: true
  filename: $T/alerts.json
EOC
run_gen json 20 -c "$T/json.yaml"
is "$(cat "$T/json.rc")" 0 "alertgen exits 0 after SIGTERM"
is "$(wc -l <"$T/json.out" | tr -d ' ')" 20 "20 alerts on stdout"
is "$(wc -l <"$T/alerts.json" | tr -d ' ')" 20 "20 alerts in the file"
ok_cmd "stdout and file carry the same lines" cmp "$T/json.out" "$T/alerts.json"

cat >"$T/check.py" <<'EOC'
import json, re, sys
want_keys = sys.argv[2].split(",")
prio = {"Emergency", "Alert", "Critical", "Error", "Warning", "Notice", "Informational", "Debug"}
rules = set()
for n, line in enumerate(open(sys.argv[1]), 1):
    a = json.loads(line)  # valid JSON, one object per line
    assert list(a) == want_keys, (n, list(a))
    assert a["hostname"] == "test-host", a["hostname"]
    assert a["priority"] in prio, a["priority"]
    assert a["source"] == "syscall"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z", a["time"]), a["time"]
    rules.add(a["rule"])
    if "output" in a:
        m = re.fullmatch(r"(\d\d:\d\d:\d\d\.\d{9}): (\w+) (Test alert (\d+) .*)", a["output"])
        assert m, a["output"]
        assert m.group(2) == a["priority"]
        assert a["rule"] == "Test rule " + m.group(4)
    if "output_fields" in a:
        f = a["output_fields"]
        assert list(f) == sorted(f), list(f)
        assert isinstance(f["alert.seq"], int) and not isinstance(f["alert.seq"], bool)
        assert f["evt.res"] == -2
        assert isinstance(f["fd.is_dir"], bool)
        assert f["container.id"] is None
        assert f["fd.sip"] == "192.0.2.7" and f["fd.net"] == "10.0.0.0/8"
        assert f["fd.cip"] == "2001:db8::1" and f["fd.sport"] == 443
        assert f["proc.args"] == ["-n", str(f["alert.seq"])]
        assert f["proc.aname[2]"] == "systemd" and f["evt.buffer"] == "GET /"
        assert isinstance(f["evt.time"], int)
    if "tags" in a:
        assert a["tags"] == ["T1234", "mitre_discovery", "test"], a["tags"]
    if "uuid" in a:
        assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", a["uuid"])
    if "message" in a:
        assert a["message"].startswith("Test alert ")
assert len(rules) == n, "rules are not distinct"
print(n)
EOC
ok_cmd "each line is a Falco-shaped JSON object, keys in order" python3 "$T/check.py" "$T/alerts.json" \
	hostname,output,output_fields,priority,rule,source,tags,time,uuid
is "$(python3 -c 'import json,sys; print(len({json.loads(l)["uuid"] for l in open(sys.argv[1])}))' "$T/alerts.json")" \
	20 "every alert has its own uuid"
like "$(cat "$T/json.err")" "output file_output: 20 alerts sent, 0 failed, 0 dropped" \
	"shutdown logs the file output's counters"

# Toggles: everything optional off, message on.
cat >"$T/off.yaml" <<EOC
json_output: true
json_include_output_property: false
json_include_output_fields_property: false
json_include_tags_property: false
json_include_uuid_property: false
json_include_message_property: true
stdout_output:
  enabled: true
EOC
run_gen off 5 -c "$T/off.yaml"
is "$(cat "$T/off.rc")" 0 "toggles off: exit 0"
ok_cmd "toggles off: only hostname, message, priority, rule, source, time" \
	python3 "$T/check.py" "$T/off.out" hostname,message,priority,rule,source,time

# Text lines.
cat >"$T/text.yaml" <<EOC
json_output: false
stdout_output:
  enabled: true
EOC
run_gen text 8 -c "$T/text.yaml"
is "$(cat "$T/text.rc")" 0 "text mode: exit 0"
is "$(grep -Ec '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}: (Emergency|Alert|Critical|Error|Warning|Notice|Informational|Debug) Test alert [0-9]+ \(user=root file=/etc/shadow cmd=\\"cat /etc/shadow\\"\)$' "$T/text.out")" \
	8 "text mode: HH:MM:SS.nnnnnnnnn: Priority message, escaped as the inside of a JSON string"
is "$(sed -n 3p "$T/text.out" | cut -d' ' -f2-4)" "Error Test alert" "text mode: priority follows the alert (3 = Error)"

run_gen iso 4 -c "$T/text.yaml" -o time_format_iso_8601=true
is "$(grep -Ec '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}\+0000: [A-Z][a-z]+ Test alert [0-9]+ ' "$T/iso.out")" \
	4 "time_format_iso_8601: text lines start with UTC ISO 8601 (+0000)"

# Configuration errors of the file output.
"$GEN" -c "$T/json.yaml" -o plugins_dir="$SK_TEST_PLUGINS_DIR" \
	-o file_output.filename="$T/no/such/dir/a.json" >/dev/null 2>"$T/bad.err"
rc=$?
is "$rc" 1 "an unwritable file fails at start-up"
like "$(cat "$T/bad.err")" "file_output.*cannot open $T/no/such/dir/a.json: No such file or directory" \
	"the error names the section and the file"
cat >"$T/nofile.yaml" <<EOC
file_output:
  enabled: true
EOC
"$GEN" -c "$T/nofile.yaml" -o plugins_dir="$SK_TEST_PLUGINS_DIR" >/dev/null 2>"$T/nofile.err"
like "$(cat "$T/nofile.err")" "file_output.*filename" "a missing filename is reported with its key"

# Standard output is a pipe whose reader is gone: logged once, then counted.
cat >"$T/epipe.py" <<'EOC'
import os, signal, subprocess, sys
r, w = os.pipe()
os.close(r)
p = subprocess.Popen(sys.argv[1:], stdout=w, stderr=subprocess.PIPE)
os.close(w)
err = b""
while b"emitted" not in err:
    line = p.stderr.readline()
    if not line:
        break
    err += line
p.send_signal(signal.SIGTERM)
err += p.stderr.read()  # not communicate(timeout=): it skips readline()'s buffer
p.wait(timeout=30)
sys.stdout.write(err.decode())
sys.exit(p.returncode)
EOC
python3 "$T/epipe.py" "$GEN" -c "$T/text.yaml" -o plugins_dir="$SK_TEST_PLUGINS_DIR" -n 5 >"$T/epipe.err" 2>&1
is $? 0 "closed stdout pipe: alertgen survives and exits 0"
n=$(grep -c 'cannot write alerts to standard output: Broken pipe' "$T/epipe.err")
if [ "$n" = 1 ]; then
	pass "closed stdout pipe: the error is logged once"
else
	fail "closed stdout pipe: the error is logged once" "logged $n times" "$(cat "$T/epipe.err")"
fi
like "$(cat "$T/epipe.err")" "stdout_output: sent [01] failed [45] dropped 0" \
	"closed stdout pipe: the alerts are counted as failed"
tap_done
