/* core/cfg_test.c - unit tests for core/cfg.c: the YAML node tree, its
 * positions and flags, libyaml errors, overrides, merges, conversions and
 * JSON export.
 */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cfg.h"

#ifndef SK_TEST_FIXTURES
#define SK_TEST_FIXTURES "tests/fixtures"
#endif

static char err[2048];

static const char *fixture(const char *name)
{
	static char path[4096];
	const char *dir = getenv("SK_FIXTURES");
	snprintf(path, sizeof(path), "%s/config/%s", dir && *dir ? dir : SK_TEST_FIXTURES, name);
	return path;
}

static struct sk_cfg_node *parse(const char *text)
{
	struct sk_cfg_node *root = NULL;
	err[0] = '\0';
	int rc = sk_cfg_parse_string("t.yaml", text, strlen(text), &root, err, sizeof(err));
	if (rc != 0) {
		print_error("unexpected parse error: %s\n", err);
	}
	assert_int_equal(rc, 0);
	assert_non_null(root);
	return root;
}

/* Parse text that must fail; returns the error code, message in err. */
static int parse_fail(const char *text)
{
	struct sk_cfg_node *root = NULL;
	err[0] = '\0';
	int rc = sk_cfg_parse_string("t.yaml", text, strlen(text), &root, err, sizeof(err));
	assert_null(root);
	assert_true(rc < 0);
	return rc;
}

static void assert_json(const struct sk_cfg_node *n, const char *want)
{
	char *json = sk_cfg_to_json(n);
	assert_non_null(json);
	assert_string_equal(json, want);
	free(json);
}

static void assert_pos(const struct sk_cfg_node *n, const char *file, unsigned line, unsigned col)
{
	assert_non_null(n);
	assert_string_equal(n->file, file);
	assert_int_equal(n->line, line);
	assert_int_equal(n->col, col);
}

/* ---- trees ---------------------------------------------------------------- */

static void test_scalars_maps_seqs(void **state)
{
	struct sk_cfg_node *r = parse("name: shrike\n"
				      "count: 3\n"
				      "list:\n"
				      "  - a\n"
				      "  - [b, c]\n"
				      "  - {k: v}\n"
				      "nested:\n"
				      "  inner:\n"
				      "    deep: yes\n");
	assert_int_equal(r->kind, SK_CFG_MAP);
	assert_int_equal(r->n, 4);
	assert_string_equal(r->keys[0], "name");
	assert_string_equal(r->keys[3], "nested");
	assert_string_equal(r->key_nodes[1]->scalar, "count");

	struct sk_cfg_node *name = sk_cfg_get(r, "name");
	assert_int_equal(name->kind, SK_CFG_SCALAR);
	assert_string_equal(name->scalar, "shrike");

	struct sk_cfg_node *list = sk_cfg_get(r, "list");
	assert_int_equal(list->kind, SK_CFG_SEQ);
	assert_int_equal(list->n, 3);
	assert_string_equal(list->items[0]->scalar, "a");
	assert_int_equal(list->items[1]->kind, SK_CFG_SEQ);
	assert_string_equal(list->items[1]->items[1]->scalar, "c");
	assert_int_equal(list->items[2]->kind, SK_CFG_MAP);
	assert_string_equal(sk_cfg_get(list->items[2], "k")->scalar, "v");

	assert_string_equal(sk_cfg_get_path(r, "nested.inner.deep")->scalar, "yes");
	assert_string_equal(sk_cfg_get_path(r, "list[1][0]")->scalar, "b");
	assert_string_equal(sk_cfg_get_path(r, "list[2].k")->scalar, "v");
	assert_null(sk_cfg_get_path(r, "nested.missing"));
	assert_null(sk_cfg_get_path(r, "list[9]"));
	assert_null(sk_cfg_get_path(r, "name.sub"));
	assert_null(sk_cfg_get(r, "absent"));
	assert_null(sk_cfg_get(list, "a")); /* not a map */
	sk_cfg_free(r);
}

static void test_many_children(void **state)
{
	/* arrays grow past their first few sizes */
	char text[8192];
	size_t off = 0;
	off += (size_t)snprintf(text + off, sizeof(text) - off, "l: [");
	for (int i = 0; i < 100; i++) {
		off += (size_t)snprintf(text + off, sizeof(text) - off, "%s%d", i ? "," : "", i);
	}
	off += (size_t)snprintf(text + off, sizeof(text) - off, "]\n");
	for (int i = 0; i < 40; i++) {
		off += (size_t)snprintf(text + off, sizeof(text) - off, "k%d: %d\n", i, i);
	}
	struct sk_cfg_node *r = parse(text);
	assert_int_equal(r->n, 41);
	assert_int_equal(sk_cfg_get(r, "l")->n, 100);
	assert_string_equal(sk_cfg_get(r, "l")->items[99]->scalar, "99");
	assert_string_equal(sk_cfg_get(r, "k39")->scalar, "39");
	sk_cfg_free(r);
}

