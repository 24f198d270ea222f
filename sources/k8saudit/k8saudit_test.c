/* sources/k8saudit/k8saudit_test.c - unit tests of the k8saudit plugin:
 * RFC 3339 times, open_params, splitting bodies into records, every field
 * on the real-shaped fixture events (tests/fixtures/k8saudit), and a fuzz
 * pass of mangled bodies through the splitter and every field.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "k8saudit.h"

static char *slurp(const char *name, size_t *ret_len)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/k8saudit/%s", SK_FIXTURES_DIR, name);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *b = malloc((size_t)n + 1);
	assert_non_null(b);
	assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
	b[n] = '\0';
	fclose(f);
	*ret_len = (size_t)n;
	return b;
}

static void test_time(void **state)
{
	(void)state;
	uint64_t ns = 0;
	assert_int_equal(k8s_parse_time("1970-01-01T00:00:01Z", &ns), 0);
	assert_int_equal(ns, 1000000000ull);
	assert_int_equal(k8s_parse_time("2024-05-14T09:30:01.123457Z", &ns), 0);
	assert_int_equal(ns, 1715679001123457000ull);
	assert_int_equal(k8s_parse_time("2024-05-14T11:30:01.123457+02:00", &ns), 0);
	assert_int_equal(ns, 1715679001123457000ull);
	assert_int_equal(k8s_parse_time("2024-05-14T09:30:01.1234567891Z", &ns), 0);
	assert_int_equal(ns, 1715679001123456789ull);
	static const char *const bad[] = {"", "2024-05-14", "2024-05-14T09:30:01", "2024-13-14T09:30:01Z",
					  "2024-05-14T09:30:01.Z", "2024-05-14T09:30:01Zx",
					  "1969-12-31T23:59:59Z", "2024-05-14T25:00:00Z", "yesterday"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(k8s_parse_time(bad[i], &ns), -EINVAL);
	}
}

static void test_open_params(void **state)
{
	(void)state;
	struct k8s_open o;
	char err[256];
	assert_int_equal(k8s_parse_open_params("", &o, err, sizeof(err)), 0);
	assert_int_equal(o.mode, K8S_MODE_WEBHOOK);
	assert_int_equal(o.port, 9765);
	assert_string_equal(o.host, "");
	assert_string_equal(o.path, "/k8s-audit");
	assert_int_equal(k8s_parse_open_params("https://0.0.0.0:8443/audit", &o, err, sizeof(err)), 0);
	assert_true(o.tls);
	assert_string_equal(o.host, "0.0.0.0");
	assert_int_equal(o.port, 8443);
	assert_int_equal(k8s_parse_open_params("http://[::1]:9000", &o, err, sizeof(err)), 0);
	assert_string_equal(o.host, "::1");
	assert_string_equal(o.path, "/");
	assert_int_equal(k8s_parse_open_params("file:///var/log/audit.log", &o, err, sizeof(err)), 0);
	assert_int_equal(o.mode, K8S_MODE_FILE);
	assert_string_equal(o.path, "/var/log/audit.log");
	assert_int_equal(k8s_parse_open_params("audit.log", &o, err, sizeof(err)), 0);
	assert_string_equal(o.path, "audit.log");
	assert_int_equal(k8s_parse_open_params("http://:99999/x", &o, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "bad port"));
	assert_int_equal(k8s_parse_open_params("ftp://x/y", &o, err, sizeof(err)), -EINVAL);
	assert_int_equal(k8s_parse_open_params("http://[::1/x", &o, err, sizeof(err)), -EINVAL);
}

static size_t split_count(const char *body, uint64_t max_event, uint64_t *over, char *err)
{
	struct k8s_rec *head = NULL;
	size_t n = 0, bytes = 0;
	int rc = k8s_split(body, strlen(body), max_event, &head, &n, &bytes, over, err, 256);
	for (struct k8s_rec *r = head; r; r = r->next) {
		assert_int_equal(sk_evt_check(r->data, r->size), 0);
		assert_string_equal(sk_evt_source_name((const struct sk_evt_hdr *)r->data), "k8s_audit");
	}
	k8s_rec_free_list(head);
	return rc < 0 ? (size_t)-1 : n;
}

static void test_split(void **state)
{
	(void)state;
	char err[256];
	uint64_t over = 0;
	const char *ev = "{\"kind\":\"Event\",\"stageTimestamp\":\"2024-05-14T09:30:01Z\"}";
	char buf[512];
	assert_int_equal(split_count(ev, 1024, &over, err), 1);
	snprintf(buf, sizeof(buf), "[%s,%s]", ev, ev);
	assert_int_equal(split_count(buf, 1024, &over, err), 2);
	snprintf(buf, sizeof(buf), "{\"kind\":\"EventList\",\"items\":[%s,%s,%s]}\n", ev, ev, ev);
	assert_int_equal(split_count(buf, 1024, &over, err), 3);
	assert_int_equal(split_count(buf, 10, &over, err), 0);
	assert_int_equal(over, 3);
	assert_int_equal(split_count("[]", 1024, &over, err), 0);
	assert_int_equal(split_count("{\"kind\":\"EventList\",\"items\":[]}", 1024, &over, err), 0);
	static const char *const bad[] = {"", "   ", "nul", "42", "\"x\"", "[1]", "[{}]", "{}", "{\"a\":1} x",
					  "{\"kind\":\"EventList\"}", "{\"kind\":\"EventList\",\"items\":7}",
					  "[{\"stageTimestamp\":5}]", "{\"stageTimestamp\":\"now\"}"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(split_count(bad[i], 1024, &over, err), (size_t)-1);
		assert_true(err[0] != '\0');
	}
	/* events keep their own text, even with quotes and brackets in strings */
	{
		const char *body = "{\"kind\":\"EventList\",\"x\":{\"items\":1},\"items\": [ "
				   "{\"stageTimestamp\":\"2024-05-14T09:30:01Z\",\"a\":\"q\\\"]},{[\\\\\"} ,"
				   "\n{\"stageTimestamp\":\"2024-05-14T09:30:02Z\",\"b\":[1,{\"c\":\"}\"}]}]}";
		struct k8s_rec *head = NULL;
		size_t n = 0, bytes = 0;
		assert_int_equal(k8s_split(body, strlen(body), 1024, &head, &n, &bytes, &over, err,
					   sizeof(err)),
				 0);
		assert_int_equal(n, 2);
		const char *want[2] = {
			"{\"stageTimestamp\":\"2024-05-14T09:30:01Z\",\"a\":\"q\\\"]},{[\\\\\"}",
			"{\"stageTimestamp\":\"2024-05-14T09:30:02Z\",\"b\":[1,{\"c\":\"}\"}]}"};
		size_t i = 0;
		for (struct k8s_rec *r = head; r; r = r->next, i++) {
			const void *d;
			uint32_t l;
			assert_int_equal(sk_evt_param((const struct sk_evt_hdr *)r->data, 1, &d, &l), 0);
			assert_int_equal(l, strlen(want[i]));
			assert_memory_equal(d, want[i], l);
		}
		k8s_rec_free_list(head);
	}
	/* non-standard JSON (comments, single quotes) is refused */
	assert_int_equal(split_count("[/* x */{\"stageTimestamp\":\"2024-05-14T09:30:01Z\"}]", 1024,
				     &over, err),
			 (size_t)-1);
	assert_int_equal(split_count("[{'stageTimestamp':'2024-05-14T09:30:01Z'}]", 1024, &over, err),
			 (size_t)-1);
	/* deep nesting is refused, not recursed into */
	char *deep = malloc(20001);
	memset(deep, '[', 20000);
	deep[20000] = '\0';
	assert_int_equal(split_count(deep, 1024, &over, err), (size_t)-1);
	assert_non_null(strstr(err, "nesting too deep"));
	free(deep);
}

