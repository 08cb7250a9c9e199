#!/bin/sh
# Stand-in for mcp-proxy in the real-Docker tests (busybox sh). It does what the real proxy does where the
# triage depends on it: reads the mounted config and the TLS files as the container's user (65532), logs in
# slog text format the lines the guide quotes, exits 1 on a fatal error (so Compose's restart policy
# restarts it), and listens on :8080, routing by Host first and logging `no route for host` for a miss. A
# routed request is passed to its upstream only when that is on loopback (an upstream the test started in
# the container's own namespace): then it logs `proxied request` with the upstream's status. It never dials
# anything else.
CONFIG=/etc/mcp-gateway/config.yaml

log() { # LEVEL MSG [key=value ...]
  level=$1 msg=$2
  shift 2
  printf 'time=%s level=%s msg="%s"%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$level" "$msg" "${*:+ $*}" >&2
}

fatal() { log ERROR "$@"; exit 1; }

# The config as lines: `domain D`, `cert F`, `key F`, `route NAME URL`, `seq LINE` (routes is a list).
parse_config() {
  awk '
    function val(s) { sub(/^[^:]*:[ \t]*/, "", s); sub(/[ \t]+#.*$/, "", s); gsub(/^["\047]|["\047]$/, "", s); return s }
    /^[ \t]*(#|$)/ { next }
    /^[^ \t-]/ {
      section = ""; key = $0; sub(/:.*/, "", key)
      if (key == "tunnel_domain") print "domain", val($0)
      else if (key == "routes" || key == "tls") section = key
      next
    }
    section == "tls" && /^[ \t]+cert_file:/ { print "cert", val($0) }
    section == "tls" && /^[ \t]+key_file:/ { print "key", val($0) }
    section == "routes" && /^[ \t]*-/ { if (!seq) { seq = NR; print "seq", NR }; next }
    section == "routes" && /^[ \t]+[^ \t:]+:/ { name = $0; sub(/^[ \t]+/, "", name); sub(/:.*/, "", name); print "route", name, val($0) }
  ' "$CONFIG"
}

# Go's os.Open error for a file the user cannot read (or that is not there).
open_error() {
  if [ ! -e "$1" ]; then echo "open $1: no such file or directory"; else echo "open $1: permission denied"; fi
}

# One connection (run by nc -e): read the request head, route it by Host, answer; the log goes to stderr.
# (The real proxy routes by the SNI inside the stream; a plain Host header stands in for it here.) Like the
# proxies this stands in for, it routes first: any request for a host it has no route for is logged as
# `no route for host`, whatever else the request says, and so is a TLS ClientHello sent straight to the
# plaintext listener (its SNI is the host; a ClientHello to an address carries none, so the host is empty).
serve_conn() {
  host="" request="" version="" request_line=""
  while IFS= read -r line; do
    line=$(printf '%s' "$line" | tr -d '\r')
    if [ -z "$request" ]; then
      request=1
      request_line=$line
      case "$line" in
        [A-Z]*" HTTP/1."[01]) ;;
        *)
          log WARN "no route for host" host='""'
          printf 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n'
          return ;;
      esac
    fi
    [ -z "$line" ] && break
    case "$line" in
      [Hh]ost:*) host=$(printf '%s' "${line#*:}" | tr -d ' ' | sed 's/:[0-9]*$//') ;;
      [Ss]ec-[Ww]eb[Ss]ocket-[Vv]ersion:*) version=$(printf '%s' "${line#*:}" | tr -d ' ') ;;
    esac
  done
  [ -z "$request" ] && return # a connection closed without a request (a port check): nothing to log
  conf=$(parse_config 2>/dev/null)
  domain=$(printf '%s\n' "$conf" | awk '$1 == "domain" { print $2 }')
  name=${host%."$domain"}
  route=$(printf '%s\n' "$conf" | awk -v h="$host" -v n="$name" '$1 == "route" && ($2 == h || $2 == n) { print $2, $3; exit }')
  if [ -z "$route" ]; then
    log WARN "no route for host" host="$host"
    printf 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'
    return
  fi
  if [ -n "$version" ] && [ "$version" != 13 ]; then # a routed host, with a WebSocket version it does not speak
    printf 'HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\nConnection: close\r\n\r\n'
    return
  fi
  rname=${route%% *} upstream=${route#* }
  hostport=${upstream#*://}
  uhost=${hostport%:*} uport=${hostport##*:}
  case "$uhost" in
    127.*|localhost)
      resp=$(printf '%s\r\nHost: %s\r\nConnection: close\r\n\r\n' "$request_line" "$hostport" | nc -w 3 "$uhost" "$uport" 2>/dev/null)
      status=$(printf '%s' "$resp" | head -n 1 | cut -d' ' -f2)
      if [ -n "$status" ]; then
        log INFO "proxied request" host="$host" route="$rname" upstream="$upstream" status="$status"
        printf '%s\n' "$resp"
        return
      fi
      log ERROR "proxied request" host="$host" route="$rname" upstream="$upstream" status=502 err="\"upstream did not answer\""
      ;;
    *) log INFO "upstream not dialled (test stand-in)" host="$host" ;;
  esac
  printf 'HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'
}

if [ "$1" = "serve-conn" ]; then serve_conn; exit 0; fi

[ -r "$CONFIG" ] || fatal "failed to load config" err="\"$(open_error "$CONFIG")\""
conf=$(parse_config)
seq_line=$(printf '%s\n' "$conf" | awk '$1 == "seq" { print $2 }')
[ -n "$seq_line" ] && fatal "failed to load config" "err=\"yaml: unmarshal errors:\\n  line $seq_line: cannot unmarshal !!seq into map[string]string\""

routes=$(printf '%s\n' "$conf" | awk '$1 == "route" { print $2, $3 }')
printf '%s\n' "$routes" | while read -r name url; do
  [ -z "$name" ] && continue
  printf '%s' "$url" | grep -Eq '^[A-Za-z][A-Za-z0-9+.-]*://[^/:@]+:[0-9]+$' || fatal "invalid upstream (must be scheme://host:port)" route="$name" upstream="$url"
done || exit 1

cert=$(printf '%s\n' "$conf" | awk '$1 == "cert" { print $2 }')
key=$(printf '%s\n' "$conf" | awk '$1 == "key" { print $2 }')
for f in "${cert:-/data/tls.crt}" "${key:-/data/tls.key}"; do
  cat "$f" >/dev/null 2>&1 || fatal "failed to start" err="\"load tls keypair: $(open_error "$f")\""
done

# QUIET_START=1: start in other words than the guide's (a proxy written independently says other things
# when it starts; nothing in the triage may depend on its wording of a good start).
if [ "${QUIET_START:-}" = 1 ]; then
  log INFO "ready" routes="$(printf '%s\n' "$routes" | grep -c .)"
else
  printf '%s\n' "$routes" | while read -r name url; do
    [ -n "$name" ] && log INFO "route configured" route="$name" upstream="$url"
  done
  log INFO "listening" addr=:8080
fi

# The real proxy stops cleanly on SIGTERM; PID 1 ignores signals it has no handler for.
trap 'log INFO "shutting down"; kill "$server" 2>/dev/null; exit 0' TERM INT
nc -ll -p 8080 -e /usr/local/bin/mcp-proxy serve-conn &
server=$!
wait "$server"
