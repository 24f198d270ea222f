#!/bin/sh
# tests/unit/headers_test.sh - the public headers stand on their own: each one
# compiles alone (and twice, for its include guard) as strict C11 and as
# C++17 with every warning an error; a C plugin builds with -pedantic; a C++20
# plugin written with SK_PLUGIN_DEFINE and a C++17 plugin written without it
# (the way docs/plugin-authoring.md shows) build, export exactly
# shrike_plugin_entry and load through the real loader (tests/tools/plugcheck).
. "$top_srcdir/tests/lib.sh"

CC=${CC:-cc}
CXX=${CXX:-c++}
inc="$top_srcdir/include"
plugcheck="$top_builddir/tests/tools/plugcheck"
CFLAGS_STRICT="-std=c11 -Wall -Wextra -Werror -pedantic"
CXXFLAGS_STRICT="-Wall -Wextra -Werror -pedantic"

# compiles DESC CMD... - pass when the compiler accepts; show its errors if not.
compiles() {
	d=$1; shift
	if "$@" >"$T/cc.out" 2>&1; then pass "$d"; else fail "$d" "$*" "$(head -n 20 "$T/cc.out")"; fi
}

# exports_only_entry DESC SO - the object's only defined dynamic symbol is ours.
exports_only_entry() {
	got=$(nm -D --defined-only "$2" 2>&1 | awk 'NF == 3 { print $3 }' | tr '\n' ' ')
	is "$got" "shrike_plugin_entry " "$1"
}

# loads DESC SO NAME - plugcheck loads and inits it and reports NAME.
loads() {
	if "$plugcheck" "$2" >"$T/pc.out" 2>&1 && grep -qx "name: $3" "$T/pc.out"; then
		pass "$1"
	else
		fail "$1" "$(cat "$T/pc.out")"
	fi
}

for h in "$inc"/shrike/*.h; do
	b=shrike/$(basename "$h")
	printf '#include <%s>\n#include <%s>\ntypedef int sk_header_test_t;\n' "$b" "$b" >"$T/alone.c"
	compiles "$b compiles alone as C11 ($CC $CFLAGS_STRICT)" \
		$CC $CFLAGS_STRICT -I"$inc" -c "$T/alone.c" -o "$T/alone.o"
	cp "$T/alone.c" "$T/alone.cpp"
	compiles "$b compiles alone as C++17 ($CXX -std=c++17)" \
		$CXX -std=c++17 $CXXFLAGS_STRICT -I"$inc" -c "$T/alone.cpp" -o "$T/alone.o"
done

# A C plugin with SK_PLUGIN_DEFINE under -pedantic.
cat >"$T/cplug.c" <<'C'
#include <stdlib.h>
#include <shrike/plugin.h>
static int c_init(const struct sk_init_input *in, void **ret_inst, char *err, size_t errlen)
{
	(void)in; (void)err; (void)errlen;
	*ret_inst = NULL;
	return SK_OK;
}
static void c_destroy(void *inst) { (void)inst; }
static int c_write(void *inst, const struct sk_alert *alert) { (void)inst; (void)alert; return SK_OK; }
SK_PLUGIN_OPS(sk_output_ops, c_output, .write = c_write);
SK_PLUGIN_DEFINE(.name = "c_out", .version = "1.0.0",
		 .init = c_init, .destroy = c_destroy, .output = &c_output);
C
compiles "a C11 plugin with SK_PLUGIN_DEFINE builds under -pedantic" \
	$CC $CFLAGS_STRICT -I"$inc" -shared -fPIC -o "$T/cplug.so" "$T/cplug.c"
exports_only_entry "the C plugin exports only shrike_plugin_entry" "$T/cplug.so"
loads "the C plugin loads" "$T/cplug.so" c_out

# C++20: SK_PLUGIN_DEFINE, members in declaration order.
cat >"$T/cpp20.cpp" <<'CPP'
#include <new>
#include <shrike/plugin.h>
namespace {
struct inst { unsigned long written = 0; };
int cpp_init(const sk_init_input *in, void **ret_inst, char *err, size_t errlen)
{
	*ret_inst = new (std::nothrow) inst();
	if (*ret_inst == nullptr) {
		snprintf(err, errlen, "out of memory");
		return SK_ERR;
	}
	in->api->log(in->host, SK_LOG_INFO, "hello from C++");
	return SK_OK;
}
void cpp_destroy(void *p) { delete static_cast<inst *>(p); }
int cpp_write(void *p, const sk_alert *) { static_cast<inst *>(p)->written++; return SK_OK; }
}
SK_PLUGIN_OPS(sk_output_ops, cpp_output, .write = cpp_write);
SK_PLUGIN_DEFINE(.name = "cpp20_out", .version = "1.0.0",
		 .init = cpp_init, .destroy = cpp_destroy, .output = &cpp_output);
CPP
sed -i '1i #include <cstdio>' "$T/cpp20.cpp"
compiles "a C++20 plugin with SK_PLUGIN_DEFINE builds ($CXX -std=c++20 $CXXFLAGS_STRICT)" \
	$CXX -std=c++20 $CXXFLAGS_STRICT -I"$inc" -shared -fPIC -o "$T/cpp20.so" "$T/cpp20.cpp"
exports_only_entry "the C++20 plugin exports only shrike_plugin_entry" "$T/cpp20.so"
loads "the C++20 plugin loads" "$T/cpp20.so" cpp20_out

# C++17 has no designated initializers: build the table in a constexpr
# function (still constant-initialised, no constructor at load time).
cat >"$T/cpp17.cpp" <<'CPP'
#include <shrike/plugin.h>
namespace {
int cpp_init(const sk_init_input *, void **ret_inst, char *, size_t)
{
	*ret_inst = nullptr;
	return SK_OK;
}
void cpp_destroy(void *) {}
int cpp_write(void *, const sk_alert *) { return SK_OK; }
constexpr sk_output_ops make_output()
{
	sk_output_ops o{};
	o.struct_size = sizeof(sk_output_ops);
	o.write = cpp_write;
	return o;
}
constexpr sk_output_ops output = make_output();
constexpr sk_plugin make_table()
{
	sk_plugin p{};
	p.abi_major = SK_PLUGIN_ABI_MAJOR;
	p.abi_minor = SK_PLUGIN_ABI_MINOR;
	p.struct_size = sizeof(sk_plugin);
	p.name = "cpp17_out";
	p.version = "1.0.0";
	p.init = cpp_init;
	p.destroy = cpp_destroy;
	p.output = &output;
	return p;
}
}
extern "C" SK_PLUGIN_EXPORT const sk_plugin shrike_plugin_entry = make_table();
CPP
compiles "a C++17 plugin with a constexpr table builds ($CXX -std=c++17 $CXXFLAGS_STRICT)" \
	$CXX -std=c++17 $CXXFLAGS_STRICT -I"$inc" -shared -fPIC -o "$T/cpp17.so" "$T/cpp17.cpp"
exports_only_entry "the C++17 plugin exports only shrike_plugin_entry" "$T/cpp17.so"
loads "the C++17 plugin loads" "$T/cpp17.so" cpp17_out

# The shipped example is strict C11 too.
compiles "examples/sample/sample.c builds with $CFLAGS_STRICT" \
	$CC $CFLAGS_STRICT -I"$inc" -shared -fPIC -o "$T/sample.so" "$top_srcdir/examples/sample/sample.c"

tap_plan "$_tap_n"
tap_done
