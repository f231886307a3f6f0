# shellcheck shell=bash
# A real moto server for a test runner: `. tests/moto.sh`, then `moto_start NAME` starts
# `moto_server` (from the venv that tests/setup made; `. tests/env.sh` first) on a free
# loopback port, waits until it answers and then sets MOTO_ENDPOINT (a second call does
# nothing); `moto_stop` stops it (call it
# from the runner's EXIT trap). NAME prefixes its messages. The runner points the AWS SDK at
# it (AWS_ENDPOINT_URL and test credentials) where it wants.

moto_start() {
  local name=$1
  # Started already (and answering): once per runner.
  [[ -n "${MOTO_ENDPOINT:-}" ]] && return 0
  local moto="$PIPELENS_CACHE/venv/bin/moto_server"
  if [[ ! -x "$moto" ]]; then
    echo "$name: $moto not found; run tests/setup first" >&2
    return 1
  fi
  local port
  port=$("$PIPELENS_CACHE/venv/bin/python" -c \
    'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  MOTO_LOG=$(mktemp)
  "$moto" -H 127.0.0.1 -p "$port" >"$MOTO_LOG" 2>&1 &
  MOTO_PID=$!
  local endpoint="http://127.0.0.1:$port"
  # moto_server imports all of moto before it listens: seconds on a quiet machine, far more on
  # a busy one. Wait for it by the clock (a bound for a hang, not a measure of speed) and say
  # so when it never answers, rather than running the tests against nothing.
  local start=$SECONDS
  while (( SECONDS - start < 180 )); do
    if "$PIPELENS_CACHE/venv/bin/python" -c \
      "import urllib.request; urllib.request.urlopen('$endpoint/moto-api/reset', data=b'', timeout=5)" \
      2>/dev/null; then
      # Set only once it answers: a runner that sees it may use it.
      MOTO_ENDPOINT=$endpoint
      return 0
    fi
    if ! kill -0 "$MOTO_PID" 2>/dev/null; then
      echo "$name: moto_server exited:" >&2
      cat "$MOTO_LOG" >&2
      return 1
    fi
    sleep 0.2
  done
  echo "$name: moto_server did not answer within 180 s:" >&2
  cat "$MOTO_LOG" >&2
  return 1
}

# live_start NAME: after moto_start, starts tests/live-state-server.py in front of moto (what
# moto lacks for the live pipeline, seeded by the tests; everything else forwarded) and sets
# LIVE_ENDPOINT (a second call does nothing). moto_stop stops it too.
live_start() {
  local name=$1
  [[ -n "${LIVE_ENDPOINT:-}" ]] && return 0
  if [[ -z "${MOTO_ENDPOINT:-}" ]]; then
    echo "$name: live_start needs moto_start first" >&2
    return 1
  fi
  LIVE_PORT_FILE=$(mktemp)
  "$PIPELENS_CACHE/venv/bin/python" tests/live-state-server.py "$MOTO_ENDPOINT" "$LIVE_PORT_FILE" &
  LIVE_PID=$!
  local i
  for i in $(seq 1 100); do
    [[ -s "$LIVE_PORT_FILE" ]] && break
    sleep 0.1
  done
  if [[ ! -s "$LIVE_PORT_FILE" ]]; then
    echo "$name: tests/live-state-server.py did not start (after $i tries)" >&2
    return 1
  fi
  LIVE_ENDPOINT="http://127.0.0.1:$(cat "$LIVE_PORT_FILE")"
  return 0
}

moto_stop() {
  if [[ -n "${LIVE_PID:-}" ]]; then
    kill "$LIVE_PID" 2>/dev/null || true
    wait "$LIVE_PID" 2>/dev/null || true
  fi
  [[ -n "${LIVE_PORT_FILE:-}" ]] && rm -f "$LIVE_PORT_FILE"
  if [[ -n "${MOTO_PID:-}" ]]; then
    kill "$MOTO_PID" 2>/dev/null || true
    wait "$MOTO_PID" 2>/dev/null || true
  fi
  [[ -n "${MOTO_LOG:-}" ]] && rm -f "$MOTO_LOG"
  return 0
}
