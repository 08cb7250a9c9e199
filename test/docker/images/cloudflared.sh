#!/bin/sh
# Stand-in for cloudflared in the real-Docker tests (busybox sh). It reads its arguments and TUNNEL_TOKEN as
# cloudflared does and prints cloudflared's own console lines (to stderr, as cloudflared does): the usage
# error without a token, `Provided Tunnel token is not valid.` for a token that does not decode, else the
# start and four registered connections. Without --url it has no ingress, and says so when the first request
# arrives (as cloudflared with a token does). It dials nothing outside (the edge is text here); with --url it
# checks its origin on localhost every second, as arriving requests would.
# The token is never printed.

log() { printf '%s %s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$1" "$2" >&2; }

url="" token="${TUNNEL_TOKEN:-}" name="" seen_run=""
while [ $# -gt 0 ]; do
  case "$1" in
    --url) url=$2; shift ;;
    --url=*) url=${1#--url=} ;;
    --token) token=$2; shift ;;
    --token=*) token=${1#--token=} ;;
    run) seen_run=1 ;;
    tunnel|--no-autoupdate) ;;
    -*) ;;
    *) [ -n "$seen_run" ] && name=$1 ;;
  esac
  shift
done

if [ -z "$token" ] && [ -z "$name" ]; then
  echo '"cloudflared tunnel run" requires the ID or name of the tunnel to run as the last command line argument or in the configuration file.' >&2
  exit 1
fi

# A token is base64 of JSON {"a": account, "t": tunnel uuid, "s": secret}.
json=$(printf '%s' "$token" | base64 -d 2>/dev/null)
tunnel=$(printf '%s' "$json" | sed -n 's/.*"t" *: *"\([0-9a-f-]\{36\}\)".*/\1/p')
if ! printf '%s' "$json" | grep -q '"a" *: *"' || ! printf '%s' "$json" | grep -q '"s" *: *"' || [ -z "$tunnel" ]; then
  echo 'Provided Tunnel token is not valid.' >&2
  exit 1
fi

log INF "Starting tunnel tunnelID=$tunnel"
log INF "Version 2025.11.1 (test stand-in)"
log INF "Settings: map[no-autoupdate:true${url:+ url:$url}]"
[ -n "$url" ] && log INF "Generated Connector ID: 2b5c3e1a-9d7f-4e6b-8a21-0c4d5e6f7a8b"
for i in 0 1 2 3; do
  log INF "Registered tunnel connection connIndex=$i connection=7a1c3e52-2f4d-4d9e-a6b1-5d0c7e9f8a2$i event=0 ip=198.41.200.1$i location=lhr0$((i + 1)) protocol=quic"
done
[ -z "$url" ] && log WRN "No ingress rules were defined in provided config (if any) nor from the cli, cloudflared will return 503 for all incoming HTTP requests"

# Requests keep arriving through the tunnel: with --url, it tries its origin every second, as a request
# would, and logs cloudflared's own error when nothing answers there (a port check: the proxy logs nothing).
origin_checks() {
  target=$(printf '%s' "$url" | sed -n 's#^[a-z]*://\([^/:]*\):\([0-9]*\).*#\1 \2#p')
  h=${target% *} p=${target#* }
  [ "$h" = localhost ] && h=127.0.0.1
  sleep 2 # requests arrive once the connections are registered
  while :; do
    if ! nc -w 1 "$h" "$p" </dev/null >/dev/null 2>&1; then
      log ERR "error=\"Unable to reach the origin service. The service may be down or it may not be responding to traffic from cloudflared: dial tcp $h:$p: connect: connection refused\" connIndex=0 event=1 ingressRule=0 originService=$url"
    fi
    sleep 1
  done
}
[ -n "$url" ] && { origin_checks & checks=$!; }

trap 'log INF "Initiating graceful shutdown due to signal terminated ..."; kill "$idle" ${checks:-} 2>/dev/null; exit 0' TERM INT
sleep 2147483647 &
idle=$!
wait "$idle"
