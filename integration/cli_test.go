package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// runBoxtop runs the built binary, optionally as another user through setpriv, and returns its
// stdout, stderr and exit code.
func runBoxtop(t *testing.T, asNobody bool, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	if env.boxtop == "" {
		t.Fatalf("the boxtop binary did not build: %v", env.buildErr)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	argv := append([]string{env.boxtop}, args...)
	if asNobody {
		argv = append([]string{"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"}, argv...)
	}
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatalf("%s: %v", strings.Join(argv, " "), err)
	}
	if strings.Contains(errOut.String(), "panic:") || strings.Contains(errOut.String(), "goroutine ") {
		t.Fatalf("%s panicked (exit %d):\n%s", strings.Join(argv, " "), code, errOut.String())
	}
	return out.String(), errOut.String(), code
}

// decodeDocument parses the JSON document both raw (to see nulls as nulls) and typed.
func decodeDocument(t *testing.T, stdout string) map[string]any {
	t.Helper()
	var doc map[string]any
	dec := json.NewDecoder(strings.NewReader(stdout))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("stdout is not one JSON document: %v\n%.2000s", err, stdout)
	}
	return doc
}

// path walks a decoded document: path(doc, "memory", "limit_bytes").
func path(v any, keys ...string) (any, bool) {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[k]; !ok {
			return nil, false
		}
	}
	return v, true
}

// checkNumbers fails on any number the contract forbids: negatives and v1's "unlimited" sentinel
// (anything at or above 2^62) must be null instead.
func checkNumbers(t *testing.T, where string, v any) {
	t.Helper()
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			checkNumbers(t, where+"."+k, x)
		}
	case []any:
		for i, x := range v {
			checkNumbers(t, fmt.Sprintf("%s[%d]", where, i), x)
		}
	case json.Number:
		f, err := v.Float64()
		if err != nil || f < 0 || f >= 1<<62 {
			t.Errorf("%s = %s: want null for unlimited or unknown, never a sentinel", where, v)
		}
	}
}

// `boxtop snapshot --json` prints a boxtop.snapshot/v1 document listing every running test
// container with its id; unlimited values are null in the raw JSON, limits are the ones set.
func testSnapshotCommand(t *testing.T) {
	cs := startAll(t,
		spec{name: "cli-unlimited"},
		spec{name: "cli-limited", options: []string{"--memory", "48m", "--cpus", "0.5", "--pids-limit", "30"}})
	unlimited, limited := cs[0], cs[1]

	before := runningTestContainers(t)
	stdout, stderr, code := runBoxtop(t, false, "snapshot", "--json", "--interval", "1s")
	after := runningTestContainers(t)
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	doc := decodeDocument(t, stdout)
	if doc["schema"] != "boxtop.snapshot/v1" {
		t.Errorf("schema = %v, want boxtop.snapshot/v1", doc["schema"])
	}
	if iv, _ := doc["interval_seconds"].(json.Number).Float64(); iv < 0.9 || iv > 5 {
		t.Errorf("interval_seconds = %v, want about 1", doc["interval_seconds"])
	}
	if r, _ := path(doc, "runtimes"); len(r.([]any)) == 0 || r.([]any)[0].(map[string]any)["reachable"] != true {
		t.Errorf("runtimes = %v, want the engine reachable", r)
	}
	checkNumbers(t, "$", doc)

	listed := map[string]map[string]any{}
	list, _ := doc["containers"].([]any)
	for _, x := range list {
		c := x.(map[string]any)
		id, _ := c["id"].(string)
		if listed[id] != nil {
			t.Errorf("container %s listed twice", id)
		}
		listed[id] = c
	}
	for id := range before {
		if after[id] && listed[id] == nil {
			t.Errorf("test container %.12s ran throughout but is not in the document", id)
		}
	}

	u := listed[unlimited.ID]
	if u == nil {
		t.Fatalf("%s is not listed", unlimited.Name)
	}
	for _, p := range [][]string{
		{"cpu", "limit_cores"}, {"cpu", "percent_of_limit"}, {"memory", "limit_bytes"},
		{"memory", "percent_of_limit"}, {"pids", "limit"},
	} {
		v, ok := path(u, p...)
		if !ok || v != nil {
			t.Errorf("unlimited container: %s = %v (present %v), want null", strings.Join(p, "."), v, ok)
		}
	}
	if v, _ := path(u, "cpu", "usage_percent"); v == nil {
		t.Errorf("unlimited container: cpu.usage_percent is null, want a rate over the interval")
	}

	l := listed[limited.ID]
	if l == nil {
		t.Fatalf("%s is not listed", limited.Name)
	}
	for _, want := range []struct {
		path  []string
		value string
	}{
		{[]string{"cpu", "limit_cores"}, "0.5"},
		{[]string{"memory", "limit_bytes"}, fmt.Sprint(limited.Inspect.HostConfig.Memory)},
		{[]string{"pids", "limit"}, "30"},
		{[]string{"name"}, limited.Name},
		{[]string{"state"}, "running"},
		{[]string{"pid"}, fmt.Sprint(limited.Pid)},
	} {
		v, _ := path(l, want.path...)
		if fmt.Sprint(v) != want.value {
			t.Errorf("limited container: %s = %v, want %s", strings.Join(want.path, "."), v, want.value)
		}
	}
	// The snapshot command reads every container's processes.
	procs, _ := l["processes"].([]any)
	if len(procs) == 0 || fmt.Sprint(procs[0].(map[string]any)["ns_pid"]) != "1" {
		t.Errorf("limited container: processes %v, want init with ns_pid 1", procs)
	}
}

// Run as nobody, the binary cannot reach the socket nor read other users' namespace links: it
// still prints the document, says why the engine is unreachable, and does not panic.
func testUnprivileged(t *testing.T) {
	if _, err := exec.LookPath("setpriv"); err != nil {
		t.Skip("setpriv is not installed (util-linux)")
	}
	stdout, stderr, code := runBoxtop(t, true, "snapshot", "--json", "--interval", "200ms")
	// cmd/boxtop: 0 when the document printed (an unreachable engine is reported in it and on
	// stderr), 1 when it failed, 2 for a usage error.
	if code != 0 {
		t.Fatalf("exit %d, want 0 with the document printed; stderr:\n%s", code, stderr)
	}
	doc := decodeDocument(t, stdout)
	rts, _ := doc["runtimes"].([]any)
	if len(rts) == 0 {
		t.Fatalf("no runtimes in %.1000s", stdout)
	}
	rt := rts[0].(map[string]any)
	msg, _ := rt["error"].(string)
	if rt["reachable"] != false || !strings.Contains(msg, "docker.sock") || !strings.Contains(msg, "permission denied") {
		t.Errorf("runtimes[0] = %v, want unreachable with an error naming the socket and permission denied", rt)
	}
	if !strings.Contains(stderr, "permission denied") {
		t.Errorf("stderr does not say why the engine is unreachable:\n%s", stderr)
	}
	host, _ := doc["host"].(map[string]any)
	for _, k := range []string{"hostname", "kernel", "cpus", "memory_bytes", "cgroup_version"} {
		if v := host[k]; v == nil || v == "" || fmt.Sprint(v) == "0" {
			t.Errorf("host.%s = %v, want it read without privileges", k, v)
		}
	}
	checkNumbers(t, "$", doc)
}
