package discover

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
)

// maxProcFile bounds what one /proc file may take in the buffer; a cgroup file is a few hundred
// bytes, a status file under 2 KiB.
const maxProcFile = 1 << 20

// ctxCheckEvery is how many processes Scan reads between looks at its context.
const ctxCheckEvery = 128

// Scan walks <procRoot>/[0-9]*/cgroup once, classifies each process's cgroup and groups the
// processes per container, sorted by runtime then id. A process that exits mid-scan is skipped;
// files that cannot be read are only an error when no cgroup file could be read at all, since on
// a live host some processes are always out of reach and the rest still tell the story.
func Scan(ctx context.Context, procRoot string) ([]Found, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	names, err := listPids(procRoot)
	if err != nil {
		return nil, err
	}
	s := &scanner{root: procRoot, buf: make([]byte, 4096)}
	byKey := make(map[containerKey]*group)
	var order []*group
	var readOK, failed int
	var firstErr error
	for i, name := range names {
		if i%ctxCheckEvery == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		pid, err := strconv.Atoi(name)
		if err != nil || pid <= 0 {
			continue
		}
		data, err := s.read(name, "cgroup")
		if err != nil {
			if !isGone(err) {
				failed++
				if firstErr == nil {
					firstErr = err
				}
			}
			continue
		}
		readOK++
		f, ok := classifyProcCgroup(data)
		if !ok {
			continue
		}
		key := containerKey{f.Runtime, f.ID}
		g := byKey[key]
		if g == nil {
			g = &group{found: f, lowest: pid}
			byKey[key] = g
			order = append(order, g)
		} else if pid < g.lowest {
			// Keep what the lowest pid shows, so the result does not depend on the order the
			// directory was listed in.
			g.lowest, g.found = pid, f
		}
		g.pids = append(g.pids, pid)
	}
	if readOK == 0 && failed > 0 {
		return nil, fmt.Errorf("no cgroup file under %s could be read (%d failed): %w", procRoot, failed, firstErr)
	}
	out := make([]Found, 0, len(order))
	for _, g := range order {
		slices.Sort(g.pids)
		f := g.found
		f.Pids = g.pids
		f.InitPid = s.initPid(g.pids)
		out = append(out, f)
	}
	slices.SortFunc(out, func(a, b Found) int {
		return cmp.Or(cmp.Compare(a.Runtime, b.Runtime), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}

type containerKey struct{ runtime, id string }

type group struct {
	found  Found
	lowest int
	pids   []int
}

// listPids returns the names of the numeric entries of procRoot.
func listPids(procRoot string) ([]string, error) {
	d, err := os.Open(procRoot)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	names, err := d.Readdirnames(-1)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", procRoot, err)
	}
	pids := names[:0]
	for _, n := range names {
		if n != "" && n[0] >= '0' && n[0] <= '9' {
			pids = append(pids, n)
		}
	}
	return pids, nil
}

// scanner reads /proc files into one reused buffer; what it returns is valid until the next read.
type scanner struct {
	root string
	buf  []byte
	// comms caches the comm of each pid looked at while choosing init pids.
	comms map[int]string
}

func (s *scanner) read(pid, file string) ([]byte, error) {
	path := s.root + "/" + pid + "/" + file
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	n := 0
	for {
		if n == len(s.buf) {
			if len(s.buf) >= maxProcFile {
				return nil, fmt.Errorf("read %s: larger than %d bytes", path, maxProcFile)
			}
			s.buf = append(s.buf, make([]byte, len(s.buf))...)
		}
		m, err := f.Read(s.buf[n:])
		n += m
		// A read that leaves room in the buffer has the whole file: /proc/<pid>/{cgroup,comm,
		// status} are single-record seq files that hand out everything they have at once, as
		// regular files do. Not asking again for the EOF saves a quarter of the syscalls.
		if err == io.EOF || err == nil && n < len(s.buf) {
			return s.buf[:n], nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// isGone reports the errors of a process that exited between listing /proc and reading it.
func isGone(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ESRCH)
}

// comm returns the command name of pid; ok is false when it cannot be read (the process is gone).
func (s *scanner) comm(pid int) (string, bool) {
	if c, ok := s.comms[pid]; ok {
		return c, c != ""
	}
	if s.comms == nil {
		s.comms = make(map[int]string)
	}
	data, err := s.read(strconv.Itoa(pid), "comm")
	c := ""
	if err == nil {
		c = strings.TrimSuffix(string(data), "\n")
	}
	s.comms[pid] = c
	return c, c != ""
}

func (s *scanner) ppid(pid int) (int, bool) {
	data, err := s.read(strconv.Itoa(pid), "status")
	if err != nil {
		return 0, false
	}
	return parsePPid(data)
}

// initPid picks the container's pid 1 as the host sees it from the sorted pids of its cgroup:
// the lowest pid that is not a runtime helper and whose parent is not another member (a helper
// parent, like conmon or the shim, does not count). Walking up from the lowest pid and stopping
// at the first match gives the same answer as reading every member, for a few reads per container.
func (s *scanner) initPid(pids []int) int {
	for _, pid := range pids {
		comm, ok := s.comm(pid)
		if !ok || isRuntimeHelper(comm) {
			continue
		}
		ppid, ok := s.ppid(pid)
		if !ok {
			continue
		}
		if ppid == pid {
			return pid
		}
		if _, member := slices.BinarySearch(pids, ppid); !member {
			return pid
		}
		if pc, ok := s.comm(ppid); !ok || isRuntimeHelper(pc) {
			return pid
		}
	}
	return pids[0]
}
