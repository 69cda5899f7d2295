package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// procStat is the part of /proc/<pid>/stat the harness needs: who the process is (pid, comm,
// start time, so that a reused pid is not mistaken for the process it replaced), its parent (to
// follow a watcher's children) and the CPU time it has used, in clock ticks.
type procStat struct {
	PID       int
	Comm      string
	PPID      int
	UTime     uint64
	STime     uint64
	StartTime uint64
}

// procKey names one process over its whole life: a pid alone may be reused within a window.
type procKey struct {
	PID       int
	StartTime uint64
}

func (p procStat) key() procKey { return procKey{p.PID, p.StartTime} }

// parseStat reads one /proc/<pid>/stat line. The command name sits in parentheses and may itself
// hold spaces and parentheses ("(sd-pam)", "my (odd) name"), so it runs from the first '(' to
// the last ')'; the numbered fields follow it.
func parseStat(line []byte) (procStat, error) {
	var p procStat
	open := bytes.IndexByte(line, '(')
	close := bytes.LastIndexByte(line, ')')
	if open < 0 || close < open {
		return p, errors.New("no (comm) field")
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(line[:open])))
	if err != nil || pid <= 0 {
		return p, fmt.Errorf("bad pid %q", strings.TrimSpace(string(line[:open])))
	}
	p.PID = pid
	p.Comm = string(line[open+1 : close])
	// fields[0] is field 3 of proc(5) (state), so field k is fields[k-3].
	fields := strings.Fields(string(line[close+1:]))
	const (
		ppidField  = 4
		utimeField = 14
		stimeField = 15
		startField = 22
	)
	if len(fields) < startField-2 {
		return p, fmt.Errorf("%d fields after comm, want at least %d", len(fields), startField-2)
	}
	num := func(field int) (uint64, error) {
		v, err := strconv.ParseUint(fields[field-3], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("field %d: %w", field, err)
		}
		return v, nil
	}
	ppid, err := strconv.Atoi(fields[ppidField-3])
	if err != nil {
		return p, fmt.Errorf("field %d (ppid): %w", ppidField, err)
	}
	p.PPID = ppid
	if p.UTime, err = num(utimeField); err != nil {
		return p, err
	}
	if p.STime, err = num(stimeField); err != nil {
		return p, err
	}
	if p.StartTime, err = num(startField); err != nil {
		return p, err
	}
	return p, nil
}

// memStatus is what /proc/<pid>/status says about resident memory, in bytes: VmRSS now and VmHWM,
// the peak since the process started. A kernel thread has neither; ok says whether both were found.
type memStatus struct {
	RSS  int64
	Peak int64
}

// parseStatus reads VmRSS and VmHWM ("VmRSS:\t  1956 kB") out of /proc/<pid>/status.
func parseStatus(text []byte) (memStatus, bool, error) {
	var m memStatus
	var haveRSS, havePeak bool
	sc := bufio.NewScanner(bytes.NewReader(text))
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), ":")
		if !ok || (name != "VmRSS" && name != "VmHWM") {
			continue
		}
		f := strings.Fields(value)
		if len(f) != 2 || f[1] != "kB" {
			return m, false, fmt.Errorf("%s: want \"N kB\", got %q", name, strings.TrimSpace(value))
		}
		kb, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil || kb < 0 || kb > 1<<40 {
			return m, false, fmt.Errorf("%s: bad size %q", name, f[0])
		}
		if name == "VmRSS" {
			m.RSS, haveRSS = kb*1024, true
		} else {
			m.Peak, havePeak = kb*1024, true
		}
	}
	if err := sc.Err(); err != nil {
		return m, false, err
	}
	return m, haveRSS && havePeak, nil
}

// readProcs reads the stat file of every process under root (normally /proc). A process that
// exits between the listing and the read is skipped: that race is the normal life of /proc.
func readProcs(root string) ([]procStat, error) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", root, err)
	}
	var out []procStat
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		path := filepath.Join(root, e.Name(), "stat")
		b, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ESRCH) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		p, err := parseStat(b)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", path, err)
		}
		out = append(out, p)
	}
	return out, nil
}

// readMem reads VmRSS and VmHWM of one process.
func readMem(root string, pid int) (memStatus, error) {
	path := filepath.Join(root, strconv.Itoa(pid), "status")
	b, err := os.ReadFile(path)
	if err != nil {
		return memStatus{}, fmt.Errorf("read %s: %w", path, err)
	}
	m, ok, err := parseStatus(b)
	if err != nil {
		return m, fmt.Errorf("parse %s: %w", path, err)
	}
	if !ok {
		return m, fmt.Errorf("%s has no VmRSS and VmHWM (a kernel thread or a zombie?)", path)
	}
	return m, nil
}

// isDaemonStack says whether a process belongs to the container engine: dockerd, containerd and
// every shim (comm is cut at 15 bytes, so containerd-shim-runc-v2 shows as "containerd-shim").
func isDaemonStack(comm string) bool {
	return comm == "dockerd" || comm == "containerd" || strings.HasPrefix(comm, "containerd-shim")
}

// ticks is CPU time (utime+stime) per process at one moment.
type ticks map[procKey]uint64

// selectTicks keeps the processes that keep says yes to.
func selectTicks(procs []procStat, keep func(procStat) bool) ticks {
	t := ticks{}
	for _, p := range procs {
		if keep(p) {
			t[p.key()] = p.UTime + p.STime
		}
	}
	return t
}

// treeOf returns a filter for root and all its descendants in procs.
func treeOf(procs []procStat, root int) func(procStat) bool {
	children := map[int][]int{}
	for _, p := range procs {
		children[p.PPID] = append(children[p.PPID], p.PID)
	}
	in := map[int]bool{}
	stack := []int{root}
	for len(stack) > 0 {
		pid := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if in[pid] {
			continue
		}
		in[pid] = true
		stack = append(stack, children[pid]...)
	}
	return func(p procStat) bool { return in[p.PID] }
}

// usedBetween is the CPU time the processes spent between two readings. A process found only at
// the end started inside the window, so all its time counts; one found only at the start ended
// inside it, and the time it spent there is lost (its parent's cutime gets it, not ours).
func usedBetween(before, after ticks) uint64 {
	var sum uint64
	for k, v := range after {
		if b, ok := before[k]; ok {
			if v >= b {
				sum += v - b
			}
			continue
		}
		sum += v
	}
	return sum
}
