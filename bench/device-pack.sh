#!/usr/bin/env bash
# Packs .device/ for a lent Linux x64 GPU machine: ../shared/device/pack.sh after dropping the optional `webgpu`
# package's other-platform binaries (darwin, win32, linux-arm64: 112 of its 132 MB), which that script keeps.
#   bash bench/device-pack.sh [path/to/pack.sh]     (default ../shared/device/pack.sh; run after npm run build)
set -euo pipefail
cd "$(dirname "$0")/.."
pack=${1:-../shared/device/pack.sh}
[[ -f $pack ]] || {
  echo "device-pack.sh: $pack not found; give the path to the shared device/pack.sh" >&2
  exit 2
}
[[ $(uname -sm) == "Linux x86_64" ]] || {
  echo "device-pack.sh: this host is $(uname -sm); pack on Linux x86_64, the GPU machine's platform" >&2
  exit 2
}
[[ -d .git ]] || {
  echo "device-pack.sh: run it in the main checkout (pack.sh writes .git/info/exclude, which a git worktree lacks)" >&2
  exit 2
}
[[ -d dist/cli ]] || {
  echo "device-pack.sh: dist/ is missing; run npm run build first" >&2
  exit 2
}
# only this host's binaries are used here, and npm ci restores the rest
if [[ -d node_modules/webgpu/dist ]]; then
  find node_modules/webgpu/dist -mindepth 1 -maxdepth 1 -type d ! -name linux-x64 -exec rm -rf {} +
fi
bash "$pack"
