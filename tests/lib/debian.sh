# tests/lib/debian.sh - where this machine gets Debian's packages from, for
# the tests that download them (sourced after tests/lib.sh, POSIX sh):
# tests/ebpf/vm_lib.sh (kernels, headers) and tests/deploy/packages.sh (a
# fresh root). SK_DEBIAN_MIRROR, where the callers read it, overrides it.

# debian_mirror - the first Debian archive (a URI ending in /debian) that
# this machine's apt sources name, one-line or deb822 format.
debian_mirror() {
	{
		for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
			[ -r "$f" ] || continue
			sed -n 's/^[[:space:]]*deb[[:space:]]\{1,\}\(\[[^]]*\][[:space:]]\{1,\}\)\{0,1\}\([^[:space:]]\{1,\}\).*/\2/p' "$f"
		done
		for f in /etc/apt/sources.list.d/*.sources; do
			[ -r "$f" ] || continue
			# stanzas are separated by blank lines; skip disabled ones
			awk 'BEGIN { RS = ""; FS = "\n" }
			{
				deb = 0; on = 1; uris = ""
				for (i = 1; i <= NF; i++) {
					if ($i ~ /^[ \t]*#/) continue
					if (tolower($i) ~ /^types:/ && $i ~ /[ \t]deb([ \t]|$)/) deb = 1
					if (tolower($i) ~ /^enabled:[ \t]*no/) on = 0
					if (tolower($i) ~ /^uris:/) uris = substr($i, 6)
				}
				if (deb && on) { n = split(uris, u, /[ \t]+/); for (j = 1; j <= n; j++) if (u[j] != "") print u[j] }
			}' "$f"
		done
	} | sed 's,/*$,,' | grep -E '^https?://[^[:space:]]+/debian$' | head -n1
}
