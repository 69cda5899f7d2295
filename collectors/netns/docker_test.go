package netns

import (
	"archive/tar"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// requireDocker skips unless a Docker daemon answers; with BOXTOP_REQUIRE_DOCKER=1 (CI) a
// missing daemon fails the test instead.
func requireDocker(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("skipped in -short mode: needs a Docker daemon")
	}
	requireRoot(t)
	if out, err := exec.Command("docker", "info").CombinedOutput(); err != nil {
		if os.Getenv("BOXTOP_REQUIRE_DOCKER") == "1" {
			t.Fatalf("BOXTOP_REQUIRE_DOCKER=1 but docker info fails: %v\n%s", err, out)
		}
		t.Skipf("skipped: no Docker daemon answers (docker info: %v)", err)
	}
}

// goTool finds the go command that runs this test.
func goTool(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	if root := os.Getenv("GOROOT"); root != "" {
		return filepath.Join(root, "bin", "go")
	}
	t.Skip("skipped: no go command to build the sleeper image")
	return ""
}

// sleeperImage builds testdata/sleeper into a one-file image with docker import, since there is
// no registry to pull from, and removes the image at the end of the test.
func sleeperImage(t *testing.T, suffix string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "sleeper")
	build := exec.Command(goTool(t), "build", "-o", bin, "./testdata/sleeper/main.go")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build sleeper: %v\n%s", err, out)
	}
	exe, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	var rootfs bytes.Buffer
	tw := tar.NewWriter(&rootfs)
	if err := tw.WriteHeader(&tar.Header{Name: "sleeper", Mode: 0o755, Size: int64(len(exe)), ModTime: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if _, err := tw.Write(exe); err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	image := "boxtop-test-sleeper:" + suffix
	imp := exec.Command("docker", "import", "--change", `CMD ["/sleeper"]`, "-", image)
	imp.Stdin = &rootfs
	if out, err := imp.CombinedOutput(); err != nil {
		t.Fatalf("docker import: %v\n%s", err, out)
	}
	cleanup(t, "docker", "rmi", "-f", image)
	return image
}

// TestLinksDockerContainer checks Links against a real bridged container: its eth0 must lead to
// a veth that exists on the host and is enslaved to docker0.
func TestLinksDockerContainer(t *testing.T) {
	requireDocker(t)
	suffix := randomSuffix(t)
	image := sleeperImage(t, suffix)
	name := "boxtop-netns-test-" + suffix
	id := strings.TrimSpace(run(t, "docker", "run", "-d", "--label", "boxtop.test=1", "--name", name, "--network", "bridge", image))
	// Registered after the image's cleanup, so it runs first: the container goes, then the image.
	cleanup(t, "docker", "rm", "-f", id)

	inspect := strings.Fields(run(t, "docker", "inspect", "-f",
		"{{.State.Pid}} {{.NetworkSettings.IPAddress}}/{{.NetworkSettings.IPPrefixLen}} {{.NetworkSettings.MacAddress}}", id))
	if len(inspect) != 3 {
		t.Fatalf("docker inspect: %q", inspect)
	}
	pid, err := strconv.Atoi(inspect[0])
	if err != nil || pid <= 0 {
		t.Fatalf("container pid %q", inspect[0])
	}
	addr, mac := inspect[1], inspect[2]

	links, err := Links(testContext(t), "/proc", pid, "/proc/self/ns/net")
	if err != nil {
		t.Fatal(err)
	}
	eth0 := findLink(t, links, "eth0")
	t.Logf("eth0: %+v", eth0)
	if eth0.Kind != "veth" || eth0.MAC != mac || !slices.Contains(eth0.Addresses, addr) {
		t.Errorf("eth0 = %+v, want a veth with %s and %s (docker inspect)", eth0, mac, addr)
	}
	if eth0.HostPeer == "" {
		t.Fatal("eth0 has no host peer")
	}
	show := run(t, "ip", "-o", "link", "show", eth0.HostPeer)
	if !strings.Contains(show, "master docker0") {
		t.Errorf("ip link show %s: %s, want it enslaved to docker0", eth0.HostPeer, show)
	}
	if eth0.Bridge != "docker0" {
		t.Errorf("bridge = %q, want docker0", eth0.Bridge)
	}
}