/* The fixture's events as records, for the field tests. */
struct recs {
	struct k8s_rec *head;
	const struct sk_evt_hdr *ev[32];
	size_t n;
};

/* load_recs - the events of fixture `name`, which holds `count` of them. */
static void load_recs(struct recs *r, const char *name, size_t count)
{
	size_t len = 0, bytes = 0;
	uint64_t over = 0;
	char err[256];
	char *body = slurp(name, &len);
	memset(r, 0, sizeof(*r));
	assert_int_equal(k8s_split(body, len, 256 * 1024, &r->head, &r->n, &bytes, &over, err,
				   sizeof(err)),
			 0);
	free(body);
	size_t i = 0;
	for (struct k8s_rec *x = r->head; x && i < 32; x = x->next) {
		r->ev[i++] = (const struct sk_evt_hdr *)x->data;
	}
	assert_int_equal(r->n, count);
}

static int field_idx(const char *name)
{
	for (int i = 0; k8s_fields_table[i].name; i++) {
		if (strcmp(k8s_fields_table[i].name, name) == 0) {
			return i;
		}
	}
	fail_msg("no field %s", name);
	return -1;
}

/* Extract `name` (with arg) from event number `evn` (1-based) and render
 * it as text: "NA", a string, or "[a,b]" for lists. */
