package collectors

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
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

func TestDirSize(t *testing.T) {
	dir := t.TempDir()
	for name, size := range map[string]int{"a": 100, "sub/b": 4096, "sub/deeper/c": 1} {
		path := dir + "/" + name
		if err := os.MkdirAll(path[:strings.LastIndex(path, "/")], 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, make([]byte, size), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("/etc/passwd", dir+"/link"); err != nil {
		t.Fatal(err)
	}
	got, err := dirSize(context.Background(), dir)
	if err != nil || got != 4197 {
		t.Fatalf("dirSize = %d, %v; want 4197 (links not followed)", got, err)
	}
	for i := 0; i < 600; i++ {
		os.WriteFile(fmt.Sprintf("%s/f%d", dir, i), nil, 0o644)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := dirSize(ctx, dir); err == nil || !strings.Contains(err.Error(), "stopped after") {
		t.Fatalf("a cancelled measurement should stop and say so, got %v", err)
	}
	if _, err := dirSize(context.Background(), dir+"/missing"); err == nil {
		t.Fatal("a missing directory must be an error")
	}
}
