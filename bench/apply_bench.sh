#!/usr/bin/env bash
# Issue #6 benchmarks, measured against the local lab (never asserted):
#   * bring-up overhead: wall time of `talforge apply` from empty ÷ the critical path of the
#     outside systems: the Proxmox tasks every node waits for before it powers on (boot image
#     download → VM create → VM start, their emulated durations as the Proxmox emulator reports
#     them) plus the Talos emulator's critical path from power-on to the last node ready, both
#     scaled by the lab's time scale. The ratio over the Talos part alone is printed as well;
#   * peak RSS of talforge during that apply;
#   * a no-op `plan` on the converged cluster: wall time and the Proxmox and Talos requests it made.
# Usage: bench/apply_bench.sh BUILD_DIR [NODES=5] [PVE_NODES=2] [TIME_SCALE=0.05]
# NODES beyond the lab's 5 are extra workers (127.10.160.31…).
set -euo pipefail
build=$(cd "${1:?build directory}" && pwd)
nodes=${2:-5}
pve_nodes=${3:-2}
scale=${4:-0.05}
talforge="$build/talforge"
dir=$(mktemp -d /tmp/talforge-bench-XXXXXX)
trap '"$talforge" lab --dir "$dir" down >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT

"$talforge" lab --dir "$dir" up --subnet 160 --pve-nodes "$pve_nodes" --time-scale "$scale" >/dev/null
cd "$dir"
# shellcheck disable=SC1091
. ./proxmox.env
extra=$((nodes - 5))
for i in $(seq 1 "$extra"); do
  printf '  - {name: bench-%d, role: worker, address: 127.10.160.%d, pveNode: pve%d, vmid: %d}\n' \
    "$i" $((30 + i)) $(((i % pve_nodes) + 1)) $((2000 + i)) >>cluster.yaml
done
"$talforge" gen secrets >/dev/null 2>&1

url() { python3 -c "import json,sys;print([p['url'] for p in json.load(open('lab.json'))['processes'] if p['name']==sys.argv[1]][0])" "$1"; }
talos=$(url talos)
pve=$(url proxmox)
pve_requests() {
  curl -sk "$pve/_emulator/counters" | python3 -c "import json,sys;print(sum(json.load(sys.stdin)['requests'].values()))"
}
talos_requests() {
  curl -s "$talos/v1/counters" | python3 -c "import json,sys;print(sum(json.load(sys.stdin)['rpc_calls'].values()))"
}

# Peak RSS of the child (talforge) from getrusage, and its wall time.
measure() {
  python3 - "$@" <<'PY'
import resource, subprocess, sys, time
start = time.monotonic()
rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
wall = time.monotonic() - start
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
print(f"{wall:.3f} {rss} {rc}")
PY
}

read -r wall rss rc < <(measure "$talforge" apply --yes)
[ "$rc" = 0 ] || { echo "apply failed (exit $rc)"; exit 1; }
talos_path=$(curl -s "$talos/v1/critical-path" | python3 -c "import json,sys;print(json.load(sys.stdin)['seconds'])")
pve_path=$(curl -sk "$pve/_emulator/counters" | python3 -c "
import json,sys
longest = json.load(sys.stdin)['longest_task_seconds']
print(sum(longest.get(t, 0) for t in ('download', 'qmcreate', 'qmstart')))")
read -r critical ratio talos_ratio < <(python3 -c "
c = ($pve_path + $talos_path) * $scale
print(f'{c:.3f} {$wall / c:.3f} {$wall / ($talos_path * $scale):.3f}')")
echo "apply nodes=$nodes pve_nodes=$pve_nodes time_scale=$scale wall_s=$wall" \
  "critical_path_s=$critical (proxmox $(python3 -c "print($pve_path * $scale)") + talos $(python3 -c "print($talos_path * $scale)"))" \
  "ratio=$ratio talos_only_ratio=$talos_ratio peak_rss_mib=$rss"

pve_before=$(pve_requests)
talos_before=$(talos_requests)
read -r wall rss rc < <(measure "$talforge" plan)
pve_after=$(pve_requests)
talos_after=$(talos_requests)
echo "noop-plan nodes=$nodes wall_s=$wall exit=$rc proxmox_requests=$((pve_after - pve_before))" \
  "talos_requests=$((talos_after - talos_before)) peak_rss_mib=$rss"