static const char *get(struct k8s_fields *f, struct recs *r, int evn, const char *name,
		       const char *arg)
{
	static char out[4096];
	struct sk_field_req req = {.field_idx = (uint32_t)field_idx(name), .arg_key = arg};
	if (arg != NULL && arg[0] >= '0' && arg[0] <= '9') {
		req.has_index = 1;
		req.arg_index = strtoull(arg, NULL, 10);
	}
	struct sk_event ev = {.rec = r->ev[evn - 1], .num = (uint64_t)evn, .source = "k8s_audit"};
	struct sk_value v;
	int rc = k8s_fields_extract(f, &ev, &req, &v);
	if (rc == SK_NA) {
		return "NA";
	}
	assert_int_equal(rc, SK_OK);
	if (v.type == SK_TYPE_U64) {
		snprintf(out, sizeof(out), "%llu", (unsigned long long)v.u64);
	} else if (v.type == SK_TYPE_STRING) {
		assert_int_equal(strlen(v.str.ptr), v.str.len);
		snprintf(out, sizeof(out), "%s", v.str.ptr);
	} else {
		assert_int_equal(v.type, SK_TYPE_LIST);
		size_t o = 0;
		out[o++] = '[';
		for (uint32_t i = 0; i < v.list.n; i++) {
			assert_int_equal(v.list.items[i].type, SK_TYPE_STRING);
			/* an empty item shows as "" so that [""] differs from [] */
			const char *it = v.list.items[i].str.ptr;
			o += (size_t)snprintf(out + o, sizeof(out) - o, "%s%s", i ? "," : "",
					      it[0] ? it : "\"\"");
		}
		snprintf(out + o, sizeof(out) - o, "]");
	}
	return out;
}

