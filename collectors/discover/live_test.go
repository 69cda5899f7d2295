package discover

import (
	"context"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// dockerCLI runs the docker client with a timeout; ok is false when the daemon does not answer.
func dockerCLI(t *testing.T, args ...string) (string, bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "docker", args...).Output()
	if err != nil {
		return err.Error(), false
	}
	return strings.TrimSpace(string(out)), true
}

// TestLiveScan scans this machine's /proc. When Docker answers, each running container must be
// found by its cgroup alone, with the daemon's id and init pid. The test starts no container:
// it looks at whatever runs, and skips when nothing does.
func TestLiveScan(t *testing.T) {
	if testing.Short() {
		t.Skip("live test")
	}
	if _, err := os.Stat("/proc/self/cgroup"); err != nil {
		t.Skipf("no /proc here: %v", err)
	}
	out, ok := dockerCLI(t, "ps", "-q", "--no-trunc")
	if !ok {
		if os.Getenv("BOXTOP_REQUIRE_DOCKER") == "1" {
			t.Fatalf("BOXTOP_REQUIRE_DOCKER=1 but docker ps failed: %s", out)
		}
		t.Skipf("no Docker daemon answers: %s", out)
	}
	ids := strings.Fields(out)
	found, err := Scan(context.Background(), "/proc")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range found {
		t.Logf("%s %s init %d pids %d path %s", f.Runtime, f.Name, f.InitPid, len(f.Pids), f.CgroupPath)
	}
	if len(ids) == 0 {
		t.Skip("no running container to compare with")
	}
	byID := make(map[string]Found)
	for _, f := range found {
		if f.Runtime == RuntimeDocker {
			byID[f.ID] = f
		}
	}
	checked := 0
	for _, id := range ids {
		// Asked after the scan: a container that stopped or restarted in between says so here.
		state, ok := dockerCLI(t, "inspect", "-f", "{{.State.Running}} {{.State.Pid}}", id)
		if !ok {
			continue // removed meanwhile
		}
		running, pidText, _ := strings.Cut(state, " ")
		pid, err := strconv.Atoi(pidText)
		if running != "true" || err != nil || pid <= 0 {
			continue
		}
		f, ok := byID[id]
		if !ok {
			if _, err := os.Stat("/proc/" + pidText); err != nil {
				continue // exited between the scan and inspect
			}
			t.Errorf("running container %s (init %d) not found by Scan", id[:12], pid)
			continue
		}
		checked++
		if f.InitPid != pid {
			// The container may have been restarted between the scan and inspect.
			if again, _ := dockerCLI(t, "inspect", "-f", "{{.State.Pid}}", id); again != pidText {
				continue
			}
			t.Errorf("container %s: InitPid %d, docker says %d (pids %v)", id[:12], f.InitPid, pid, f.Pids)
		}
		if _, ok := slices.BinarySearch(f.Pids, pid); !ok {
			t.Errorf("container %s: pids %v lack the init %d", id[:12], f.Pids, pid)
		}
	}
	if checked == 0 {
		t.Skip("every container stopped during the test")
	}
	t.Logf("checked %d running containers against docker inspect", checked)
}
