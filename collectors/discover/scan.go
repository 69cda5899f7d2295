package discover

import (
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
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
	return NewScanner(procRoot).Scan(ctx)
}

// fullScanEvery is how many scans a Scanner makes between two that read every process again.
const fullScanEvery = 12

// Scanner scans /proc again and again for a fraction of what a full scan costs. A process is
// known by its pid together with the inode number of its /proc/<pid> directory, which procfs
// gives each process anew, so a pid reused by another process counts as new. A known process's
// cgroup file is read again only
//   - on the scan after the one that first saw it outside a container, because a runtime moves
//     a process it starts into the container's cgroup just after forking it;
//   - and on every fullScanEvery-th scan, which catches any later move.
//
// Everything else comes from what the earlier scans read: with nothing started, a scan lists
// /proc and reads no file. A Scanner is not safe for concurrent use.
type Scanner struct {
	root  string
	procs map[int]*seenProc
	// inits holds the init pid chosen for each container, kept while that process lives.
	inits  map[containerKey]initChoice
	scans  int
	dirbuf []byte
	s      scanner
}

type seenProc struct {
	ino         uint64
	found       Found // valid when inContainer
	inContainer bool
	reads       int // scans that read its cgroup file
	listed      int // the last scan that listed it
}

type initChoice struct {
	pid int
	ino uint64
}

// NewScanner returns a Scanner of procRoot whose first scan reads every process.
func NewScanner(procRoot string) *Scanner {
	return &Scanner{
		root:  procRoot,
		procs: map[int]*seenProc{},
		inits: map[containerKey]initChoice{},
		s:     scanner{root: procRoot, buf: make([]byte, 4096)},
	}
}

// Scan lists /proc and returns the containers its processes are in, as the package's Scan does.
func (sc *Scanner) Scan(ctx context.Context) ([]Found, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	entries, err := sc.listPids()
	if err != nil {
		return nil, err
	}
	full := sc.scans%fullScanEvery == 0
	sc.scans++
	sc.s.comms = nil
	byKey := make(map[containerKey]*group)
	var order []*group
	var known, failed int
	var firstErr error
	for i, e := range entries {
		if i%ctxCheckEvery == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		p := sc.procs[e.pid]
		if p == nil || p.ino != e.ino {
			p = &seenProc{ino: e.ino}
			sc.procs[e.pid] = p
		}
		p.listed = sc.scans
		if p.reads == 0 || full || (!p.inContainer && p.reads < 2) {
			data, err := sc.s.read(strconv.Itoa(e.pid), "cgroup")
			if err != nil {
				delete(sc.procs, e.pid)
				if !isGone(err) {
					failed++
					if firstErr == nil {
						firstErr = err
					}
				}
				continue
			}
			p.reads++
			p.found, p.inContainer = classifyProcCgroup(data)
		}
		known++
		if !p.inContainer {
			continue
		}
		key := containerKey{p.found.Runtime, p.found.ID}
		g := byKey[key]
		if g == nil {
			g = &group{found: p.found, lowest: e.pid}
			byKey[key] = g
			order = append(order, g)
		} else if e.pid < g.lowest {
			// Keep what the lowest pid shows, so the result does not depend on the order the
			// directory was listed in.
			g.lowest, g.found = e.pid, p.found
		}
		g.pids = append(g.pids, e.pid)
	}
	for pid, p := range sc.procs {
		if p.listed != sc.scans {
			delete(sc.procs, pid)
		}
	}
	if known == 0 && failed > 0 {
		return nil, fmt.Errorf("no cgroup file under %s could be read (%d failed): %w", sc.root, failed, firstErr)
	}
	out := make([]Found, 0, len(order))
	inits := make(map[containerKey]initChoice, len(order))
	for _, g := range order {
		slices.Sort(g.pids)
		f := g.found
		f.Pids = g.pids
		key := containerKey{f.Runtime, f.ID}
		f.InitPid = sc.initPid(key, g.pids)
		if p := sc.procs[f.InitPid]; p != nil {
			inits[key] = initChoice{pid: f.InitPid, ino: p.ino}
		}
		out = append(out, f)
	}
	sc.inits = inits
	slices.SortFunc(out, func(a, b Found) int {
		return cmp.Or(cmp.Compare(a.Runtime, b.Runtime), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}

// initPid is the init chosen before while that process lives and is still a member, else a new
// choice.
func (sc *Scanner) initPid(key containerKey, pids []int) int {
	if prev, ok := sc.inits[key]; ok {
		if p := sc.procs[prev.pid]; p != nil && p.ino == prev.ino {
			if _, member := slices.BinarySearch(pids, prev.pid); member {
				return prev.pid
			}
		}
	}
	return sc.s.initPid(pids)
}

type containerKey struct{ runtime, id string }

type group struct {
	found  Found
	lowest int
	pids   []int
}

type pidEntry struct {
	pid int
	ino uint64
}

// listPids returns the numeric entries of the root with their inode numbers, read straight from
// the directory records (os.File's listing drops the inode).
func (sc *Scanner) listPids() ([]pidEntry, error) {
	fd, err := unix.Open(sc.root, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: sc.root, Err: err}
	}
	defer unix.Close(fd)
	if sc.dirbuf == nil {
		sc.dirbuf = make([]byte, 32<<10)
	}
	var out []pidEntry
	for {
		n, err := unix.Getdents(fd, sc.dirbuf)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", sc.root, err)
		}
		if n <= 0 {
			return out, nil
		}
		out = appendPidEntries(out, sc.dirbuf[:n])
	}
}

// appendPidEntries parses linux_dirent64 records (inode u64, offset s64, record length u16,
// type u8, NUL-terminated name) and appends those whose name is a positive number.
func appendPidEntries(out []pidEntry, buf []byte) []pidEntry {
	for len(buf) >= 19 {
		reclen := int(binary.NativeEndian.Uint16(buf[16:18]))
		if reclen < 19 || reclen > len(buf) {
			return out
		}
		name := buf[19:reclen]
		if i := bytes.IndexByte(name, 0); i >= 0 {
			name = name[:i]
		}
		if len(name) > 0 && name[0] >= '1' && name[0] <= '9' && allDigits(name) {
			if pid, err := strconv.Atoi(string(name)); err == nil {
				out = append(out, pidEntry{pid: pid, ino: binary.NativeEndian.Uint64(buf[0:8])})
			}
		}
		buf = buf[reclen:]
	}
	return out
}

// scanner reads /proc files into one reused buffer; what it returns is valid until the next read.
// It opens them with plain system calls: os.Open would also register each with the runtime's
// poller, tripling the system calls of a scan.
type scanner struct {
	root string
	buf  []byte
	// comms caches the comm of each pid looked at while choosing init pids.
	comms map[int]string
}

func (s *scanner) read(pid, file string) ([]byte, error) {
	path := s.root + "/" + pid + "/" + file
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	defer unix.Close(fd)
	n := 0
	for {
		if n == len(s.buf) {
			if len(s.buf) >= maxProcFile {
				return nil, fmt.Errorf("read %s: larger than %d bytes", path, maxProcFile)
			}
			s.buf = append(s.buf, make([]byte, len(s.buf))...)
		}
		m, err := unix.Read(fd, s.buf[n:])
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if m < 0 {
			m = 0
		}
		if err == nil && m == 0 {
			err = io.EOF
		}
		if err != nil && err != io.EOF {
			err = &fs.PathError{Op: "read", Path: path, Err: err}
		}
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