static void test_fields(void **state)
{
	(void)state;
	struct recs r;
	struct k8s_fields f = {.cluster_name = "prod-eu"};
	load_recs(&r, "events.json", 17);
	assert_string_equal(get(&f, &r, 1, "ka.auditid", NULL), "5f3a1c2e-0000-4000-8000-000000000001");
	assert_string_equal(get(&f, &r, 1, "ka.stage", NULL), "ResponseStarted");
	assert_string_equal(get(&f, &r, 1, "ka.auth.decision", NULL), "allow");
	assert_string_equal(get(&f, &r, 1, "ka.user.groups", NULL), "[system:masters,system:authenticated]");
	assert_string_equal(get(&f, &r, 1, "ka.uri.param", "command"), "sh");
	assert_string_equal(get(&f, &r, 1, "ka.uri.param", "container"), "web");
	assert_string_equal(get(&f, &r, 1, "ka.uri.param", "nope"), "NA");
	assert_string_equal(get(&f, &r, 1, "ka.target.subresource", NULL), "exec");
	assert_string_equal(get(&f, &r, 1, "ka.target.pod.name", NULL), "web-1");
	assert_string_equal(get(&f, &r, 1, "ka.response.code", NULL), "101");
	assert_string_equal(get(&f, &r, 1, "ka.impuser.name", NULL), "NA");
	assert_string_equal(get(&f, &r, 1, "ka.cluster.name", NULL), "prod-eu");
	assert_string_equal(get(&f, &r, 1, "jevt.rawtime", NULL), "1715679001123457000");
	assert_string_equal(get(&f, &r, 1, "jevt.time", NULL), "09:30:01.123457000");
	assert_string_equal(get(&f, &r, 1, "jevt.time.iso8601", NULL), "2024-05-14T09:30:01.123457000Z");
	assert_string_equal(get(&f, &r, 1, "jevt.value", "/user/username"), "alice");
	assert_string_equal(get(&f, &r, 1, "jevt.value", "/sourceIPs/0"), "10.0.0.7");
	assert_string_equal(get(&f, &r, 1, "jevt.value", "/nope"), "NA");
	assert_string_equal(get(&f, &r, 1, "jevt.value", "user"), "NA");
	/* privileged pod */
	assert_string_equal(get(&f, &r, 2, "ka.req.pod.containers.image", NULL),
			    "[docker.io/library/busybox:1.36,quay.io/acme/logger@sha256:0123abcd]");
	assert_string_equal(get(&f, &r, 2, "ka.req.pod.containers.image.repository", NULL),
			    "[docker.io/library/busybox,quay.io/acme/logger]");
	assert_string_equal(get(&f, &r, 2, "ka.req.pod.containers.image", "1"),
			    "[quay.io/acme/logger@sha256:0123abcd]");
	assert_string_equal(get(&f, &r, 2, "ka.req.pod.containers.image", "2"), "NA");
	assert_string_equal(get(&f, &r, 2, "ka.req.pod.containers.privileged", NULL), "[true]");
	assert_string_equal(get(&f, &r, 2, "ka.req.container.privileged", NULL), "true");
	assert_string_equal(get(&f, &r, 2, "ka.req.container.image", NULL), "docker.io/library/busybox:1.36");
	assert_string_equal(get(&f, &r, 2, "ka.req.pod.containers.add_capabilities", NULL), "[SYS_ADMIN,NET_ADMIN]");
	assert_string_equal(get(&f, &r, 2, "ka.req.pod.containers.eff_run_as_user", NULL), "[0,0]");
	assert_string_equal(get(&f, &r, 2, "ka.req.pod.containers.name", NULL), "[main,side]");
	assert_string_equal(get(&f, &r, 2, "ka.resp.name", NULL), "priv-1");
	assert_string_equal(get(&f, &r, 2, "ka.uri.param", "fieldManager"), "kubectl-client-side-apply");
	/* volumes */
	assert_string_equal(get(&f, &r, 3, "ka.req.pod.volumes.hostpath", NULL), "[/var/run/docker.sock]");
	assert_string_equal(get(&f, &r, 3, "ka.req.pod.volumes.volume_type", NULL), "[hostPath,configMap]");
	assert_string_equal(get(&f, &r, 3, "ka.req.volume.hostpath", "/var/run/docker.sock"), "true");
	assert_string_equal(get(&f, &r, 3, "ka.req.volume.hostpath", "/var/run/*"), "true");
	assert_string_equal(get(&f, &r, 3, "ka.req.volume.hostpath", "/etc"), "false");
	assert_string_equal(get(&f, &r, 3, "ka.req.pod.containers.privileged", NULL), "[]");
	/* host network, ports, registry with a port */
	assert_string_equal(get(&f, &r, 4, "ka.req.pod.host_network", NULL), "true");
	assert_string_equal(get(&f, &r, 4, "ka.req.pod.host_pid", NULL), "NA");
	assert_string_equal(get(&f, &r, 4, "ka.req.pod.containers.host_port", NULL), "[18080]");
	assert_string_equal(get(&f, &r, 4, "ka.req.pod.containers.image.repository", NULL),
			    "[registry.example.com:5000/tools/netshoot]");
	/* service */
	assert_string_equal(get(&f, &r, 5, "ka.req.service.type", NULL), "NodePort");
	assert_string_equal(get(&f, &r, 5, "ka.req.service.ports", "0"),
			    "[{\"port\":80,\"targetPort\":8080,\"nodePort\":30080,\"protocol\":\"TCP\"}]");
	/* configmap */
	assert_string_equal(get(&f, &r, 6, "ka.req.configmap.name", NULL), "app-settings");
	assert_string_equal(get(&f, &r, 6, "ka.req.configmap.obj", NULL),
			    "{\"db_host\":\"db.internal\",\"db_password\":\"hunter2\"}");
	/* anonymous */
	assert_string_equal(get(&f, &r, 7, "ka.user.name", NULL), "system:anonymous");
	assert_string_equal(get(&f, &r, 7, "ka.sourceips", NULL), "[203.0.113.9]");
	assert_string_equal(get(&f, &r, 7, "ka.useragent", NULL), "curl/7.88.1");
	assert_string_equal(get(&f, &r, 7, "ka.target.pod.name", NULL), "NA");
	/* binding */
	assert_string_equal(get(&f, &r, 8, "ka.req.binding.role", NULL), "cluster-admin");
	assert_string_equal(get(&f, &r, 8, "ka.req.binding.subjects.user_names", NULL), "[mallory]");
	assert_string_equal(get(&f, &r, 8, "ka.req.binding.subjects.serviceaccount_names", NULL), "[builder]");
	assert_string_equal(get(&f, &r, 8, "ka.req.binding.subjects.serviceaccount_ns_names", NULL), "[ci:builder]");
	assert_string_equal(get(&f, &r, 8, "ka.req.binding.subjects.group_names", NULL), "[]");
	assert_string_equal(get(&f, &r, 8, "ka.req.binding.subject.has_name", "mallory"), "true");
	assert_string_equal(get(&f, &r, 8, "ka.req.binding.subject.has_name", "eve"), "false");
	/* cluster role */
	assert_string_equal(get(&f, &r, 9, "ka.req.role.rules.verbs", NULL), "[get,create,*]");
	assert_string_equal(get(&f, &r, 9, "ka.req.role.rules.resources", "0"), "[pods,pods/exec]");
	assert_string_equal(get(&f, &r, 9, "ka.req.role.rules.resources", "5"), "NA");
	assert_string_equal(get(&f, &r, 9, "ka.req.role.rules.apiGroups", NULL), "[\"\",*]");
	assert_string_equal(get(&f, &r, 9, "ka.req.role.rules.nonResourceURLs", NULL), "[]");
	/* effective ids: the container's own, else the pod's, else 0 */
	assert_string_equal(get(&f, &r, 17, "ka.req.pod.containers.eff_run_as_user", NULL), "[1000]");
	assert_string_equal(get(&f, &r, 17, "ka.req.pod.containers.eff_run_as_group", NULL), "[3000]");
	assert_string_equal(get(&f, &r, 17, "ka.req.pod.containers.run_as_group", NULL), "[]");
	assert_string_equal(get(&f, &r, 17, "ka.req.pod.run_as_user", NULL), "2000");
	assert_string_equal(get(&f, &r, 17, "ka.req.pod.host_pid", NULL), "true");
	/* no objectRef at all */
	assert_string_equal(get(&f, &r, 13, "ka.target.resource", NULL), "NA");
	assert_string_equal(get(&f, &r, 13, "ka.uri", NULL), "/healthz");
	k8s_fields_fini(&f);
	k8s_rec_free_list(r.head);
}

