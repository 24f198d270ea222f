set terminal pngcairo size 1600,1500 font "DejaVu Sans,10"
set output "/work/main/docs/metrics-dashboard.png"
set multiplot layout 4,2 title "Shrike, from 59 scrapes of /metrics (120 s)" font ",14"
set key top left font ",8" noopaque
set grid
set xlabel "seconds"
set style data lines
set yrange [0:*]
set xrange [0:120]
set title "Events per second, by source"
set ylabel "events/s"
plot "/work/main/docs/metrics-dashboard.png.d/p0_0.dat" using 1:2 title "taken syscall" lw 2, "/work/main/docs/metrics-dashboard.png.d/p0_1.dat" using 1:2 title "written by the kernel syscall" lw 2
set title "Events lost per second, by reason"
set ylabel "events/s"
plot "/work/main/docs/metrics-dashboard.png.d/p1_0.dat" using 1:2 title "buffer" lw 2, "/work/main/docs/metrics-dashboard.png.d/p1_1.dat" using 1:2 title "max\\_event\\_size" lw 2, "/work/main/docs/metrics-dashboard.png.d/p1_2.dat" using 1:2 title "prog\\_misses" lw 2
set title "Rule matches per second (top 5 rules)"
set ylabel "matches/s"
plot "/work/main/docs/metrics-dashboard.png.d/p2_0.dat" using 1:2 title "Directory traversal monitored file read" lw 2, "/work/main/docs/metrics-dashboard.png.d/p2_1.dat" using 1:2 title "Find AWS Credentials" lw 2, "/work/main/docs/metrics-dashboard.png.d/p2_2.dat" using 1:2 title "Read sensitive file trusted after startup" lw 2, "/work/main/docs/metrics-dashboard.png.d/p2_3.dat" using 1:2 title "Read sensitive file untrusted" lw 2, "/work/main/docs/metrics-dashboard.png.d/p2_4.dat" using 1:2 title "Search Private Keys or Passwords" lw 2
set title "Rule evaluation cost (top 5 rules)"
set ylabel "ms of CPU per s"
plot "/work/main/docs/metrics-dashboard.png.d/p3_0.dat" using 1:2 title "Directory traversal monitored file read" lw 2, "/work/main/docs/metrics-dashboard.png.d/p3_1.dat" using 1:2 title "Read environment variable from /proc files" lw 2, "/work/main/docs/metrics-dashboard.png.d/p3_2.dat" using 1:2 title "Read sensitive file trusted after startup" lw 2, "/work/main/docs/metrics-dashboard.png.d/p3_3.dat" using 1:2 title "Read sensitive file untrusted" lw 2, "/work/main/docs/metrics-dashboard.png.d/p3_4.dat" using 1:2 title "System user interactive" lw 2
set title "Alerts per second, by output"
set ylabel "alerts/s"
plot "/work/main/docs/metrics-dashboard.png.d/p4_0.dat" using 1:2 title "dropped file\\_output" lw 2, "/work/main/docs/metrics-dashboard.png.d/p4_1.dat" using 1:2 title "failed file\\_output" lw 2, "/work/main/docs/metrics-dashboard.png.d/p4_2.dat" using 1:2 title "sent file\\_output" lw 2
set title "CPU and memory of Shrike"
set ylabel ""
plot "/work/main/docs/metrics-dashboard.png.d/p5_0.dat" using 1:2 title "CPU (% of a core)" lw 2, "/work/main/docs/metrics-dashboard.png.d/p5_1.dat" using 1:2 title "RSS (MiB)" lw 2
set title "State tables"
set ylabel "entries"
plot "/work/main/docs/metrics-dashboard.png.d/p6_0.dat" using 1:2 title "containers" lw 2, "/work/main/docs/metrics-dashboard.png.d/p6_1.dat" using 1:2 title "fds" lw 2, "/work/main/docs/metrics-dashboard.png.d/p6_2.dat" using 1:2 title "threads" lw 2
set title "BPF program run time"
set ylabel "ms of CPU per s"
plot "/work/main/docs/metrics-dashboard.png.d/p7_0.dat" using 1:2 title "sk\\_sched\\_exec" lw 2, "/work/main/docs/metrics-dashboard.png.d/p7_1.dat" using 1:2 title "sk\\_sched\\_exit" lw 2, "/work/main/docs/metrics-dashboard.png.d/p7_2.dat" using 1:2 title "sk\\_sched\\_fork" lw 2, "/work/main/docs/metrics-dashboard.png.d/p7_3.dat" using 1:2 title "sk\\_sys\\_enter" lw 2, "/work/main/docs/metrics-dashboard.png.d/p7_4.dat" using 1:2 title "sk\\_sys\\_exit" lw 2
unset multiplot
