package collectors

import (
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/boxtop/boxtop/collectors/proc"
)

// TestMountTablePollsChanges proves on a real kernel that a mount added inside a running mount
// namespace (as `nsenter -m mount` would) is noticed through poll, and that an unchanged table is
// not read again.
func TestMountTablePollsChanges(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to make a mount namespace")
	}
	if _, err := exec.LookPath("unshare"); err != nil {
		t.Skip("no unshare")
	}
	cmd := exec.Command("unshare", "--mount", "--propagation", "private", "sleep", "60")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	pid := cmd.Process.Pid
	// Wait until unshare has exec'd sleep in its new namespace.
	self, _ := os.Readlink("/proc/self/ns/mnt")
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if ns, err := os.Readlink("/proc/" + itoa(pid) + "/ns/mnt"); err == nil && ns != self {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the process never entered its own mount namespace")
		}
	}

	table := openMountTable("/proc", pid)
	defer table.close()
	table.read()
	if table.err != nil {
		t.Fatal(table.err)
	}
	target := t.TempDir()
	if findMount(table.mounts, target) != nil {
		t.Fatalf("%s is mounted before the test mounted it", target)
	}

	pollMountTables([]*mountTable{table})
	if table.stale {
		t.Fatal("an unchanged mount table was flagged as changed")
	}

	if out, err := exec.Command("nsenter", "-t", itoa(pid), "-m", "mount", "-t", "tmpfs", "boxtop-test", target).CombinedOutput(); err != nil {
		t.Fatalf("nsenter mount: %v: %s", err, out)
	}
	pollMountTables([]*mountTable{table})
	if !table.stale {
		t.Fatal("poll did not report the new mount")
	}
	table.read()
	m := findMount(table.mounts, target)
	if m == nil || m.FSType != "tmpfs" {
		t.Fatalf("the mount at %s is not in the re-read table: %+v", target, m)
	}
}

func findMount(ms []proc.MountInfo, point string) *proc.MountInfo {
	for i := range ms {
		if ms[i].MountPoint == point {
			return &ms[i]
		}
	}
	return nil
}

func itoa(n int) string { return strconv.Itoa(n) }
