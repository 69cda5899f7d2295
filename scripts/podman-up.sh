#!/usr/bin/env bash
# Makes sure Podman's Docker-compatible API answers on /run/podman/podman.sock: installs Debian's
# podman when missing, lets it start containers in this kind of sandbox (no default rlimits),
# and starts the API service detached. Running it again when the socket answers does nothing.
set -euo pipefail

sock=/run/podman/podman.sock
wait_seconds=${BOXTOP_PODMAN_WAIT:-30}
log=${BOXTOP_PODMAN_LOG:-/var/log/boxtop-podman.log}
say() { printf 'podman-up: %s\n' "$*" >&2; }

answers() { curl -fsS --max-time 2 --unix-socket "$sock" http://d/_ping >/dev/null 2>&1; }

if answers; then
	say "API already answers on $sock"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	say "the Podman API does not answer and starting it needs root; run: sudo $0"
	exit 1
fi
if ! command -v podman >/dev/null 2>&1 || ! command -v curl >/dev/null 2>&1; then
	say "installing Debian's podman"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null
	apt-get install -y -qq --no-install-recommends podman curl uidmap slirp4netns fuse-overlayfs >/dev/null
fi

# Podman's default rlimits cannot be applied inside some sandboxes; boxtop's tests need none.
conf=/etc/containers/containers.conf
if ! grep -qs '^default_ulimits *= *\[\]' "$conf"; then
	mkdir -p /etc/containers
	if grep -qs '^\[containers\]' "$conf"; then
		sed -i '/^\[containers\]/a default_ulimits = []' "$conf"
	else
		printf '[containers]\ndefault_ulimits = []\n' >>"$conf"
	fi
fi

mkdir -p "$(dirname "$sock")"
say "starting podman system service (log: $log)"
setsid podman system service --time=0 "unix://$sock" >"$log" 2>&1 </dev/null &

for _ in $(seq 1 "$wait_seconds"); do
	if answers; then
		say "API answers on $sock ($(podman version --format '{{.Server.Version}}' 2>/dev/null || echo '?'))"
		exit 0
	fi
	sleep 1
done
say "the Podman API did not answer within ${wait_seconds}s; last lines of $log:"
tail -n 20 "$log" >&2 || true
exit 1
