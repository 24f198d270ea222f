dnl m4/sk_plugin.m4 - per-plugin configure switches, after collectd's AC_PLUGIN.
dnl
dnl SK_PLUGIN(NAME, DEPS-FOUND, DEBIAN-PACKAGES, DESCRIPTION)
dnl   --enable-NAME (default) builds the plugin and stops configure with the
dnl   Debian packages to install when a dependency is missing;
dnl   --disable-NAME skips it. Defines AM_CONDITIONAL BUILD_PLUGIN_NAME and
dnl   records a line for SK_PLUGIN_SUMMARY.
AC_DEFUN([SK_PLUGIN], [
  m4_pushdef([sk_up], m4_translit([$1], [a-z], [A-Z]))
  AC_ARG_ENABLE([$1],
    [AS_HELP_STRING([--disable-$1], [do not build the $4 plugin])],
    [enable_$1=$enableval], [enable_$1=yes])
  AS_IF([test "x$enable_$1" != xno && test "x$2" != xyes],
    [AC_MSG_ERROR([the $4 plugin ($1) needs: $3 -- install with: apt-get install $3 (or configure with --disable-$1)])])
  AM_CONDITIONAL([BUILD_PLUGIN_]sk_up, [test "x$enable_$1" != xno])
  AS_IF([test "x$enable_$1" != xno],
    [sk_plugin_summary="$sk_plugin_summary
    m4_format([%-18s], [$1]) yes ($4)"],
    [sk_plugin_summary="$sk_plugin_summary
    m4_format([%-18s], [$1]) no (--disable-$1)"])
  m4_popdef([sk_up])
])

AC_DEFUN([SK_PLUGIN_SUMMARY], [AS_ECHO(["$sk_plugin_summary" | sed '/^$/d'])])

dnl AX_PTHREAD_SK - link with POSIX threads (glibc: -pthread).
AC_DEFUN([AX_PTHREAD_SK], [
  PTHREAD_CFLAGS="-pthread"
  PTHREAD_LIBS="-pthread"
  AC_SUBST([PTHREAD_CFLAGS])
  AC_SUBST([PTHREAD_LIBS])
])
