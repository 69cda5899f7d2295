package engine

import (
	"archive/tar"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"
)

const (
	liveHost  = "unix:///var/run/docker.sock"
	liveLabel = "boxtop.test=engine"
)

// requireDocker skips the test when no daemon answers, unless BOXTOP_REQUIRE_DOCKER=1 (as in CI),
// where a missing daemon is a failure.
func requireDocker(t *testing.T) {
	t.Helper()
	required := os.Getenv("BOXTOP_REQUIRE_DOCKER") == "1"
	give := t.Skipf
	if required {
		give = t.Fatalf
	} else if testing.Short() {
		t.Skip("live daemon test skipped with -short")
	}
	if _, err := exec.LookPath("docker"); err != nil {
		give("no docker CLI: %v", err)
	}
	api, err := client.New(client.WithHost(liveHost))
	if err != nil {
		give("docker client: %v", err)
	}
	defer api.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if _, err := api.Ping(ctx, client.PingOptions{}); err != nil {
		give("no daemon at %s: %v", liveHost, err)
	}
}

func docker(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("docker", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("docker %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// removeTestContainers removes every container this test may have made, by label.
func removeTestContainers(t *testing.T) {
	ids, err := exec.Command("docker", "ps", "-aq", "--filter", "label="+liveLabel).Output()
	if err != nil {
		t.Logf("list test containers: %v", err)
		return
	}
	if fields := strings.Fields(string(ids)); len(fields) > 0 {
		if out, err := exec.Command("docker", append([]string{"rm", "-f"}, fields...)...).CombinedOutput(); err != nil {
			t.Logf("remove test containers: %v\n%s", err, out)
		}
	}
}

// importSleeper builds testdata/sleeper as a static binary and imports a one-file image of it:
// there is no registry to pull from.
func importSleeper(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "sleeper")
	goTool, err := exec.LookPath("go")
	if err != nil {
		goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	build := exec.Command(goTool, "build", "-o", bin, filepath.Join("testdata", "sleeper", "main.go"))
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the sleeper: %v\n%s", err, out)
	}
	tarPath := filepath.Join(dir, "rootfs.tar")
	if err := writeRootfs(tarPath, bin); err != nil {
		t.Fatal(err)
	}
	image := fmt.Sprintf("boxtop-engine-test:%d", time.Now().UnixNano())
	docker(t, "import", "-c", `CMD ["/sleeper"]`, tarPath, image)
	t.Cleanup(func() {
		if out, err := exec.Command("docker", "rmi", "-f", image).CombinedOutput(); err != nil {
			t.Logf("remove image %s: %v\n%s", image, err, out)
		}
	})
	return image
}

func writeRootfs(tarPath, bin string) error {
	data, err := os.ReadFile(bin)
	if err != nil {
		return err
	}
	f, err := os.Create(tarPath)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(f)
	if err := tw.WriteHeader(&tar.Header{Name: "sleeper", Mode: 0o755, Size: int64(len(data)), ModTime: time.Now()}); err != nil {
		f.Close()
		return err
	}
	if _, err := tw.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := tw.Close(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func TestLiveDocker(t *testing.T) {
	requireDocker(t)
	checkLeaks(t)
	removeTestContainers(t) // leftovers of a run that was killed
	t.Cleanup(func() { removeTestContainers(t) })
	image := importSleeper(t)

	w := newTestWatcher(t, liveHost)
	began := time.Now()
	w.Start(context.Background())
	inv := w.Inventory()
	t.Logf("first sync of %d containers took %v", len(inv.Containers), time.Since(began))
	if !inv.Reachable {
		t.Fatalf("the live daemon is not reachable: %v", inv.Err)
	}
	if want := docker(t, "version", "-f", "{{.Server.Version}}"); inv.Engine.Name != "docker" || inv.Engine.Version != want {
		t.Errorf("engine %+v, want docker %s", inv.Engine, want)
	}
	if want := docker(t, "info", "-f", "{{.CgroupDriver}}"); inv.Engine.CgroupDriver != want {
		t.Errorf("cgroup driver %q, want %q", inv.Engine.CgroupDriver, want)
	}

	name := fmt.Sprintf("boxtop-engine-%d", time.Now().UnixNano())
	id := docker(t, "run", "-d", "--label", liveLabel, "--name", name, "--memory", "64m", "--pids-limit", "20",
		"--cap-drop", "ALL", "--read-only", image)
	seen := waitFor(t, w, "the container's start", func(inv Inventory) bool {
		c, ok := find(inv, id)
		if !ok || c.State != "running" {
			return false
		}
		for _, e := range inv.Events {
			if e.ContainerID == id && e.Action == "start" {
				return true
			}
		}
		return false
	})
	c, _ := find(seen, id)
	if want := docker(t, "inspect", "-f", "{{.State.Pid}}", id); fmt.Sprint(c.Pid) != want {
		t.Errorf("pid %d, docker inspect says %s", c.Pid, want)
	}
	if c.Name != name || c.Image != image || c.Labels["boxtop.test"] != "engine" || c.NetworkMode != "bridge" {
		t.Errorf("name %q image %q labels %v network %q", c.Name, c.Image, c.Labels, c.NetworkMode)
	}
	if c.MemoryLimit != 64<<20 || c.PidsLimit != 20 || !c.Security.ReadOnlyRootfs || len(c.Security.CapDrop) != 1 || c.Security.CapDrop[0] != "ALL" {
		t.Errorf("limits and security: memory %d pids %d security %+v", c.MemoryLimit, c.PidsLimit, c.Security)
	}
	if len(c.Networks) != 1 || c.Networks[0].Name != "bridge" || c.Networks[0].IPAddress == "" {
		t.Errorf("networks %+v", c.Networks)
	}

	docker(t, "rm", "-f", id)
	removed := time.Now()
	deadline := time.After(time.Second)
	for {
		if _, ok := find(w.Inventory(), id); !ok {
			t.Logf("removed from the inventory %v after docker rm -f returned", time.Since(removed))
			break
		}
		select {
		case <-w.Changed():
		case <-deadline:
			t.Fatalf("still in the inventory a second after docker rm -f")
		}
	}
}
