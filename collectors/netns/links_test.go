package netns

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

func requireRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("skipped: needs root to create network namespaces and veth pairs (run the tests as root)")
	}
}

func randomSuffix(t testing.TB) string {
	t.Helper()
	b := make([]byte, 3)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// run runs a command and fails the test with its output if it fails.
func run(t testing.TB, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// cleanup registers a command that undoes a setup step; its failure is only logged, because an
// earlier cleanup may already have removed the object (deleting one veth end deletes both).
func cleanup(t testing.TB, name string, args ...string) {
	t.Helper()
	t.Cleanup(func() {
		if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
			t.Logf("cleanup %s %s: %v: %s", name, strings.Join(args, " "), err, out)
		}
	})
}

// addNetns creates a named network namespace that the test removes at its end.
func addNetns(t testing.TB, suffix string) string {
	t.Helper()
	name := "boxtop-test-" + suffix
	run(t, "ip", "netns", "add", name)
	cleanup(t, "ip", "netns", "del", name)
	return name
}

func inode(t testing.TB, path string) uint64 {
	t.Helper()
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		t.Fatal(err)
	}
	return st.Ino
}

// sleepIn starts a process in the named network namespace and returns its pid once it is there.
func sleepIn(t testing.TB, netnsName string) int {
	t.Helper()
	cmd := exec.Command("ip", "netns", "exec", netnsName, "sleep", "30")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	pid := cmd.Process.Pid
	want := inode(t, "/run/netns/"+netnsName)
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		var st unix.Stat_t
		if unix.Stat(fmt.Sprintf("/proc/%d/ns/net", pid), &st) == nil && st.Ino == want {
			return pid
		}
	}
	t.Fatalf("pid %d never entered network namespace %s", pid, netnsName)
	return 0
}

