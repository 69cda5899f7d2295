package integration

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/boxtop/boxtop/collectors"
	"github.com/boxtop/boxtop/collectors/snapshot"
)

// newCollector connects a Collector to the default engine and closes it when the test ends.
func newCollector(t *testing.T) *collectors.Collector {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := collectors.New(ctx, collectors.Options{})
	if err != nil {
		t.Fatalf("collectors.New: %v", err)
	}
	t.Cleanup(func() {
		if err := c.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return c
}

func sample(t *testing.T, c *collectors.Collector, processesFor ...string) snapshot.Snapshot {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return c.Sample(ctx, processesFor)
}

// sampleUntil samples every 200 ms until ready accepts the snapshot, and fails the test with
// ready's last complaint when it has not after timeout.
func sampleUntil(t *testing.T, c *collectors.Collector, timeout time.Duration, processesFor []string,
	ready func(snapshot.Snapshot) error) snapshot.Snapshot {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		s := sample(t, c, processesFor...)
		err := ready(s)
		if err == nil {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %v", timeout, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// running accepts a snapshot that lists every container running, with a pid.
func running(ids ...string) func(snapshot.Snapshot) error {
	return func(s snapshot.Snapshot) error {
		for _, id := range ids {
			c := find(s, id)
			if c == nil {
				return fmt.Errorf("container %.12s is not in the snapshot (%d containers, runtimes %s)",
					id, len(s.Containers), describeRuntimes(s))
			}
			if !c.Running() {
				return fmt.Errorf("container %s is listed as %q, pid %v", c.Name, c.State, deref(c.Pid))
			}
		}
		return nil
	}
}

func find(s snapshot.Snapshot, id string) *snapshot.Container {
	for i := range s.Containers {
		if s.Containers[i].ID == id {
			return &s.Containers[i]
		}
	}
	return nil
}

// mustFind returns the container or fails the test.
func mustFind(t *testing.T, s snapshot.Snapshot, want container) *snapshot.Container {
	t.Helper()
	c := find(s, want.ID)
	if c == nil {
		t.Fatalf("container %s (%.12s) is not in the snapshot", want.Name, want.ID)
	}
	if len(c.Errors) > 0 {
		t.Logf("%s reports errors: %q", want.Name, c.Errors)
	}
	return c
}

func describeRuntimes(s snapshot.Snapshot) string {
	var parts []string
	for _, r := range s.Runtimes {
		parts = append(parts, fmt.Sprintf("%s %s reachable=%v error=%v", r.Name, r.Endpoint, r.Reachable, deref(r.Error)))
	}
	return "[" + strings.Join(parts, "; ") + "]"
}

// deref prints a pointer's value, or nil.
func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

func approx(a, b, tolerance float64) bool { return math.Abs(a-b) <= tolerance }

func sortedCopy(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
