package cgroups

import (
	"bytes"
	"io/fs"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// addFixtureSeeds adds every testdata file with one of the given names to the fuzz corpus, so
// each target starts from real kernel output.
func addFixtureSeeds(f *testing.F, names ...string) {
	f.Helper()
	err := filepath.WalkDir("testdata", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.Contains(path, string(filepath.Separator)+"fuzz"+string(filepath.Separator)) {
			return err
		}
		for _, n := range names {
			if d.Name() == n {
				data, err := os.ReadFile(path)
				if err != nil {
					return err
				}
				f.Add(data)
			}
		}
		return nil
	})
	if err != nil {
		f.Fatal(err)
	}
}

// fields splits like the parsers do: on spaces, tabs and carriage returns only.
func fields(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\t' || r == '\r' })
}

func FuzzParseUint(f *testing.F) {
	for _, s := range []string{"0", "18446744073709551615", "18446744073709551616", "", "-1", "007"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := ParseUint(data)
		want, werr := strconv.ParseUint(string(data), 10, 64)
		digitsOnly := len(data) > 0 && len(bytes.Trim(data, "0123456789")) == 0
		if !digitsOnly {
			if err == nil {
				t.Fatalf("ParseUint(%q) accepted a non-digit", data)
			}
			return
		}
		// On digits, agree with strconv, including on overflow.
		if (err == nil) != (werr == nil) || v != want && err == nil {
			t.Fatalf("ParseUint(%q) = %d, %v; strconv says %d, %v", data, v, err, want, werr)
		}
	})
}

func FuzzParseLimit(f *testing.F) {
	addFixtureSeeds(f, "memory.max", "memory.high", "pids.max", "memory.limit_in_bytes", "cpu.cfs_quota_us")
	for _, s := range []string{"max\n", "-1\n", "9223372036854771712\n", "4611686018427387904", "4611686018427387905", "-2", ""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, limited, err := ParseLimit(data)
		if err != nil || !limited {
			if v != 0 {
				t.Fatalf("ParseLimit(%q) = %d without a limit", data, v)
			}
			return
		}
		if v > UnlimitedAbove {
			t.Fatalf("ParseLimit(%q) = %d, above 2^62 yet limited", data, v)
		}
		// A limit round-trips through its kernel form.
		v2, limited2, err2 := ParseLimit([]byte(strconv.FormatUint(v, 10) + "\n"))
		if err2 != nil || !limited2 || v2 != v {
			t.Fatalf("round trip of %d: %d %v %v", v, v2, limited2, err2)
		}
	})
}

func FuzzParseCPUMax(f *testing.F) {
	addFixtureSeeds(f, "cpu.max")
	for _, s := range []string{"max 100000\n", "50000 100000\n", "1 0\n", "max\n", "x y z"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		q, p, limited, err := ParseCPUMax(data)
		if err != nil {
			return
		}
		if p == 0 {
			t.Fatalf("ParseCPUMax(%q): period 0 accepted", data)
		}
		if limited && q > UnlimitedAbove || !limited && q != 0 {
			t.Fatalf("ParseCPUMax(%q) = %d %d %v", data, q, p, limited)
		}
		if cores := float64(q) / float64(p); math.IsNaN(cores) || math.IsInf(cores, 0) {
			t.Fatalf("ParseCPUMax(%q): cores %v", data, cores)
		}
		quota := "max"
		if limited {
			quota = strconv.FormatUint(q, 10)
		}
		q2, p2, l2, err := ParseCPUMax([]byte(quota + " " + strconv.FormatUint(p, 10) + "\n"))
		if err != nil || q2 != q || p2 != p || l2 != limited {
			t.Fatalf("round trip of %q: %d %d %v %v", data, q2, p2, l2, err)
		}
	})
}

func FuzzParseKeyed(f *testing.F) {
	addFixtureSeeds(f, "cpu.stat", "memory.stat", "memory.events", "memory.oom_control", "cpuacct.stat")
	f.Add([]byte("a 1\n\n b\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		type kv struct{ k, v string }
		var got []kv
		err := ParseKeyed(data, func(k, v []byte) error {
			if len(k) == 0 || len(v) == 0 || bytes.ContainsAny(k, " \t\n") || bytes.Contains(v, []byte("\n")) {
				t.Fatalf("bad pair %q %q from %q", k, v, data)
			}
			got = append(got, kv{string(k), string(v)})
			return nil
		})
		if err != nil {
			return
		}
		// What parsed, written back in kernel form, parses to the same pairs.
		var b bytes.Buffer
		for _, p := range got {
			b.WriteString(p.k + " " + p.v + "\n")
		}
		var again []kv
		if err := ParseKeyed(b.Bytes(), func(k, v []byte) error {
			again = append(again, kv{string(k), string(v)})
			return nil
		}); err != nil || !reflect.DeepEqual(got, again) {
			t.Fatalf("round trip of %q: %q vs %q (%v)", data, got, again, err)
		}
		// ParseKeyedUints agrees with ParseKeyed on the first pair's key: the last value wins,
		// and a value that is not a counter is an error.
		if len(got) > 0 {
			key := got[0].k
			var want uint64
			wantErr := false
			for _, p := range got {
				if p.k == key {
					v, e := ParseUint([]byte(p.v))
					wantErr = wantErr || e != nil
					want = v
				}
			}
			vals := make([]uint64, 1)
			found, err := ParseKeyedUints(data, []string{key}, vals)
			if wantErr != (err != nil) || !wantErr && (found != 1 || vals[0] != want) {
				t.Fatalf("ParseKeyedUints(%q, %q) = %d %v %v; want %d (error %v)", data, key, found, vals, err, want, wantErr)
			}
		}
	})
}

