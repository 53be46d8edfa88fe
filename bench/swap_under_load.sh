#!/usr/bin/env bash
# Sets up PyNaCl (for Ed25519 signatures) in target/bench-venv, then runs
# swap_under_load.py with the given arguments (COPIES CONCURRENCY). See BENCHMARKS.md.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/target/bench-venv"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet pynacl
fi
exec "$venv/bin/python" "$root/bench/swap_under_load.py" "$@"
