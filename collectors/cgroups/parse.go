package cgroups

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"strconv"
)

// UnlimitedAbove is the threshold past which a limit reads as "no limit". cgroup v1 prints "no
// limit" as the largest page-aligned value (9223372036854771712 with 4 KiB pages) and other page
// sizes give other huge numbers; like the kubelet, anything above 2^62 is treated as unlimited.
const UnlimitedAbove = uint64(1) << 62

// The parsers below take the bytes read from a cgroup file and allocate nothing on success:
// they run for every file of every container on every tick. Errors are allocated only on the
// failure path and say which line and key were wrong; the caller adds the file's path.

// ParseUint parses a counter as the kernel prints it: decimal digits only, no sign, no spaces.
// Overflowing 64 bits is an error rather than a wrapped value.
func ParseUint(b []byte) (uint64, error) {
	if len(b) == 0 {
		return 0, errors.New("empty number")
	}
	var n uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("invalid number %q", b)
		}
		hi, lo := bits.Mul64(n, 10)
		if hi != 0 {
			return 0, fmt.Errorf("number %q overflows 64 bits", b)
		}
		var carry uint64
		n, carry = bits.Add64(lo, uint64(c-'0'), 0)
		if carry != 0 {
			return 0, fmt.Errorf("number %q overflows 64 bits", b)
		}
	}
	return n, nil
}

// ParseValue parses a file holding one counter, such as memory.current or pids.current.
func ParseValue(data []byte) (uint64, error) {
	return ParseUint(bytes.TrimSpace(data))
}

// ParseLimit parses a file holding one limit (memory.max, pids.max, memory.limit_in_bytes,
// cpu.cfs_quota_us). "max", "-1" and any value above UnlimitedAbove mean no limit and return
// limited == false with value 0, so a sentinel never reaches the snapshot as a number.
func ParseLimit(data []byte) (value uint64, limited bool, err error) {
	t := bytes.TrimSpace(data)
	if string(t) == "max" || string(t) == "-1" {
		return 0, false, nil
	}
	v, err := ParseUint(t)
	if err != nil {
		return 0, false, err
	}
	if v > UnlimitedAbove {
		return 0, false, nil
	}
	return v, true, nil
}

// ParseCPUMax parses cgroup v2 cpu.max, "QUOTA PERIOD" in microseconds where QUOTA may be
// "max". The period is returned even when there is no quota.
func ParseCPUMax(data []byte) (quota, period uint64, limited bool, err error) {
	t := bytes.TrimSpace(data)
	sp := bytes.IndexByte(t, ' ')
	if sp < 0 {
		return 0, 0, false, fmt.Errorf("want \"QUOTA PERIOD\", got %q", t)
	}
	q, p := t[:sp], t[sp+1:]
	period, err = ParseUint(p)
	if err != nil {
		return 0, 0, false, fmt.Errorf("period: %w", err)
	}
	if period == 0 {
		return 0, 0, false, errors.New("period is 0")
	}
	quota, limited, err = ParseLimit(q)
	if err != nil {
		return 0, 0, false, fmt.Errorf("quota: %w", err)
	}
	return quota, period, limited, nil
}

// nextLine splits data at the first newline. Kernel files end with one; a last line without
// it is still a line.
func nextLine(data []byte) (line, rest []byte) {
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		return data[:i], data[i+1:]
	}
	return data, nil
}

// cutField returns the first field of s and what follows it, with the blanks (space, tab,
// carriage return) between them dropped.
func cutField(s []byte) (field, rest []byte) {
	s = trimLeftSpace(s)
	i := 0
	for i < len(s) && !isSpace(s[i]) {
		i++
	}
	return s[:i], trimLeftSpace(s[i:])
}

