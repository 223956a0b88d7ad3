#!/usr/bin/env bash
# Issue 21's direction-learnability matrix (train/README.md, "Next") in one call on a lent GPU: the four data designs
# of learn.py side by side on one device, each stopped after T2V_LEARN_SECONDS (default 500) with its log in OUT_DIR.
#   bash train/device-learn.sh [OUT_DIR] [extra learn.py flags]   OUT_DIR: default $OUT, else ./learn-results
# Without --fixed in the extra flags every design runs with --fixed circle,white,black (only the direction varies).
set -uo pipefail
cd "$(dirname "$0")/.."
out=${1:-${OUT:-learn-results}}
shift || true
mkdir -p "$out"
extra=("$@")
[[ " ${extra[*]} " == *" --fixed "* ]] || extra+=(--fixed circle,white,black)
py=${PYTHON:-python3}
"$py" -c 'import torch; assert torch.cuda.is_available(), "no CUDA device"; print(torch.__version__, torch.cuda.get_device_name(0))' \
  >"$out/00-torch.log" 2>&1 || {
  echo "device-learn.sh: no CUDA PyTorch here (see $out/00-torch.log)" >&2
  exit 2
}
declare -A designs=(
  [d8-tied-f8]="--down 8 --paths tied --frames 8"
  [d4-tied-f8]="--down 4 --paths tied --frames 8"
  [d4-short-f4]="--down 4 --paths short --frames 4"
  [d4-short-f8]="--down 4 --paths short --frames 8"
)
for tag in "${!designs[@]}"; do
  # shellcheck disable=SC2086
  timeout -k 10 -s TERM "${T2V_LEARN_SECONDS:-500}" "$py" train/learn.py --device cuda --batch 128 --steps 1000000 --every 500 \
    --tag "gpu-$tag" ${designs[$tag]} "${extra[@]}" >"$out/$tag.log" 2>&1 &
done
wait
grep -H "^step" "$out"/d*.log | tee "$out/summary.txt"