func FuzzParseIOStat(f *testing.F) {
	addFixtureSeeds(f, "io.stat")
	f.Add([]byte("8:0 rbytes=18446744073709551615\n8:1 rbytes=1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := ParseIOStat(data)
		if err != nil {
			if got != (IOTotals{}) {
				t.Fatalf("error with totals %+v", got)
			}
			return
		}
		// Recompute with big integers: a sum that does not fit must have been an error.
		read, write := new(big.Int), new(big.Int)
		for _, line := range strings.Split(string(data), "\n") {
			fields := fields(line)
			for _, tok := range fields[min(1, len(fields)):] {
				k, v, _ := strings.Cut(tok, "=")
				n, ok := new(big.Int).SetString(v, 10)
				switch {
				case k == "rbytes" && ok:
					read.Add(read, n)
				case k == "wbytes" && ok:
					write.Add(write, n)
				}
			}
		}
		if !read.IsUint64() || !write.IsUint64() || read.Uint64() != got.ReadBytes || write.Uint64() != got.WriteBytes {
			t.Fatalf("ParseIOStat(%q) = %+v, big sums %v %v", data, got, read, write)
		}
	})
}

func FuzzParseBlkioServiceBytes(f *testing.F) {
	addFixtureSeeds(f, "blkio.throttle.io_service_bytes", "blkio.throttle.io_service_bytes_recursive")
	f.Add([]byte("8:0 Write 18446744073709551615\n8:1 Write 1\nTotal 0\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := ParseBlkioServiceBytes(data)
		if err != nil {
			if got != (IOTotals{}) {
				t.Fatalf("error with totals %+v", got)
			}
			return
		}
		read, write := new(big.Int), new(big.Int)
		for _, line := range strings.Split(string(data), "\n") {
			fields := fields(line)
			if len(fields) != 3 {
				continue
			}
			n, ok := new(big.Int).SetString(fields[2], 10)
			switch {
			case fields[1] == "Read" && ok:
				read.Add(read, n)
			case fields[1] == "Write" && ok:
				write.Add(write, n)
			}
		}
		if !read.IsUint64() || !write.IsUint64() || read.Uint64() != got.ReadBytes || write.Uint64() != got.WriteBytes {
			t.Fatalf("ParseBlkioServiceBytes(%q) = %+v, big sums %v %v", data, got, read, write)
		}
	})
}

func FuzzParsePSI(f *testing.F) {
	addFixtureSeeds(f, "cpu.pressure", "memory.pressure", "io.pressure")
	f.Add([]byte("some avg10=17.17 avg60=4.44 avg300=1.78 total=9051005\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParsePSI(data)
		if err != nil {
			return
		}
		for _, v := range []float64{p.SomeAvg10, p.FullAvg10} {
			if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
				t.Fatalf("ParsePSI(%q) = %+v", data, p)
			}
		}
		if !p.HasSome && p.SomeAvg10 != 0 || !p.HasFull && p.FullAvg10 != 0 {
			t.Fatalf("ParsePSI(%q) = %+v: a value without its line", data, p)
		}
	})
}

func FuzzParseProcCgroup(f *testing.F) {
	addFixtureSeeds(f, "cgroup")
	f.Add([]byte("4:cpu,cpuacct:/a:b (deleted)\n0::/\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		lines, err := ParseProcCgroup(data)
		if err != nil {
			return
		}
		var b strings.Builder
		for _, l := range lines {
			if !strings.HasPrefix(l.Path, "/") || l.HierarchyID < 0 {
				t.Fatalf("bad line %+v from %q", l, data)
			}
			b.WriteString(strconv.Itoa(l.HierarchyID) + ":" + strings.Join(l.Controllers, ",") + ":" + l.Path)
			if l.Deleted {
				b.WriteString(deletedSuffix)
			}
			b.WriteString("\n")
		}
		again, err := ParseProcCgroup([]byte(b.String()))
		if err != nil || !reflect.DeepEqual(again, lines) {
			t.Fatalf("round trip of %q: %+v vs %+v (%v)", data, lines, again, err)
		}
		for _, l := range lines {
			DriverFromPath(l.Path) // must not panic on any path
		}
	})
}

func FuzzParseProcs(f *testing.F) {
	addFixtureSeeds(f, "cgroup.procs")
	f.Add([]byte("1\n2147483647\n2147483648\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		pids, err := ParseProcs(data)
		if err != nil {
			return
		}
		for _, p := range pids {
			if p <= 0 || p > math.MaxInt32 {
				t.Fatalf("ParseProcs(%q) gave pid %d", data, p)
			}
		}
	})
}

func FuzzParseInotify(f *testing.F) {
	f.Add([]byte{3, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	f.Add([]byte{1, 0, 0, 0, 0, 0x80, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 'a', 0, 0, 0})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, buf []byte) {
		total := 0
		for range parseInotify(buf) {
			total += 16
		}
		if total > len(buf) {
			t.Fatalf("%d events out of %d bytes", total/16, len(buf))
		}
	})
}
