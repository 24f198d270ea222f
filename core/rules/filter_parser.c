/* core/rules/filter_parser.c - lexer and recursive-descent parser of Falco
 * conditions into the syntax tree of filter.h (built with filter_tree.c's
 * nodes), and the words of the language (operators, transformers). The
 * lexer works on characters for the parser, not on a token stream, so the
 * two share one file.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/filter.h"

#define MAX_DEPTH 200

/* ---- names ------------------------------------------------------------- */

static const char *const op_names[SK_OP_COUNT_] = {
    [SK_OP_NONE] = "?",
    [SK_OP_EQ] = "=",
    [SK_OP_NE] = "!=",
    [SK_OP_LT] = "<",
    [SK_OP_LE] = "<=",
    [SK_OP_GT] = ">",
    [SK_OP_GE] = ">=",
    [SK_OP_CONTAINS] = "contains",
    [SK_OP_ICONTAINS] = "icontains",
    [SK_OP_BCONTAINS] = "bcontains",
    [SK_OP_STARTSWITH] = "startswith",
    [SK_OP_BSTARTSWITH] = "bstartswith",
    [SK_OP_ENDSWITH] = "endswith",
    [SK_OP_GLOB] = "glob",
    [SK_OP_IGLOB] = "iglob",
    [SK_OP_REGEX] = "regex",
    [SK_OP_IN] = "in",
    [SK_OP_INTERSECTS] = "intersects",
    [SK_OP_PMATCH] = "pmatch",
    [SK_OP_EXISTS] = "exists",
};

const char *sk_filter_op_name(enum sk_filter_op op)
{
	return (op > SK_OP_NONE && op < SK_OP_COUNT_) ? op_names[op] : "?";
}

static const char *const xform_names[] = {
    [SK_XF_TOLOWER] = "tolower",   [SK_XF_TOUPPER] = "toupper", [SK_XF_B64] = "b64",
    [SK_XF_BASENAME] = "basename", [SK_XF_LEN] = "len",
};

const char *sk_filter_xform_name(int xf)
{
	return (xf >= SK_XF_TOLOWER && xf <= SK_XF_LEN) ? xform_names[xf] : "?";
}

/* ---- lexer ------------------------------------------------------------- */

struct parser {
	const char *s;
	size_t len;
	size_t pos;
	struct sk_filter_src *src;
	char *err;
	size_t errlen;
	size_t erroff;
	int rc;
	unsigned depth;
};

static void perr(struct parser *p, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void perr(struct parser *p, size_t off, const char *fmt, ...)
{
	if (p->rc) {
		return;
	}
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->err, p->errlen, fmt, ap);
	va_end(ap);
	p->erroff = off;
	p->rc = -EINVAL;
}

static void nomem(struct parser *p)
{
	if (!p->rc) {
		snprintf(p->err, p->errlen, "out of memory");
		p->erroff = p->pos;
		p->rc = -ENOMEM;
	}
}

static char cur(const struct parser *p)
{
	return p->pos < p->len ? p->s[p->pos] : '\0';
}

