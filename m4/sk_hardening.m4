dnl m4/sk_hardening.m4 - compiler and linker hardening for the daemon and
dnl every plugin (issue 17, part 5; checked by tests/integration/hardening.sh).
dnl
dnl SK_HARDENING
dnl   --enable-hardening (default) / --disable-hardening. Each flag is probed
dnl   with the compiler (and -Werror, so a flag the compiler only warns about
dnl   is left out) and substituted as:
dnl     SK_HARDEN_CFLAGS   every C object (Makefile.am's AM_CFLAGS):
dnl                        -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=3 (or 2),
dnl                        -fstack-protector-strong, -fstack-clash-protection,
dnl                        -fcf-protection, -Wformat -Wformat-security,
dnl                        -grecord-gcc-switches
dnl     SK_HARDEN_LDFLAGS  every link, programs and modules: -Wl,-z,relro
dnl                        -Wl,-z,now (full RELRO)
dnl     SK_PIE_CFLAGS      the daemon's own objects: -fPIE
dnl     SK_PIE_LDFLAGS     the daemon's link: -pie (never a module's: -shared)
dnl   and SK_HARDENING (yes/no) and SK_FORTIFY (3, 2, or why none) for the
dnl   tests. The eBPF probe is compiled by its own rule ($(CLANG)
dnl   $(BPF_CFLAGS), sources/ebpf/local.mk) and the kernel module by kbuild,
dnl   so none of these flags reach them.
dnl
dnl   _FORTIFY_SOURCE: the flags go in CFLAGS, after the user's CPPFLAGS on
dnl   automake's command line, and undefine any earlier value first, so
dnl   dpkg-buildflags' -D_FORTIFY_SOURCE=2 becomes 3 without a redefinition
dnl   warning. It is left out when the user's CFLAGS do not optimize (glibc
dnl   warns "_FORTIFY_SOURCE requires compiling with optimization"), when
dnl   the user's CFLAGS themselves define it (they come after ours: theirs
dnl   win, and a second -D would warn of a redefinition), and with --enable-sanitizers: ASan does not support it (the
dnl   __*_chk functions bypass its interceptors: missed errors, false
dnl   reports; AddressSanitizer's FAQ). Level 2 is used where glibc would
dnl   treat 3 as 2 with a warning (an older compiler).

dnl SK_HARDEN_TRY(VAR, FLAGS, [LINK-FLAGS]) - append FLAGS to VAR when a
dnl program compiles (and links with LINK-FLAGS) with them and -Werror.
AC_DEFUN([SK_HARDEN_TRY], [
  AC_MSG_CHECKING([whether $CC accepts m4_ifval([$3], [$3], [$2])])
  sk_save_CFLAGS=$CFLAGS
  sk_save_LDFLAGS=$LDFLAGS
  CFLAGS="$CFLAGS $SK_HARDEN_CFLAGS m4_ifval([$3], [], [$2]) -Werror"
  LDFLAGS="$LDFLAGS $3"
  AC_LINK_IFELSE([AC_LANG_PROGRAM([[#include <stdio.h>]],
      [[char b[8]; snprintf(b, sizeof(b), "%d", 1); puts(b);]])],
    [AC_MSG_RESULT([yes]); $1="${$1:+$$1 }$2"],
    [AC_MSG_RESULT([no])])
  CFLAGS=$sk_save_CFLAGS
  LDFLAGS=$sk_save_LDFLAGS
])

AC_DEFUN([SK_HARDENING], [
  AC_REQUIRE([AC_PROG_CC])
  AC_ARG_ENABLE([hardening],
    [AS_HELP_STRING([--disable-hardening],
      [build without _FORTIFY_SOURCE, stack protector, full RELRO and PIE @<:@default: enabled@:>@])],
    [], [enable_hardening=yes])
  SK_HARDEN_CFLAGS=
  SK_HARDEN_LDFLAGS=
  SK_PIE_CFLAGS=
  SK_PIE_LDFLAGS=
  SK_FORTIFY="none (--disable-hardening)"
  AS_IF([test "x$enable_hardening" != xno], [
    AC_LANG_PUSH([C])
    SK_FORTIFY=
    AS_IF([test "x$enable_sanitizers" = xyes],
      [SK_FORTIFY="none (--enable-sanitizers: ASan does not support it)"])
    AS_IF([test "x$SK_FORTIFY" = x], [
      AC_MSG_CHECKING([whether CFLAGS optimize (_FORTIFY_SOURCE needs it)])
      AC_COMPILE_IFELSE([AC_LANG_PROGRAM([[
#ifndef __OPTIMIZE__
#error not optimizing
#endif]], [])], [AC_MSG_RESULT([yes])],
        [AC_MSG_RESULT([no]); SK_FORTIFY="none (CFLAGS do not optimize)"])])
    AS_IF([test "x$SK_FORTIFY" = x], [
      AC_MSG_CHECKING([whether CFLAGS themselves set _FORTIFY_SOURCE])
      sk_save_CPPFLAGS=$CPPFLAGS
      CPPFLAGS=
      AC_COMPILE_IFELSE([AC_LANG_PROGRAM([[
#ifndef _FORTIFY_SOURCE
#error no
#endif]], [])],
        [AC_MSG_RESULT([yes, theirs kept]); SK_FORTIFY="set by CFLAGS"],
        [AC_MSG_RESULT([no])])
      CPPFLAGS=$sk_save_CPPFLAGS])
    AS_IF([test "x$SK_FORTIFY" = x], [
      SK_HARDEN_TRY([SK_HARDEN_CFLAGS], [-U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=3])
      AS_IF([test "x$SK_HARDEN_CFLAGS" != x], [SK_FORTIFY=3], [
        SK_HARDEN_TRY([SK_HARDEN_CFLAGS], [-U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2])
        AS_IF([test "x$SK_HARDEN_CFLAGS" != x], [SK_FORTIFY=2],
          [SK_FORTIFY="none (the compiler refuses it)"])])])
    dnl -grecord-gcc-switches: the flags in the debug information's
    dnl producer string (gcc's default; clang's only with it), so that
    dnl hardening.sh can show a module with nothing to protect was built
    dnl with the stack protector all the same
    for sk_flag in -fstack-protector-strong -fstack-clash-protection -fcf-protection \
        "-Wformat -Wformat-security" -grecord-gcc-switches; do
      SK_HARDEN_TRY([SK_HARDEN_CFLAGS], [$sk_flag])
    done
    SK_HARDEN_TRY([SK_HARDEN_LDFLAGS], [-Wl,-z,relro -Wl,-z,now], [-Wl,-z,relro -Wl,-z,now])
    SK_HARDEN_TRY([SK_PIE_CFLAGS], [-fPIE])
    AS_IF([test "x$SK_PIE_CFLAGS" != x],
      [SK_HARDEN_TRY([SK_PIE_LDFLAGS], [-pie], [-fPIE -pie])])
    AC_LANG_POP([C])
  ])
  AC_SUBST([SK_HARDEN_CFLAGS])
  AC_SUBST([SK_HARDEN_LDFLAGS])
  AC_SUBST([SK_PIE_CFLAGS])
  AC_SUBST([SK_PIE_LDFLAGS])
  AC_SUBST([SK_FORTIFY])
  AC_SUBST([SK_HARDENING], [$enable_hardening])
])
