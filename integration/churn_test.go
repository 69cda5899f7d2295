package integration

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/boxtop/boxtop/collectors"
	"github.com/boxtop/boxtop/collectors/snapshot"
)

func openFDs(t *testing.T) int {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatalf("read /proc/self/fd: %v", err)
	}
	return len(entries) - 1 // the directory being read is one of them
}

// waitBelow polls until count() <= limit, for up to 10 s, and returns the last count.
func waitBelow(count func() int, limit int) int {
	n := count()
	for deadline := time.Now().Add(10 * time.Second); n > limit && time.Now().Before(deadline); n = count() {
		runtime.GC()
		time.Sleep(100 * time.Millisecond)
	}
	return n
}

// TestChurn creates and removes containers several times a second for 30 s while one Collector
// samples every 100 ms: nothing panics, every reading is consistent, the churned containers show
// up, and after Close the test process has the goroutines and file descriptors it started with.
// It runs after TestContainers, alone, so that its counts are its own.
func TestChurn(t *testing.T) {
	const (
		duration = 30 * time.Second
		workers  = 4
		slack    = 2
	)
	removeWhenDone(t)
	label := testLabel(t)
	runtime.GC()
	baseGoroutines, baseFDs := runtime.NumGoroutine(), openFDs(t)
	leakBaseline := goleak.IgnoreCurrent()

	newCtx, cancelNew := context.WithTimeout(context.Background(), 30*time.Second)
	col, err := collectors.New(newCtx, collectors.Options{})
	cancelNew()
	if err != nil {
		t.Fatalf("collectors.New: %v", err)
	}
	closed := false
	defer func() {
		if !closed {
			col.Close()
		}
	}()
	first := sample(t, col)
	if len(first.Runtimes) == 0 || !first.Runtimes[0].Reachable {
		t.Fatalf("engine unreachable at the start: %s", describeRuntimes(first))
	}
	steadyFDs := openFDs(t)

	ctx, stop := context.WithTimeout(context.Background(), duration)
	defer stop()
	var created, removed atomic.Int64
	var churnErrs sync.Map
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var previous string
			for i := 0; ctx.Err() == nil; i++ {
				// Half of them on the bridge (a veth to find), half with no network (faster).
				var options []string
				if i%2 == 1 {
					options = []string{"--network", "none"}
				}
				c, err := startErr(label, spec{name: fmt.Sprintf("churn-%d-%d", w, i), options: options, workload: []string{"-sleep"}})
				if err != nil {
					if ctx.Err() == nil {
						churnErrs.Store(err.Error(), true)
					}
					continue
				}
				created.Add(1)
				if previous != "" {
					if out, err := exec.Command("docker", "rm", "-f", previous).CombinedOutput(); err != nil {
						churnErrs.Store(fmt.Sprintf("docker rm -f: %v: %s", err, out), true)
					} else {
						removed.Add(1)
					}
				}
				previous = c.ID
			}
		}()
	}

	seen := map[string]bool{}
	samples := 0
	ticker := time.NewTicker(100 * time.Millisecond)
	defer ticker.Stop()
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case <-ticker.C:
		case <-col.Changed():
			continue // the next tick samples; this only proves the channel does not block the engine
		}
		s := sample(t, col)
		samples++
		if err := consistent(s); err != nil {
			t.Errorf("sample %d: %v", samples, err)
			break
		}
		for _, c := range s.Containers {
			if strings.HasPrefix(c.Name, fmt.Sprintf("bxt-%s-churn-", env.runID)) {
				seen[c.ID] = true
			}
		}
	}
	wg.Wait()
	churnErrs.Range(func(k, _ any) bool {
		t.Logf("churn: %v", k)
		return true
	})
	rmCtx, cancelRm := context.WithTimeout(context.Background(), time.Minute)
	defer cancelRm()
	if err := removeByLabel(rmCtx, labelTest+"="+label); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d samples, %d containers created, %d removed, %d seen by the collector",
		samples, created.Load(), removed.Load(), len(seen))
	if created.Load() < 30 {
		t.Errorf("only %d containers created in %v: the churn was too slow to test anything", created.Load(), duration)
	}
	if samples < 100 {
		t.Errorf("only %d samples in %v, want one every 100 ms or so", samples, duration)
	}
	if int64(len(seen)) < created.Load()/2 {
		t.Errorf("the collector saw %d of %d churned containers: its inventory lags the engine", len(seen), created.Load())
	}

	// With the churned containers gone, the collector holds no more than after its first reading.
	sampleUntil(t, col, 20*time.Second, nil, func(s snapshot.Snapshot) error {
		for _, c := range s.Containers {
			if c.Labels[labelTest] == label || seen[c.ID] {
				return fmt.Errorf("removed container %s still listed", c.Name)
			}
		}
		return nil
	})
	if n := waitBelow(func() int { return openFDs(t) }, steadyFDs+slack); n > steadyFDs+slack {
		t.Errorf("%d open files after the churn, %d after the first reading: handles of removed containers leak", n, steadyFDs)
	}

	t.Logf("goroutines %d before New; open files %d before New, %d after the first reading",
		baseGoroutines, baseFDs, steadyFDs)
	if err := col.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	closed = true
	if n := waitBelow(runtime.NumGoroutine, baseGoroutines+slack); n > baseGoroutines+slack {
		t.Errorf("%d goroutines after Close, %d before New", n, baseGoroutines)
	}
	if err := goleak.Find(leakBaseline); err != nil {
		t.Errorf("goroutines left after Close: %v", err)
	}
	if n := waitBelow(func() int { return openFDs(t) }, baseFDs+slack); n > baseFDs+slack {
		t.Errorf("%d open files after Close, %d before New", n, baseFDs)
	}
}

// consistent checks what must hold in any reading, however fast containers come and go.
func consistent(s snapshot.Snapshot) error {
	if s.Schema != snapshot.Schema {
		return fmt.Errorf("schema %q", s.Schema)
	}
	if len(s.Runtimes) == 0 || !s.Runtimes[0].Reachable {
		return fmt.Errorf("engine unreachable during churn: %s", describeRuntimes(s))
	}
	ids := map[string]bool{}
	for _, c := range s.Containers {
		if ids[c.ID] {
			return fmt.Errorf("container %s listed twice", c.ID)
		}
		ids[c.ID] = true
		if c.State == "running" && c.Pid == nil {
			return fmt.Errorf("container %s running without a pid", c.Name)
		}
		if c.CPU != nil && c.CPU.UsagePercent != nil && (*c.CPU.UsagePercent < 0 || *c.CPU.UsagePercent > 100*float64(runtime.NumCPU())+50) {
			return fmt.Errorf("container %s: cpu usage %v%% on %d cpus", c.Name, *c.CPU.UsagePercent, runtime.NumCPU())
		}
	}
	return nil
}
