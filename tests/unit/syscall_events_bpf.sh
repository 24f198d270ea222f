#!/bin/sh
# tests/unit/syscall_events_bpf.sh - <shrike/syscall_events.h> compiles as
# BPF C (clang -target bpf, the types from a vmlinux.h-like prelude, no libc)
# and as kernel-style C (__KERNEL__, no libc), and its derived constants are
# the same there as in userspace.
. "$top_srcdir/tests/lib.sh"

inc="$top_srcdir/include"
CLANG=${CLANG:-clang}
command -v "$CLANG" >/dev/null 2>&1 || tap_skip_all "clang not installed (scripts/install-deps.sh)"

cat >"$T/prelude.h" <<'EOF'
typedef unsigned char __u8;
typedef unsigned short __u16;
typedef unsigned int __u32;
typedef unsigned long long __u64;
EOF
cat >"$T/use.c" <<'EOF'
#include "prelude.h"
#include <shrike/syscall_events.h>
/* something the probe needs at compile time */
unsigned int evt_openat = SK_SC_OPENAT;
unsigned int np_execveat = SK_SC_EXECVEAT_NPARAMS;
unsigned int size_fd(void) { return sk_sc_pt_size(SK_PT_FD); }
EOF

if "$CLANG" -target bpf -O2 -Wall -Wextra -Werror -nostdinc -I"$T" -I"$inc" \
	-c "$T/use.c" -o "$T/use.bpf.o" >"$T/cc.out" 2>&1; then
	pass "syscall_events.h compiles with clang -target bpf -nostdinc"
else
	fail "syscall_events.h compiles with clang -target bpf -nostdinc" "$(head -n 20 "$T/cc.out")"
fi
if "$CLANG" -D__KERNEL__ -O2 -Wall -Wextra -Werror -nostdinc -I"$T" -I"$inc" \
	-c "$T/use.c" -o "$T/use.k.o" >"$T/cc.out" 2>&1; then
	pass "syscall_events.h compiles as kernel C (-D__KERNEL__ -nostdinc)"
else
	fail "syscall_events.h compiles as kernel C (-D__KERNEL__ -nostdinc)" "$(head -n 20 "$T/cc.out")"
fi

# The constants the BPF object carries equal the userspace ones.
cat >"$T/user.c" <<'EOF'
#include <stdio.h>
#include <shrike/syscall_events.h>
int main(void)
{
	printf("%u %u\n", (unsigned)SK_SC_OPENAT, (unsigned)SK_SC_EXECVEAT_NPARAMS);
	return 0;
}
EOF
if "$CLANG" -std=c11 -Wall -Werror -I"$inc" "$T/user.c" -o "$T/user" >"$T/cc.out" 2>&1 &&
	"$CLANG" -target bpf -O2 -nostdinc -I"$T" -I"$inc" -S "$T/use.c" -o "$T/use.s" 2>>"$T/cc.out"; then
	want=$("$T/user")
	got=$(awk '$1 == ".long" { printf "%s%s", sep, $2; sep = " " }' "$T/use.s")
	is "$got" "$want" "BPF and userspace agree on SK_SC_OPENAT and SK_SC_EXECVEAT_NPARAMS"
else
	fail "check programs build" "$(head -n 20 "$T/cc.out")"
fi

tap_plan "$_tap_n"
tap_done