static void test_positions(void **state)
{
	struct sk_cfg_node *r = parse("# comment\n"
				      "file_output:\n"
				      "  enabled: true\n"
				      "  filename: /tmp/x\n"
				      "list: [a,  bb]\n"
				      "seq:\n"
				      "- one\n");
	assert_pos(r->key_nodes[0], "t.yaml", 2, 1);
	struct sk_cfg_node *fo = sk_cfg_get(r, "file_output");
	assert_pos(fo->key_nodes[0], "t.yaml", 3, 3);
	assert_pos(fo->items[0], "t.yaml", 3, 12);
	assert_pos(fo->key_nodes[1], "t.yaml", 4, 3);
	assert_pos(fo->items[1], "t.yaml", 4, 13);
	struct sk_cfg_node *list = sk_cfg_get(r, "list");
	assert_pos(list, "t.yaml", 5, 7);
	assert_pos(list->items[0], "t.yaml", 5, 8);
	assert_pos(list->items[1], "t.yaml", 5, 12);
	assert_pos(sk_cfg_get(r, "seq")->items[0], "t.yaml", 7, 3);
	sk_cfg_free(r);
}

static void test_quoted_vs_plain(void **state)
{
	struct sk_cfg_node *r = parse("a: true\n"
				      "b: \"true\"\n"
				      "c: 'true'\n"
				      "d: |\n"
				      "  block\n"
				      "e: !!str 12\n"
				      "f: 12\n");
	assert_false(sk_cfg_get(r, "a")->quoted);
	assert_true(sk_cfg_get(r, "b")->quoted);
	assert_true(sk_cfg_get(r, "c")->quoted);
	assert_true(sk_cfg_get(r, "d")->quoted);
	assert_string_equal(sk_cfg_get(r, "d")->scalar, "block\n");
	assert_true(sk_cfg_get(r, "e")->quoted);
	assert_false(sk_cfg_get(r, "f")->quoted);
	assert_json(r, "{\"a\":true,\"b\":\"true\",\"c\":\"true\",\"d\":\"block\\n\",\"e\":\"12\","
		       "\"f\":12}");
	sk_cfg_free(r);
}

static void test_nulls(void **state)
{
	struct sk_cfg_node *r = parse("a: ~\n"
				      "b: null\n"
				      "c: Null\n"
				      "d: NULL\n"
				      "e:\n"
				      "f: \"null\"\n"
				      "g: ''\n"
				      "h: nULL\n"
				      "i: nullable\n");
	const char *nulls[] = {"a", "b", "c", "d", "e"};
	const char *not_nulls[] = {"f", "g", "h", "i"};
	for (size_t i = 0; i < 5; i++) {
		struct sk_cfg_node *n = sk_cfg_get(r, nulls[i]);
		assert_int_equal(n->kind, SK_CFG_SCALAR);
		assert_true(n->is_null);
	}
	for (size_t i = 0; i < 4; i++) {
		assert_false(sk_cfg_get(r, not_nulls[i])->is_null);
	}
	assert_string_equal(sk_cfg_get(r, "e")->scalar, "");
	assert_string_equal(sk_cfg_kind_name(sk_cfg_get(r, "e")), "an empty value");
	assert_json(r, "{\"a\":null,\"b\":null,\"c\":null,\"d\":null,\"e\":null,\"f\":\"null\","
		       "\"g\":\"\",\"h\":\"nULL\",\"i\":\"nullable\"}");
	sk_cfg_free(r);
}

static void test_empty_inputs(void **state)
{
	struct sk_cfg_node *r = parse("");
	assert_int_equal(r->kind, SK_CFG_MAP);
	assert_int_equal(r->n, 0);
	sk_cfg_free(r);

	r = parse("# only a comment\n");
	assert_int_equal(r->kind, SK_CFG_MAP);
	assert_int_equal(r->n, 0);
	sk_cfg_free(r);

	/* a trailing empty document is harmless */
	r = parse("a: 1\n---\n");
	assert_json(r, "{\"a\":1}");
	sk_cfg_free(r);

	assert_int_equal(sk_cfg_parse_file(fixture("empty.yaml"), &r, err, sizeof(err)), 0);
	assert_int_equal(r->kind, SK_CFG_MAP);
	assert_int_equal(r->n, 0);
	sk_cfg_free(r);
}

