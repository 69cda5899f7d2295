package integration

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/boxtop/boxtop/collectors/snapshot"
)

// ipLink is one line of `ip -o link show`: the link's index, name, its peer's index (the
// @ifNN of a veth) and the bridge it is enslaved to.
type ipLink struct {
	index, peerIndex int
	name, master     string
}

var ipLinkLine = regexp.MustCompile(`^(\d+): ([^:@ ]+)(?:@if(\d+))?:`)

func showLink(t *testing.T, netnsPid int, name string) ipLink {
	t.Helper()
	args := []string{"ip", "-o", "link", "show", name}
	if netnsPid > 0 {
		args = append([]string{"nsenter", "-t", strconv.Itoa(netnsPid), "-n"}, args...)
	}
	out, err := exec.Command(args[0], args[1:]...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v: %s", strings.Join(args, " "), err, out)
	}
	line := strings.TrimSpace(string(out))
	m := ipLinkLine.FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("%s: cannot parse %q", strings.Join(args, " "), line)
	}
	l := ipLink{name: m[2]}
	l.index, _ = strconv.Atoi(m[1])
	l.peerIndex, _ = strconv.Atoi(m[3])
	if i := strings.Index(line, " master "); i >= 0 {
		l.master = strings.Fields(line[i+len(" master "):])[0]
	}
	return l
}

func findInterface(n *snapshot.Network, name string) *snapshot.Interface {
	if n == nil {
		return nil
	}
	for i := range n.Interfaces {
		if n.Interfaces[i].Name == name {
			return &n.Interfaces[i]
		}
	}
	return nil
}