static char at(const struct parser *p, size_t off)
{
	return p->pos + off < p->len ? p->s[p->pos + off] : '\0';
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\b' || c == '\r' || c == '\n' || c == '\f' ||
	       c == '\v';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_word(char c)
{
	return is_alpha(c) || is_digit(c) || c == '_';
}

static void skip_blank(struct parser *p)
{
	while (p->pos < p->len && is_blank(p->s[p->pos])) {
		p->pos++;
	}
}

/* the keyword `w` at the cursor, followed by a non-word character */
static bool peek_word(const struct parser *p, const char *w)
{
	size_t l = strlen(w);
	if (p->pos + l > p->len || strncmp(p->s + p->pos, w, l) != 0) {
		return false;
	}
	char next = at(p, l);
	return !is_word(next) && next != '.';
}

static bool accept_word(struct parser *p, const char *w)
{
	if (peek_word(p, w)) {
		p->pos += strlen(w);
		return true;
	}
	return false;
}

static bool accept_char(struct parser *p, char c)
{
	skip_blank(p);
	if (cur(p) == c) {
		p->pos++;
		return true;
	}
	return false;
}

/* length of an identifier at the cursor: [a-zA-Z][a-zA-Z0-9_]* */
static size_t ident_len(const struct parser *p)
{
	if (!is_alpha(cur(p))) {
		return 0;
	}
	size_t l = 1;
	while (is_word(at(p, l))) {
		l++;
	}
	return l;
}

/* length of a dotted name at the cursor (identifier ('.' [a-zA-Z0-9_]+)*),
 * *ndots set to the number of dots */
static size_t name_len(const struct parser *p, unsigned *ndots)
{
	size_t l = ident_len(p);
	*ndots = 0;
	if (!l) {
		return 0;
	}
	while (at(p, l) == '.' && is_word(at(p, l + 1))) {
		l++;
		while (is_word(at(p, l))) {
			l++;
		}
		(*ndots)++;
	}
	return l;
}

/* one escape sequence after a backslash; -1 when it is kept as written.
 * As libsinsp reads them: "\/" is a slash, and "\ " (backslash space)
 * stands for a lone backslash, a form Falco keeps for rules written before
 * escapes existed (Falco's sandbox rules use `contains "\ "`). `\xHH` is
 * the byte HH (hex_byte; Falco's engine 0.63), so that invalid UTF-8 can
 * be matched. Unknown escapes, which Falco refuses, are kept as written. */
static int unescape_char(char c)
{
	switch (c) {
	case ' ':
		return '\\';
	case '/':
		return '/';
	case 'b':
		return '\b';
	case 'f':
		return '\f';
	case 'n':
		return '\n';
	case 'r':
		return '\r';
	case 't':
		return '\t';
	case '"':
	case '\'':
	case '\\':
		return c;
	default:
		return -1;
	}
}

/* hex_byte - the byte `\xHH` at in[0..3] stands for (Falco's engine 0.63),
 * or -1 when in[0..3] is not that form. */
static int hex_byte(const char *in, size_t len)
{
	if (len < 4 || in[0] != '\\' || in[1] != 'x' || !isxdigit((unsigned char)in[2]) ||
	    !isxdigit((unsigned char)in[3])) {
		return -1;
	}
	char h[3] = {in[2], in[3], '\0'};
	return (int)strtol(h, NULL, 16);
}

size_t sk_filter_unescape(const char *in, size_t len, char *out)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		int x = hex_byte(in + i, len - i);
		if (x >= 0) {
			out[n++] = (char)x;
			i += 3;
			continue;
		}
		if (in[i] == '\\' && i + 1 < len) {
			int e = unescape_char(in[i + 1]);
			if (e >= 0) {
				out[n++] = (char)e;
				i++;
				continue;
			}
		}
		out[n++] = in[i];
	}
	out[n] = '\0';
	return n;
}

/* a quoted string at the cursor into a malloc'd unescaped copy */
static char *lex_quoted(struct parser *p, size_t *ret_len)
{
	char q = cur(p);
	size_t start = p->pos;
	size_t i = p->pos + 1;
	char *out = malloc(p->len - p->pos + 1);
	size_t n = 0;
	if (!out) {
		nomem(p);
		return NULL;
	}
	while (i < p->len && p->s[i] != q) {
		int x = hex_byte(p->s + i, p->len - i);
		if (x >= 0) {
			out[n++] = (char)x;
			i += 4;
			continue;
		}
		if (p->s[i] == '\\' && i + 1 < p->len) {
			int e = unescape_char(p->s[i + 1]);
			if (e >= 0) {
				out[n++] = (char)e;
			} else {
				out[n++] = '\\';
				out[n++] = p->s[i + 1];
			}
			i += 2;
			continue;
		}
		out[n++] = p->s[i++];
	}
	if (i >= p->len) {
		free(out);
		perr(p, start, "unterminated quoted string");
		return NULL;
	}
	out[n] = '\0';
	p->pos = i + 1;
	*ret_len = n;
	return out;
}

static bool is_bare(char c)
{
	return c && !is_blank(c) && c != '(' && c != ')' && c != ',' && c != '=' && c != '"' &&
	       c != '\'';
}

/* ---- parser ------------------------------------------------------------ */

static struct sk_filter_node *parse_or(struct parser *p);

