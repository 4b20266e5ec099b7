#!/usr/bin/env bash
# The static checks `make test` runs before the test suite, in this order: lint (ruff check), formatting
# (ruff format --check; `ruff format` fixes it), types (mypy) and the import contracts that state the
# layers (lint-imports). All are configured in pyproject.toml. Run them alone with `bash scripts/check.sh`
# (the .venv's Python, or the one given as the first argument); it stops at the first failing check,
# with that check's exit code.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${1:-.venv/bin/python}
# Check this tree's source, whichever checkout the environment has installed.
export PYTHONPATH="$PWD/src${PYTHONPATH:+:$PYTHONPATH}"

step() {
  local name=$1 rc=0
  shift
  echo "== $name" >&2
  "$@" || rc=$?
  if [ "$rc" -ne 0 ]; then
    echo "check failed: $name (exit $rc)" >&2
    exit "$rc"
  fi
}

step "ruff check" "$PY" -m ruff check
step "ruff format --check" "$PY" -m ruff format --check --output-format concise
step "mypy" "$PY" -m mypy
step "lint-imports" "$PY" -c 'from importlinter.cli import lint_imports_command; lint_imports_command()'