/* check_ctr - on event evn, ka.req.pod.<list>.<want[i][0]>[<want[i][1]>]
 * is want[i][2], for each of the n rows. */
static void check_ctr(struct k8s_fields *f, struct recs *r, int evn, const char *list,
		      const char *const want[][3], size_t n)
{
	char name[128];
	for (size_t i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "ka.req.pod.%s.%s", list, want[i][0]);
		const char *got = get(f, r, evn, name, want[i][1]);
		if (strcmp(got, want[i][2]) != 0) {
			fail_msg("%s[%s] on event %d: got %s, want %s", name,
				 want[i][1] ? want[i][1] : "", evn, got, want[i][2]);
		}
	}
}

/* The fields Falco's k8saudit 0.18.0 added, on fixture falco018.json: a
 * pod created with init containers (1), a kubectl debug patch of the
 * ephemeralcontainers subresource (2), a cluster role with API groups and
 * non-resource URLs (3), OpenShift OAuth logins allowed (4) and denied (5). */
static void test_fields_falco018(void **state)
{
	(void)state;
	struct recs r;
	struct k8s_fields f = {0};
	load_recs(&r, "falco018.json", 5);
	/* init containers: each list is its own, containers.* does not see it */
	const char *const init1[][3] = {
	    {"name", NULL, "[setup,migrate]"},
	    {"name", "1", "[migrate]"},
	    {"name", "2", "NA"},
	    {"image", NULL,
	     "[registry.example.com:5000/tools/setup:v2,ghcr.io/acme/migrate@sha256:feedbeef]"},
	    {"image.repository", NULL,
	     "[registry.example.com:5000/tools/setup,ghcr.io/acme/migrate]"},
	    {"image.repository", "1", "[ghcr.io/acme/migrate]"},
	    {"command", NULL, "[sh,-c]"},
	    {"command", "1", "[]"},
	    {"args", NULL, "[chown -R 1000 /data,--verbose]"},
	    {"args", "0", "[chown -R 1000 /data,--verbose]"},
	    {"privileged", NULL, "[true]"},
	    {"privileged", "0", "[true]"},
	    {"privileged", "1", "[]"},
	    {"allow_privilege_escalation", NULL, "[true,false]"},
	    {"allow_privilege_escalation", "1", "[false]"},
	    {"read_only_fs", NULL, "[true]"},
	    {"run_as_user", NULL, "[0]"},
	    {"run_as_group", NULL, "[3000]"},
	    /* the container's own id, else the pod's securityContext's */
	    {"eff_run_as_user", NULL, "[0,1500]"},
	    {"eff_run_as_user", "1", "[1500]"},
	    {"eff_run_as_group", NULL, "[2500,3000]"},
	    {"eff_run_as_group", "0", "[2500]"},
	    {"proc_mount", NULL, "[Unmasked]"},
	    {"add_capabilities", NULL, "[CHOWN,NET_RAW]"},
	    {"add_capabilities", "1", "[]"},
	    {"host_port", NULL, "[19000,8081]"},
	    {"host_port", "1", "[8081]"},
	    {"host_port", "7", "NA"},
	};
	check_ctr(&f, &r, 1, "initContainers", init1, sizeof(init1) / sizeof(init1[0]));
	assert_string_equal(get(&f, &r, 1, "ka.req.pod.containers.name", NULL), "[app]");
	assert_string_equal(get(&f, &r, 1, "ka.req.pod.containers.privileged", NULL), "[false]");
	assert_string_equal(get(&f, &r, 1, "ka.req.pod.containers.eff_run_as_user", NULL),
			    "[1000]");
	assert_string_equal(get(&f, &r, 1, "ka.req.pod.containers.eff_run_as_group", NULL),
			    "[2500]");
	assert_string_equal(get(&f, &r, 1, "ka.req.pod.containers.host_port", NULL), "[]");
	assert_string_equal(get(&f, &r, 1, "ka.req.container.privileged", NULL), "false");
	assert_string_equal(get(&f, &r, 1, "ka.req.pod.ephemeralContainers.name", NULL), "NA");
	assert_string_equal(get(&f, &r, 1, "ka.req.pod.ephemeralContainers.image", "0"), "NA");
	/* ephemeral containers, from the patch body of kubectl debug */
	const char *const eph2[][3] = {
	    {"name", NULL, "[debugger-x7k2p]"},
	    {"name", "0", "[debugger-x7k2p]"},
	    {"name", "1", "NA"},
	    {"image", NULL, "[busybox:1.36]"},
	    {"image.repository", NULL, "[busybox]"},
	    {"command", NULL, "[sh]"},
	    {"args", NULL, "[]"},
	    {"privileged", NULL, "[]"},
	    {"allow_privilege_escalation", NULL, "[]"},
	    {"read_only_fs", NULL, "[]"},
	    {"run_as_user", NULL, "[0]"},
	    {"run_as_group", NULL, "[]"},
	    /* no pod securityContext in a patch: 0 */
	    {"eff_run_as_user", NULL, "[0]"},
	    {"eff_run_as_group", NULL, "[0]"},
	    {"proc_mount", NULL, "[]"},
	    {"add_capabilities", NULL, "[SYS_PTRACE]"},
	    {"add_capabilities", "0", "[SYS_PTRACE]"},
	};
	check_ctr(&f, &r, 2, "ephemeralContainers", eph2, sizeof(eph2) / sizeof(eph2[0]));
	/* ephemeral containers have no ports: no such field, as in Falco */
	for (int i = 0; k8s_fields_table[i].name; i++) {
		assert_string_not_equal(k8s_fields_table[i].name,
					"ka.req.pod.ephemeralContainers.host_port");
	}
	assert_string_equal(get(&f, &r, 2, "ka.target.subresource", NULL), "ephemeralcontainers");
	assert_string_equal(get(&f, &r, 2, "ka.verb", NULL), "patch");
	assert_string_equal(get(&f, &r, 2, "ka.req.pod.initContainers.name", NULL), "NA");
	assert_string_equal(get(&f, &r, 2, "ka.req.pod.initContainers.host_port", NULL), "NA");
	assert_string_equal(get(&f, &r, 2, "ka.req.pod.containers.name", NULL), "NA");
	/* role rules: [n] is rule n; a rule without the key is NA, as in Falco */
	assert_string_equal(get(&f, &r, 3, "ka.req.role.rules.apiGroups", NULL),
			    "[\"\",apps,batch]");
	assert_string_equal(get(&f, &r, 3, "ka.req.role.rules.apiGroups", "0"), "[\"\"]");
	assert_string_equal(get(&f, &r, 3, "ka.req.role.rules.apiGroups", "1"), "[apps,batch]");
	assert_string_equal(get(&f, &r, 3, "ka.req.role.rules.apiGroups", "2"), "NA");
	assert_string_equal(get(&f, &r, 3, "ka.req.role.rules.apiGroups", "3"), "NA");
	assert_string_equal(get(&f, &r, 3, "ka.req.role.rules.nonResourceURLs", NULL),
			    "[/metrics,/healthz/*]");
	assert_string_equal(get(&f, &r, 3, "ka.req.role.rules.nonResourceURLs", "2"),
			    "[/metrics,/healthz/*]");
	assert_string_equal(get(&f, &r, 3, "ka.req.role.rules.nonResourceURLs", "0"), "NA");
	assert_string_equal(get(&f, &r, 3, "ka.req.role.rules.verbs", NULL),
			    "[get,list,create,get]");
	assert_string_equal(get(&f, &r, 3, "ka.req.role.rules.resources", "2"), "NA");
	assert_string_equal(get(&f, &r, 1, "ka.req.role.rules.apiGroups", NULL), "NA");
	assert_string_equal(get(&f, &r, 1, "ka.req.role.rules.nonResourceURLs", "0"), "NA");
	/* OpenShift's OAuth server */
	assert_string_equal(get(&f, &r, 4, "ka.auth.openshift.decision", NULL), "allow");
	assert_string_equal(get(&f, &r, 4, "ka.auth.openshift.username", NULL), "kube:admin");
	assert_string_equal(get(&f, &r, 5, "ka.auth.openshift.decision", NULL), "deny");
	assert_string_equal(get(&f, &r, 5, "ka.auth.openshift.username", NULL), "developer");
	assert_string_equal(get(&f, &r, 4, "ka.auth.decision", NULL), "NA");
	assert_string_equal(
	    get(&f, &r, 4, "ka.uri.param", "then"),
	    "/oauth/authorize?client_id=openshift-browser-client&response_type=code");
	assert_string_equal(get(&f, &r, 1, "ka.auth.openshift.decision", NULL), "NA");
	assert_string_equal(get(&f, &r, 1, "ka.auth.openshift.username", NULL), "NA");
	k8s_fields_fini(&f);
	k8s_rec_free_list(r.head);
}

