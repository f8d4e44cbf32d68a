#!/bin/sh
# Criterion 5: one talos-emulator process serving N nodes (default 100) on N loopback addresses;
# prints the process's RSS once every node is up in maintenance mode. Measured, never asserted.
# Usage: bench/talos_emulator_rss.sh BUILD_DIR [N]
set -eu
build=${1:?build directory with talos-emulator}
count=${2:-100}
out=$(mktemp)
"$build/talos-emulator" --admin 127.0.0.1:0 --time-scale 0.001 >"$out" &
pid=$!
trap 'kill $pid 2>/dev/null; rm -f "$out"' EXIT
for _ in $(seq 50); do [ -s "$out" ] && break; sleep 0.1; done
url=$(head -1 "$out")
i=0
while [ $i -lt "$count" ]; do
  a=$((i / 200)); b=$((i % 200 + 11))
  curl -sf -X POST "$url/v1/nodes" -H 'Content-Type: application/json' \
    -d "{\"address\":\"127.20.$a.$b\",\"uuid\":\"00000000-0000-4000-8000-$(printf %012d $i)\"}" >/dev/null
  i=$((i + 1))
done
for _ in $(seq 100); do
  n=$(curl -sf "$url/v1/nodes" | grep -o '"stage":"maintenance"' | wc -l)
  [ "$n" -ge "$count" ] && break
  sleep 0.2
done
rss_kb=$(awk '/^VmRSS/ {print $2}' /proc/$pid/status)
threads=$(awk '/^Threads/ {print $2}' /proc/$pid/status)
echo "nodes=$count maintenance=$n rss_mib=$((rss_kb / 1024)) threads=$threads"
