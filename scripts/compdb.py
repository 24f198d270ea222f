#!/usr/bin/env python3
"""scripts/compdb.py - compile_commands.json from the flags automake knows.

Usage: compdb.py BUILDDIR OUT.json FILE.c...

Asks make in BUILDDIR what it would run to rebuild `all` if the given C
files changed (make -n V=1 -W FILE ...: nothing is compiled, the tree's
objects stay as they are) and writes each C compile command it prints as a
compilation database entry for cppcheck and clang-tidy
(scripts/static-check.sh). libtool's wrapper and automake's dependency
flags (-MT/-MF/-MD/-MP) are dropped; a file compiled for two targets keeps
its first command. This takes seconds where a rebuild under bear takes
minutes.
"""
import json
import os
import re
import shlex
import subprocess
import sys

DEP_ARGS = {"-MT": 1, "-MF": 1, "-MQ": 1, "-MD": 0, "-MP": 0}
VPATH_TEST = re.compile(r"`test -f '([^']+)' \|\| echo '[^']*'`")


def compile_args(line):
    """The compiler's argument list if LINE compiles one C file, else None."""
    line = line.strip().rstrip("\\").strip()
    if line.endswith("&&"):
        line = line[:-2]
    if " -c " not in line or not line.endswith(".c"):
        return None
    line = VPATH_TEST.sub("", line)
    args = shlex.split(line)
    if "--mode=compile" in args:
        args = args[args.index("--mode=compile") + 1:]
    out, skip = [], 0
    for a in args:
        if skip:
            skip -= 1
        elif a in DEP_ARGS:
            skip = DEP_ARGS[a]
        else:
            out.append(a)
    return out


def main():
    if len(sys.argv) < 4:
        sys.stderr.write("usage: compdb.py BUILDDIR OUT.json FILE.c...\n")
        return 2
    builddir = os.path.abspath(sys.argv[1])
    cmd = ["make", "-n", "V=1"]
    for f in sys.argv[3:]:
        cmd += ["-W", f]
    res = subprocess.run(cmd + ["all-am"], cwd=builddir, capture_output=True, text=True)
    if res.returncode != 0:
        sys.stderr.write(res.stderr)
        sys.stderr.write("compdb.py: make -n failed in %s\n" % builddir)
        return 1
    entries, seen = [], set()
    for line in res.stdout.splitlines():
        args = compile_args(line)
        if not args:
            continue
        path = os.path.normpath(os.path.join(builddir, args[-1]))
        if path in seen:
            continue
        seen.add(path)
        entries.append({"directory": builddir, "file": path, "arguments": args})
    with open(sys.argv[2], "w") as out:
        json.dump(entries, out, indent=1)
    print("compdb.py: %d files in %s" % (len(entries), sys.argv[2]))
    return 0 if entries else 1


if __name__ == "__main__":
    sys.exit(main())