/* The ka.* table is Falco's k8saudit 0.18.0 field set
 * (tests/compat/falco-fields/k8saudit.txt): every name, no other ka.* name,
 * and SK_FIELD_DEPRECATED exactly where Falco says deprecated. */
static void test_falco_field_set(void **state)
{
	(void)state;
	char path[1024];
	snprintf(path, sizeof(path), "%s/../compat/falco-fields/k8saudit.txt", SK_FIXTURES_DIR);
	FILE *fp = fopen(path, "r");
	assert_non_null(fp);
	char line[256];
	size_t nfalco = 0, nours = 0;
	while (fgets(line, sizeof(line), fp) != NULL) {
		char name[200] = "", mark[32] = "";
		if (line[0] == '#' || sscanf(line, "%199s %31s", name, mark) < 1) {
			continue;
		}
		nfalco++;
		int i = field_idx(name);
		bool depr = (k8s_fields_table[i].flags & SK_FIELD_DEPRECATED) != 0;
		if (depr != (strcmp(mark, "deprecated") == 0)) {
			fail_msg("%s: deprecated is %d here, Falco says '%s'", name, depr, mark);
		}
	}
	fclose(fp);
	for (int i = 0; k8s_fields_table[i].name; i++) {
		nours += strncmp(k8s_fields_table[i].name, "ka.", 3) == 0;
	}
	assert_int_equal(nfalco, 100);
	assert_int_equal(nours, nfalco);
}