static int xform_at(const struct parser *p, size_t *ret_len)
{
	for (int x = SK_XF_TOLOWER; x <= SK_XF_LEN; x++) {
		size_t l = strlen(xform_names[x]);
		if (p->pos + l < p->len && strncmp(p->s + p->pos, xform_names[x], l) == 0 &&
		    p->s[p->pos + l] == '(') {
			*ret_len = l + 1;
			return x;
		}
	}
	return 0;
}

static bool val_at(const struct parser *p)
{
	return p->pos + 4 <= p->len && strncmp(p->s + p->pos, "val(", 4) == 0;
}

/* field ('[' arg ']')? at the cursor, no transformers */
static int parse_field(struct parser *p, struct sk_filter_fexpr *f)
{
	unsigned ndots;
	size_t l = name_len(p, &ndots);
	if (!l || !ndots) {
		perr(p, p->pos, "expected a field name");
		return -1;
	}
	f->pos = (uint32_t)p->pos;
	f->name = strndup(p->s + p->pos, l);
	if (!f->name) {
		nomem(p);
		return -1;
	}
	p->pos += l;
	if (cur(p) != '[') {
		return 0;
	}
	size_t open = p->pos;
	p->pos++;
	if (cur(p) == '"' || cur(p) == '\'') {
		size_t alen;
		f->arg = lex_quoted(p, &alen);
		if (!f->arg) {
			return -1;
		}
	} else {
		size_t s = p->pos;
		while (p->pos < p->len) {
			char c = cur(p);
			if (is_blank(c) || c == '[' || c == ']' || c == '"' || c == '\'') {
				break;
			}
			p->pos++;
		}
		if (p->pos == s) {
			perr(p, p->pos, "expected an argument inside '[]' of field '%s'", f->name);
			return -1;
		}
		f->arg = strndup(p->s + s, p->pos - s);
		if (!f->arg) {
			nomem(p);
			return -1;
		}
	}
	if (cur(p) != ']') {
		perr(p, open, "expected ']' closing the argument of field '%s'", f->name);
		return -1;
	}
	p->pos++;
	return 0;
}

/* transformer chain or plain field at the cursor */
static int parse_fexpr(struct parser *p, struct sk_filter_fexpr *f)
{
	size_t xl;
	int x = xform_at(p, &xl);
	if (!x) {
		if (parse_field(p, f)) {
			return -1;
		}
		f->xpos = f->pos;
		return 0;
	}
	size_t xpos = p->pos;
	if (++p->depth > MAX_DEPTH) {
		perr(p, p->pos, "condition nested too deeply");
		return -1;
	}
	p->pos += xl;
	skip_blank(p);
	if (parse_fexpr(p, f)) {
		return -1;
	}
	p->depth--;
	skip_blank(p);
	if (cur(p) != ')') {
		perr(p, p->pos, "expected ')' closing transformer '%s'", xform_names[x]);
		return -1;
	}
	p->pos++;
	if (f->nxforms >= SK_FILTER_MAX_XFORM) {
		perr(p, xpos, "too many nested transformers (at most %d)", SK_FILTER_MAX_XFORM);
		return -1;
	}
	f->xforms[f->nxforms++] = (uint8_t)x;
	f->xpos = (uint32_t)xpos;
	return 0;
}

int sk_filter_parse_fexpr(const char *text, struct sk_filter_fexpr *ret, char *err, size_t errlen)
{
	struct parser p = {.s = text, .len = strlen(text), .err = err, .errlen = errlen};
	memset(ret, 0, sizeof(*ret));
	skip_blank(&p);
	if (parse_fexpr(&p, ret) == 0) {
		skip_blank(&p);
		if (p.pos != p.len) {
			perr(&p, p.pos, "unexpected '%s' after field '%s'", p.s + p.pos, ret->name);
		}
	}
	if (p.rc) {
		sk_filter_fexpr_fini(ret);
	}
	return p.rc;
}

struct opdef {
	const char *text;
	enum sk_filter_op op;
	bool word;
};

