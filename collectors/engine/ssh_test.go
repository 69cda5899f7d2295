package engine

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer collects a child's output while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startSSHD runs a private sshd on 127.0.0.1 that lets root in with a key made for the test, and
// returns its port and the client's key. Its host key, authorized key and config live in the
// test's temporary directory; the system's sshd and its config are left alone.
func startSSHD(t *testing.T) (port int, clientKey string) {
	t.Helper()
	sshd := "/usr/sbin/sshd"
	if path, err := exec.LookPath("sshd"); err == nil {
		sshd = path
	}
	if _, err := os.Stat(sshd); err != nil {
		t.Skipf("no sshd (apt-get install openssh-server): %v", err)
	}
	if _, err := exec.LookPath("ssh"); err != nil {
		t.Skipf("no ssh client: %v", err)
	}
	if os.Geteuid() != 0 {
		t.Skip("an sshd of one's own needs root")
	}
	dir := t.TempDir()
	hostKey, clientKey := filepath.Join(dir, "host_key"), filepath.Join(dir, "client_key")
	for _, key := range []string{hostKey, clientKey} {
		if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key).CombinedOutput(); err != nil {
			t.Fatalf("ssh-keygen: %v\n%s", err, out)
		}
	}
	pub, err := os.ReadFile(clientKey + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	authorized := filepath.Join(dir, "authorized_keys")
	if err := os.WriteFile(authorized, pub, 0o600); err != nil {
		t.Fatal(err)
	}
	// sshd insists on its privilege separation directory, which a host without a running sshd
	// may lack.
	if _, err := os.Stat("/run/sshd"); os.IsNotExist(err) {
		if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
			t.Skipf("no /run/sshd for sshd: %v", err)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port = ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	config := filepath.Join(dir, "sshd_config")
	conf := fmt.Sprintf(`Port %d
ListenAddress 127.0.0.1
HostKey %s
AuthorizedKeysFile %s
PidFile none
UsePAM no
StrictModes no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AllowTcpForwarding no
X11Forwarding no
PrintMotd no
LogLevel VERBOSE
`, port, hostKey, authorized)
	if err := os.WriteFile(config, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(sshd, "-t", "-f", config).CombinedOutput(); err != nil {
		t.Fatalf("sshd -t: %v\n%s", err, out)
	}
	var log lockedBuffer
	cmd := exec.Command(sshd, "-D", "-e", "-f", config)
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("sshd's log:\n%s", log.String())
		}
	})
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err == nil {
			c.Close()
			return port, clientKey
		}
		select {
		case <-exited:
			t.Fatalf("sshd exited: %s", log.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("sshd does not listen on %d: %v\n%s", port, err, log.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// sshChildren lists the pids of this process's children running ssh, reaped or not: a zombie
// still shows.
func sshChildren(t *testing.T) []int {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	self := os.Getpid()
	var out []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		data, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...
		open, close := bytes.IndexByte(data, '('), bytes.LastIndexByte(data, ')')
		if open < 0 || close < open {
			continue
		}
		fields := strings.Fields(string(data[close+1:]))
		if len(fields) < 2 || string(data[open+1:close]) != "ssh" {
			continue
		}
		if ppid, _ := strconv.Atoi(fields[1]); ppid == self {
			out = append(out, pid)
		}
	}
	return out
}

func ids(inv Inventory) []string {
	out := make([]string, 0, len(inv.Containers))
	for _, c := range inv.Containers {
		out = append(out, c.ID)
	}
	slices.Sort(out)
	return out
}

// TestSSHEndpoint watches this machine's daemon twice, through its socket and as
// ssh://root@127.0.0.1:PORT through a private sshd, where `docker system dial-stdio` carries the
// API: both must list the same containers, Stats must work over ssh, and Close must leave no ssh
// process behind.
func TestSSHEndpoint(t *testing.T) {
	if testing.Short() {
		t.Skip("ssh end-to-end test skipped with -short")
	}
	checkLeaks(t)
	port, key := startSSHD(t)
	requireDocker(t)
	removeTestContainers(t)
	t.Cleanup(func() { removeTestContainers(t) })
	image := importSleeper(t)
	name := fmt.Sprintf("boxtop-engine-ssh-%d", time.Now().UnixNano())
	id := docker(t, "run", "-d", "--label", liveLabel, "--name", name, "--memory", "64m", "--cpus", "0.5", "--pids-limit", "20", image)

	eps, err := DiscoverEndpoints("", func(k string) string {
		return map[string]string{"DOCKER_HOST": fmt.Sprintf("ssh://root@127.0.0.1:%d", port)}[k]
	}, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(eps) != 1 || !eps[0].Remote || eps[0].Source != "DOCKER_HOST" {
		t.Fatalf("endpoints %+v", eps)
	}
	remote, err := NewWatcher(eps[0], WithSSHOptions(
		"-F", "/dev/null", "-i", key, "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
		"-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR"))
	if err != nil {
		t.Fatal(err)
	}
	closed := false
	t.Cleanup(func() {
		if !closed {
			remote.Close()
		}
	})
	local := newTestWatcher(t, liveHost)
	local.Start(context.Background())

	began := time.Now()
	remote.Start(context.Background())
	inv := remote.Inventory()
	t.Logf("first sync over ssh of %d containers took %v", len(inv.Containers), time.Since(began))
	if !inv.Reachable {
		t.Fatalf("not reachable over ssh: %v", inv.Err)
	}
	if inv.Engine.Name != "docker" || inv.Engine.Version != local.Inventory().Engine.Version || inv.Engine.MemoryBytes == 0 {
		t.Errorf("engine over ssh %+v, locally %+v", inv.Engine, local.Inventory().Engine)
	}
	if n := len(sshChildren(t)); n == 0 {
		t.Error("no ssh process carries the connection")
	}

	// Other tests may be starting and removing containers meanwhile: both watchers follow the
	// events, so they agree once the engine is quiet for a moment.
	deadline := time.Now().Add(20 * time.Second)
	for {
		r, l := ids(remote.Inventory()), ids(local.Inventory())
		if slices.Equal(r, l) && slices.Contains(r, id) {
			t.Logf("both list the same %d containers", len(r))
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("over ssh %d containers %v\nlocally %d %v", len(r), r, len(l), l)
		}
		select {
		case <-remote.Changed():
		case <-local.Changed():
		case <-time.After(50 * time.Millisecond):
		}
	}

	// Two ticks of every running container, as a collector of a remote engine would take them.
	var running []string
	for _, c := range remote.Inventory().Containers {
		if c.State == "running" {
			running = append(running, c.ID)
		}
	}
	var stats Stats
	for tick := range 2 {
		began = time.Now()
		readings, errs := remote.StatsEach(context.Background(), running)
		t.Logf("tick %d: stats of %d running containers over ssh took %v; %d ssh processes", tick, len(running), time.Since(began), len(sshChildren(t)))
		i := slices.Index(running, id)
		if i < 0 {
			t.Fatalf("%s is not among the running containers %v", id, running)
		}
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		stats = readings[i]
	}
	if n := len(sshChildren(t)); n > sshIdleConns+1 {
		t.Errorf("%d ssh processes after two ticks: connections are not reused", n)
	}
	if stats.CPU == nil || stats.CPU.LimitCores == nil || *stats.CPU.LimitCores != 0.5 || stats.CPU.Periods == nil {
		t.Errorf("CPU %+v", stats.CPU)
	}
	if stats.Memory == nil || stats.Memory.LimitBytes == nil || *stats.Memory.LimitBytes != 64<<20 || stats.Memory.UsageBytes == 0 {
		t.Errorf("memory %+v", stats.Memory)
	}
	if stats.Pids == nil || stats.Pids.Current == 0 || stats.Pids.Limit == nil || *stats.Pids.Limit != 20 {
		t.Errorf("pids %+v", stats.Pids)
	}
	if _, ok := stats.Networks["eth0"]; !ok || time.Since(stats.Read) > time.Minute || stats.IO == nil {
		t.Errorf("networks %v, IO %+v, read at %v", stats.Networks, stats.IO, stats.Read)
	}

	began = time.Now()
	if err := remote.Close(); err != nil {
		t.Fatal(err)
	}
	closed = true
	t.Logf("Close over ssh took %v", time.Since(began))
	for deadline := time.Now().Add(5 * time.Second); ; {
		left := sshChildren(t)
		if len(left) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("ssh processes %v are left after Close", left)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
