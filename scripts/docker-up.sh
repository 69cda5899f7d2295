#!/usr/bin/env bash
# Makes sure a Docker Engine answers on this machine: installs Debian's docker.io when dockerd is
# missing, starts dockerd detached when `docker info` fails, and waits for the socket.
# Running it again when the daemon is up does nothing.
set -euo pipefail

wait_seconds=${BOXTOP_DOCKER_WAIT:-60}
log=${BOXTOP_DOCKERD_LOG:-/var/log/boxtop-dockerd.log}

say() { printf 'docker-up: %s\n' "$*" >&2; }

if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
	say "daemon already answers ($(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?'))"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	say "the daemon does not answer and starting it needs root; run: sudo $0"
	exit 1
fi

if ! command -v dockerd >/dev/null 2>&1; then
	say "dockerd is missing; installing Debian's docker.io"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null
	apt-get install -y -qq --no-install-recommends docker.io iptables >/dev/null
fi

# A dockerd that was just stopped can linger as a zombie until its parent reaps it: only a live
# one counts.
dockerd_alive() { ps -C dockerd -o stat= 2>/dev/null | grep -qv '^Z'; }

if ! dockerd_alive; then
	say "starting dockerd (log: $log)"
	# setsid detaches it from this shell so that it outlives make.
	setsid dockerd >"$log" 2>&1 </dev/null &
fi

for _ in $(seq 1 "$wait_seconds"); do
	if docker info >/dev/null 2>&1; then
		say "daemon answers ($(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?'))"
		exit 0
	fi
	sleep 1
done

say "dockerd did not answer within ${wait_seconds}s; last lines of $log:"
tail -n 20 "$log" >&2 || true
exit 1
