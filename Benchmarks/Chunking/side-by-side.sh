#!/usr/bin/env bash
# Side by side on one warm file (default 1 GiB of random bytes): `mesh manifest` (chunk + hash, the
# whole process) against `casync make` into a store on tmpfs (the content-defined chunking
# reference) and the hash-only floors `b3sum --no-mmap` and `sha256sum`. Each tool runs RUNS times
# in turn; the script prints every time, the medians and the ratios. Needs: casync, b3sum (apt).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
runs=${RUNS:-5}
size_mib=${SIZE_MIB:-1024}
data_dir=${DATA_DIR:-/tmp/mesh-side-by-side}
store_dir=${STORE_DIR:-/dev/shm/mesh-casync-store}
artifacts=${ARTIFACTS:-/tmp/art-chunk-rel}

for tool in casync b3sum sha256sum; do
    command -v "$tool" > /dev/null || { echo "side-by-side: $tool not found (apt-get install casync b3sum)" >&2; exit 1; }
done

# By default mesh is measured as it ships: the Native AOT binary (no JIT at start-up or later; 0.42
# CPU-s for a 256 MiB manifest against 0.61-0.69 for the JIT build, docs/daemon.md), or the ReadyToRun
# publish if the AOT one cannot be built here (publish-mesh.sh says so). MESH_BUILD=r2r measures the
# ReadyToRun build; MESH=path measures a mesh built elsewhere instead.
mesh=${MESH:-}
if [[ -z $mesh ]]; then
    mesh=$("$root/Benchmarks/side-by-side/publish-mesh.sh" "$artifacts" "${MESH_BUILD:-aot}")
fi

mkdir -p "$data_dir"
file="$data_dir/data-${size_mib}M.bin"
if [[ ! -f $file || $(stat -c %s "$file") -ne $((size_mib * 1024 * 1024)) ]]; then
    head -c "$((size_mib * 1024 * 1024))" /dev/urandom > "$file"
fi
cat "$file" > /dev/null # warm the page cache

cleanup() { rm -rf "$store_dir" "$data_dir/index.caibx"; }
trap cleanup EXIT

# "wall cpu" seconds of one run of the command given (cpu = user + system of it and its children),
# output discarded. On a shared machine the CPU seconds are the figure to compare; wall time
# includes waiting for other people's processes.
seconds() {
    local TIMEFORMAT='%R %U %S'
    { time "$@" > /dev/null 2>&1; } 2>&1 | tail -n 1 | awk '{ printf "%.3f %.3f\n", $1, $2 + $3 }'
}

casync_make() {
    rm -rf "$store_dir" "$data_dir/index.caibx"
    casync make --store="$store_dir" "$data_dir/index.caibx" "$file"
}

declare -A wall cpu
tools=(mesh casync b3sum sha256sum)
record() {
    local tool=$1 w c
    shift
    read -r w c < <(seconds "$@")
    wall[$tool]+="$w "
    cpu[$tool]+="$c "
}
for ((run = 1; run <= runs; run++)); do
    record mesh "$mesh" manifest "$file"
    record casync casync_make
    record b3sum b3sum --no-mmap "$file"
    record sha256sum sha256sum "$file"
done

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
minimum() { tr ' ' '\n' | grep -v '^$' | sort -n | head -n 1; }

echo "file: $file ($size_mib MiB, warm), $runs runs each, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-10s %9s %9s %9s %9s   %s\n' tool wall-med wall-min cpu-med GB/cpu-s "wall runs | cpu runs"
declare -A mw mc nw
for tool in "${tools[@]}"; do
    mw[$tool]=$(echo "${wall[$tool]}" | median)
    nw[$tool]=$(echo "${wall[$tool]}" | minimum)
    mc[$tool]=$(echo "${cpu[$tool]}" | median)
    printf '%-10s %9s %9s %9s %9s   %s| %s\n' "$tool" "${mw[$tool]}" "${nw[$tool]}" "${mc[$tool]}" \
        "$(awk -v s="${mc[$tool]}" -v m="$size_mib" 'BEGIN { printf "%.2f", m * 1048576 / s / 1e9 }')" "${wall[$tool]}" "${cpu[$tool]}"
done
# Ratios of the wall medians, of the wall minima (the least-disturbed run of each tool: the closest a
# busy machine gets to a quiet one) and of the CPU medians.
for kind in wall wall-min cpu; do
    case $kind in
        wall) m=${mw[mesh]} c=${mw[casync]} b=${mw[b3sum]} s=${mw[sha256sum]} ;;
        wall-min) m=${nw[mesh]} c=${nw[casync]} b=${nw[b3sum]} s=${nw[sha256sum]} ;;
        cpu) m=${mc[mesh]} c=${mc[casync]} b=${mc[b3sum]} s=${mc[sha256sum]} ;;
    esac
    awk -v k="$kind" -v m="$m" -v c="$c" -v b="$b" -v s="$s" 'BEGIN {
        printf "%-8s mesh / b3sum --no-mmap = %.2f (target <= 1.5)   casync make / mesh = %.1f (target >= 10)   mesh / sha256sum = %.2f\n", k, m / b, c / m, m / s
    }'
done
