#!/usr/bin/env bash
# Installs what the end-to-end tests drive besides the engines: tmux (a real terminal) and
# openssh-server (boxtop over a real SSH session, and ssh:// engine endpoints). Does nothing
# when they are there.
set -euo pipefail
need=()
command -v tmux >/dev/null 2>&1 || need+=(tmux)
[ -x /usr/sbin/sshd ] || need+=(openssh-server)
command -v ssh >/dev/null 2>&1 || need+=(openssh-client)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
if [ ${#need[@]} -eq 0 ]; then
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	printf 'test-deps: missing %s; install them as root\n' "${need[*]}" >&2
	exit 1
fi
printf 'test-deps: installing %s\n' "${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
