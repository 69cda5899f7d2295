package cgroups

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/boxtop/boxtop/collectors/snapshot"
)

// Reading is one reading of a container's cgroup. Rates (CPU.UsagePercent,
// CPU.PercentOfLimit, CPU.ThrottledPercent, IO.*PerSecond) are left nil: they need two
// readings and are computed by the caller. A nil group means its main value could not be read;
// why is in Errors unless the kernel simply does not provide it (then there is no error).
type Reading struct {
	CPU      *snapshot.CPU
	Memory   *snapshot.Memory
	Pids     *snapshot.Pids
	IO       *snapshot.IO
	Pressure *snapshot.Pressure
	// Errors names each file that could not be read or parsed and why, e.g.
	// "read /sys/fs/cgroup/memory/docker/<id>/memory.stat: permission denied".
	Errors []string
	// Gone is set when the cgroup directory itself has disappeared (the container exited);
	// the other fields are then empty and the caller should Close the handle. It stays set.
	Gone bool
}

// Handle keeps one container's cgroup files open between readings. A Handle is not safe for
// concurrent use; distinct Handles are independent.
type Handle struct {
	paths Paths
	// open opens a cgroup file; tests replace it to simulate kernfs failures.
	open func(path string) (fileReader, error)
	// reopen makes every read open, read and close the file (os.ReadFile): the baseline the
	// benchmarks compare kept-open reading against.
	reopen bool
	buf    []byte
	// watcher tells which setting files were written to; nil reads them every time.
	watcher *Watcher

	// dirPath is the directory watched for the cgroup's removal; dir is it, kept open.
	dirPath string
	dir     *os.File

	v2    v2Files
	v1    v1Files
	procs keptFile
	all   []*keptFile

	// cpuset is the last cpuset string, reused while the file's content is unchanged so that a
	// reading does not allocate a new string each time.
	cpuset string

	errs   []string
	gone   bool
	closed bool
}

type v2Files struct {
	cpuStat, cpuMax, cpuset                 keptFile
	memCurrent, memMax, memHigh, memSwap    keptFile
	memStat, memEvents                      keptFile
	pidsCurrent, pidsMax                    keptFile
	ioStat                                  keptFile
	cpuPressure, memoryPressure, ioPressure keptFile
}

type v1Files struct {
	cpuacctUsage, cpuStat, cfsQuota, cfsPeriod, cpuset  keptFile
	memUsage, memLimit, memStat, memswUsage, oomControl keptFile
	pidsCurrent, pidsMax                                keptFile
	blkioRecursive, blkio                               keptFile
}

// Open prepares a handle on the cgroup at p. It does no I/O: each file is opened on the first
// Read that needs it.
func Open(p Paths) *Handle { return OpenWatched(p, nil) }

// OpenWatched is Open with the setting files (limits) watched by w: they are read again only
// when written to, or after RecheckSettings.
func OpenWatched(p Paths, w *Watcher) *Handle {
	h := &Handle{paths: p, open: openFile, buf: make([]byte, 4096), watcher: w}
	set := func(k *keptFile, dir, name string) {
		if dir != "" {
			k.path = filepath.Join(dir, name)
		}
		h.all = append(h.all, k)
	}
	setting := func(k *keptFile, dir, name string) {
		set(k, dir, name)
		k.setting = true
	}
	switch p.Version {
	case 2:
		d, f := p.Unified, &h.v2
		h.dirPath = d
		set(&f.cpuStat, d, "cpu.stat")
		setting(&f.cpuMax, d, "cpu.max")
		set(&f.cpuset, d, "cpuset.cpus.effective")
		set(&f.memCurrent, d, "memory.current")
		setting(&f.memMax, d, "memory.max")
		setting(&f.memHigh, d, "memory.high")
		set(&f.memSwap, d, "memory.swap.current")
		set(&f.memStat, d, "memory.stat")
		set(&f.memEvents, d, "memory.events")
		set(&f.pidsCurrent, d, "pids.current")
		setting(&f.pidsMax, d, "pids.max")
		set(&f.ioStat, d, "io.stat")
		set(&f.cpuPressure, d, "cpu.pressure")
		set(&f.memoryPressure, d, "memory.pressure")
		set(&f.ioPressure, d, "io.pressure")
		set(&h.procs, d, "cgroup.procs")
		h.procs.multiRecord = true
	case 1:
		c, f := p.Controllers, &h.v1
		for _, name := range V1Controllers() {
			if c[name] != "" {
				h.dirPath = c[name]
				break
			}
		}
		set(&f.cpuacctUsage, c["cpuacct"], "cpuacct.usage")
		set(&f.cpuStat, c["cpu"], "cpu.stat")
		setting(&f.cfsQuota, c["cpu"], "cpu.cfs_quota_us")
		setting(&f.cfsPeriod, c["cpu"], "cpu.cfs_period_us")
		setting(&f.cpuset, c["cpuset"], "cpuset.cpus")
		set(&f.memUsage, c["memory"], "memory.usage_in_bytes")
		setting(&f.memLimit, c["memory"], "memory.limit_in_bytes")
		set(&f.memStat, c["memory"], "memory.stat")
		set(&f.memswUsage, c["memory"], "memory.memsw.usage_in_bytes")
		set(&f.oomControl, c["memory"], "memory.oom_control")
		set(&f.pidsCurrent, c["pids"], "pids.current")
		setting(&f.pidsMax, c["pids"], "pids.max")
		set(&f.blkioRecursive, c["blkio"], "blkio.throttle.io_service_bytes_recursive")
		set(&f.blkio, c["blkio"], "blkio.throttle.io_service_bytes")
		procsDir := c["pids"]
		if procsDir == "" {
			procsDir = c["memory"]
		}
		if procsDir == "" {
			procsDir = c["cpu"]
		}
		set(&h.procs, procsDir, "cgroup.procs")
		h.procs.multiRecord = true
	}
	return h
}

