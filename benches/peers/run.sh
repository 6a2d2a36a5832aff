#!/usr/bin/env bash
# Erlang A in staffsim, SimPy and Ciw: accuracy against the exact values and
# contacts per second, in one run. See benches/peers/README.md.
#
#   benches/peers/run.sh                      # full run: every tool 10 x 30 days (about 1 minute)
#   benches/peers/run.sh --ciw-reps 3         # extra options go to compare.py (--help)
set -euo pipefail

cd "$(dirname "$0")/../.."
VENV=${PEERS_VENV:-target/peers-venv}
PYTHON=${PYTHON:-python3}

# pinned versions (Ciw's own dependencies too, so reruns measure the same code)
PINS=(simpy==4.1.2 ciw==3.2.7 networkx==3.6.1 numpy==2.4.6 tqdm==4.70.1)

if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${PINS[@]}"

cargo build --release --quiet --bin staffsim

# one thread everywhere: staffsim gets --threads 1; numpy must not spawn helpers
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONHASHSEED=0

mkdir -p target/peers
OUT="target/peers/report-$(date -u +%Y%m%dT%H%M%SZ).md"
"$VENV/bin/python" benches/peers/compare.py --out "$OUT" "$@"
echo
echo "report written to $OUT"
