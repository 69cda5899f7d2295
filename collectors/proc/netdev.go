package proc

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"sync"
)

// NetDevCounters are one interface's cumulative counters from /proc/<pid>/net/dev.
type NetDevCounters struct {
	RxBytes, RxPackets, RxErrors, RxDropped uint64
	TxBytes, TxPackets, TxErrors, TxDropped uint64
}

// ParseNetDev parses /proc/<pid>/net/dev: two header lines, then one line per interface, "name:"
// and 16 numbers (receive bytes packets errs drop fifo frame compressed multicast, then transmit
// bytes packets errs drop fifo colls carrier compressed). A large first number can touch the
// colon, so the name is cut at the colon, not at a space.
func ParseNetDev(data []byte) (map[string]NetDevCounters, error) {
	out := make(map[string]NetDevCounters)
	for lineNo := 1; len(data) > 0; lineNo++ {
		var line []byte
		line, data, _ = bytes.Cut(data, []byte{'\n'})
		if lineNo <= 2 {
			if !bytes.Contains(line, []byte{'|'}) {
				return nil, fmt.Errorf("net/dev line %d: not a header: %q", lineNo, line)
			}
			continue
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		name, rest, ok := bytes.Cut(line, []byte{':'})
		name = bytes.Trim(name, " ") // padding; a name itself may hold any byte but '/', ':' and ASCII space
		if !ok || len(name) == 0 {
			return nil, fmt.Errorf("net/dev line %d: no interface name: %q", lineNo, line)
		}
		fields := bytes.Fields(rest)
		if len(fields) < 16 {
			return nil, fmt.Errorf("net/dev line %d: %d counters, want 16: %q", lineNo, len(fields), line)
		}
		var v [16]uint64
		for i := range v {
			n, err := strconv.ParseUint(string(fields[i]), 10, 64)
			if err != nil {
				return nil, fmt.Errorf("net/dev line %d: bad counter %q", lineNo, fields[i])
			}
			v[i] = n
		}
		out[string(name)] = NetDevCounters{
			RxBytes: v[0], RxPackets: v[1], RxErrors: v[2], RxDropped: v[3],
			TxBytes: v[8], TxPackets: v[9], TxErrors: v[10], TxDropped: v[11],
		}
	}
	return out, nil
}

// NetDevReader keeps /proc/<pid>/net/dev open and re-reads it on every tick. Opening the file
// again each tick would cost a path walk through /proc and a new seq_file; a read at offset 0
// makes the kernel regenerate the text, so one open file gives fresh counters for as long as it
// is open.
//
// The open file pins the process's network namespace: close the reader when the container stops,
// or its namespace and veth devices outlive it.
type NetDevReader struct {
	mu   sync.Mutex
	file *os.File
	path string
	buf  []byte
}

// OpenNetDev opens /proc/<pid>/net/dev, the counters of that process's network namespace.
func OpenNetDev(fs FS, pid int) (*NetDevReader, error) {
	path := fs.pidPath(pid, "net", "dev")
	f, err := os.Open(path)
	if err != nil {
		return nil, err // *PathError: "open /proc/<pid>/net/dev: ..."
	}
	return &NetDevReader{file: f, path: path, buf: make([]byte, 4096)}, nil
}

// Read re-reads the file from offset 0 into the reader's buffer and parses it. The kernel hands
// out at most about one page of seq_file text per read, so it reads on until end of file; with
// few interfaces that is two pread calls.
func (r *NetDevReader) Read() (map[string]NetDevCounters, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.file == nil {
		return nil, fmt.Errorf("read %s: %w", r.path, os.ErrClosed)
	}
	n := 0
	for {
		if n == len(r.buf) {
			r.buf = append(r.buf, make([]byte, len(r.buf))...)
		}
		m, err := r.file.ReadAt(r.buf[n:], int64(n))
		n += m
		if errors.Is(err, io.EOF) || (err == nil && m == 0) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", r.path, unwrapPath(err))
		}
	}
	counters, err := ParseNetDev(r.buf[:n])
	if err != nil {
		return nil, fmt.Errorf("%s: %w", r.path, err)
	}
	return counters, nil
}

// Close releases the file and with it the reference on the network namespace.
func (r *NetDevReader) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.file == nil {
		return nil
	}
	err := r.file.Close()
	r.file = nil
	return err
}

// unwrapPath drops the *PathError layer so that the caller's message names the path once.
func unwrapPath(err error) error {
	var pathErr *os.PathError
	if errors.As(err, &pathErr) {
		return pathErr.Err
	}
	return err
}