/* every field, with and without arguments, on every event of a body */
static void all_fields(struct k8s_fields *f, const struct k8s_rec *head, uint64_t *num)
{
	static const char *const args[] = {NULL, "0", "1", "7", "/", "", "/a/0", "command", "x*"};
	for (const struct k8s_rec *r = head; r; r = r->next) {
		struct sk_event ev = {.rec = (const struct sk_evt_hdr *)r->data, .num = ++*num};
		for (uint32_t i = 0; k8s_fields_table[i].name; i++) {
			for (size_t a = 0; a < sizeof(args) / sizeof(args[0]); a++) {
				struct sk_field_req req = {.field_idx = i, .arg_key = args[a]};
				if (args[a] && args[a][0] >= '0' && args[a][0] <= '9') {
					req.has_index = 1;
					req.arg_index = (uint64_t)(args[a][0] - '0');
				}
				struct sk_value v;
				int rc = k8s_fields_extract(f, &ev, &req, &v);
				assert_true(rc == SK_OK || rc == SK_NA);
				if (rc == SK_OK && v.type == SK_TYPE_STRING) {
					assert_int_equal(strlen(v.str.ptr) <= v.str.len, 1);
				}
			}
		}
	}
}

/* fuzz_file - 2000 mangled copies of fixture `name` through the splitter
 * and every field; returns how many the splitter accepted. */