// echoThrough sends size bytes through the container's echo listener at addr and reads them back,
// retrying while the listener comes up behind the published port.
func echoThrough(t *testing.T, addr string, size int) {
	t.Helper()
	payload := bytes.Repeat([]byte("boxtop"), size/6+1)[:size]
	deadline := time.Now().Add(15 * time.Second)
	var lastErr error
	for time.Now().Before(deadline) {
		lastErr = func() error {
			conn, err := net.DialTimeout("tcp", addr, 2*time.Second)
			if err != nil {
				return err
			}
			defer conn.Close()
			_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
			go func() { _, _ = conn.Write(payload) }()
			back := make([]byte, size)
			if _, err := io.ReadFull(conn, back); err != nil {
				return err
			}
			if !bytes.Equal(back, payload) {
				return fmt.Errorf("echo returned different bytes")
			}
			return nil
		}()
		if lastErr == nil {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("echo %d bytes through %s: %v", size, addr, lastErr)
}

// A bridge container with a published port: its eth0 address and MAC are inspect's, its
// host-side veth exists and is eth0's peer, the port is the one docker assigned, and traffic
// sent through it shows in the counters and rates as /proc/<pid>/net/dev counts it.
func testBridgeNetwork(t *testing.T) {
	c := start(t, spec{name: "web", options: []string{"-p", "127.0.0.1:0:8080"}, workload: []string{"-listen", "8080"}})
	bridge, ok := c.Inspect.NetworkSettings.Networks["bridge"]
	if !ok || bridge.IPAddress == "" {
		t.Fatalf("setup: inspect shows no bridge address: %+v", c.Inspect.NetworkSettings.Networks)
	}
	bindings := c.Inspect.NetworkSettings.Ports["8080/tcp"]
	if len(bindings) != 1 || bindings[0].HostIP != "127.0.0.1" {
		t.Fatalf("setup: inspect's 8080/tcp bindings %+v, want one on 127.0.0.1", bindings)
	}
	hostPort, err := strconv.Atoi(bindings[0].HostPort)
	if err != nil || hostPort == 0 {
		t.Fatalf("setup: host port %q", bindings[0].HostPort)
	}
	addr := fmt.Sprintf("%s/%d", bridge.IPAddress, bridge.IPPrefixLen)

	col := newCollector(t)
	s1 := sampleUntil(t, col, 20*time.Second, nil, func(s snapshot.Snapshot) error {
		if err := running(c.ID)(s); err != nil {
			return err
		}
		if findInterface(find(s, c.ID).Network, "eth0") == nil {
			return fmt.Errorf("no eth0 in %+v", find(s, c.ID).Network)
		}
		return nil
	})
	got := mustFind(t, s1, c)
	eth0 := findInterface(got.Network, "eth0")
	if got.Network.Mode != "bridge" {
		t.Errorf("mode = %q, want bridge", got.Network.Mode)
	}
	if !contains(eth0.Addresses, addr) {
		t.Errorf("eth0 addresses %v, want inspect's %s", eth0.Addresses, addr)
	}
	if eth0.MAC != bridge.MacAddress {
		t.Errorf("eth0 mac %q, want inspect's %q", eth0.MAC, bridge.MacAddress)
	}
	inside := showLink(t, c.Pid, "eth0")
	if eth0.HostPeer == nil {
		t.Errorf("eth0 host_peer is null, want the host-side veth (ifindex %d)", inside.peerIndex)
	} else {
		peer := showLink(t, 0, *eth0.HostPeer) // fails the test when it does not exist on the host
		if peer.index != inside.peerIndex || peer.peerIndex != inside.index {
			t.Errorf("host_peer %s is ifindex %d (peer @if%d), want eth0's peer ifindex %d (eth0 is %d)",
				*eth0.HostPeer, peer.index, peer.peerIndex, inside.peerIndex, inside.index)
		}
		if eth0.Bridge != nil && *eth0.Bridge != peer.master {
			t.Errorf("bridge = %q, want the peer's master %q", *eth0.Bridge, peer.master)
		}
	}
	wantPort := snapshot.Port{ContainerPort: 8080, Protocol: "tcp", HostIP: "127.0.0.1", HostPort: uint16(hostPort)}
	found := false
	for _, p := range got.Network.Ports {
		found = found || p == wantPort
	}
	if !found {
		t.Errorf("ports %+v, want %+v", got.Network.Ports, wantPort)
	}
	var member *snapshot.NetworkMembership
	for i := range got.Networks {
		if got.Networks[i].Name == "bridge" {
			member = &got.Networks[i]
		}
	}
	if member == nil {
		t.Errorf("networks %+v, want the bridge network", got.Networks)
	} else {
		if member.ID != bridge.NetworkID || member.IPAddress != addr || member.Gateway != bridge.Gateway {
			t.Errorf("bridge membership %+v, want id %s ip %s gateway %s", member, bridge.NetworkID, addr, bridge.Gateway)
		}
		if !contains(member.Containers, c.Name) || !equalStrings(member.Containers, sortedCopy(member.Containers)) {
			t.Errorf("bridge containers %v, want a sorted list including %s", member.Containers, c.Name)
		}
	}

	// Traffic: 256 KiB each way through the published port.
	const size = 256 << 10
	echoThrough(t, fmt.Sprintf("127.0.0.1:%d", hostPort), size)
	s2 := sample(t, col)
	after := netDev(t, c.Pid)["eth0"]
	eth0b := findInterface(mustFind(t, s2, c).Network, "eth0")
	if eth0b == nil {
		t.Fatal("eth0 gone from the second reading")
	}
	if eth0b.RxBytes-eth0.RxBytes < size || eth0b.TxBytes-eth0.TxBytes < size {
		t.Errorf("eth0 rx %d -> %d, tx %d -> %d: want both to grow by the %d bytes echoed",
			eth0.RxBytes, eth0b.RxBytes, eth0.TxBytes, eth0b.TxBytes, size)
	}
	between(t, "eth0 rx_bytes", eth0b.RxBytes, eth0.RxBytes, after[0])
	between(t, "eth0 tx_bytes", eth0b.TxBytes, eth0.TxBytes, after[8])
	wantRate := float64(eth0b.RxBytes-eth0.RxBytes) / s2.IntervalSeconds
	if eth0b.RxBytesPerSecond == nil || !approx(*eth0b.RxBytesPerSecond, wantRate, wantRate*0.01+1) {
		t.Errorf("eth0 rx_bytes_per_second = %v, want Δrx / interval = %.0f", deref(eth0b.RxBytesPerSecond), wantRate)
	}
	if eth0b.TxBytesPerSecond == nil || *eth0b.TxBytesPerSecond <= 0 {
		t.Errorf("eth0 tx_bytes_per_second = %v, want > 0 after the echo", deref(eth0b.TxBytesPerSecond))
	}
}

// --network none leaves only the loopback, with no host peer.
func testNetworkNone(t *testing.T) {
	c := start(t, spec{name: "nonet", options: []string{"--network", "none"}})
	col := newCollector(t)
	s := sampleUntil(t, col, 20*time.Second, nil, func(s snapshot.Snapshot) error {
		if err := running(c.ID)(s); err != nil {
			return err
		}
		if n := find(s, c.ID).Network; n == nil || len(n.Interfaces) == 0 {
			return fmt.Errorf("network %+v: want the loopback at least", n)
		}
		return nil
	})
	n := mustFind(t, s, c).Network
	if n.Mode != "none" {
		t.Errorf("mode = %q, want none", n.Mode)
	}
	var names []string
	for _, i := range n.Interfaces {
		names = append(names, i.Name)
		if i.HostPeer != nil {
			t.Errorf("%s host_peer = %q, want null", i.Name, *i.HostPeer)
		}
	}
	if !equalStrings(names, []string{"lo"}) {
		t.Errorf("interfaces %v, want only lo", names)
	}
	if dev := netDev(t, c.Pid); len(dev) != 1 || dev["lo"] == nil {
		t.Errorf("setup: /proc/%d/net/dev lists %v, want only lo", c.Pid, dev)
	}
	if len(n.Ports) != 0 {
		t.Errorf("ports %+v, want none", n.Ports)
	}
}
