# Sourced by .ci/run: the real-Docker end-to-end tests (test/docker) against a private dockerd started for the
# run and stopped by its pid at exit. On these machines they must run: REQUIRE_DOCKER=1 turns a skip into a
# failure, and the summary lists the test files that ran. CI_SKIP_DOCKER=1 runs CI without them, and says so.
e2e_docker_dir=""
e2e_docker_report=""

e2e_docker_install() {
  local sudo="" need=()
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
  command -v docker-compose >/dev/null 2>&1 || docker compose version >/dev/null 2>&1 || need+=(docker-compose)
  # The images are busybox and a script: busybox must be the static build.
  local bb
  bb=$(command -v busybox 2>/dev/null || true)
  { [ -n "$bb" ] && ! ldd "$bb" >/dev/null 2>&1; } || need+=(busybox-static)
  [ ${#need[@]} -eq 0 ] && return 0
  echo "installing ${need[*]}"
  $sudo apt-get install -y -qq "${need[@]}" || { $sudo apt-get update -qq && $sudo apt-get install -y -qq "${need[@]}"; }
}

e2e_docker_start() {
  if [ "${CI_SKIP_DOCKER:-}" = 1 ]; then
    echo "real-Docker tests: skipped (CI_SKIP_DOCKER=1)"
    return 0
  fi
  e2e_docker_install
  e2e_docker_dir=$(mktemp -d /tmp/mtt-ci-docker.XXXXXX)
  if ! bash test/docker/daemon.sh start "$e2e_docker_dir" >/dev/null; then
    echo "could not start a private dockerd (root is needed); set CI_SKIP_DOCKER=1 to run CI without the real-Docker tests" >&2
    return 1
  fi
  export DOCKER_HOST="unix://$e2e_docker_dir/docker.sock" REQUIRE_DOCKER=1
  e2e_docker_report="$e2e_docker_dir/ran.txt"
  : >"$e2e_docker_report"
  export MTT_E2E_DOCKER_REPORT="$e2e_docker_report"
  echo "dockerd $(docker version --format '{{.Server.Version}}') pid $(cat "$e2e_docker_dir/dockerd.pid") on $DOCKER_HOST"
}

e2e_docker_summary() {
  if [ -z "$e2e_docker_report" ]; then
    echo "real-Docker tests: did not run (no daemon was started)"
    return 0
  fi
  local n
  n=$(wc -l <"$e2e_docker_report")
  if [ "$n" -eq 0 ]; then
    echo "real-Docker tests: a daemon was started but no test ran against it" >&2
    return 1
  fi
  echo "real-Docker tests ran: $n file(s) against $DOCKER_HOST"
  sed 's/^/  /' "$e2e_docker_report"
}

e2e_docker_stop() {
  [ -n "$e2e_docker_dir" ] || return 0
  local pid
  pid=$(cat "$e2e_docker_dir/dockerd.pid" 2>/dev/null || echo '?')
  bash test/docker/daemon.sh stop "$e2e_docker_dir" && echo "stopped dockerd (pid $pid)" || echo "could not stop dockerd (pid $pid) in $e2e_docker_dir" >&2
  e2e_docker_dir=""
}