static uint64_t fuzz_file(struct k8s_fields *fp, uint64_t *nump, const char *name)
{
	size_t len = 0;
	char *body = slurp(name, &len);
	char *m = malloc(len + 1);
	assert_non_null(m);
	uint64_t accepted = 0;
	unsigned seed = 12345;
	for (int iter = 0; iter < 2000; iter++) {
		memcpy(m, body, len + 1);
		size_t n = len;
		int kind = iter % 4;
		if (kind == 0) { /* flip bytes */
			for (int k = 0; k < 1 + iter % 8; k++) {
				seed = seed * 1103515245u + 12345u;
				m[seed % len] = (char)(seed >> 16);
			}
		} else if (kind == 1) { /* truncate */
			seed = seed * 1103515245u + 12345u;
			n = seed % len;
		} else if (kind == 2) { /* change a type: quote to digit, brace to bracket */
			for (int k = 0; k < 6; k++) {
				seed = seed * 1103515245u + 12345u;
				char *p = strchr(m + seed % len, k % 2 ? '"' : '{');
				if (p != NULL) {
					*p = k % 2 ? '7' : '[';
				}
			}
		} else { /* swap values for null / numbers / arrays */
			static const char *const subs[] = {"null", "1e999", "[]", "{}", "-0", "true"};
			seed = seed * 1103515245u + 12345u;
			char *p = strstr(m + seed % len, ":\"");
			if (p != NULL && strlen(p) > 8) {
				const char *s = subs[seed % 6];
				memcpy(p + 1, s, strlen(s));
			}
		}
		struct k8s_rec *head = NULL;
		size_t cnt = 0, bytes = 0;
		uint64_t over = 0;
		char err[256];
		if (k8s_split(m, n, 256 * 1024, &head, &cnt, &bytes, &over, err, sizeof(err)) == 0) {
			accepted++;
			/* every record holds one JSON object with a stageTimestamp */
			for (struct k8s_rec *x = head; x; x = x->next) {
				const void *d = NULL;
				uint32_t l = 0;
				assert_int_equal(sk_evt_param((const struct sk_evt_hdr *)x->data, 1, &d, &l), 0);
				struct json_tokener *tok = json_tokener_new();
				json_object *o = json_tokener_parse_ex(tok, d, (int)l);
				assert_int_equal(json_tokener_get_error(tok), json_tokener_success);
				assert_true(json_object_is_type(o, json_type_object));
				assert_true(json_object_object_get_ex(o, "stageTimestamp", NULL));
				json_object_put(o);
				json_tokener_free(tok);
			}
			all_fields(fp, head, nump);
		}
		k8s_rec_free_list(head);
	}
	free(m);
	free(body);
	return accepted;
}

static void test_fuzz(void **state)
{
	(void)state;
	struct k8s_fields f = {0};
	uint64_t num = 0;
	assert_true(fuzz_file(&f, &num, "events.json") > 0);
	assert_true(fuzz_file(&f, &num, "falco018.json") > 0);
	/* a record whose payload is not JSON at all */
	unsigned char rec[64] __attribute__((aligned(8)));
	struct sk_evt_hdr h = {.ts = 1, .len = 24 + 8 + 10 + 5, .type = SK_EVT_PLUGIN, .nparams = 2,
			       .flags = SK_EVT_F_LARGE};
	uint32_t l0 = 10, l1 = 5;
	memcpy(rec, &h, sizeof(h));
	memcpy(rec + 24, &l0, 4);
	memcpy(rec + 28, &l1, 4);
	memcpy(rec + 32, "k8s_audit\0{\"a\":", 15);
	struct k8s_rec *fake = malloc(sizeof(*fake) + sizeof(rec));
	fake->next = NULL;
	fake->size = h.len;
	memcpy(fake->data, rec, sizeof(rec));
	assert_int_equal(sk_evt_check(fake->data, fake->size), 0);
	all_fields(&f, fake, &num);
	free(fake);
	k8s_fields_fini(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_time),
	    cmocka_unit_test(test_open_params),
	    cmocka_unit_test(test_split),
	    cmocka_unit_test(test_fields),
	    cmocka_unit_test(test_fields_falco018),
	    cmocka_unit_test(test_falco_field_set),
	    cmocka_unit_test(test_fuzz),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
