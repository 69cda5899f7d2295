package integration

import (
	"flag"
	"testing"
)

// TestContainers runs every check whose containers are independent of the others' in parallel,
// and returns only when all of them are done, so that the serial tests after it (churn, then the
// daemon restart) have the process and the daemon to themselves.
func TestContainers(t *testing.T) {
	cases := []struct {
		name string
		run  func(*testing.T)
	}{
		{"cpu_limit_throttles", testCPULimit},
		{"memory_limit", testMemoryLimit},
		{"oom_kill_counted", testOOMKill},
		{"pids_limit", testPidsLimit},
		{"limits_follow_updates", testLimitsFollowUpdates},
		{"processes", testProcesses},
		{"namespaces", testNamespaces},
		{"bridge_network_and_ports", testBridgeNetwork},
		{"network_none", testNetworkNone},
		{"security", testSecurity},
		{"snapshot_command", testSnapshotCommand},
		{"unprivileged_snapshot", testUnprivileged},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.run(t)
		})
	}
}

// raiseParallel lifts the default of -parallel (GOMAXPROCS, 2 on small machines): these tests
// mostly wait for the daemon, not for a CPU. An explicit -parallel wins.
func raiseParallel() {
	explicit := false
	flag.Visit(func(f *flag.Flag) {
		if f.Name == "test.parallel" {
			explicit = true
		}
	})
	if !explicit {
		_ = flag.Set("test.parallel", "12")
	}
}
