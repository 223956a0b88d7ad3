#!/usr/bin/env bash
# Issue 22's GPU figures in one run on a lent GPU machine (../shared/device/README.md): the full-size guidance step in
# fp32 and fp16 on webgpu (ms, TFLOP/s, the fp16 profile's top ops), `t2v verify` in fp16 on every golden case, the host
# round trip and VAE hand-off, DeepCache on the device, the fp32 profile, and `t2v verify` in fp32. Steps run in that
# order (the issue's figures first), each with its own time limit and log; a failing step does not stop the others, and
# the whole run stays inside T2V_DEVICE_RUN_SECONDS (default 500, under one device call's 600 s).
#   bash bench/device-run.sh [full|tiny] [OUT_DIR]     OUT_DIR: default $OUT (the device machine's), else ./device-results
# `tiny` runs the same steps on small U-Nets and the micro cases, for SwiftShader (no shader-f16 there: the fp16 steps
# must stop in one line, exit 1).
set -uo pipefail
size=${1:-full}
[[ $size == full || $size == tiny ]] || {
  echo "device-run.sh: size $size: expected full or tiny" >&2
  exit 2
}
cd "$(dirname "$0")/.."
out=$(mkdir -p "${2:-${OUT:-device-results}}" && cd "${2:-${OUT:-device-results}}" && pwd)
# on the GPU machine: node, the Vulkan loader and the build outputs that bench/device-pack.sh (../shared/device/pack.sh) put in .device/
if [[ -f .device/unpack.sh ]]; then
  # shellcheck disable=SC1091
  source .device/unpack.sh >"$out/00-unpack.log" 2>&1 || echo "device-run.sh: .device/unpack.sh failed (see 00-unpack.log)" >&2
fi
[[ -f dist/cli/index.js && -f dist/bench/unet.js ]] || {
  echo "device-run.sh: dist/ is missing; run npm run build (and bash bench/device-pack.sh for a GPU machine) first" >&2
  exit 2
}
export T2V_CACHE=${T2V_CACHE:-$(mktemp -d /tmp/t2v-device-cache-XXXXXX)}
export T2V_BENCH_TMP=${T2V_BENCH_TMP:-/tmp}
deadline=$((SECONDS + ${T2V_DEVICE_RUN_SECONDS:-500}))
marker=$(mktemp)
summary="$out/summary.txt"
: >"$summary"

# step NAME LIMIT_S CMD...: runs CMD under the smaller of LIMIT_S and the time left; its output in NAME.log
step() {
  local name=$1 limit=$2
  shift 2
  local left=$((deadline - SECONDS))
  ((left < limit)) && limit=$left
  if ((limit < 10)); then
    echo "$name: skipped (the run's time is spent)" | tee -a "$summary"
    return
  fi
  local t0=$SECONDS
  timeout -k 5 "$limit" "$@" >"$out/$name.log" 2>&1
  local rc=$?
  local note=''
  ((rc == 124 || rc == 137)) && note=" (stopped at its ${limit} s limit)"
  echo "$name: exit $rc in $((SECONDS - t0)) s$note: $*" | tee -a "$summary"
  # the lines that carry the figures, and the last line of a failure
  grep -E 'ms per guidance step|TFLOP|fp16 / fp32|top ops|^ +[0-9.]+ ms|ms +[A-Za-z]|PASS|FAIL|speedup|uncached|vaeHandOff|adapter|precision|error' "$out/$name.log" | grep -v XDG_RUNTIME_DIR | head -40 | sed 's/^/    /' >>"$summary"
  ((rc != 0)) && tail -n 1 "$out/$name.log" | sed 's/^/    last line: /' >>"$summary"
}

t2v=(node dist/cli/index.js)
bench=(node dist/bench/unet.js)
if [[ $size == full ]]; then
  config=full
  golden=test/fixtures/golden
  sampling=(--steps 9 --frames 16 --latent 32 --deep-cache 3)
  round_trip_s=90
  roofline=2048
else
  config=tiny
  golden=test/fixtures/golden/unet3d-micro
  sampling=(--steps 3 --frames 2 --latent 4 --deep-cache 2)
  # the bench also times the embedded model's U-Net step three times: ~47 s each on SwiftShader
  round_trip_s=240
  # SwiftShader's MatMul runs at ~0.2 GFLOP/s: the 2048^3 roofline alone takes minutes there
  roofline=256
fi
step 01-doctor 60 "${t2v[@]}" doctor
step 02-bench-fp16-fp32 240 "${bench[@]}" --precision fp16 --device webgpu --config "$config"
step 03-verify-fp16 150 "${t2v[@]}" verify --golden "$golden" --device webgpu --precision fp16
step 04-round-trip "$round_trip_s" "${bench[@]}" --round-trip --device webgpu
step 05-sampling-deepcache 150 "${bench[@]}" --sampling --device webgpu --config "$config" "${sampling[@]}"
step 06-bench-fp32-profile 150 "${bench[@]}" --device webgpu --config "$config" --freeu on --no-file-builds --matmul "$roofline"
step 07-verify-fp32 150 "${t2v[@]}" verify --golden "$golden" --device webgpu

# the benches' JSON results written during this run
mkdir -p "$out/results"
find bench/results -name '*.json' -newer "$marker" -exec cp {} "$out/results/" \;
rm -f "$marker"
echo "device-run.sh: logs, summary.txt and results/ in $out" | tee -a "$summary"