func findLink(t *testing.T, links []Link, name string) Link {
	t.Helper()
	for _, l := range links {
		if l.Name == name {
			return l
		}
	}
	t.Fatalf("no link %q in %+v", name, links)
	return Link{}
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// TestLinksVethToHostBridge builds what Docker builds for a bridged container: a namespace whose
// eth0 is a veth, with the other end on the host enslaved to a bridge. The host has an eth0 of its
// own, so reading names or /sys/class/net instead of the container's netlink would answer wrong.
func TestLinksVethToHostBridge(t *testing.T) {
	requireRoot(t)
	suffix := randomSuffix(t)
	ns := addNetns(t, suffix)
	bridge, hostEnd, inner := "br-bxt"+suffix, "bxt"+suffix+"h", "bxt"+suffix+"c"
	run(t, "ip", "link", "add", bridge, "type", "bridge")
	cleanup(t, "ip", "link", "del", bridge)
	run(t, "ip", "link", "add", hostEnd, "type", "veth", "peer", "name", inner)
	cleanup(t, "ip", "link", "del", hostEnd)
	run(t, "ip", "link", "set", hostEnd, "master", bridge)
	run(t, "ip", "link", "set", hostEnd, "up")
	run(t, "ip", "link", "set", inner, "netns", ns)
	run(t, "ip", "-n", ns, "link", "set", inner, "name", "eth0")
	const mac, addr = "02:42:c6:33:64:02", "198.51.100.2/24" // TEST-NET-2: never routed anywhere
	run(t, "ip", "-n", ns, "link", "set", "eth0", "address", mac)
	run(t, "ip", "-n", ns, "addr", "add", addr, "dev", "eth0")
	run(t, "ip", "-n", ns, "link", "set", "eth0", "up")
	run(t, "ip", "-n", ns, "link", "set", "lo", "up")
	pid := sleepIn(t, ns)

	links, err := Links(testContext(t), "/proc", pid, "/proc/self/ns/net")
	if err != nil {
		t.Fatal(err)
	}
	if len(links) != 2 {
		t.Fatalf("got %+v, want lo and eth0", links)
	}
	eth0 := findLink(t, links, "eth0")
	if eth0.Kind != "veth" || eth0.MAC != mac || !slices.Contains(eth0.Addresses, addr) {
		t.Errorf("eth0 = %+v, want a veth with %s and %s", eth0, mac, addr)
	}
	if eth0.HostPeer != hostEnd || eth0.Bridge != bridge {
		t.Errorf("eth0 host peer %q on bridge %q, want %q on %q", eth0.HostPeer, eth0.Bridge, hostEnd, bridge)
	}
	lo := findLink(t, links, "lo")
	if lo.Kind != "loopback" || lo.HostPeer != "" || !slices.Contains(lo.Addresses, "127.0.0.1/8") {
		t.Errorf("lo = %+v", lo)
	}
	if links[0].Index > links[1].Index {
		t.Errorf("links not in index order: %+v", links)
	}

	// Every namespace fd and netlink socket is closed again.
	fds := openFDs(t)
	for i := 0; i < 20; i++ {
		if _, err := Links(testContext(t), "/proc", pid, "/proc/self/ns/net"); err != nil {
			t.Fatal(err)
		}
	}
	if after := openFDs(t); after != fds {
		t.Errorf("open fds went from %d to %d over 20 calls", fds, after)
	}
}

func openFDs(t *testing.T) int {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}

// TestLinksPeerInAnotherContainer pairs two namespaces directly, and gives the host a veth with
// the very ifindex of the far end. Only the link-netnsid tells that the peer is not the host's.
func TestLinksPeerInAnotherContainer(t *testing.T) {
	requireRoot(t)
	suffix := randomSuffix(t)
	a, b := addNetns(t, suffix+"a"), addNetns(t, suffix+"b")
	n, err := strconv.ParseUint(suffix, 16, 32)
	if err != nil {
		t.Fatal(err)
	}
	idxA := 20000 + int(n%20000)*2
	idxB := idxA + 1
	endA, endB := "bxt"+suffix+"a", "bxt"+suffix+"b"
	run(t, "ip", "link", "add", endA, "index", strconv.Itoa(idxA), "type", "veth", "peer", "name", endB, "index", strconv.Itoa(idxB))
	run(t, "ip", "link", "set", endA, "netns", a)
	run(t, "ip", "link", "set", endB, "netns", b)
	// On the host, a veth takes the index that the far end has in its own namespace, and a
	// bridge adopts it: a lookup by index alone would name both.
	decoy, decoyPeer, decoyBridge := "bxt"+suffix+"x", "bxt"+suffix+"y", "br-bxt"+suffix
	run(t, "ip", "link", "add", decoy, "index", strconv.Itoa(idxB), "type", "veth", "peer", "name", decoyPeer)
	cleanup(t, "ip", "link", "del", decoy)
	run(t, "ip", "link", "add", decoyBridge, "type", "bridge")
	cleanup(t, "ip", "link", "del", decoyBridge)
	run(t, "ip", "link", "set", decoy, "master", decoyBridge)
	pid := sleepIn(t, a)

	links, err := Links(testContext(t), "/proc", pid, "/proc/self/ns/net")
	if err != nil {
		t.Fatal(err)
	}
	l := findLink(t, links, endA)
	if l.Kind != "veth" || l.Index != idxA {
		t.Errorf("link = %+v, want veth index %d", l, idxA)
	}
	if l.HostPeer != "" || l.Bridge != "" {
		t.Errorf("peer in another namespace reported as host peer %q on %q", l.HostPeer, l.Bridge)
	}
}

// TestLinksHostNetworking: a process in the host's namespace (the test itself) has the host's
// links, with their indexes and MACs, and none of them has a host-side peer.
func TestLinksHostNetworking(t *testing.T) {
	requireRoot(t)
	before, err := netlink.LinkList()
	if err != nil {
		t.Fatal(err)
	}
	links, err := Links(testContext(t), "/proc", os.Getpid(), "/proc/self/ns/net")
	if err != nil {
		t.Fatal(err)
	}
	after, err := netlink.LinkList()
	if err != nil {
		t.Fatal(err)
	}
	got := make(map[int]Link, len(links))
	for _, l := range links {
		got[l.Index] = l
		if l.HostPeer != "" || l.Bridge != "" {
			t.Errorf("%s: host peer %q on %q in the host's own namespace", l.Name, l.HostPeer, l.Bridge)
		}
	}
	// Other work on the machine may add or remove links meanwhile: compare those that were there
	// both before and after.
	stable := map[int]string{}
	for _, l := range before {
		stable[l.Attrs().Index] = l.Attrs().Name + " " + l.Attrs().HardwareAddr.String()
	}
	compared := 0
	for _, l := range after {
		a := l.Attrs()
		if stable[a.Index] != a.Name+" "+a.HardwareAddr.String() {
			continue
		}
		compared++
		g, ok := got[a.Index]
		if !ok {
			t.Errorf("link %d %s missing", a.Index, a.Name)
			continue
		}
		wantMAC := ""
		if len(a.HardwareAddr) > 0 {
			wantMAC = a.HardwareAddr.String()
		}
		if g.Name != a.Name || g.MAC != wantMAC {
			t.Errorf("link %d: got %s %s, want %s %s", a.Index, g.Name, g.MAC, a.Name, wantMAC)
		}
	}
	if compared == 0 || got[1].Name != "lo" || got[1].Kind != "loopback" {
		t.Errorf("compared %d links; link 1 = %+v, want lo", compared, got[1])
	}
}

func TestLinksErrors(t *testing.T) {
	requireRoot(t)
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	gone := cmd.Process.Pid
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name      string
		ctx       context.Context
		pid       int
		hostNetns string
		want      []string
	}{
		{name: "process exited", ctx: context.Background(), pid: gone, hostNetns: "/proc/self/ns/net",
			want: []string{fmt.Sprintf("links of pid %d", gone), fmt.Sprintf("/proc/%d/ns/net", gone), "exited"}},
		{name: "bad host namespace", ctx: context.Background(), pid: os.Getpid(), hostNetns: "/nonexistent/ns/net",
			want: []string{"host network namespace", "/nonexistent/ns/net"}},
		{name: "not a namespace", ctx: context.Background(), pid: os.Getpid(), hostNetns: "/proc/self/status",
			want: []string{"/proc/self/status is not a namespace link"}},
		{name: "another type of namespace", ctx: context.Background(), pid: os.Getpid(), hostNetns: "/proc/self/ns/uts",
			want: []string{"/proc/self/ns/uts is not a network namespace"}},
		{name: "canceled", ctx: canceled, pid: os.Getpid(), hostNetns: "/proc/self/ns/net",
			want: []string{"context canceled"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			links, err := Links(tc.ctx, "/proc", tc.pid, tc.hostNetns)
			if err == nil {
				t.Fatalf("got %+v, want an error", links)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}

// TestLinksWithoutPrivileges runs a helper as nobody: it may neither open root's namespace link
// nor enter even its own namespace, and each error must say what is needed.
func TestLinksWithoutPrivileges(t *testing.T) {
	requireRoot(t)
	dir, err := os.MkdirTemp("", "boxtop-netns-test-")
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
	bin := dir + "/netns.test"
	if err := os.WriteFile(bin, exe, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-test.run", "^TestHelperLinksAsNobody$", "-test.v")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "BOXTOP_HELPER_ROOT_PID="+strconv.Itoa(os.Getpid()))
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("helper: %v\n%s", err, out)
	}
	for _, want := range []string{
		fmt.Sprintf("root pid: links of pid %d: open /proc/%d/ns/net: permission denied (opening another user's namespace needs root or CAP_SYS_PTRACE", os.Getpid(), os.Getpid()),
		"own pid: links of pid ",
		"entering a network namespace needs root or CAP_SYS_ADMIN",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("helper output lacks %q:\n%s", want, out)
		}
	}
}

// TestHelperLinksAsNobody is the body of TestLinksWithoutPrivileges's helper.
func TestHelperLinksAsNobody(t *testing.T) {
	rootPid, err := strconv.Atoi(os.Getenv("BOXTOP_HELPER_ROOT_PID"))
	if err != nil {
		t.Skip("helper of TestLinksWithoutPrivileges")
	}
	if _, err := Links(context.Background(), "/proc", rootPid, "/proc/self/ns/net"); err != nil {
		fmt.Println("root pid:", err)
	} else {
		t.Error("read root's links as nobody")
	}
	if _, err := Links(context.Background(), "/proc", os.Getpid(), "/proc/self/ns/net"); err != nil {
		fmt.Println("own pid:", err)
	} else {
		t.Error("entered a network namespace as nobody")
	}
}

// BenchmarkLinks measures one call for a namespace with lo and a bridged veth.
func BenchmarkLinks(b *testing.B) {
	requireRoot(b)
	suffix := randomSuffix(b)
	ns := addNetns(b, suffix)
	bridge, hostEnd, inner := "br-bxt"+suffix, "bxt"+suffix+"h", "bxt"+suffix+"c"
	run(b, "ip", "link", "add", bridge, "type", "bridge")
	cleanup(b, "ip", "link", "del", bridge)
	run(b, "ip", "link", "add", hostEnd, "type", "veth", "peer", "name", inner)
	cleanup(b, "ip", "link", "del", hostEnd)
	run(b, "ip", "link", "set", hostEnd, "master", bridge)
	run(b, "ip", "link", "set", inner, "netns", ns)
	pid := sleepIn(b, ns)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		links, err := Links(ctx, "/proc", pid, "/proc/self/ns/net")
		if err != nil || len(links) != 2 || links[1].HostPeer != hostEnd {
			b.Fatalf("%+v, %v", links, err)
		}
	}
}