func trimLeftSpace(s []byte) []byte {
	for len(s) > 0 && isSpace(s[0]) {
		s = s[1:]
	}
	return s
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' }

// ParseKeyed walks a flat keyed file ("key value" per line: cpu.stat, memory.stat,
// memory.events, memory.oom_control) and calls fn for each line. Blank lines are skipped; a
// line without a key or without a value is an error. An error from fn is returned with the line
// number and key, so the caller only has to add the file's path.
func ParseKeyed(data []byte, fn func(key, value []byte) error) error {
	for lineNo := 1; len(data) > 0; lineNo++ {
		var line []byte
		line, data = nextLine(data)
		key, value, blank, err := splitKeyed(line)
		if err != nil {
			return fmt.Errorf("line %d: %w", lineNo, err)
		}
		if blank {
			continue
		}
		if err := fn(key, value); err != nil {
			return fmt.Errorf("line %d: %s: %w", lineNo, key, err)
		}
	}
	return nil
}

func splitKeyed(line []byte) (key, value []byte, blank bool, err error) {
	t := bytes.TrimSpace(line)
	if len(t) == 0 {
		return nil, nil, true, nil
	}
	if isSpace(line[0]) {
		return nil, nil, false, fmt.Errorf("missing key in %q", line)
	}
	key, value = cutField(t)
	if len(value) == 0 {
		return nil, nil, false, fmt.Errorf("key %q has no value", key)
	}
	return key, value, false, nil
}

// ParseKeyedUints reads the named keys of a flat keyed file as counters: values[i] receives the
// value of keys[i], and bit i of found is set when that key was present. Keys not asked for are
// skipped without parsing their values, so a kernel that adds keys (anywhere in the file, with
// any value) does not break the reading. At most 64 keys.
func ParseKeyedUints(data []byte, keys []string, values []uint64) (found uint64, err error) {
	if len(keys) > 64 || len(values) < len(keys) {
		return 0, errors.New("ParseKeyedUints: at most 64 keys, and a value slot for each")
	}
	for lineNo := 1; len(data) > 0; lineNo++ {
		var line []byte
		line, data = nextLine(data)
		key, value, blank, err := splitKeyed(line)
		if err != nil {
			return found, fmt.Errorf("line %d: %w", lineNo, err)
		}
		if blank {
			continue
		}
		for i, k := range keys {
			if string(key) != k {
				continue
			}
			v, err := ParseUint(value)
			if err != nil {
				return found, fmt.Errorf("line %d: %s: %w", lineNo, key, err)
			}
			values[i] = v
			found |= 1 << uint(i)
			break
		}
	}
	return found, nil
}

// IOTotals is block IO summed over every device of a cgroup.
type IOTotals struct {
	ReadBytes  uint64
	WriteBytes uint64
}

func addChecked(sum *uint64, v uint64, what []byte) error {
	s, carry := bits.Add64(*sum, v, 0)
	if carry != 0 {
		return fmt.Errorf("%s sum overflows 64 bits", what)
	}
	*sum = s
	return nil
}

// isDevice reports whether b looks like "MAJ:MIN".
func isDevice(b []byte) bool {
	i := bytes.IndexByte(b, ':')
	if i <= 0 || i == len(b)-1 {
		return false
	}
	for j, c := range b {
		if j != i && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// ParseIOStat sums rbytes and wbytes of cgroup v2 io.stat over its devices. Lines are
// "MAJ:MIN key=value ..." with keys in any order; extra keys (rios, dbytes, cost.*) are
// ignored and a line with only a device is fine.
func ParseIOStat(data []byte) (IOTotals, error) {
	var t IOTotals
	for lineNo := 1; len(data) > 0; lineNo++ {
		var line []byte
		line, data = nextLine(data)
		dev, rest := cutField(line)
		if len(dev) == 0 {
			continue
		}
		if !isDevice(dev) {
			return IOTotals{}, fmt.Errorf("line %d: want MAJ:MIN, got %q", lineNo, dev)
		}
		for len(rest) > 0 {
			var tok []byte
			tok, rest = cutField(rest)
			eq := bytes.IndexByte(tok, '=')
			if eq <= 0 {
				return IOTotals{}, fmt.Errorf("line %d: want key=value, got %q", lineNo, tok)
			}
			key, value := tok[:eq], tok[eq+1:]
			var sum *uint64
			switch string(key) {
			case "rbytes":
				sum = &t.ReadBytes
			case "wbytes":
				sum = &t.WriteBytes
			default:
				continue
			}
			v, err := ParseUint(value)
			if err != nil {
				return IOTotals{}, fmt.Errorf("line %d: %s: %w", lineNo, key, err)
			}
			if err := addChecked(sum, v, key); err != nil {
				return IOTotals{}, fmt.Errorf("line %d: %w", lineNo, err)
			}
		}
	}
	return t, nil
}

// ParseBlkioServiceBytes sums the Read and Write lines of cgroup v1
// blkio.throttle.io_service_bytes[_recursive]: "MAJ:MIN Op N" lines per device (Read, Write,
// Sync, Async, Discard, Total), then a final "Total N" that is ignored.
func ParseBlkioServiceBytes(data []byte) (IOTotals, error) {
	var t IOTotals
	for lineNo := 1; len(data) > 0; lineNo++ {
		var line []byte
		line, data = nextLine(data)
		first, rest := cutField(line)
		if len(first) == 0 {
			continue
		}
		second, rest := cutField(rest)
		third, rest := cutField(rest)
		if len(rest) != 0 {
			return IOTotals{}, fmt.Errorf("line %d: too many fields in %q", lineNo, line)
		}
		if string(first) == "Total" && len(third) == 0 {
			if _, err := ParseUint(second); err != nil {
				return IOTotals{}, fmt.Errorf("line %d: Total: %w", lineNo, err)
			}
			continue
		}
		if !isDevice(first) || len(third) == 0 {
			return IOTotals{}, fmt.Errorf("line %d: want \"MAJ:MIN Op N\", got %q", lineNo, line)
		}
		var sum *uint64
		switch string(second) {
		case "Read":
			sum = &t.ReadBytes
		case "Write":
			sum = &t.WriteBytes
		default:
			continue
		}
		v, err := ParseUint(third)
		if err != nil {
			return IOTotals{}, fmt.Errorf("line %d: %s: %w", lineNo, second, err)
		}
		if err := addChecked(sum, v, second); err != nil {
			return IOTotals{}, fmt.Errorf("line %d: %w", lineNo, err)
		}
	}
	return t, nil
}

// PSI is the avg10 figures of one pressure file, in percent of wall time. A file may lack the
// "full" line (cpu.pressure on older kernels); Has* says which lines were there.
type PSI struct {
	SomeAvg10 float64
	FullAvg10 float64
	HasSome   bool
	HasFull   bool
}

// ParsePSI parses a pressure file (cpu.pressure, memory.pressure, io.pressure):
// "some avg10=0.00 avg60=0.00 avg300=0.00 total=0" and the same for "full".
func ParsePSI(data []byte) (PSI, error) {
	var p PSI
	for lineNo := 1; len(data) > 0; lineNo++ {
		var line []byte
		line, data = nextLine(data)
		kind, rest := cutField(line)
		if len(kind) == 0 {
			continue
		}
		var avg *float64
		var has *bool
		switch string(kind) {
		case "some":
			avg, has = &p.SomeAvg10, &p.HasSome
		case "full":
			avg, has = &p.FullAvg10, &p.HasFull
		default:
			return PSI{}, fmt.Errorf("line %d: want some or full, got %q", lineNo, kind)
		}
		for len(rest) > 0 {
			var tok []byte
			tok, rest = cutField(rest)
			v, ok := bytes.CutPrefix(tok, []byte("avg10="))
			if !ok {
				continue
			}
			f, err := parsePercent(v)
			if err != nil {
				return PSI{}, fmt.Errorf("line %d: %s avg10: %w", lineNo, kind, err)
			}
			*avg, *has = f, true
		}
		if !*has {
			return PSI{}, fmt.Errorf("line %d: %s line has no avg10", lineNo, kind)
		}
	}
	return p, nil
}

// parsePercent parses the kernel's fixed-point "12.34": digits with at most one dot. It
// refuses what strconv.ParseFloat would also take (signs, exponents, "inf", "nan", hex) so a
// pressure figure is always a finite, non-negative number.
func parsePercent(b []byte) (float64, error) {
	dots := 0
	for i, c := range b {
		switch {
		case c >= '0' && c <= '9':
		case c == '.' && i > 0 && i < len(b)-1:
			dots++
		default:
			return 0, fmt.Errorf("invalid decimal %q", b)
		}
	}
	if len(b) == 0 || dots > 1 || len(b) > 64 {
		return 0, fmt.Errorf("invalid decimal %q", b)
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsInf(f, 0) {
		return 0, fmt.Errorf("invalid decimal %q", b)
	}
	return f, nil
}

// ParseProcs parses cgroup.procs: one PID per line.
func ParseProcs(data []byte) ([]int, error) {
	var pids []int
	for lineNo := 1; len(data) > 0; lineNo++ {
		var line []byte
		line, data = nextLine(data)
		t := bytes.TrimSpace(line)
		if len(t) == 0 {
			continue
		}
		v, err := ParseUint(t)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", lineNo, err)
		}
		if v == 0 || v > math.MaxInt32 {
			return nil, fmt.Errorf("line %d: pid %d out of range", lineNo, v)
		}
		pids = append(pids, int(v))
	}
	return pids, nil
}