static const struct opdef ops[] = {
    {"==", SK_OP_EQ, false},
    {"=", SK_OP_EQ, false},
    {"!=", SK_OP_NE, false},
    {"<=", SK_OP_LE, false},
    {"<", SK_OP_LT, false},
    {">=", SK_OP_GE, false},
    {">", SK_OP_GT, false},
    {"exists", SK_OP_EXISTS, true},
    {"contains", SK_OP_CONTAINS, true},
    {"icontains", SK_OP_ICONTAINS, true},
    {"bcontains", SK_OP_BCONTAINS, true},
    {"startswith", SK_OP_STARTSWITH, true},
    {"bstartswith", SK_OP_BSTARTSWITH, true},
    {"endswith", SK_OP_ENDSWITH, true},
    {"glob", SK_OP_GLOB, true},
    {"iglob", SK_OP_IGLOB, true},
    {"regex", SK_OP_REGEX, true},
    {"intersects", SK_OP_INTERSECTS, true},
    {"in", SK_OP_IN, true},
    {"pmatch", SK_OP_PMATCH, true},
};

enum sk_filter_op sk_filter_parse_op(const char *text)
{
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (strcmp(ops[i].text, text) == 0) {
			return ops[i].op;
		}
	}
	return SK_OP_NONE;
}

static enum sk_filter_op lex_op(struct parser *p)
{
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		size_t l = strlen(ops[i].text);
		if (p->pos + l > p->len || strncmp(p->s + p->pos, ops[i].text, l) != 0) {
			continue;
		}
		if (ops[i].word && is_word(at(p, l))) {
			continue;
		}
		p->pos += l;
		return ops[i].op;
	}
	return SK_OP_NONE;
}

static bool is_list_op(enum sk_filter_op op)
{
	return op == SK_OP_IN || op == SK_OP_INTERSECTS || op == SK_OP_PMATCH;
}

static bool is_num_op(enum sk_filter_op op)
{
	return op == SK_OP_LT || op == SK_OP_LE || op == SK_OP_GT || op == SK_OP_GE;
}

/* Falco's number token: hex, or [+-]?[0-9]+.?[0-9]*([eE][+-][0-9]+)? */
static size_t number_len(const struct parser *p)
{
	size_t l = 0;
	if (cur(p) == '0' && (at(p, 1) == 'x' || at(p, 1) == 'X') && is_word(at(p, 2))) {
		l = 2;
		while (is_word(at(p, l))) {
			l++;
		}
		return l;
	}
	if (at(p, l) == '+' || at(p, l) == '-') {
		l++;
	}
	if (!is_digit(at(p, l))) {
		return 0;
	}
	while (is_digit(at(p, l))) {
		l++;
	}
	if (at(p, l) == '.') {
		l++;
		while (is_digit(at(p, l))) {
			l++;
		}
	}
	if ((at(p, l) == 'e' || at(p, l) == 'E') && (at(p, l + 1) == '+' || at(p, l + 1) == '-') &&
	    is_digit(at(p, l + 2))) {
		l += 2;
		while (is_digit(at(p, l))) {
			l++;
		}
	}
	return l;
}

/* one string value (quoted or bare) appended to n */
static int parse_value(struct parser *p, struct sk_filter_node *n, const char *after)
{
	skip_blank(p);
	size_t start = p->pos;
	char c = cur(p);
	if (c == '"' || c == '\'') {
		size_t l;
		char *s = lex_quoted(p, &l);
		if (!s) {
			return -1;
		}
		int rc = sk_filter_node_add_val(n, s, l, (uint32_t)start, true);
		free(s);
		if (rc) {
			nomem(p);
			return -1;
		}
		return 0;
	}
	while (is_bare(cur(p))) {
		p->pos++;
	}
	if (p->pos == start) {
		if (c) {
			perr(p, start, "expected a value after '%s', found '%c'", after, c);
		} else {
			perr(p, start,
			     "expected a value after '%s', found the end of the condition", after);
		}
		return -1;
	}
	if (sk_filter_node_add_val(n, p->s + start, p->pos - start, (uint32_t)start, false)) {
		nomem(p);
		return -1;
	}
	return 0;
}

