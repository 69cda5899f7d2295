package collectors

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/boxtop/boxtop/collectors/discover"
	"github.com/boxtop/boxtop/collectors/engine"
	"github.com/boxtop/boxtop/collectors/snapshot"
)

// scanEvery is how often /proc is scanned for containers no engine lists. A scan lists /proc and
// reads the cgroup files of the processes started since the last one (and, now and then, of
// every process: see discover.Scanner), so it is not done per tick; a container found only by the scan that
// exits is dropped at once (its init pid is gone) and a new one waits for the next scan, or
// for an engine event, which triggers a scan too.
const scanEvery = 5 * time.Second

// scanState remembers the last scan.
type scanState struct {
	scanner    *discover.Scanner
	at         time.Time
	generation uint64
	found      []discover.Found
	err        error
}

// scanSoonest bounds how often engine events can bring a scan forward: a busy engine (a CI
// runner starting containers all the time) must not turn the scan into a per-tick cost.
const scanSoonest = time.Second

// scanIfDue scans /proc when the last scan is older than scanEvery, or older than scanSoonest
// and the engine's inventory changed since.
func (c *Collector) scanIfDue(ctx context.Context, now time.Time, generation uint64) {
	s := &c.scan
	if age := now.Sub(s.at); !s.at.IsZero() && (age < scanSoonest || (age < scanEvery && s.generation == generation)) {
		return
	}
	s.at, s.generation = now, generation
	if s.scanner == nil {
		s.scanner = discover.NewScanner(c.opts.ProcRoot)
	}
	s.found, s.err = s.scanner.Scan(ctx)
}

// foundOnly returns what the scan found that no engine listed, as inventory entries, in the
// scan's order, with what the path alone tells (runtime, pod).
func (c *Collector) foundOnly(listed map[string]bool) []foundContainer {
	var out []foundContainer
	for _, f := range c.scan.found {
		if listed[f.ID] || f.InitPid <= 0 {
			continue
		}
		if _, err := os.Stat(filepath.Join(c.opts.ProcRoot, strconv.Itoa(f.InitPid))); err != nil {
			continue // exited since the scan
		}
		out = append(out, foundContainer{
			info:  engine.ContainerInfo{ID: f.ID, Name: f.Name, State: "running", Pid: f.InitPid},
			found: f,
		})
	}
	return out
}

type foundContainer struct {
	info  engine.ContainerInfo
	found discover.Found
}

// markFound fills what a scanned container has instead of an engine's word.
func markFound(ct *snapshot.Container, f discover.Found) {
	ct.Runtime = f.Runtime
	ct.FoundWithoutEngine = true
	ct.Security = nil // no configuration to report: only the kernel's view
	ct.Network.Mode = ""
	if f.PodUID != "" {
		ct.Pod = &snapshot.Pod{UID: f.PodUID, QoSClass: f.QoSClass}
	}
}

func scanError(err error) string { return fmt.Sprintf("container scan of /proc: %v", err) }
