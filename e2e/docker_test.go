package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// spec is one container to start: a role that ends its name, docker run options, and the
// workload's arguments.
type spec struct {
	role     string
	options  []string
	workload []string
}

// container is a started container as `docker inspect` describes it.
type container struct {
	ID, Name string
	Pid      int
	// Ports maps "8080/tcp" to the host ports it is published on.
	Ports map[string][]string
}

// name is the container name of a role in this run: "e2e1a2b-web".
func name(role string) string { return env.names + "-" + role }

// start runs the containers in parallel and removes them when the test ends, whatever its
// outcome. A container that joins another's namespace needs that one from an earlier call.
func start(t testing.TB, specs ...spec) []container {
	t.Helper()
	out := make([]container, len(specs))
	errs := make([]error, len(specs))
	sem := make(chan struct{}, 4) // the daemon and the two cores set the pace, not the test
	var wg sync.WaitGroup
	for i, s := range specs {
		t.Cleanup(func() { remove(name(s.role)) })
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			out[i], errs[i] = run(s)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// run starts one container; it does not touch t, so that it can run off the test goroutine.
func run(s spec) (container, error) {
	args := []string{"run", "-d", "--name", name(s.role),
		"--label", labelRun + "=" + runIDPrefix + env.runID,
		"--label", labelPid + "=" + strconv.Itoa(os.Getpid())}
	args = append(args, s.options...)
	args = append(args, env.image)
	args = append(args, s.workload...)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if out, err := exec.CommandContext(ctx, "docker", args...).CombinedOutput(); err != nil {
		return container{}, fmt.Errorf("docker %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return inspect(ctx, name(s.role))
}

func inspect(ctx context.Context, ref string) (container, error) {
	out, err := exec.CommandContext(ctx, "docker", "inspect", ref).Output()
	if err != nil {
		return container{}, fmt.Errorf("docker inspect %s: %w", ref, err)
	}
	var got []struct {
		ID    string `json:"Id"`
		Name  string
		State struct {
			Pid     int
			Running bool
		}
		NetworkSettings struct {
			Ports map[string][]struct{ HostIP, HostPort string }
		}
	}
	if err := json.Unmarshal(out, &got); err != nil || len(got) != 1 {
		return container{}, fmt.Errorf("docker inspect %s: %d results, %v", ref, len(got), err)
	}
	c := container{ID: got[0].ID, Name: strings.TrimPrefix(got[0].Name, "/"), Pid: got[0].State.Pid,
		Ports: map[string][]string{}}
	if !got[0].State.Running || c.Pid <= 0 {
		return c, fmt.Errorf("docker inspect %s: not running (pid %d)", ref, c.Pid)
	}
	for port, bindings := range got[0].NetworkSettings.Ports {
		for _, b := range bindings {
			c.Ports[port] = append(c.Ports[port], b.HostPort)
		}
	}
	return c, nil
}

// remove force-removes a container by name; a container already gone is fine.
func remove(ref string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_ = exec.CommandContext(ctx, "docker", "rm", "-f", "-v", ref).Run()
}

// hostPeer finds the host side of a container's eth0 as the tests' own reading of the
// kernel: eth0's peer index (@ifNN, from ip inside the container's netns) is the index of a
// host link, whose name is the veth boxtop must show.
func hostPeer(t testing.TB, pid int) string {
	t.Helper()
	out, err := exec.Command("nsenter", "-t", strconv.Itoa(pid), "-n", "ip", "-o", "link", "show", "eth0").CombinedOutput()
	if err != nil {
		t.Fatalf("nsenter -t %d -n ip -o link show eth0: %v: %s", pid, err, out)
	}
	// "12: eth0@if13: <BROADCAST,...> ..."
	_, rest, ok := strings.Cut(strings.TrimSpace(string(out)), "@if")
	peer, _, ok2 := strings.Cut(rest, ":")
	if !ok || !ok2 {
		t.Fatalf("eth0 of pid %d has no peer index: %q", pid, out)
	}
	out, err = exec.Command("ip", "-o", "link").CombinedOutput()
	if err != nil {
		t.Fatalf("ip -o link: %v: %s", err, out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		index, rest, ok := strings.Cut(line, ": ")
		if !ok || index != peer {
			continue
		}
		link, _, _ := strings.Cut(rest, ":")
		link, _, _ = strings.Cut(link, "@")
		return link
	}
	t.Fatalf("no host link has index %s (eth0's peer in pid %d's netns)", peer, pid)
	return ""
}
