package integration

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/boxtop/boxtop/internal/testimage"
)

// podmanSocket is where scripts/podman-up.sh serves Podman's Docker-compatible API.
const podmanSocket = "/run/podman/podman.sock"

// requirePodman skips without Podman's API, or fails when BOXTOP_REQUIRE_PODMAN=1 (as in CI).
func requirePodman(t *testing.T) {
	t.Helper()
	why := ""
	if _, err := exec.LookPath("podman"); err != nil {
		why = "the podman command is not installed"
	} else if _, err := os.Stat(podmanSocket); err != nil {
		why = fmt.Sprintf("no API socket at %s (make podman-up starts it)", podmanSocket)
	}
	if why == "" {
		return
	}
	if os.Getenv("BOXTOP_REQUIRE_PODMAN") == "1" {
		t.Fatalf("BOXTOP_REQUIRE_PODMAN=1 but %s", why)
	}
	t.Skip(why)
}

func podman(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "podman", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("podman %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// podmanImage imports the suite's workload root filesystem into Podman's store under the same
// tag as Docker's image; imported images have no PATH, so the entrypoint is absolute.
func podmanImage(t *testing.T) string {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := testimage.Import(ctx, "podman", env.rootfs, env.image); err != nil {
		t.Fatal(err)
	}
	return env.image
}

// TestPodmanBesideDocker: with both engines' sockets present, one snapshot lists a Podman
// container (its name, limits, libpod cgroup and namespaces, runtime "podman") next to a Docker
// one, each engine with its own runtime line.
func TestPodmanBesideDocker(t *testing.T) {
	requirePodman(t)
	image := podmanImage(t)
	label := labelRun + "=" + env.runID
	name := "bxt-" + env.runID + "-podman"
	t.Cleanup(func() { exec.Command("podman", "rm", "-f", "-t", "0", name).Run() })
	id := podman(t, "run", "-d", "--name", name, "--label", label, "--memory", "48m", "--cpus", "0.5", "--pids-limit", "40", image, "-sleep")
	id = id[strings.LastIndex(id, "\n")+1:]
	pid := podman(t, "inspect", "-f", "{{.State.Pid}}", id)
	docker := start(t, spec{name: "beside-podman", workload: []string{"-sleep"}})

	c := newCollector(t)
	s := sampleUntil(t, c, 20*time.Second, nil, running(id, docker.ID))
	var runtimes []string
	for _, rt := range s.Runtimes {
		runtimes = append(runtimes, rt.Name)
		if !rt.Reachable {
			t.Errorf("runtime %s at %s unreachable: %v", rt.Name, rt.Endpoint, deref(rt.Error))
		}
	}
	if strings.Join(runtimes, ",") != "docker,podman" {
		t.Errorf("runtimes = %v, want docker then podman", runtimes)
	}
	p := find(s, id)
	if p.Name != name || p.Runtime != "podman" || p.FoundWithoutEngine {
		t.Errorf("podman container: name %q runtime %q found-without-engine %v", p.Name, p.Runtime, p.FoundWithoutEngine)
	}
	if fmt.Sprint(*p.Pid) != pid {
		t.Errorf("pid %d, podman inspect says %s", *p.Pid, pid)
	}
	if p.CgroupPath == nil || !strings.Contains(*p.CgroupPath, "libpod-"+id) {
		t.Errorf("cgroup path %v, want one naming libpod-%s", deref(p.CgroupPath), id)
	}
	if p.Memory == nil || p.Memory.LimitBytes == nil || *p.Memory.LimitBytes != 48<<20 {
		t.Errorf("memory limit = %v, want 48 MiB", p.Memory)
	}
	if p.CPU == nil || p.CPU.LimitCores == nil || *p.CPU.LimitCores != 0.5 {
		t.Errorf("cpu limit = %v, want 0.5", p.CPU)
	}
	if p.Pids == nil || p.Pids.Limit == nil || *p.Pids.Limit != 40 {
		t.Errorf("pids = %+v, want limit 40", p.Pids)
	}
	for typ, want := range map[string]string{"net": "net", "pid": "pid", "mnt": "mnt"} {
		link, err := os.Readlink(fmt.Sprintf("/proc/%s/ns/%s", pid, want))
		if err != nil {
			t.Fatal(err)
		}
		ns, ok := p.Namespaces[typ]
		if !ok || fmt.Sprintf("%s:[%d]", want, ns.Inode) != link || ns.SharedWithHost {
			t.Errorf("%s namespace = %+v, /proc says %s (and a private one is not the host's)", typ, ns, link)
		}
	}
	if d := find(s, docker.ID); d == nil || d.Runtime != "docker" {
		t.Errorf("the docker container in the same snapshot: %+v", d)
	}
}