// RecheckSettings makes the next Read read every setting file again, watched or not.
func (h *Handle) RecheckSettings() {
	for _, k := range h.all {
		k.fresh = false
	}
}

// Paths returns where the handle reads from.
func (h *Handle) Paths() Paths { return h.paths }

// Read takes one reading of every field.
func (h *Handle) Read() Reading {
	if h.closed {
		return Reading{Errors: []string{fmt.Sprintf("read cgroup %s: handle closed", h.paths.Path)}}
	}
	if h.gone || h.dirRemoved() {
		h.gone = true
		return Reading{Gone: true}
	}
	h.errs = nil
	s := new(readingStore)
	switch h.paths.Version {
	case 2:
		h.readV2(s)
	case 1:
		h.readV1(s)
	default:
		return Reading{Errors: []string{fmt.Sprintf("read cgroup %s: unknown cgroup version %d", h.paths.Path, h.paths.Version)}}
	}
	if h.gone {
		h.errs = nil
		return Reading{Gone: true}
	}
	r := s.reading()
	r.Errors, h.errs = h.errs, nil
	return r
}

// dirRemoved reports whether the cgroup directory has been removed. On kernfs reads of a
// removed cgroup's files fail with ENODEV, which read notices; an ordinary directory (a
// fixture tree) keeps its open files readable, so its link count is checked as well.
func (h *Handle) dirRemoved() bool {
	if h.dirPath == "" {
		return false
	}
	if h.dir == nil {
		d, err := os.Open(h.dirPath)
		if err != nil {
			return errors.Is(err, fs.ErrNotExist)
		}
		h.dir = d
	}
	var st syscall.Stat_t
	if err := syscall.Fstat(int(h.dir.Fd()), &st); err != nil {
		return false
	}
	return st.Nlink == 0
}

// Procs lists the PIDs in the cgroup's cgroup.procs (v2: the unified directory; v1: the pids,
// memory or cpu controller's).
func (h *Handle) Procs() ([]int, error) {
	if h.closed {
		return nil, fmt.Errorf("read cgroup %s: handle closed", h.paths.Path)
	}
	if h.procs.path == "" {
		return nil, fmt.Errorf("cgroup %s: no controller directory holds cgroup.procs", h.paths.Path)
	}
	h.errs = nil
	data, ok := h.read(&h.procs)
	if !ok {
		errs := h.errs
		h.errs = nil
		if len(errs) > 0 {
			return nil, errors.New(errs[0])
		}
		return nil, fmt.Errorf("read %s: %w", h.procs.path, fs.ErrNotExist)
	}
	pids, err := ParseProcs(data)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", h.procs.path, err)
	}
	return pids, nil
}

// Close closes every kept file. The handle cannot be read afterwards.
func (h *Handle) Close() error {
	if h.closed {
		return nil
	}
	h.closed = true
	var errs []error
	for _, k := range h.all {
		h.watcher.unwatch(k)
		if err := k.close(); err != nil {
			errs = append(errs, err)
		}
	}
	if h.dir != nil {
		if err := h.dir.Close(); err != nil {
			errs = append(errs, err)
		}
		h.dir = nil
	}
	return errors.Join(errs...)
}

// readingStore holds every value of one Reading in a single allocation; the Reading's
// pointers point into it. A new store is made per Read, so earlier Readings never change.
type readingStore struct {
	cpu  snapshot.CPU
	mem  snapshot.Memory
	pids snapshot.Pids
	io   snapshot.IO
	psi  snapshot.Pressure

	hasCPU, hasMemory, hasPids, hasIO, hasPressure bool

	periods, throttledPeriods                 uint64
	memLimit, memHigh, swap                   uint64
	oomEvents, oomKills, pidsLimit            uint64
	limitCores, throttledSeconds, memPct      float64
	cpuSome, memSome, memFull, ioSome, ioFull float64
	cpuset                                    string
}

func (s *readingStore) reading() Reading {
	var r Reading
	if s.hasCPU {
		r.CPU = &s.cpu
	}
	if s.hasMemory {
		m := &s.mem
		if m.LimitBytes != nil && *m.LimitBytes > 0 {
			s.memPct = 100 * float64(m.WorkingSetBytes) / float64(*m.LimitBytes)
			m.PercentOfLimit = &s.memPct
		}
		r.Memory = m
	}
	if s.hasPids {
		r.Pids = &s.pids
	}
	if s.hasIO {
		r.IO = &s.io
	}
	if s.hasPressure {
		r.Pressure = &s.psi
	}
	return r
}

func (s *readingStore) setCPUSet(h *Handle, data []byte) {
	t := bytes.TrimSpace(data)
	if len(t) == 0 {
		return
	}
	if string(t) != h.cpuset {
		h.cpuset = string(t)
	}
	s.cpuset = h.cpuset
	s.cpu.Cpuset = &s.cpuset
}

// workingSet is usage minus inactive file cache, never below 0.
func workingSet(usage, inactiveFile uint64) uint64 {
	if inactiveFile > usage {
		return 0
	}
	return usage - inactiveFile
}