/* val(field) or xform(field) on the right-hand side, if present */
static int try_rhs_field(struct parser *p, struct sk_filter_node *n)
{
	size_t xl;
	if (val_at(p)) {
		size_t vpos = p->pos;
		p->pos += 4;
		skip_blank(p);
		if (parse_fexpr(p, &n->rhs_field)) {
			return -1;
		}
		skip_blank(p);
		if (cur(p) != ')') {
			perr(p, vpos, "expected ')' closing 'val('");
			return -1;
		}
		p->pos++;
		n->rhs = SK_RHS_FIELD;
		return 1;
	}
	if (xform_at(p, &xl)) {
		if (parse_fexpr(p, &n->rhs_field)) {
			return -1;
		}
		n->rhs = SK_RHS_FIELD;
		return 1;
	}
	return 0;
}

static int parse_condition(struct parser *p, struct sk_filter_node *n)
{
	skip_blank(p);
	n->oppos = (uint32_t)p->pos;
	n->op = lex_op(p);
	if (n->op == SK_OP_NONE) {
		if (p->pos >= p->len) {
			perr(p, p->pos,
			     "expected an operator after '%s', found the end of the "
			     "condition",
			     n->lhs.name);
		} else {
			size_t l = 1;
			while (p->pos + l < p->len && !is_blank(p->s[p->pos + l]) && l < 20) {
				l++;
			}
			perr(p, p->pos, "expected an operator after '%s', found '%.*s'",
			     n->lhs.name, (int)l, p->s + p->pos);
		}
		return -1;
	}
	const char *opname = op_names[n->op];
	if (n->op == SK_OP_EXISTS) {
		n->rhs = SK_RHS_NONE;
		return 0;
	}
	skip_blank(p);
	int r = try_rhs_field(p, n);
	if (r) {
		return r < 0 ? -1 : 0;
	}
	if (is_list_op(n->op)) {
		size_t lpos = p->pos;
		if (cur(p) == '(') {
			p->pos++;
			n->rhs = SK_RHS_LIST;
			skip_blank(p);
			if (cur(p) == ')') {
				p->pos++;
				return 0;
			}
			for (;;) {
				if (parse_value(p, n, n->nvals ? "," : "(")) {
					return -1;
				}
				skip_blank(p);
				if (cur(p) == ',') {
					p->pos++;
					continue;
				}
				if (cur(p) == ')') {
					p->pos++;
					return 0;
				}
				perr(p, lpos, "expected ',' or ')' in the list after '%s'", opname);
				return -1;
			}
		}
		size_t l = ident_len(p);
		if (l && !is_bare(at(p, l))) {
			n->rhs = SK_RHS_LISTREF;
			if (sk_filter_node_add_val(n, p->s + p->pos, l, (uint32_t)p->pos, false)) {
				nomem(p);
				return -1;
			}
			p->pos += l;
			return 0;
		}
		perr(p, p->pos, "expected a list '(...)' or a list name after '%s'", opname);
		return -1;
	}
	if (is_num_op(n->op)) {
		size_t l = number_len(p);
		if (!l || is_bare(at(p, l))) {
			perr(p, p->pos, "expected a number after '%s'", opname);
			return -1;
		}
	}
	n->rhs = SK_RHS_VALUE;
	return parse_value(p, n, opname);
}

static struct sk_filter_node *parse_check(struct parser *p)
{
	skip_blank(p);
	size_t start = p->pos;
	if (cur(p) == '(') {
		p->pos++;
		struct sk_filter_node *n = parse_or(p);
		if (!n) {
			return NULL;
		}
		if (!accept_char(p, ')')) {
			perr(p, start, "missing ')' for the '(' here");
			sk_filter_free(n);
			return NULL;
		}
		return n;
	}
	size_t xl;
	unsigned ndots = 0;
	size_t l = name_len(p, &ndots);
	if (!xform_at(p, &xl) && l && !ndots) {
		/* an identifier: a macro reference */
		if (cur(p) && (peek_word(p, "and") || peek_word(p, "or") || peek_word(p, "not"))) {
			perr(p, start, "expected a field or macro name, found the keyword '%.*s'",
			     (int)l, p->s + start);
			return NULL;
		}
		struct sk_filter_node *n = sk_filter_node_new(SK_FN_MACRO, p->src, (uint32_t)start);
		if (!n || !(n->name = strndup(p->s + start, l))) {
			sk_filter_free(n);
			nomem(p);
			return NULL;
		}
		p->pos += l;
		return n;
	}
	if (!l && !xform_at(p, &xl)) {
		if (p->pos >= p->len) {
			perr(p, start, "expected a condition, found the end of the condition");
		} else {
			perr(p, start, "expected a field, a macro or '(', found '%c'", cur(p));
		}
		return NULL;
	}
	struct sk_filter_node *n = sk_filter_node_new(SK_FN_CHECK, p->src, (uint32_t)start);
	if (!n) {
		nomem(p);
		return NULL;
	}
	if (parse_fexpr(p, &n->lhs) || parse_condition(p, n)) {
		sk_filter_free(n);
		return NULL;
	}
	return n;
}

