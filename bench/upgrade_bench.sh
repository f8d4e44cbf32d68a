#!/usr/bin/env bash
# Issue #7 benchmark, measured against the local lab (never asserted): a rolling Talos upgrade of
# the lab's 5 nodes (3 control planes, 2 workers) from v1.11.6 to v1.12.11.
#   * ratio: wall time of `talforge apply` ÷ the emulator's critical path, i.e. the sum over the
#     nodes (they go one at a time) of the time from the node's Upgrade request until it runs and
#     is ready again, as the Talos emulator measured it (GET /v1/upgrade-times);
#   * gate latency per node: from the node being ready on its new version until talforge moves
#     on — the next node's Upgrade request (uncordon, health gate, drain of the next node), or for
#     the last node the end of apply (uncordon, health gate, the final health check).
# Usage: bench/upgrade_bench.sh BUILD_DIR [TIME_SCALE=0.2]   (the gate target is for scale 1)
set -euo pipefail
build=$(cd "${1:?build directory}" && pwd)
scale=${2:-0.2}
talforge="$build/talforge"
dir=$(mktemp -d /tmp/talforge-bench-XXXXXX)
trap '"$talforge" lab --dir "$dir" down >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT

"$talforge" lab --dir "$dir" up --subnet 162 --time-scale "$scale" >/dev/null
cd "$dir"
# shellcheck disable=SC1091
. ./proxmox.env
"$talforge" gen secrets >/dev/null 2>&1
"$talforge" apply --yes >/dev/null 2>&1 || { echo "bring-up failed"; exit 1; }
sed -i 's/talosVersion: v[0-9.]*/talosVersion: v1.12.11/' cluster.yaml

talos=$(python3 -c "import json;print([p['url'] for p in json.load(open('lab.json'))['processes'] if p['name']=='talos'][0])")
start=$(python3 -c "import time;print(time.monotonic()*1000)")
"$talforge" apply --yes >/dev/null 2>&1 || { echo "upgrade failed"; exit 1; }
end=$(python3 -c "import time;print(time.monotonic()*1000)")
curl -s "$talos/v1/upgrade-times" | python3 -c "
import json, sys
start, end, scale = $start, $end, $scale
runs = sorted((t['requested_ms'], t['ready_ms'], a) for a, ts in json.load(sys.stdin).items() for t in ts)
if any(r is None for _, r, _ in runs):
    sys.exit('a node never became ready after its upgrade')
critical = sum(r - q for q, r, _ in runs)
wall = end - start
gates = [(runs[i + 1][0] if i + 1 < len(runs) else end) - runs[i][1] for i in range(len(runs))]
print(f'upgrade nodes={len(runs)} time_scale={scale} wall_s={wall / 1000:.3f} '
      f'critical_path_s={critical / 1000:.3f} ratio={wall / critical:.3f}')
for (q, r, a), g in zip(runs, gates):
    print(f'  {a}: upgrade {(r - q) / 1000:.3f} s, gate latency {g / 1000:.3f} s')
print(f'gate_latency_s max={max(gates) / 1000:.3f} mean={sum(gates) / len(gates) / 1000:.3f}')
"
