# Sourced by the scripts and tests that run `corridor serve` in the
# background. The caller sets $corridor (the binary).
#
#   start_serve LOG ARGS...   starts `corridor serve ARGS...` with its stderr
#                             in LOG, waits until it prints its URL, and sets
#                             $server (its pid) and $port; returns 1 (LOG says
#                             why) when it stops or prints nothing in 30 s
#   stop_serve                stops it (SIGTERM) and waits
server=${server:-}

start_serve() {
  local log=$1
  shift
  rm -f "$log"  # not an earlier service's port
  "$corridor" serve "$@" 2> "$log" &
  server=$!
  port=""
  for _ in $(seq 300); do
    port=$(sed -n 's|^corridor serve: http://.*:\([0-9][0-9]*\)/ .*|\1|p' "$log" 2> /dev/null | head -n 1)
    [ -n "$port" ] && return 0
    kill -0 "$server" 2> /dev/null || { server=""; return 1; }
    sleep 0.1
  done
  return 1
}

stop_serve() {
  if [ -n "$server" ]; then
    kill "$server" 2> /dev/null || true
    wait "$server" 2> /dev/null || true
    server=""
  fi
}
