#!/usr/bin/env bash
# Runs the test suite with the given Python. Starts a user-mode PulseAudio with a null sink first when
# it can, so the audio end-to-end tests run against a real sound server. pytest's own exit code is
# passed through unchanged (5 = no test collected is a failure, not hidden).
set -u
PY=${1:-.venv/bin/python}
here=$(cd "$(dirname "$0")" && pwd)
if [ -x "$here/start-null-sink.sh" ]; then
  # shellcheck disable=SC1091
  source "$here/start-null-sink.sh" || true
fi
"$PY" -m pytest "${@:2}"
