#!/usr/bin/env python3
"""tests/metrics/dashboard.py - the panels of examples/grafana's dashboard,
computed from a series of /metrics scrapes and drawn with gnuplot.

  dashboard.py SERIES_DIR OUT.png

SERIES_DIR holds one scrape per file, named by its Unix time in ms
(1733580000123.prom). Each panel is what the dashboard's query gives:
rates are per second between two scrapes, `topk` keeps the 5 series with
the largest mean. Writes the panels' data and a gnuplot script next to the
PNG (OUT.png.d/) and runs gnuplot; prints one line per panel with how many
series and points it drew.
"""
import os
import re
import subprocess
import sys

LINE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse(path):
    """{(name, frozenset(labels)): value} of one scrape."""
    out = {}
    for line in open(path):
        m = LINE.match(line.strip())
        if not m:
            continue
        labels = frozenset(LABEL.findall(m.group(3) or ""))
        out[(m.group(1), labels)] = float(m.group(4))
    return out


def series(scrapes, name, by):
    """{label value: [(t, value)]}: the metric summed by one label ("" for all)."""
    out = {}
    for t, s in scrapes:
        sums = {}
        for (n, labels), v in s.items():
            if n != name:
                continue
            key = dict(labels).get(by, "") if by else ""
            sums[key] = sums.get(key, 0.0) + v
        for k, v in sums.items():
            out.setdefault(k, []).append((t, v))
    return out


def rate(points):
    """per-second increase between consecutive scrapes (resets count from 0)."""
    r = []
    for (t0, v0), (t1, v1) in zip(points, points[1:]):
        if t1 > t0:
            r.append((t1, (v1 - v0 if v1 >= v0 else v1) / (t1 - t0)))
    return r


def topk(d, k=5):
    if len(d) <= k:
        return d
    mean = {key: sum(v for _, v in pts) / max(len(pts), 1) for key, pts in d.items()}
    keep = sorted(mean, key=lambda key: -mean[key])[:k]
    return {key: d[key] for key in keep}


def main():
    src, png = sys.argv[1], sys.argv[2]
    files = sorted(f for f in os.listdir(src) if f.endswith(".prom"))
    scrapes = [(int(f[:-5]) / 1000.0, parse(os.path.join(src, f))) for f in files]
    if len(scrapes) < 3:
        sys.exit("dashboard.py: fewer than 3 scrapes in %s" % src)
    t0 = scrapes[0][0]

    def rates(name, by, scale=1.0, prefix=""):
        return {prefix + k: [(t, v * scale) for t, v in rate(p)] for k, p in series(scrapes, name, by).items()}

    def gauge(name, by="", scale=1.0, label=None):
        return {(label or k or name): [(t, v * scale) for t, v in p] for k, p in series(scrapes, name, by).items()}

    events = rates("shrike_events_total", "source", prefix="taken ")
    events.update(rates("shrike_kernel_events_total", "source", prefix="written by the kernel "))
    out = rates("shrike_outputs_sent_total", "output", prefix="sent ")
    out.update(rates("shrike_outputs_failed_total", "output", prefix="failed "))
    out.update(rates("shrike_outputs_dropped_total", "output", prefix="dropped "))
    res = {"CPU (% of a core)": [(t, v * 100) for t, v in rate(series(scrapes, "shrike_cpu_seconds_total", "").get("", []))]}
    res.update(gauge("shrike_memory_rss_bytes", scale=1 / 2**20, label="RSS (MiB)"))
    state = gauge("shrike_state_threads", label="threads")
    state.update(gauge("shrike_state_fds", label="fds"))
    state.update(gauge("shrike_state_containers", label="containers"))
    panels = [
        ("Events per second, by source", "events/s", events),
        ("Events lost per second, by reason", "events/s", rates("shrike_drops_total", "reason")),
        ("Rule matches per second (top 5 rules)", "matches/s", topk(rates("shrike_rules_matches_total", "rule_name"))),
        ("Rule evaluation cost (top 5 rules)", "ms of CPU per s", topk(rates("shrike_rule_eval_seconds_total", "rule_name", 1000))),
        ("Alerts per second, by output", "alerts/s", out),
        ("CPU and memory of Shrike", "", res),
        ("State tables", "entries", state),
        ("BPF program run time", "ms of CPU per s", topk(rates("shrike_bpf_prog_run_seconds_total", "program", 1000))),
    ]
    wd = png + ".d"
    os.makedirs(wd, exist_ok=True)
    gp = ['set terminal pngcairo size 1600,1500 font "DejaVu Sans,10"',
          'set output "%s"' % png,
          'set multiplot layout 4,2 title "Shrike, from %d scrapes of /metrics (%.0f s)" font ",14"'
          % (len(scrapes), scrapes[-1][0] - t0),
          'set key top left font ",8" noopaque', 'set grid', 'set xlabel "seconds"',
          'set style data lines', 'set yrange [0:*]',
          'set xrange [0:%.0f]' % (scrapes[-1][0] - t0)]
    for i, (title, unit, data) in enumerate(panels):
        gp.append('set title "%s"' % title)
        gp.append('set ylabel "%s"' % unit)
        plots = []
        npts = 0
        for j, (key, pts) in enumerate(sorted(data.items())):
            f = os.path.join(wd, "p%d_%d.dat" % (i, j))
            with open(f, "w") as fh:
                for t, v in pts:
                    fh.write("%.3f %.6g\n" % (t - t0, v))
            npts += len(pts)
            name = key.replace('"', "'").replace("_", "\\\\_")[:60]
            plots.append('"%s" using 1:2 title "%s" lw 2' % (f, name))
        if not plots:
            gp.append('set label 1 "no data" at graph 0.5,0.5 center')
            gp.append('plot 0 notitle lc rgb "white"')
            gp.append('unset label 1')
        else:
            gp.append("plot " + ", ".join(plots))
        print("panel %d: %s: %d series, %d points" % (i + 1, title, len(plots), npts))
    gp.append("unset multiplot")
    script = os.path.join(wd, "dashboard.gp")
    with open(script, "w") as fh:
        fh.write("\n".join(gp) + "\n")
    subprocess.run(["gnuplot", script], check=True)


if __name__ == "__main__":
    main()
