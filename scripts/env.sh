# Sourced by scripts/build and scripts/test: create (or reuse) the course's environment.
# .venv holds Python packages pinned in requirements*.txt; node_modules the browser-side packages.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "== creating .venv with $($PY --version)"
  "$PY" -m venv .venv
fi
stamp=.venv/.installed
want="$(cat requirements.txt requirements-test.txt constraints.txt pyproject.toml | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "== installing Python packages (requirements.txt, requirements-test.txt, pinned by constraints.txt)"
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -r requirements.txt -r requirements-test.txt -c constraints.txt
  echo "$want" > "$stamp"
fi
if [ ! -d node_modules/@jupyter-widgets/controls ] || [ ! -x node_modules/.bin/esbuild ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "== installing browser-side packages (package-lock.json)"
  npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
fi
export PATH="$ROOT/.venv/bin:$PATH"
export MPLBACKEND=Agg
# Two cores, and the tests run two workers: numpy's BLAS threads would only fight each other
# (a 1348x64 by 64x10 product: 0.1 ms on one thread, up to 5 ms on two under load).
export OPENBLAS_NUM_THREADS=1
