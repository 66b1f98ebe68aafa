#!/usr/bin/env bash
# Runs the real-GPU check on a machine with an NVIDIA GPU and PyTorch: once idle, once while a
# PyTorch process holds about 20 GiB of VRAM and runs bf16 matrix products. Needs a Deno binary
# (DENO, default: deno on PATH). Output goes to stdout.
set -uo pipefail
cd "$(dirname "$0")/../.."
deno=${DENO:-deno}
nvidia-smi -L
echo "=== idle"
"$deno" run --allow-all --no-config --no-lock tests/gpu/real_gpu_check.ts
idle=$?
python3 - <<'PY' &
import time, torch
hold = torch.empty(20 * 1024**3, dtype=torch.uint8, device="cuda")
a = torch.randn(8192, 8192, device="cuda", dtype=torch.bfloat16)
end = time.time() + 40
while time.time() < end:
    a @ a
    torch.cuda.synchronize()
PY
load_pid=$!
sleep 12
echo "=== under load (PyTorch pid $load_pid)"
"$deno" run --allow-all --no-config --no-lock tests/gpu/real_gpu_check.ts
load=$?
kill $load_pid 2>/dev/null
wait $load_pid 2>/dev/null
echo "idle check exit $idle, load check exit $load"
exit $(( idle > load ? idle : load ))
