// Package integration tests boxtop against the real Docker daemon of the machine it runs on: it
// starts containers shaped by the workload command (CPU burners, memory hogs, forks, listeners)
// with the limits, namespaces and security options users set, and checks every reported field
// against `docker inspect`, /proc and the cgroup files read independently by the tests.
//
// Without a daemon the tests skip, unless BOXTOP_REQUIRE_DOCKER=1 (CI), where they fail. With
// -short they skip too, so that `make test-unit` never touches the daemon. TestZZDaemonRestart
// stops and restarts dockerd: it runs last, disturbs every other user of the daemon, and is
// skipped with BOXTOP_SKIP_DAEMON_RESTART=1.
package integration