static void test_multi_document(void **state)
{
	struct sk_cfg_node *docs = NULL;
	const char *path = fixture("multidoc.yaml");
	assert_int_equal(sk_cfg_parse_file_docs(path, &docs, err, sizeof(err)), 0);
	assert_int_equal(docs->kind, SK_CFG_SEQ);
	assert_int_equal(docs->n, 3);
	assert_int_equal(docs->items[0]->kind, SK_CFG_SEQ);
	assert_string_equal(sk_cfg_get(docs->items[0]->items[0], "rule")->scalar, "first");
	assert_pos(docs->items[1]->items[0], path, 5, 3);
	assert_string_equal(sk_cfg_get(docs->items[2], "plain")->scalar, "scalar");
	sk_cfg_free(docs);

	/* one-document parsing refuses the second document */
	struct sk_cfg_node *root = NULL;
	assert_int_equal(sk_cfg_parse_file(path, &root, err, sizeof(err)), -EINVAL);
	assert_null(root);
	char want[4200];
	snprintf(want, sizeof(want),
		 "%s:5:1: a second YAML document starts here; this file holds one", path);
	assert_string_equal(err, want);

	/* an empty file has no documents */
	assert_int_equal(sk_cfg_parse_file_docs(fixture("empty.yaml"), &docs, err, sizeof(err)), 0);
	assert_int_equal(docs->kind, SK_CFG_SEQ);
	assert_int_equal(docs->n, 0);
	sk_cfg_free(docs);
}

static void test_syntax_errors(void **state)
{
	assert_int_equal(parse_fail("a: 1\n  b: 2\n"), -EINVAL);
	assert_string_equal(err, "t.yaml:2:4: mapping values are not allowed in this context");

	parse_fail("a: [1, 2\n");
	assert_string_equal(err, "t.yaml:2:1: did not find expected ',' or ']' (while parsing a "
				 "flow sequence at line 1, column 4)");

	parse_fail("a: \"\xc3\x28\"\n");
	assert_string_equal(err, "t.yaml:1:6: invalid trailing UTF-8 octet (byte 0x28)");

	parse_fail("? [a]\n: b\n");
	assert_string_equal(err, "t.yaml:1:3: map keys must be plain values, not lists or maps");

	/* from a file: the path names the file */
	struct sk_cfg_node *root = NULL;
	const char *path = fixture("syntax_error.yaml");
	assert_int_equal(sk_cfg_parse_file(path, &root, err, sizeof(err)), -EINVAL);
	char want[4200];
	snprintf(want, sizeof(want),
		 "%s:4:12: did not find expected ',' or ']' (while parsing a flow sequence at "
		 "line 2, column 14)",
		 path);
	assert_string_equal(err, want);
}

static void test_missing_file(void **state)
{
	struct sk_cfg_node *root = NULL;
	assert_int_equal(sk_cfg_parse_file("/nonexistent/shrike.yaml", &root, err, sizeof(err)),
			 -ENOENT);
	assert_null(root);
	assert_string_equal(err,
			    "/nonexistent/shrike.yaml: cannot open: No such file or directory");
}

static void test_duplicate_key(void **state)
{
	parse_fail("a: 1\nb: 2\na: 3\n");
	assert_string_equal(err, "t.yaml:3:1: duplicate key 'a' (first defined at t.yaml:1:1)");
	parse_fail("outer:\n  x: 1\n  y: 2\n  x: 3\n");
	assert_string_equal(err, "t.yaml:4:3: duplicate key 'x' (first defined at t.yaml:2:3)");
}

static void test_anchors_refused(void **state)
{
	parse_fail("base: &b\n  x: 1\nother: 2\n");
	assert_string_equal(err, "t.yaml:1:7: anchors (&b) are not supported; write the value "
				 "out in full");
	parse_fail("a: &x 1\nb: *x\n");
	assert_string_equal(
	    err, "t.yaml:1:4: anchors (&x) are not supported; write the value out in full");
	parse_fail("a: [1]\nb: *x\n");
	assert_string_equal(
	    err, "t.yaml:2:4: aliases (*x) are not supported; write the value out in full");
	parse_fail("- &l [1]\n");
	assert_string_equal(
	    err, "t.yaml:1:3: anchors (&l) are not supported; write the value out in full");
}

static void test_deep_nesting_refused(void **state)
{
	char text[1024];
	memset(text, '[', 300);
	text[300] = '\0';
	parse_fail(text);
	assert_string_equal(err, "t.yaml:1:202: nesting deeper than 200 levels");
}

/* ---- overrides ------------------------------------------------------------ */

static struct sk_cfg_node *override_ok(const char *base, const char *assignment)
{
	struct sk_cfg_node *r = parse(base);
	err[0] = '\0';
	int rc = sk_cfg_override(r, assignment, err, sizeof(err));
	if (rc != 0) {
		print_error("override failed: %s\n", err);
	}
	assert_int_equal(rc, 0);
	return r;
}

