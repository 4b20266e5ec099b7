# Sourced by scripts/run-tests.sh (bash): starts a private PulseAudio daemon with a null sink so the
# audio end-to-end tests play into a real sound server and record its monitor.
#
# - The daemon is private: its socket, runtime and state live in a temp dir, it loads only the modules
#   below, it uses no cookie file, and it never touches a desktop session's PulseAudio or $HOME.
#   Works as root (PulseAudio warns that user mode is not meant for root but runs).
# - PortAudio reaches it through ALSA's pulse plugin (libasound2-plugins): an ALSA config in the temp
#   dir (ALSA_CONFIG_PATH) routes the "default" device to PulseAudio.
# - Exports: PULSE_SERVER, PULSE_RUNTIME_PATH, PULSE_STATE_PATH, PULSE_COOKIE, ALSA_CONFIG_PATH and
#   CADENCE_NULL_SINK=cadence_null (the audio tests look for it).
# - Never fails the test run: if the daemon cannot start it says why and returns 0; the audio tests
#   then skip (outside CI) or fail (CI=true).
# - The daemon is killed (by its pid file) when the sourcing shell exits.

cadence_null_sink_start() {
  local missing=() cmd
  for cmd in pulseaudio pactl parec; do
    command -v "$cmd" >/dev/null 2>&1 || missing+=("$cmd")
  done
  if [ ${#missing[@]} -ne 0 ]; then
    echo "start-null-sink: ${missing[*]} not found (run scripts/install-system-deps.sh); audio tests will not run" >&2
    return 0
  fi
  local dir
  dir=$(mktemp -d "${TMPDIR:-/tmp}/cadence-pulse.XXXXXX") || return 0
  export PULSE_RUNTIME_PATH="$dir/pulse" PULSE_STATE_PATH="$dir/state" PULSE_COOKIE="$dir/cookie"
  export PULSE_SERVER="unix:$dir/pulse/native"
  [ -n "${XDG_RUNTIME_DIR:-}" ] && [ -w "${XDG_RUNTIME_DIR}" ] || export XDG_RUNTIME_DIR="$dir"
  HOME="$dir" pulseaudio --daemonize=yes --system=false --exit-idle-time=-1 -n --use-pid-file=yes \
    --log-target="file:$dir/pulseaudio.log" \
    --load="module-native-protocol-unix auth-anonymous=1 auth-cookie-enabled=0" \
    --load="module-null-sink sink_name=cadence_null rate=48000 sink_properties=device.description=cadence_null" \
    2>>"$dir/pulseaudio.log"
  local i
  for i in $(seq 50); do
    pactl info >/dev/null 2>&1 && break
    sleep 0.1
  done
  if ! pactl set-default-sink cadence_null >/dev/null 2>&1; then
    echo "start-null-sink: PulseAudio did not start (log: $dir/pulseaudio.log); audio tests will not run" >&2
    unset PULSE_SERVER PULSE_RUNTIME_PATH PULSE_STATE_PATH PULSE_COOKIE
    return 0
  fi
  local alsa_main=/usr/share/alsa/alsa.conf
  if [ -r "$alsa_main" ]; then
    printf '<%s>\npcm.!default { type pulse }\nctl.!default { type pulse }\n' "$alsa_main" >"$dir/asound.conf"
    export ALSA_CONFIG_PATH="$dir/asound.conf"
  fi
  export CADENCE_NULL_SINK=cadence_null CADENCE_PULSE_DIR="$dir"
  trap cadence_null_sink_stop EXIT
  echo "start-null-sink: PulseAudio null sink cadence_null at $PULSE_SERVER" >&2
}

cadence_null_sink_stop() {
  [ -n "${CADENCE_PULSE_DIR:-}" ] || return 0
  pulseaudio --kill >/dev/null 2>&1
  rm -rf "$CADENCE_PULSE_DIR"
}

cadence_null_sink_start
