package proc

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/boxtop/boxtop/collectors/snapshot"
)

// These tests read the real /proc of the machine they run on.

var live = FS{}

func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root: it creates namespaces or reads other users' namespace links")
	}
}

// readlinkInode parses the inode out of a namespace link ("net:[4026531840]"), a way of reading
// it that does not go through the code under test.
func readlinkInode(t *testing.T, path string) uint64 {
	t.Helper()
	target, err := os.Readlink(path)
	if err != nil {
		t.Fatal(err)
	}
	open, close := strings.IndexByte(target, '['), strings.IndexByte(target, ']')
	if open < 0 || close < open {
		t.Fatalf("%s -> %q: not a namespace link", path, target)
	}
	n, err := strconv.ParseUint(target[open+1:close], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestNamespacesLiveSelf(t *testing.T) {
	own, err := live.Namespaces(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	self, err := live.namespacesIn("/proc/self/ns")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(own, self) {
		t.Fatalf("pid %d: %+v, /proc/self: %+v", os.Getpid(), own, self)
	}
	var device uint64
	for _, typ := range snapshot.NamespaceTypes {
		link := "/proc/self/ns/" + typ
		if _, err := os.Lstat(link); errors.Is(err, fs.ErrNotExist) {
			if _, ok := own[typ]; ok {
				t.Errorf("%s: reported but this kernel has no such link", typ)
			}
			continue
		}
		got, ok := own[typ]
		if !ok {
			t.Errorf("%s: missing", typ)
			continue
		}
		if want := readlinkInode(t, link); got.Inode != want {
			t.Errorf("%s: inode %d, link says %d", typ, got.Inode, want)
		}
		if device == 0 {
			device = got.Device
		}
		if got.Device == 0 || got.Device != device {
			t.Errorf("%s: device %d, want the one nsfs device %d", typ, got.Device, device)
		}
	}
}

func TestHostReferenceLive(t *testing.T) {
	requireRoot(t)
	own, err := live.Namespaces(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	candidates := live.PidsByComm("dockerd", "containerd", "podman")
	ns, ref, err := live.HostReference(candidates)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("host reference: %s (candidates %v)", ref, candidates)

	var st unix.Stat_t
	pid1Err := unix.Stat("/proc/1/ns/net", &st)
	switch {
	case pid1Err == nil:
		if ref != "pid 1" {
			t.Errorf("PID 1's links are readable, but the reference is %q", ref)
		}
	case errors.Is(pid1Err, unix.EACCES):
		if ref == "pid 1" {
			t.Fatal("PID 1's links are denied, yet the reference claims pid 1")
		}
		if len(candidates) > 0 {
			want := fmt.Sprintf("pid %d (%s)", candidates[0], live.Comm(candidates[0]))
			if ref != want {
				t.Errorf("reference = %q, want the first engine %q", ref, want)
			}
		} else if ref != "self" {
			t.Errorf("reference = %q, want self without candidates", ref)
		}
		// The denial must be explained, not just passed on.
		if _, err := live.Namespaces(1); err == nil || !strings.Contains(err.Error(), "CAP_SYS_PTRACE") {
			t.Errorf("Namespaces(1) err = %v, want one that explains the permission", err)
		}
		// The test runs in the host's namespaces, and so do the engines.
		if !reflect.DeepEqual(ns, own) {
			t.Errorf("host namespaces %+v differ from the test process's %+v", ns, own)
		}
	default:
		t.Fatalf("stat /proc/1/ns/net: %v", pid1Err)
	}
}

func TestProcessesLiveSelf(t *testing.T) {
	own, err := live.Namespaces(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	got, errs := live.Processes([]int{os.Getpid()}, own)
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	if len(got) != 1 {
		t.Fatalf("got %d processes, want 1", len(got))
	}
	p := got[0]
	want := snapshot.Process{Pid: os.Getpid(), NsPid: os.Getpid(), PPid: os.Getppid(), UID: os.Geteuid(), HostUID: os.Geteuid(),
		Command: p.Command, NamespacesDiffer: []string{}}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("got %+v, want %+v", p, want)
	}
	if !strings.HasPrefix(p.Command, os.Args[0]) {
		t.Errorf("command %q does not start with %q", p.Command, os.Args[0])
	}
}

// startInNewNamespaces runs sleep in new namespaces of the given unshare flags and waits until the
// kernel shows them.
func startInNewNamespaces(t *testing.T, own map[string]NS, typ string, flags ...string) int {
	t.Helper()
	cmd := exec.Command("unshare", append(flags, "sleep", "30")...)
	if err := cmd.Start(); err != nil {
		t.Skipf("unshare: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	pid := cmd.Process.Pid
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		ns, err := live.Namespaces(pid)
		if err == nil && ns[typ] != own[typ] && live.Command(pid) == "sleep 30" {
			return pid
		}
	}
	t.Fatalf("pid %d never entered its own %s namespace", pid, typ)
	return 0
}

func TestProcessesLiveChildInOtherNamespace(t *testing.T) {
	requireRoot(t)
	own, err := live.Namespaces(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	child := startInNewNamespaces(t, own, "net", "--net", "--uts")
	got, errs := live.Processes([]int{os.Getpid(), child}, own)
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	if len(got) != 2 {
		t.Fatalf("got %+v, want 2 processes", got)
	}
	c := got[1]
	if c.Pid != child || c.NsPid != child || c.PPid != os.Getpid() || c.Command != "sleep 30" {
		t.Errorf("child = %+v", c)
	}
	if want := []string{"net", "uts"}; !reflect.DeepEqual(c.NamespacesDiffer, want) {
		t.Errorf("child differs in %v, want %v", c.NamespacesDiffer, want)
	}
}

func TestProcessesLiveVanished(t *testing.T) {
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	gone := cmd.Process.Pid
	got, errs := live.Processes([]int{gone, os.Getpid()}, nil)
	if len(errs) != 0 {
		t.Errorf("a vanished pid gave errors: %v", errs)
	}
	if len(got) != 1 || got[0].Pid != os.Getpid() {
		t.Errorf("got %+v, want only the test process", got)
	}
	if _, err := live.Namespaces(gone); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Namespaces of a vanished pid: err = %v, want fs.ErrNotExist", err)
	}
}

// TestNamespacesPermissionDenied runs a helper as nobody that reads this (root) process's links.
func TestNamespacesPermissionDenied(t *testing.T) {
	requireRoot(t)
	dir, err := os.MkdirTemp("", "boxtop-proc-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	exe, err := os.ReadFile("/proc/self/exe")
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "proc.test")
	if err := os.WriteFile(bin, exe, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-test.run", "^TestHelperReadNamespacesAsNobody$", "-test.v")
	cmd.Env = append(os.Environ(), "BOXTOP_HELPER_READ_PID="+strconv.Itoa(os.Getpid()))
	cmd.Dir = dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("helper: %v\n%s", err, out)
	}
	want := fmt.Sprintf("stat /proc/%d/ns/pid: permission denied (reading another user's namespace links needs root or CAP_SYS_PTRACE)", os.Getpid())
	if !bytes.Contains(out, []byte(want)) {
		t.Fatalf("helper output lacks %q:\n%s", want, out)
	}
}

// TestHelperReadNamespacesAsNobody is the body of TestNamespacesPermissionDenied's helper.
func TestHelperReadNamespacesAsNobody(t *testing.T) {
	pid, err := strconv.Atoi(os.Getenv("BOXTOP_HELPER_READ_PID"))
	if err != nil {
		t.Skip("helper of TestNamespacesPermissionDenied")
	}
	_, err = live.Namespaces(pid)
	if err == nil {
		t.Fatal("read another user's namespace links without permission")
	}
	fmt.Println(err)
}

// TestNetDevReaderRereadsFresh checks the premise of the hot path on this kernel: a kept-open
// /proc/<pid>/net/dev read again at offset 0 shows new counters.
func TestNetDevReaderRereadsFresh(t *testing.T) {
	r, err := OpenNetDev(live, os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	before, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := before["lo"]; !ok {
		t.Fatalf("no lo in %v", before)
	}

	conn, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	sender, err := net.DialUDP("udp4", nil, conn.LocalAddr().(*net.UDPAddr))
	if err != nil {
		t.Fatal(err)
	}
	defer sender.Close()
	const packets, size = 50, 1000
	payload := make([]byte, size)
	for i := 0; i < packets; i++ {
		if _, err := sender.Write(payload); err != nil {
			t.Fatal(err)
		}
	}

	after, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	b, a := before["lo"], after["lo"]
	if a.RxPackets-b.RxPackets < packets || a.TxPackets-b.TxPackets < packets {
		t.Errorf("lo packets rx %d->%d tx %d->%d: the re-read did not see %d new packets", b.RxPackets, a.RxPackets, b.TxPackets, a.TxPackets, packets)
	}
	if a.RxBytes-b.RxBytes < packets*size {
		t.Errorf("lo rx bytes %d->%d: the re-read did not see %d new bytes", b.RxBytes, a.RxBytes, packets*size)
	}
}

// TestNetDevReaderLargeFile reads a net/dev of more than one page, which the kernel hands out in
// several reads: a reader that stopped after one pread would lose interfaces.
func TestNetDevReaderLargeFile(t *testing.T) {
	requireRoot(t)
	own, err := live.Namespaces(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	pid := startInNewNamespaces(t, own, "net", "--net")
	// veth pairs rather than dummies: kernels built for containers have veth, not always dummy.
	const pairs = 40
	var batch strings.Builder
	for i := 0; i < pairs; i++ {
		fmt.Fprintf(&batch, "link add bxt%02da type veth peer name bxt%02db\n", i, i)
	}
	cmd := exec.Command("nsenter", "-t", strconv.Itoa(pid), "-n", "ip", "-batch", "-")
	cmd.Stdin = strings.NewReader(batch.String())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("creating veth links: %v\n%s", err, out)
	}

	path := fmt.Sprintf("/proc/%d/net/dev", pid)
	whole, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	one := make([]byte, 1<<16)
	n, err := unix.Pread(int(f.Fd()), one, 0)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("net/dev is %d bytes; one pread returned %d", len(whole), n)

	r, err := OpenNetDev(live, pid)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2*pairs+1 {
		t.Fatalf("got %d interfaces, want %d (lo and the veths)", len(got), 2*pairs+1)
	}
	if _, ok := got[fmt.Sprintf("bxt%02db", pairs-1)]; !ok {
		t.Errorf("last veth missing")
	}
	if len(whole) <= n {
		t.Errorf("net/dev (%d bytes) fitted in one pread: the case this test is for did not arise", len(whole))
	}
}

func TestMountInfoLive(t *testing.T) {
	mounts, err := live.MountInfo(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, m := range mounts {
		if m.MountPoint == "/proc" && m.FSType == "proc" {
			found = true
		}
	}
	if !found {
		t.Errorf("no proc mount at /proc among %d mounts", len(mounts))
	}
}

func BenchmarkNetDevReaderRead(b *testing.B) {
	r, err := OpenNetDev(live, os.Getpid())
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Read(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNetDevReopen(b *testing.B) {
	path := fmt.Sprintf("/proc/%d/net/dev", os.Getpid())
	b.ReportAllocs()
	for b.Loop() {
		data, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := ParseNetDev(data); err != nil {
			b.Fatal(err)
		}
	}
}

// TestNetDevReaderOutlivesProcess records why callers must close a reader when its container
// stops: the open file pins the network namespace, so reads go on succeeding (with frozen
// counters) after the process is gone, and the reader cannot notice the exit by itself.
func TestNetDevReaderOutlivesProcess(t *testing.T) {
	requireRoot(t)
	cmd := exec.Command("unshare", "--net", "sleep", "30")
	if err := cmd.Start(); err != nil {
		t.Skipf("unshare: %v", err)
	}
	pid := cmd.Process.Pid
	own, err := live.Namespaces(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		ns, err := live.Namespaces(pid)
		if err == nil && ns["net"] != own["net"] {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("child never entered its own network namespace")
		}
	}
	r, err := OpenNetDev(live, pid)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	if live.exists(pid) {
		t.Fatalf("pid %d still exists after wait", pid)
	}
	got, err := r.Read()
	if err != nil {
		t.Fatalf("read after exit: %v (if the kernel now fails here, the reader can detect exits itself)", err)
	}
	if _, ok := got["lo"]; !ok || len(got) != 1 {
		t.Errorf("after exit: %v, want the dead namespace's lo only", got)
	}
}
