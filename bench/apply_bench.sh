#!/usr/bin/env bash
# Issue #6 benchmarks, measured against the local lab (never asserted):
#   * bring-up overhead: wall time of `talforge apply` from empty ÷ the Talos emulator's critical
#     path (scaled by the lab's time scale);
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
critical=$(curl -s "$talos/v1/critical-path" | python3 -c "import json,sys;print(json.load(sys.stdin)['seconds'])")
ratio=$(python3 -c "print(f'{$wall / ($critical * $scale):.3f}')")
echo "apply nodes=$nodes pve_nodes=$pve_nodes time_scale=$scale wall_s=$wall critical_path_s=$(python3 -c "print($critical * $scale)") ratio=$ratio peak_rss_mib=$rss"

pve_before=$(pve_requests)
talos_before=$(talos_requests)
read -r wall rss rc < <(measure "$talforge" plan)
pve_after=$(pve_requests)
talos_after=$(talos_requests)
echo "noop-plan nodes=$nodes wall_s=$wall exit=$rc proxmox_requests=$((pve_after - pve_before))" \
  "talos_requests=$((talos_after - talos_before)) peak_rss_mib=$rss"