static struct sk_filter_node *parse_not(struct parser *p)
{
	skip_blank(p);
	size_t start = p->pos;
	if (accept_word(p, "not")) {
		if (++p->depth > MAX_DEPTH) {
			perr(p, start, "condition nested too deeply");
			return NULL;
		}
		struct sk_filter_node *kid = parse_not(p);
		p->depth--;
		if (!kid) {
			return NULL;
		}
		struct sk_filter_node *n = sk_filter_node_new(SK_FN_NOT, p->src, (uint32_t)start);
		if (!n || sk_filter_node_add(n, kid)) {
			if (n) {
				sk_filter_free(n);
			} else {
				sk_filter_free(kid);
			}
			nomem(p);
			return NULL;
		}
		return n;
	}
	if (++p->depth > MAX_DEPTH) {
		perr(p, start, "condition nested too deeply");
		return NULL;
	}
	struct sk_filter_node *n = parse_check(p);
	p->depth--;
	return n;
}

typedef struct sk_filter_node *(*parse_fn)(struct parser *p);

static struct sk_filter_node *parse_binary(struct parser *p, const char *word,
					   enum sk_filter_kind kind, parse_fn sub)
{
	skip_blank(p);
	size_t start = p->pos;
	struct sk_filter_node *first = sub(p);
	if (!first) {
		return NULL;
	}
	struct sk_filter_node *n = NULL;
	for (;;) {
		skip_blank(p);
		if (!accept_word(p, word)) {
			break;
		}
		if (!n) {
			n = sk_filter_node_new(kind, p->src, (uint32_t)start);
			if (!n || sk_filter_node_add(n, first)) {
				if (!n) {
					sk_filter_free(first);
				}
				sk_filter_free(n);
				nomem(p);
				return NULL;
			}
		}
		struct sk_filter_node *k = sub(p);
		if (!k) {
			sk_filter_free(n);
			return NULL;
		}
		if (sk_filter_node_add(n, k)) {
			sk_filter_free(n);
			nomem(p);
			return NULL;
		}
	}
	return n ? n : first;
}

static struct sk_filter_node *parse_and(struct parser *p)
{
	return parse_binary(p, "and", SK_FN_AND, parse_not);
}

static struct sk_filter_node *parse_or(struct parser *p)
{
	if (++p->depth > MAX_DEPTH) {
		perr(p, p->pos, "condition nested too deeply");
		return NULL;
	}
	struct sk_filter_node *n = parse_binary(p, "or", SK_FN_OR, parse_and);
	p->depth--;
	return n;
}

int sk_filter_parse(struct sk_filter_src *src, struct sk_filter_node **ret, char *err,
		    size_t errlen, size_t *ret_off)
{
	struct parser p = {
	    .s = src->text, .len = src->len, .src = src, .err = err, .errlen = errlen};
	*ret = NULL;
	struct sk_filter_node *n = parse_or(&p);
	if (n) {
		skip_blank(&p);
		if (p.pos < p.len) {
			if (cur(&p) == ')') {
				perr(&p, p.pos, "unexpected ')' without a matching '('");
			} else {
				size_t l = 1;
				while (p.pos + l < p.len && !is_blank(p.s[p.pos + l]) && l < 20) {
					l++;
				}
				perr(&p, p.pos,
				     "expected 'and', 'or' or the end of the condition, "
				     "found '%.*s'",
				     (int)l, p.s + p.pos);
			}
		}
	}
	if (p.rc) {
		sk_filter_free(n);
		if (ret_off) {
			*ret_off = p.erroff;
		}
		return p.rc;
	}
	if (!n) {
		/* cannot happen: every NULL path sets rc */
		return -EINVAL;
	}
	*ret = n;
	return 0;
}
