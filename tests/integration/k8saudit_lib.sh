# tests/integration/k8saudit_lib.sh - helpers for the k8saudit tests
# (sourced after tests/lib.sh): a config with the k8saudit and json plugins,
# the daemon started on a free loopback port, alerts reduced to
# "rule|priority|source|output_fields" lines.

K8S_FIX="$SK_FIXTURES/k8saudit"
K8S_RULES="$top_srcdir/rules/k8s_audit_rules.yaml"
command -v curl >/dev/null 2>&1 || tap_skip_all "curl is not installed (scripts/install-deps.sh --test)"
[ -e "$SK_TEST_PLUGINS_DIR/k8saudit.so" ] || tap_skip_all "k8saudit plugin not built (libmicrohttpd missing)"

# k8s_conf FILE OPEN_PARAMS [INIT_CONFIG_YAML_LINES...] - write a config.
k8s_conf() {
	_f=$1 _p=$2; shift 2
	{
		echo "plugins_dir: $SK_TEST_PLUGINS_DIR"
		echo "json_output: true"
		echo "engine: {kind: none}"
		echo "plugins:"
		echo "  - name: k8saudit"
		echo "    library_path: k8saudit.so"
		echo "    open_params: \"$_p\""
		echo "    init_config:"
		echo "      threads: 2"
		for l in "$@"; do echo "      $l"; done
		echo "  - name: json"
		echo "    library_path: json.so"
		echo "load_plugins: []"
	} > "$_f"
}

# k8s_start CONF OUT ERR [ARGS...] - start the daemon with the audit source
# enabled; sets K8S_PID and K8S_URL (the webhook's address).
k8s_start() {
	_c=$1 _o=$2 _e=$3; shift 3
	"$SHRIKE" -c "$_c" --enable-source k8s_audit --disable-source syscall -r "$K8S_RULES" "$@" \
		>"$_o" 2>"$_e" &
	K8S_PID=$!
	on_exit "kill $K8S_PID 2>/dev/null"
	if ! wait_for 10 grep -q "webhook listening on" "$_e"; then
		echo "# daemon did not start:"; sed 's/^/#   /' "$_e"
		return 1
	fi
	K8S_URL=$(sed -n 's/.*webhook listening on \(https\{0,1\}:\/\/[^ ]*\).*/\1/p' "$_e" | head -n 1)
	return 0
}

# k8s_stop - SIGTERM the daemon and wait; its exit status goes to K8S_RC.
k8s_stop() {
	kill -TERM "$K8S_PID" 2>/dev/null
	wait "$K8S_PID"; K8S_RC=$?
}

# k8s_post FILE [CURL ARGS...] - POST FILE as JSON to the webhook; prints
# the HTTP status.
k8s_post() {
	_b=$1; shift
	curl -s -o "$T/.resp" -w '%{http_code}' -H 'Content-Type: application/json' \
		--data-binary @"$_b" "$@" "$K8S_URL"
}

# k8s_alerts FILE - one line per alert: rule|priority|source|output_fields
k8s_alerts() {
	sed -E 's/.*"output_fields":(.*),"priority":"([^"]*)","rule":"([^"]*)","source":"([^"]*)".*/\3|\2|\4|\1/' "$1"
}

# k8s_wait_alerts FILE N - wait until FILE holds N lines.
k8s_wait_alerts() {
	wait_for 10 test "$(wc -l < "$1" | tr -d ' ')" -ge "$2"
}
