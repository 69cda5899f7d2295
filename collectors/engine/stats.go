package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/bits"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/boxtop/boxtop/collectors/snapshot"
	"github.com/moby/moby/client"
)

// Stats is one reading of a container through the engine's stats API (stream=false,
// one-shot=true): only for remote engines, where boxtop cannot read the cgroup files. Its fields
// mean what the cgroup reader's do, so that the sampler's rates work on either; a figure the
// answer does not carry is nil.
type Stats struct {
	CPU    *snapshot.CPU
	Memory *snapshot.Memory
	Pids   *snapshot.Pids
	IO     *snapshot.IO
	// Networks holds the counters of each interface of the container's network namespace.
	Networks map[string]NetCounters
	// Read is the engine's clock when it took the reading: the time to take rates against.
	Read time.Time
}

// NetCounters is one interface's cumulative counters, as the stats API names them.
type NetCounters struct {
	RxBytes   uint64 `json:"rx_bytes"`
	RxPackets uint64 `json:"rx_packets"`
	RxErrors  uint64 `json:"rx_errors"`
	RxDropped uint64 `json:"rx_dropped"`
	TxBytes   uint64 `json:"tx_bytes"`
	TxPackets uint64 `json:"tx_packets"`
	TxErrors  uint64 `json:"tx_errors"`
	TxDropped uint64 `json:"tx_dropped"`
}

// maxStatsAnswer bounds what one stats answer may hold: a few kilobytes in practice, more
// only with many CPUs or interfaces.
const maxStatsAnswer = 4 << 20

// unlimitedAbove is the cgroup reader's rule for a limit that means none: the kernel writes
// "no limit" as a page-rounded 2^63 or as max, both above 2^62.
const unlimitedAbove = 1 << 62

// defaultCFSPeriod is the period the engine sets when a CPU quota is given without one, in
// microseconds.
const defaultCFSPeriod = 100000

// ErrNotRunning is why Stats has no reading of a container that is not running: the engine then
// answers with an empty reading stamped with the zero time.
var ErrNotRunning = errors.New("no reading: the container is not running")

// Stats takes one reading of a container, in one API call. CPU.LimitCores comes from the
// container's configuration in the inventory, which the stats answer does not carry, and a
// memory limit equal to the engine's host memory is no limit: that is how the engine reports an
// unlimited container. An error names the engine and the container; for a container the engine
// no longer knows it satisfies errdefs' IsNotFound, for a stopped one errors.Is(err,
// ErrNotRunning).
func (w *Watcher) Stats(ctx context.Context, id string) (Stats, error) {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return Stats{}, fmt.Errorf("%s at %s: stats %s: %w", w.ep.Runtime, w.ep.Host, id, errClosed)
	}
	w.stats.Add(1)
	defer w.stats.Done()
	engineName := w.st.engine.Name
	hostMemory := w.st.engine.MemoryBytes
	info, known := w.st.containers[id]
	w.mu.Unlock()

	fail := func(err error) (Stats, error) {
		return Stats{}, fmt.Errorf("%s at %s: %w", engineName, w.ep.Host, stepError{"stats " + id, plainCause(err, w.opts.requestTimeout)})
	}
	rctx, cancel := context.WithTimeout(ctx, w.opts.requestTimeout)
	defer cancel()
	stop := context.AfterFunc(w.life, cancel)
	defer stop()
	res, err := w.api.ContainerStats(rctx, id, client.ContainerStatsOptions{})
	if err != nil {
		return fail(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, maxStatsAnswer+1))
	if err != nil {
		return fail(err)
	}
	if len(data) > maxStatsAnswer {
		return fail(fmt.Errorf("answer larger than %d bytes", maxStatsAnswer))
	}
	s, err := parseStats(data, hostMemory)
	if err != nil {
		return fail(err)
	}
	if s.CPU != nil && known {
		if cores, ok := configuredCores(info); ok {
			s.CPU.LimitCores = &cores
		}
	}
	return s, nil
}

// StatsEach takes a reading of every container in ids, several at a time (as many as a relist
// inspects at once). An engine answers a one-shot request at its next collection, which Docker
// makes once a second, so the calls of one tick must wait together rather than in turn: a tick
// of many containers then costs about one collection. Readings and errors are in the order of
// ids.
func (w *Watcher) StatsEach(ctx context.Context, ids []string) ([]Stats, []error) {
	readings, errs := make([]Stats, len(ids)), make([]error, len(ids))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(w.opts.inspectWorkers, len(ids)) {
		wg.Go(func() {
			for i := range next {
				readings[i], errs[i] = w.Stats(ctx, ids[i])
			}
		})
	}
	for i := range ids {
		next <- i
	}
	close(next)
	wg.Wait()
	return readings, errs
}

// errClosed is the answer of a closed watcher.
var errClosed = errors.New("watcher closed")

