package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// spec is one container a test starts: docker run options and the workload's arguments.
type spec struct {
	name     string   // short name; the container is called bxt-<run id>-<name>
	options  []string // docker run options, e.g. "--memory", "32m"
	workload []string // the workload's arguments, e.g. "-burn", "1"
}

// container is one started container with what `docker inspect` said right after the start.
type container struct {
	ID      string
	Name    string
	Pid     int
	Inspect inspect
}

// inspect is the part of `docker inspect` the tests compare boxtop against. It is decoded from
// the CLI's output on purpose: the oracle must not share code with the collector under test.
type inspect struct {
	ID    string `json:"Id"`
	Name  string `json:"Name"`
	State struct {
		Status     string `json:"Status"`
		Running    bool   `json:"Running"`
		Pid        int    `json:"Pid"`
		OOMKilled  bool   `json:"OOMKilled"`
		StartedAt  string `json:"StartedAt"`
		Restarting bool   `json:"Restarting"`
	} `json:"State"`
	AppArmorProfile string `json:"AppArmorProfile"`
	HostConfig      struct {
		Memory         int64    `json:"Memory"`
		NanoCpus       int64    `json:"NanoCpus"`
		CPUQuota       int64    `json:"CpuQuota"`
		CPUPeriod      int64    `json:"CpuPeriod"`
		PidsLimit      *int64   `json:"PidsLimit"`
		NetworkMode    string   `json:"NetworkMode"`
		IpcMode        string   `json:"IpcMode"`
		PidMode        string   `json:"PidMode"`
		Privileged     bool     `json:"Privileged"`
		ReadonlyRootfs bool     `json:"ReadonlyRootfs"`
		SecurityOpt    []string `json:"SecurityOpt"`
		CapAdd         []string `json:"CapAdd"`
		CapDrop        []string `json:"CapDrop"`
		UsernsMode     string   `json:"UsernsMode"`
	} `json:"HostConfig"`
	NetworkSettings struct {
		Ports    map[string][]struct{ HostIP, HostPort string } `json:"Ports"`
		Networks map[string]struct {
			NetworkID   string `json:"NetworkID"`
			IPAddress   string `json:"IPAddress"`
			IPPrefixLen int    `json:"IPPrefixLen"`
			Gateway     string `json:"Gateway"`
			MacAddress  string `json:"MacAddress"`
		} `json:"Networks"`
	} `json:"NetworkSettings"`
}

// labelUnsafe matches what a label value built from a test name should not carry.
var labelUnsafe = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

// testLabel turns a test name into a label value docker accepts and filters on exactly.
func testLabel(t *testing.T) string {
	return env.runID + "/" + labelUnsafe.ReplaceAllString(t.Name(), "_")
}

// removeWhenDone removes the test's containers by label when the test ends, passed or failed.
func removeWhenDone(t *testing.T) {
	label := testLabel(t)
	if _, loaded := env.cleanups.LoadOrStore(label, true); loaded {
		return
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := removeByLabel(ctx, labelTest+"="+label); err != nil {
			t.Errorf("remove the test's containers: %v", err)
		}
	})
}

// start runs one container detached and returns it inspected. The container is labelled with
// the run and the test, and removed when the test ends even if it fails.
func start(t *testing.T, s spec) container {
	t.Helper()
	removeWhenDone(t)
	c, err := startErr(testLabel(t), s)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// startAll starts independent containers in parallel and returns them in the order given.
func startAll(t *testing.T, specs ...spec) []container {
	t.Helper()
	removeWhenDone(t)
	label := testLabel(t)
	out := make([]container, len(specs))
	errs := make([]error, len(specs))
	var wg sync.WaitGroup
	for i, s := range specs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i], errs[i] = startErr(label, s)
		}()
	}
	wg.Wait()
	failed := false
	for _, err := range errs {
		if err != nil {
			t.Error(err)
			failed = true
		}
	}
	if failed {
		t.FailNow()
	}
	return out
}

// startErr runs the container, labelled with the run and the test label; it does not touch t so
// that it can run off the test goroutine.
func startErr(label string, s spec) (container, error) {
	name := fmt.Sprintf("bxt-%s-%s", env.runID, s.name)
	args := []string{"run", "-d", "--name", name,
		"--label", labelRun + "=" + env.runID, "--label", labelTest + "=" + label}
	args = append(args, s.options...)
	args = append(args, env.image)
	args = append(args, s.workload...)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "docker", args...).CombinedOutput()
	if err != nil {
		return container{}, fmt.Errorf("docker %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	fields := strings.Fields(string(out))
	if len(fields) == 0 {
		return container{}, fmt.Errorf("docker run %s printed no id", name)
	}
	in, err := inspectErr(fields[len(fields)-1])
	if err != nil {
		return container{}, err
	}
	if !in.State.Running || in.State.Pid <= 0 {
		return container{}, fmt.Errorf("container %s is not running right after docker run: %+v", name, in.State)
	}
	return container{ID: in.ID, Name: strings.TrimPrefix(in.Name, "/"), Pid: in.State.Pid, Inspect: in}, nil
}

func dockerInspect(t *testing.T, id string) inspect {
	t.Helper()
	in, err := inspectErr(id)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

func inspectErr(id string) (inspect, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "docker", "inspect", "--type", "container", id).Output()
	if err != nil {
		return inspect{}, fmt.Errorf("docker inspect %s: %v", id, err)
	}
	var list []inspect
	if err := json.Unmarshal(out, &list); err != nil || len(list) != 1 {
		return inspect{}, fmt.Errorf("docker inspect %s: %d results, %v", id, len(list), err)
	}
	return list[0], nil
}

// runningTestContainers lists the ids of this run's running containers.
func runningTestContainers(t *testing.T) map[string]bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "docker", "ps", "-q", "--no-trunc",
		"--filter", "label="+labelRun+"="+env.runID, "--filter", "status=running").Output()
	if err != nil {
		t.Fatalf("docker ps: %v", err)
	}
	ids := map[string]bool{}
	for _, id := range strings.Fields(string(out)) {
		ids[id] = true
	}
	return ids
}
