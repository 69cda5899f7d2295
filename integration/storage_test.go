package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/boxtop/boxtop/collectors/snapshot"
)

// dockerCLI runs a docker command for the test and fails it on error.
func dockerCLI(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "docker", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("docker %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

func mountAt(c *snapshot.Container, destination string) *snapshot.Mount {
	for i := range c.Mounts {
		if c.Mounts[i].Destination == destination {
			return &c.Mounts[i]
		}
	}
	return nil
}

// TestMounts: a named volume shared by two containers, a read-only bind, a tmpfs, the engine's
// socket (sensitive), and a mount added after start with nsenter, which no engine knows of.
func TestMounts(t *testing.T) {
	volume := "bxt-" + env.runID + "-data"
	t.Cleanup(func() { exec.Command("docker", "volume", "rm", "-f", volume).Run() })
	dockerCLI(t, "volume", "create", "--label", labelRun+"="+env.runID, volume)
	hostDir := t.TempDir()
	cs := startAll(t,
		spec{name: "vol-a", options: []string{"-v", volume + ":/data", "-v", hostDir + ":/ro:ro", "--tmpfs", "/scratch",
			"-v", "/var/run/docker.sock:/var/run/docker.sock"}, workload: []string{"-sleep"}},
		spec{name: "vol-b", options: []string{"-v", volume + ":/shared"}, workload: []string{"-sleep"}},
	)
	a, b := cs[0], cs[1]
	// The kernel's truth beats the engine's list: mount a tmpfs inside a's namespace now.
	if out, err := exec.Command("nsenter", "-t", fmt.Sprint(a.Pid), "-m", "/bin/mount", "-t", "tmpfs", "bxt-extra", "/tmp").CombinedOutput(); err != nil {
		t.Fatalf("nsenter mount: %v: %s", err, out)
	}

	c := newCollector(t)
	s := sampleUntil(t, c, 10*time.Second, nil, func(s snapshot.Snapshot) error {
		if err := running(a.ID, b.ID)(s); err != nil {
			return err
		}
		if mountAt(find(s, a.ID), "/tmp") == nil {
			return fmt.Errorf("the nsenter mount at /tmp is not listed yet")
		}
		return nil
	})
	ga, gb := find(s, a.ID), find(s, b.ID)

	data, shared := mountAt(ga, "/data"), mountAt(gb, "/shared")
	if data == nil || shared == nil || data.Type != "volume" || data.VolumeName == nil || *data.VolumeName != volume {
		t.Fatalf("volume mounts: a %+v, b %+v", data, shared)
	}
	if strings.Join(data.SharedWith, ",") != b.Name || strings.Join(shared.SharedWith, ",") != a.Name {
		t.Errorf("shared_with: a's /data %v (want [%s]), b's /shared %v (want [%s])", data.SharedWith, b.Name, shared.SharedWith, a.Name)
	}
	if ro := mountAt(ga, "/ro"); ro == nil || ro.Type != "bind" || !ro.ReadOnly || ro.Source != hostDir || ro.Sensitive != nil || ro.NotInEngine {
		t.Errorf("read-only bind = %+v", ro)
	}
	if data.ReadOnly {
		t.Error("the volume is mounted read-write")
	}
	if tm := mountAt(ga, "/scratch"); tm == nil || tm.Type != "tmpfs" || tm.NotInEngine {
		t.Errorf("tmpfs = %+v", tm)
	}
	if sock := mountAt(ga, "/var/run/docker.sock"); sock == nil || sock.Sensitive == nil || *sock.Sensitive != "container engine socket" {
		t.Errorf("engine socket bind = %+v", sock)
	}
	if extra := mountAt(ga, "/tmp"); !extra.NotInEngine || extra.Type != "tmpfs" {
		t.Errorf("the mount added with nsenter = %+v, want a tmpfs marked not_in_engine", extra)
	}
	if len(gb.Mounts) != 1 {
		t.Errorf("b has one mount, got %+v", gb.Mounts)
	}

	// The root filesystem: overlay driver, its upper dir on the host, and a size on request.
	in := dockerInspectRaw(t, a.ID)
	if ga.Storage == nil || ga.Storage.Driver == nil || *ga.Storage.Driver != in.GraphDriver.Name ||
		ga.Storage.UpperDir == nil || *ga.Storage.UpperDir != in.GraphDriver.Data["UpperDir"] {
		t.Errorf("storage = %+v, inspect says %+v", ga.Storage, in.GraphDriver)
	}
	if ga.Storage.WritableLayerBytes != nil {
		t.Error("the writable layer is measured only on request")
	}
	size, err := c.MeasureWritableLayer(context.Background(), a.ID)
	if err != nil || size < 0 {
		t.Errorf("MeasureWritableLayer = %d, %v", size, err)
	}
	if _, err := os.Stat(*ga.Storage.UpperDir); err != nil {
		t.Errorf("upper dir: %v", err)
	}
}

type rawInspect struct {
	GraphDriver struct {
		Name string
		Data map[string]string
	}
}

func dockerInspectRaw(t *testing.T, id string) rawInspect {
	t.Helper()
	var out []rawInspect
	if err := json.Unmarshal([]byte(dockerCLI(t, "inspect", id)), &out); err != nil || len(out) != 1 {
		t.Fatalf("docker inspect %s: %v", id, err)
	}
	return out[0]
}

// TestNetworks: two containers on one user-defined network and one on another; the members of
// each network are exact, and --network none has no network at all.
func TestNetworks(t *testing.T) {
	front, back := "bxt-"+env.runID+"-front", "bxt-"+env.runID+"-back"
	for _, n := range []string{front, back} {
		n := n
		dockerCLI(t, "network", "create", "--label", labelRun+"="+env.runID, n)
		t.Cleanup(func() { exec.Command("docker", "network", "rm", n).Run() })
	}
	cs := startAll(t,
		spec{name: "net-web", options: []string{"--network", front}, workload: []string{"-sleep"}},
		spec{name: "net-api", options: []string{"--network", front}, workload: []string{"-sleep"}},
		spec{name: "net-db", options: []string{"--network", back}, workload: []string{"-sleep"}},
		spec{name: "net-none", options: []string{"--network", "none"}, workload: []string{"-sleep"}},
	)
	// Network removal must wait for the containers: remove them first.
	t.Cleanup(func() {
		for _, c := range cs {
			exec.Command("docker", "rm", "-f", c.ID).Run()
		}
	})
	c := newCollector(t)
	ids := []string{cs[0].ID, cs[1].ID, cs[2].ID, cs[3].ID}
	s := sampleUntil(t, c, 10*time.Second, nil, running(ids...))

	members := func(ct *snapshot.Container, network string) []string {
		for _, n := range ct.Networks {
			if n.Name == network {
				return n.Containers
			}
		}
		return nil
	}
	want := strings.Join(sortedCopy([]string{cs[0].Name, cs[1].Name}), ",")
	for _, ct := range []*snapshot.Container{find(s, cs[0].ID), find(s, cs[1].ID)} {
		if got := strings.Join(members(ct, front), ","); got != want {
			t.Errorf("%s on %s: members %s, want %s", ct.Name, front, got, want)
		}
		if len(ct.Networks) != 1 || ct.Networks[0].Driver != "bridge" || ct.Networks[0].IPAddress == "" {
			t.Errorf("%s networks = %+v", ct.Name, ct.Networks)
		}
	}
	if got := members(find(s, cs[2].ID), back); strings.Join(got, ",") != cs[2].Name {
		t.Errorf("%s alone on %s: members %v", cs[2].Name, back, got)
	}
	if none := find(s, cs[3].ID); len(none.Networks) != 0 || none.Network.Mode != "none" {
		t.Errorf("--network none: networks %+v, mode %q", none.Networks, none.Network.Mode)
	}
}
