package integration

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/boxtop/boxtop/collectors/snapshot"
)

// TestZZDaemonRestart stops dockerd under a live Collector and starts it again: the same
// Collector must report the engine unreachable with an error during the outage, then reachable
// again with a container started after the restart, without being recreated. Its name and file
// keep it last: it stops every container without a restart policy, other users' too.
// BOXTOP_SKIP_DAEMON_RESTART=1 skips it on machines where that is not welcome.
func TestZZDaemonRestart(t *testing.T) {
	if os.Getenv("BOXTOP_SKIP_DAEMON_RESTART") == "1" {
		t.Skip("BOXTOP_SKIP_DAEMON_RESTART=1")
	}
	if os.Geteuid() != 0 {
		t.Skip("stopping and starting dockerd needs root")
	}
	removeWhenDone(t)
	// Registered after removeWhenDone, so it runs first: whatever happens, leave a daemon up.
	t.Cleanup(func() { daemonUp(t) })

	col := newCollector(t)
	before := start(t, spec{name: "restart-before"})
	sampleUntil(t, col, 20*time.Second, nil, func(s snapshot.Snapshot) error {
		if len(s.Runtimes) == 0 || !s.Runtimes[0].Reachable {
			return fmt.Errorf("engine not reachable before the restart: %s", describeRuntimes(s))
		}
		return running(before.ID)(s)
	})

	pid, err := dockerdPid()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("stopping dockerd (pid %d)", pid)
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
		t.Fatalf("kill -TERM %d: %v", pid, err)
	}
	for deadline := time.Now().Add(90 * time.Second); processAlive(pid); {
		if time.Now().After(deadline) {
			t.Fatalf("dockerd %d still runs 90s after SIGTERM", pid)
		}
		sample(t, col) // keep collecting through the shutdown: nothing may hang or panic
		time.Sleep(100 * time.Millisecond)
	}
	outage := sampleUntil(t, col, 20*time.Second, nil, func(s snapshot.Snapshot) error {
		if len(s.Runtimes) == 0 || s.Runtimes[0].Reachable {
			return fmt.Errorf("engine still reported reachable with dockerd stopped: %s", describeRuntimes(s))
		}
		if s.Runtimes[0].Error == nil || *s.Runtimes[0].Error == "" {
			return fmt.Errorf("unreachable engine without an error: %s", describeRuntimes(s))
		}
		return nil
	})
	t.Logf("during the outage: %s", describeRuntimes(outage))
	if outage.Host.Hostname == "" || outage.Host.CPUs == 0 {
		t.Errorf("host facts missing during the outage: %+v", outage.Host)
	}

	// docker-up.sh starts dockerd only when pgrep finds none, and pgrep also finds a zombie: wait
	// for the old daemon to be reaped (its parent is PID 1 here, which may take a while).
	stopped := time.Now()
	for deadline := stopped.Add(90 * time.Second); procExists(pid); {
		if time.Now().After(deadline) {
			t.Fatalf("dockerd %d exited but was not reaped within 90s, so docker-up.sh would not start a new one", pid)
		}
		sample(t, col)
		time.Sleep(200 * time.Millisecond)
	}
	t.Logf("old dockerd reaped %v after the outage began", time.Since(stopped).Round(time.Millisecond))

	daemonUp(t)
	after := start(t, spec{name: "restart-after"})
	s := sampleUntil(t, col, 60*time.Second, nil, func(s snapshot.Snapshot) error {
		if len(s.Runtimes) == 0 || !s.Runtimes[0].Reachable {
			return fmt.Errorf("engine not reachable again after the restart: %s", describeRuntimes(s))
		}
		return running(after.ID)(s)
	})
	if s.Runtimes[0].Error != nil {
		t.Errorf("reachable engine still carries the error %q", *s.Runtimes[0].Error)
	}
	// Without a restart policy the earlier container stopped with the daemon.
	if c := find(s, before.ID); c != nil && c.Running() {
		if in := dockerInspect(t, before.ID); !in.State.Running {
			t.Errorf("%s is listed running with pid %v; inspect says %q", c.Name, deref(c.Pid), in.State.Status)
		}
	}
}

// daemonUp starts the daemon with the repository's script when it does not answer.
func daemonUp(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", filepath.Join(env.repoRoot, "scripts", "docker-up.sh"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("scripts/docker-up.sh: %v\n%s", err, out)
	}
	t.Logf("scripts/docker-up.sh: %s", out)
}

// procExists says whether /proc still has an entry for pid, zombies included.
func procExists(pid int) bool {
	_, err := os.Stat(fmt.Sprintf("/proc/%d", pid))
	return err == nil
}