// configuredCores is the CPU limit the engine set from --cpus (NanoCPUs) or --cpu-quota and
// --cpu-period: quota over period, as the cgroup reader computes it from the cgroup files.
func configuredCores(c ContainerInfo) (float64, bool) {
	if c.NanoCPUs > 0 {
		return float64(c.NanoCPUs) / 1e9, true
	}
	if c.CPUQuota > 0 {
		period := c.CPUPeriod
		if period <= 0 {
			period = defaultCFSPeriod
		}
		return float64(c.CPUQuota) / float64(period), true
	}
	return 0, false
}

// statsAnswer is the part of the stats JSON boxtop reads. Pointers tell an absent object or key
// (unknown) from a zero (none): engines and cgroup versions leave different parts out.
type statsAnswer struct {
	Read     time.Time `json:"read"`
	CPUStats *struct {
		CPUUsage *struct {
			TotalUsage *uint64 `json:"total_usage"`
		} `json:"cpu_usage"`
		ThrottlingData *struct {
			Periods          *uint64 `json:"periods"`
			ThrottledPeriods *uint64 `json:"throttled_periods"`
			ThrottledTime    *uint64 `json:"throttled_time"`
		} `json:"throttling_data"`
	} `json:"cpu_stats"`
	MemoryStats *struct {
		Usage *uint64 `json:"usage"`
		// Stats is memory.stat as the engine copied it; only two keys are read, so the rest
		// may hold anything.
		Stats map[string]json.RawMessage `json:"stats"`
		Limit *uint64                    `json:"limit"`
	} `json:"memory_stats"`
	PidsStats *struct {
		Current *uint64 `json:"current"`
		Limit   *uint64 `json:"limit"`
	} `json:"pids_stats"`
	BlkioStats *struct {
		IOServiceBytesRecursive []struct {
			Op    string `json:"op"`
			Value uint64 `json:"value"`
		} `json:"io_service_bytes_recursive"`
	} `json:"blkio_stats"`
	Networks map[string]NetCounters `json:"networks"`
}

// parseStats maps one stats answer. hostMemory is the engine's host memory (0 when unknown): the
// limit the engine reports for a container without one.
func parseStats(data []byte, hostMemory uint64) (Stats, error) {
	var a statsAnswer
	if err := json.Unmarshal(data, &a); err != nil {
		return Stats{}, fmt.Errorf("parse answer: %w", err)
	}
	if a.Read.Year() <= 1 {
		return Stats{}, ErrNotRunning
	}
	s := Stats{Read: a.Read, Networks: maps.Clone(a.Networks)}

	if c := a.CPUStats; c != nil && c.CPUUsage != nil && c.CPUUsage.TotalUsage != nil {
		s.CPU = &snapshot.CPU{UsageNanoseconds: *c.CPUUsage.TotalUsage}
		if t := c.ThrottlingData; t != nil {
			s.CPU.Periods = cloneUint(t.Periods)
			s.CPU.ThrottledPeriods = cloneUint(t.ThrottledPeriods)
			if t.ThrottledTime != nil {
				seconds := float64(*t.ThrottledTime) / 1e9
				s.CPU.ThrottledSeconds = &seconds
			}
		}
	}

	if m := a.MemoryStats; m != nil && m.Usage != nil {
		usage := *m.Usage
		s.Memory = &snapshot.Memory{UsageBytes: usage, WorkingSetBytes: usage}
		// v1 answers carry both keys, and the hierarchical total is what the cgroup reader
		// subtracts there; v2 answers carry inactive_file only.
		for _, key := range []string{"total_inactive_file", "inactive_file"} {
			raw, ok := m.Stats[key]
			if !ok {
				continue
			}
			inactive, err := strconv.ParseUint(string(raw), 10, 64)
			if err != nil {
				return Stats{}, fmt.Errorf("parse answer: memory_stats.stats.%s: %q is not a count", key, raw)
			}
			s.Memory.WorkingSetBytes = usage - min(inactive, usage)
			break
		}
		if m.Limit != nil && *m.Limit > 0 && *m.Limit <= unlimitedAbove && *m.Limit != hostMemory {
			s.Memory.LimitBytes = cloneUint(m.Limit)
		}
	}

	if p := a.PidsStats; p != nil && p.Current != nil {
		s.Pids = &snapshot.Pids{Current: *p.Current}
		if p.Limit != nil && *p.Limit > 0 && *p.Limit <= unlimitedAbove {
			s.Pids.Limit = cloneUint(p.Limit)
		}
	}

	if b := a.BlkioStats; b != nil && b.IOServiceBytesRecursive != nil {
		s.IO = &snapshot.IO{}
		for _, e := range b.IOServiceBytesRecursive {
			var sum *uint64
			switch strings.ToLower(e.Op) {
			case "read":
				sum = &s.IO.ReadBytes
			case "write":
				sum = &s.IO.WriteBytes
			default:
				continue // sync, async, discard and total count the same bytes again
			}
			total, carry := bits.Add64(*sum, e.Value, 0)
			if carry != 0 {
				return Stats{}, fmt.Errorf("parse answer: blkio_stats.io_service_bytes_recursive: %s bytes overflow 64 bits", e.Op)
			}
			*sum = total
		}
	}
	return s, nil
}

func cloneUint(p *uint64) *uint64 {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}