static void override_fail(const char *base, const char *assignment, const char *want)
{
	struct sk_cfg_node *r = parse(base);
	char *before = sk_cfg_to_json(r);
	err[0] = '\0';
	assert_int_equal(sk_cfg_override(r, assignment, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, want);
	assert_json(r, before); /* a failed override leaves the tree alone */
	free(before);
	sk_cfg_free(r);
}

static void test_override_scalar(void **state)
{
	struct sk_cfg_node *r = override_ok("json_output: false\nother: 1\n", "json_output=true");
	assert_json(r, "{\"json_output\":true,\"other\":1}");
	struct sk_cfg_node *v = sk_cfg_get(r, "json_output");
	assert_pos(v, "-o", 1, 13);
	assert_false(v->quoted);
	/* the key keeps its place in the file */
	assert_pos(r->key_nodes[0], "t.yaml", 1, 1);
	sk_cfg_free(r);

	r = override_ok("a: 1\n", "a=\"true\"");
	assert_true(sk_cfg_get(r, "a")->quoted);
	assert_json(r, "{\"a\":\"true\"}");
	sk_cfg_free(r);

	/* values may contain '=' and spaces */
	r = override_ok("a: 1\n", "program_output.program=jq -r .output | x=1");
	assert_string_equal(sk_cfg_get_path(r, "program_output.program")->scalar,
			    "jq -r .output | x=1");
	sk_cfg_free(r);

	/* an empty value is null */
	r = override_ok("a: 1\n", "a=");
	assert_true(sk_cfg_get(r, "a")->is_null);
	assert_pos(sk_cfg_get(r, "a"), "-o", 1, 3);
	sk_cfg_free(r);
}

static void test_override_nested_creation(void **state)
{
	struct sk_cfg_node *r = override_ok("a: 1\n", "file_output.options.mode=0644");
	assert_json(r, "{\"a\":1,\"file_output\":{\"options\":{\"mode\":644}}}");
	struct sk_cfg_node *fo = sk_cfg_get(r, "file_output");
	assert_int_equal(fo->kind, SK_CFG_MAP);
	assert_pos(r->key_nodes[1], "-o", 1, 1);
	assert_pos(fo->key_nodes[0], "-o", 1, 13);
	assert_pos(sk_cfg_get(fo, "options")->key_nodes[0], "-o", 1, 21);
	assert_pos(sk_cfg_get_path(r, "file_output.options.mode"), "-o", 1, 26);
	assert_string_equal(sk_cfg_get_path(r, "file_output.options.mode")->scalar, "0644");
	sk_cfg_free(r);

	/* a null section on the way becomes a map */
	r = override_ok("file_output:\n", "file_output.enabled=true");
	assert_json(r, "{\"file_output\":{\"enabled\":true}}");
	sk_cfg_free(r);

	/* a missing list is created by [0] */
	r = override_ok("{}", "plugins[0].name=json");
	assert_json(r, "{\"plugins\":[{\"name\":\"json\"}]}");
	sk_cfg_free(r);
}

static void test_override_list_and_map_values(void **state)
{
	struct sk_cfg_node *r =
	    override_ok("rules_files: /etc/a.yaml\n", "rules_files=[/etc/x.yaml, 'y z.yaml']");
	struct sk_cfg_node *l = sk_cfg_get(r, "rules_files");
	assert_int_equal(l->kind, SK_CFG_SEQ);
	assert_int_equal(l->n, 2);
	assert_pos(l, "-o", 1, 13);
	assert_pos(l->items[1], "-o", 1, 27);
	assert_true(l->items[1]->quoted);
	assert_json(r, "{\"rules_files\":[\"/etc/x.yaml\",\"y z.yaml\"]}");
	sk_cfg_free(r);

	r = override_ok("x: 1\n", "x={a: 1, b: [true]}");
	assert_json(r, "{\"x\":{\"a\":1,\"b\":[true]}}");
	sk_cfg_free(r);
}

static void test_override_sequence_index(void **state)
{
	const char *base = "plugins:\n"
			   "  - name: a\n"
			   "    open_params: x\n"
			   "  - name: b\n";
	struct sk_cfg_node *r = override_ok(base, "plugins[1].open_params=http://:9765/k8s");
	assert_json(r, "{\"plugins\":[{\"name\":\"a\",\"open_params\":\"x\"},{\"name\":\"b\","
		       "\"open_params\":\"http://:9765/k8s\"}]}");
	sk_cfg_free(r);

	r = override_ok(base, "plugins[0]={name: c}");
	assert_json(r, "{\"plugins\":[{\"name\":\"c\"},{\"name\":\"b\"}]}");
	sk_cfg_free(r);

	/* [length] appends */
	r = override_ok("l: [1, 2]\n", "l[2]=3");
	assert_json(r, "{\"l\":[1,2,3]}");
	sk_cfg_free(r);

	r = override_ok("l: [[1], [2]]\n", "l[1][0]=5");
	assert_json(r, "{\"l\":[[1],[5]]}");
	sk_cfg_free(r);
}

static void test_override_invalid(void **state)
{
	const char *base = "a: 1\nl: [1, 2]\nm:\n  k: v\n";
	override_fail(base, "json_output",
		      "-o 'json_output': expected KEY=VALUE (e.g. json_output=true)");
	override_fail(base, "=1", "-o '=1': empty key at column 1");
	override_fail(base, "a..b=1", "-o 'a..b=1': empty key at column 3");
	override_fail(base, "a.=1", "-o 'a.=1': empty key at column 3");
	override_fail(base, "l[x]=1", "-o 'l[x]=1': expected [NUMBER] at column 2");
	override_fail(base, "l[1=1", "-o 'l[1=1': expected [NUMBER] at column 2");
	override_fail(base, "l]=1", "-o 'l]=1': unexpected ']' at column 2");
	override_fail(base, "l[5]=1",
		      "-o 'l[5]=1': index 5 is out of range (l has 2 items; use [2] to append)");
	override_fail(base, "a.b=1", "-o 'a.b=1': a is a scalar (at t.yaml:1:4), not a map");
	override_fail(base, "m[0]=1", "-o 'm[0]=1': m is a map (at t.yaml:4:3), not a list");
	override_fail(base, "l.x=1", "-o 'l.x=1': l is a list (at t.yaml:2:4), not a map");
	override_fail(base, "m.k=[1, 2",
		      "-o:2:1: did not find expected ',' or ']' (while parsing a flow sequence at "
		      "line 1, column 5)");
	override_fail(base, "a=*x",
		      "-o:1:3: aliases (*x) are not supported; write the value out in full");
}

/* ---- merge ---------------------------------------------------------------- */

static void test_merge(void **state)
{
	struct sk_cfg_node *dst = parse("a: 1\n"
					"m:\n"
					"  x: 1\n"
					"  y: [1]\n"
					"s: 1\n");
	struct sk_cfg_node *src = parse("m:\n"
					"  y: [2, 3]\n"
					"  z: new\n"
					"s: {now: map}\n"
					"b: 2\n");
	assert_int_equal(sk_cfg_merge(dst, src, err, sizeof(err)), 0);
	assert_json(dst,
		    "{\"a\":1,\"m\":{\"x\":1,\"y\":[2,3],\"z\":\"new\"},\"s\":{\"now\":\"map\"},"
		    "\"b\":2}");
	assert_pos(sk_cfg_get_path(dst, "m.z"), "t.yaml", 3, 6);
	sk_cfg_free(dst);

	/* NULL src is a no-op; a non-map dst is replaced */
	dst = parse("a: 1\n");
	assert_int_equal(sk_cfg_merge(dst, NULL, err, sizeof(err)), 0);
	src = parse("- x\n");
	assert_int_equal(sk_cfg_merge(dst, src, err, sizeof(err)), 0);
	assert_json(dst, "[\"x\"]");
	sk_cfg_free(dst);
}

/* ---- config_files strategies ----------------------------------------------- */

static struct sk_cfg_node *parse_as(const char *name, const char *text)
{
	struct sk_cfg_node *root = NULL;
	assert_int_equal(sk_cfg_parse_string(name, text, strlen(text), &root, err, sizeof(err)), 0);
	return root;
}

#define INC_DST "l: [1]\nm: {x: 1, y: 2}\ns: 1\nn:\n"
#define INC_SRC "l: [2]\nm: {y: 3}\ns: [a]\nn: [b]\nnew: 4\n"

static void test_include(void **state)
{
	static const struct {
		enum sk_cfg_strategy strategy;
		const char *want;
	} cases[] = {
	    /* a list appends to a list or to an empty value; a list given for
	     * a scalar is an error (below); maps are replaced, not merged */
	    {SK_CFG_OVERRIDE, "{\"l\":[2],\"m\":{\"y\":3},\"s\":[\"a\"],\"n\":[\"b\"],\"new\":4}"},
	    {SK_CFG_ADD_ONLY, "{\"l\":[1],\"m\":{\"x\":1,\"y\":2},\"s\":1,\"n\":null,\"new\":4}"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sk_cfg_node *dst = parse_as("main.yaml", INC_DST);
		struct sk_cfg_node *src = parse_as("inc.yaml", INC_SRC);
		assert_int_equal(sk_cfg_include(dst, src, cases[i].strategy, err, sizeof(err)), 0);
		assert_json(dst, cases[i].want);
		sk_cfg_free(dst);
	}

	struct sk_cfg_node *dst = parse_as("main.yaml", INC_DST);
	struct sk_cfg_node *src = parse_as("inc.yaml", "l: [2, 3]\nm: {y: 3}\ns: 5\nn: [b]\n");
	assert_int_equal(sk_cfg_include(dst, src, SK_CFG_APPEND, err, sizeof(err)), 0);
	assert_json(dst, "{\"l\":[1,2,3],\"m\":{\"y\":3},\"s\":5,\"n\":[\"b\"]}");
	/* appended items and replaced values keep their file; a replaced key
	 * points at the new file, an appended one stays where it was */
	assert_pos(sk_cfg_get_path(dst, "l[0]"), "main.yaml", 1, 5);
	assert_pos(sk_cfg_get_path(dst, "l[2]"), "inc.yaml", 1, 8);
	assert_pos(sk_cfg_get_path(dst, "m.y"), "inc.yaml", 2, 8);
	assert_pos(dst->key_nodes[0], "main.yaml", 1, 1);
	assert_pos(dst->key_nodes[1], "inc.yaml", 2, 1);
	sk_cfg_free(dst);

	/* append: a list for a scalar or a map names both places */
	dst = parse_as("main.yaml", INC_DST);
	src = parse_as("inc.yaml", "s: [a]\n");
	assert_int_equal(sk_cfg_include(dst, src, SK_CFG_APPEND, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "inc.yaml:1:4: s: cannot append a list to a scalar (at "
				 "main.yaml:3:4); write a list there, or include this file with "
				 "strategy: override to replace it");
	sk_cfg_free(dst);

	/* only maps merge; NULL is nothing to do */
	dst = parse_as("main.yaml", INC_DST);
	src = parse_as("inc.yaml", "- a\n");
	assert_int_equal(sk_cfg_include(dst, src, SK_CFG_APPEND, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "inc.yaml:1:1: expected a map of settings at the top level, got "
				 "a list");
	assert_int_equal(sk_cfg_include(dst, NULL, SK_CFG_APPEND, err, sizeof(err)), 0);
	sk_cfg_free(dst);

	assert_string_equal(sk_cfg_strategy_name(SK_CFG_APPEND), "append");
	assert_string_equal(sk_cfg_strategy_name(SK_CFG_OVERRIDE), "override");
	assert_string_equal(sk_cfg_strategy_name(SK_CFG_ADD_ONLY), "add-only");
}

/* ---- conversions ---------------------------------------------------------- */

static void test_as_bool(void **state)
{
	struct sk_cfg_node *r = parse("t: [true, True, TRUE, yes, Yes, on, ON, 'true', tRuE]\n"
				      "f: [false, False, no, NO, off, Off]\n"
				      "file_output:\n"
				      "  keep_alive: maybe\n"
				      "n:\n"
				      "m: {a: 1}\n");
	bool b = false;
	struct sk_cfg_node *t = sk_cfg_get(r, "t"), *f = sk_cfg_get(r, "f");
	for (size_t i = 0; i < t->n; i++) {
		b = false;
		assert_int_equal(sk_cfg_as_bool(t->items[i], "t", &b, err, sizeof(err)), 0);
		assert_true(b);
	}
	for (size_t i = 0; i < f->n; i++) {
		b = true;
		assert_int_equal(sk_cfg_as_bool(f->items[i], "f", &b, err, sizeof(err)), 0);
		assert_false(b);
	}
	assert_int_equal(sk_cfg_as_bool(sk_cfg_get_path(r, "file_output.keep_alive"),
					"file_output.keep_alive", &b, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "t.yaml:4:15: file_output.keep_alive: expected a boolean (true "
				 "or false), got 'maybe'");
	assert_int_equal(sk_cfg_as_bool(sk_cfg_get(r, "n"), "n", &b, err, sizeof(err)), -EINVAL);
	assert_string_equal(
	    err, "t.yaml:5:3: n: expected a boolean (true or false), got an empty value");
	assert_int_equal(sk_cfg_as_bool(sk_cfg_get(r, "m"), NULL, &b, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "t.yaml:6:4: expected a boolean (true or false), got a map");
	assert_int_equal(sk_cfg_as_bool(NULL, "x", &b, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "x: expected a boolean (true or false), got nothing");
	sk_cfg_free(r);
}

static void test_as_int_uint(void **state)
{
	struct sk_cfg_node *r = parse("a: 42\nb: -7\nc: 0x1F\nd: 0o17\ne: 12abc\n"
				      "f: 99999999999999999999\ng: 70000\nh: [1]\n"
				      "i: 9223372036854775807\nj: -9223372036854775808\n");
	int64_t i = 0;
	uint64_t u = 0;
	assert_int_equal(sk_cfg_as_int(sk_cfg_get(r, "a"), "a", 0, 0, &i, err, sizeof(err)), 0);
	assert_int_equal(i, 42);
	assert_int_equal(sk_cfg_as_int(sk_cfg_get(r, "b"), "b", -10, 10, &i, err, sizeof(err)), 0);
	assert_int_equal(i, -7);
	assert_int_equal(sk_cfg_as_int(sk_cfg_get(r, "c"), "c", 0, 0, &i, err, sizeof(err)), 0);
	assert_int_equal(i, 31);
	assert_int_equal(sk_cfg_as_int(sk_cfg_get(r, "d"), "d", 0, 0, &i, err, sizeof(err)), 0);
	assert_int_equal(i, 15);
	assert_int_equal(sk_cfg_as_int(sk_cfg_get(r, "i"), "i", 0, 0, &i, err, sizeof(err)), 0);
	assert_true(i == INT64_MAX);
	assert_int_equal(sk_cfg_as_int(sk_cfg_get(r, "j"), "j", 0, 0, &i, err, sizeof(err)), 0);
	assert_true(i == INT64_MIN);

	assert_int_equal(sk_cfg_as_int(sk_cfg_get(r, "e"), "e", 0, 0, &i, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "t.yaml:5:4: e: expected an integer, got '12abc'");
	assert_int_equal(sk_cfg_as_int(sk_cfg_get(r, "g"), "port", 1, 65535, &i, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "t.yaml:7:4: port: 70000 is out of range (1..65535)");
	assert_int_equal(sk_cfg_as_int(sk_cfg_get(r, "f"), "f", 0, 0, &i, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "t.yaml:6:4: f: '99999999999999999999' is out of range "
				 "(-9223372036854775808..9223372036854775807)");
	assert_int_equal(sk_cfg_as_int(sk_cfg_get(r, "h"), "h", 0, 0, &i, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "t.yaml:8:4: h: expected an integer, got a list");

	assert_int_equal(sk_cfg_as_uint(sk_cfg_get(r, "a"), "a", 0, 0, &u, err, sizeof(err)), 0);
	assert_int_equal(u, 42);
	assert_int_equal(sk_cfg_as_uint(sk_cfg_get(r, "b"), "b", 0, 0, &u, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "t.yaml:2:4: b: expected a non-negative integer, got '-7'");
	assert_int_equal(sk_cfg_as_uint(sk_cfg_get(r, "g"), "g", 1, 100, &u, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "t.yaml:7:4: g: 70000 is out of range (1..100)");
	sk_cfg_free(r);
}

static void test_as_str(void **state)
{
	struct sk_cfg_node *r = parse("a: hello\nb: ''\nc:\nd: [x]\n");
	const char *s = NULL;
	assert_int_equal(sk_cfg_as_str(sk_cfg_get(r, "a"), "a", &s, err, sizeof(err)), 0);
	assert_string_equal(s, "hello");
	assert_int_equal(sk_cfg_as_str(sk_cfg_get(r, "b"), "b", &s, err, sizeof(err)), 0);
	assert_string_equal(s, "");
	assert_int_equal(sk_cfg_as_str(sk_cfg_get(r, "c"), "c", &s, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "t.yaml:3:3: c: expected a string, got an empty value");
	assert_int_equal(sk_cfg_as_str(sk_cfg_get(r, "d"), "d", &s, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "t.yaml:4:4: d: expected a string, got a list");
	sk_cfg_free(r);
}

static void test_as_duration(void **state)
{
	static const struct {
		const char *text;
		uint64_t ms;
	} ok[] = {
	    {"250", 250},    {"250ms", 250},   {"5s", 5000}, {"2m", 120000},
	    {"1h", 3600000}, {"1d", 86400000}, {"0", 0},
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		char text[64];
		snprintf(text, sizeof(text), "v: %s\n", ok[i].text);
		struct sk_cfg_node *r = parse(text);
		uint64_t ms = 1;
		assert_int_equal(
		    sk_cfg_as_duration_ms(sk_cfg_get(r, "v"), "v", &ms, err, sizeof(err)), 0);
		assert_true(ms == ok[i].ms);
		sk_cfg_free(r);
	}
	const char *bad[] = {"5 s", "5sec", "-1s", "1.5s", "s", "5S"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[64], want[256];
		snprintf(text, sizeof(text), "v: %s\n", bad[i]);
		struct sk_cfg_node *r = parse(text);
		uint64_t ms = 0;
		assert_int_equal(sk_cfg_as_duration_ms(sk_cfg_get(r, "v"), "metrics.interval", &ms,
						       err, sizeof(err)),
				 -EINVAL);
		snprintf(want, sizeof(want),
			 "t.yaml:1:4: metrics.interval: expected a duration (e.g. 250ms, 5s, 2m, "
			 "1h), got '%s'",
			 bad[i]);
		assert_string_equal(err, want);
		sk_cfg_free(r);
	}
	struct sk_cfg_node *r = parse("v: 99999999999999999h\n");
	uint64_t ms = 0;
	assert_int_equal(sk_cfg_as_duration_ms(sk_cfg_get(r, "v"), "v", &ms, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "t.yaml:1:4: v: '99999999999999999h' is too long a duration");
	sk_cfg_free(r);
}

static void test_as_size(void **state)
{
	static const struct {
		const char *text;
		uint64_t bytes;
	} ok[] = {
	    {"4096", 4096},	{"64k", 65536},	  {"64K", 65536},     {"64KiB", 65536},
	    {"64kb", 65536},	{"8M", 8u << 20}, {"8MiB", 8u << 20}, {"1G", 1ull << 30},
	    {"2T", 2ull << 40}, {"10b", 10},
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		char text[64];
		snprintf(text, sizeof(text), "v: %s\n", ok[i].text);
		struct sk_cfg_node *r = parse(text);
		uint64_t b = 1;
		assert_int_equal(sk_cfg_as_size(sk_cfg_get(r, "v"), "v", &b, err, sizeof(err)), 0);
		assert_true(b == ok[i].bytes);
		sk_cfg_free(r);
	}
	struct sk_cfg_node *r = parse("v: 12 parsecs\n");
	uint64_t b = 0;
	assert_int_equal(sk_cfg_as_size(sk_cfg_get(r, "v"), "buf", &b, err, sizeof(err)), -EINVAL);
	assert_string_equal(
	    err, "t.yaml:1:4: buf: expected a size (e.g. 4096, 64k, 8M, 1G), got '12 parsecs'");
	sk_cfg_free(r);
	r = parse("v: 99999999999T\n");
	assert_int_equal(sk_cfg_as_size(sk_cfg_get(r, "v"), "buf", &b, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "t.yaml:1:4: buf: '99999999999T' is too large a size");
	sk_cfg_free(r);
}

static void test_long_value_quoted_short(void **state)
{
	char text[512];
	snprintf(text, sizeof(text), "v: %0100d\n", 7);
	text[3] = 'x'; /* not a number any more */
	struct sk_cfg_node *r = parse(text);
	bool b = false;
	assert_int_equal(sk_cfg_as_bool(sk_cfg_get(r, "v"), "v", &b, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "got 'x00000000000000000000000000000000000000000000000000000000"
				    "000...'"));
	sk_cfg_free(r);
}

/* ---- JSON, messages ------------------------------------------------------- */

static void test_to_json(void **state)
{
	struct sk_cfg_node *r = parse("s: text\n"
				      "q: \"42\"\n"
				      "i: 42\n"
				      "neg: -3\n"
				      "hex: 0x10\n"
				      "big: 18446744073709551615\n"
				      "f: 1.25\n"
				      "e: 1e3\n"
				      "dot: .5\n"
				      "b: [true, false, yes]\n"
				      "n: ~\n"
				      "path: /a/b\n"
				      "esc: \"quote \\\" and \\\\ \\n\"\n"
				      "nested: {l: [{}, []]}\n");
	assert_json(r, "{\"s\":\"text\",\"q\":\"42\",\"i\":42,\"neg\":-3,\"hex\":16,"
		       "\"big\":18446744073709551615,\"f\":1.25,\"e\":1e3,\"dot\":0.5,"
		       "\"b\":[true,false,\"yes\"],\"n\":null,\"path\":\"/a/b\","
		       "\"esc\":\"quote \\\" and \\\\ \\n\",\"nested\":{\"l\":[{},[]]}}");
	assert_json(sk_cfg_get(r, "s"), "\"text\"");
	assert_json(NULL, "null");
	sk_cfg_free(r);
}

static void test_errpos_and_kind_name(void **state)
{
	struct sk_cfg_node *r = parse("a:\n  - x\n");
	sk_cfg_errpos(err, sizeof(err), sk_cfg_get_path(r, "a[0]"), "unknown field '%s'", "x");
	assert_string_equal(err, "t.yaml:2:5: unknown field 'x'");
	sk_cfg_errpos(err, sizeof(err), NULL, "no position %d", 1);
	assert_string_equal(err, "no position 1");
	/* a small buffer truncates, never overflows */
	char small[8];
	sk_cfg_errpos(small, sizeof(small), sk_cfg_get(r, "a"), "long message");
	assert_string_equal(small, "t.yaml:");
	assert_string_equal(sk_cfg_kind_name(r), "a map");
	assert_string_equal(sk_cfg_kind_name(sk_cfg_get(r, "a")), "a list");
	assert_string_equal(sk_cfg_kind_name(sk_cfg_get_path(r, "a[0]")), "a scalar");
	assert_string_equal(sk_cfg_kind_name(NULL), "nothing");
	sk_cfg_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_scalars_maps_seqs),
	    cmocka_unit_test(test_many_children),
	    cmocka_unit_test(test_positions),
	    cmocka_unit_test(test_quoted_vs_plain),
	    cmocka_unit_test(test_nulls),
	    cmocka_unit_test(test_empty_inputs),
	    cmocka_unit_test(test_multi_document),
	    cmocka_unit_test(test_syntax_errors),
	    cmocka_unit_test(test_missing_file),
	    cmocka_unit_test(test_duplicate_key),
	    cmocka_unit_test(test_anchors_refused),
	    cmocka_unit_test(test_deep_nesting_refused),
	    cmocka_unit_test(test_override_scalar),
	    cmocka_unit_test(test_override_nested_creation),
	    cmocka_unit_test(test_override_list_and_map_values),
	    cmocka_unit_test(test_override_sequence_index),
	    cmocka_unit_test(test_override_invalid),
	    cmocka_unit_test(test_merge),
	    cmocka_unit_test(test_include),
	    cmocka_unit_test(test_as_bool),
	    cmocka_unit_test(test_as_int_uint),
	    cmocka_unit_test(test_as_str),
	    cmocka_unit_test(test_as_duration),
	    cmocka_unit_test(test_as_size),
	    cmocka_unit_test(test_long_value_quoted_short),
	    cmocka_unit_test(test_to_json),
	    cmocka_unit_test(test_errpos_and_kind_name),
	};
	return cmocka_run_group_tests_name("cfg", tests, NULL, NULL);
}
