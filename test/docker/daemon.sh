#!/usr/bin/env bash
# A private Docker daemon for the real-Docker tests: its own socket, data root and exec root in one folder,
# no host firewall rules, no default bridge. It changes nothing a system daemon uses.
#   test/docker/daemon.sh start DIR   start it (root; waits until it answers), print DOCKER_HOST=unix://DIR/docker.sock
#   test/docker/daemon.sh stop DIR    stop it by its pid (waits for it to exit) and remove DIR
set -euo pipefail
cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }
sock="$dir/docker.sock"

case "$cmd" in
  start)
    command -v dockerd >/dev/null || { echo "dockerd not found: apt-get install -y docker.io docker-compose busybox-static" >&2; exit 1; }
    [ "$(id -u)" -eq 0 ] || { echo "dockerd needs root" >&2; exit 1; }
    mkdir -p "$dir"
    # setsid: the daemon outlives this script, and a Ctrl-C in the caller's terminal does not reach it.
    setsid dockerd -H "unix://$sock" --data-root "$dir/data" --exec-root "$dir/exec" --pidfile "$dir/dockerd.pid" \
      --iptables=false --ip-masq=false --bridge=none >"$dir/dockerd.log" 2>&1 </dev/null &
    echo $! >"$dir/dockerd.launched"
    for _ in $(seq 1 120); do
      if DOCKER_HOST="unix://$sock" docker version --format '{{.Server.Version}}' >/dev/null 2>&1; then
        echo "DOCKER_HOST=unix://$sock"
        exit 0
      fi
      kill -0 "$(cat "$dir/dockerd.launched")" 2>/dev/null || break
      sleep 0.25
    done
    echo "dockerd did not answer on $sock within 30 s; its log:" >&2
    tail -n 20 "$dir/dockerd.log" >&2 || true
    exit 1
    ;;
  stop)
    pid=$(cat "$dir/dockerd.pid" 2>/dev/null || cat "$dir/dockerd.launched" 2>/dev/null || true)
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      kill "$pid"
      for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done # dockerd stops its containers first
      if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid"; fi
    fi
    # Leftover mounts under the exec root would keep rm from removing the folder.
    { grep -o " $dir/[^ ]*" /proc/mounts 2>/dev/null || true; } | sort -r | while read -r m; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
