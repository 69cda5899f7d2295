package proc

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// addSeeds adds every fixture file that matches the pattern as a seed.
func addSeeds(f *testing.F, pattern string) {
	f.Helper()
	paths, err := filepath.Glob(pattern)
	if err != nil || len(paths) == 0 {
		f.Fatalf("no seeds match %s", pattern)
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

func FuzzParseStatus(f *testing.F) {
	addSeeds(f, "testdata/proc/*/status")
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := ParseStatus(data)
		if err != nil {
			return
		}
		for _, uid := range st.UIDs {
			if uid < 0 {
				t.Fatalf("negative uid in %+v", st)
			}
		}
		for _, pid := range st.NSpids {
			if pid < 0 {
				t.Fatalf("negative pid in %+v", st)
			}
		}
		_ = CapabilityNames(st.CapEff)
	})
}

func FuzzParseIDMap(f *testing.F) {
	addSeeds(f, "testdata/proc/*/uid_map")
	f.Add([]byte("0 1000 1\n1 100000 65535\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseIDMap(data)
		if err != nil {
			return
		}
		// Every range's first and last outside id must map back to its inside ids, unless an
		// earlier, overlapping range claims them first.
		for i, r := range m {
			for _, off := range []uint32{0, r.Length - 1} {
				inside, ok := MapToInside(m, int(r.Outside+off))
				if !ok {
					t.Fatalf("range %d %+v: outside id %d unmapped", i, r, r.Outside+off)
				}
				if inside != int(r.Inside+off) && !claimedEarlier(m[:i], r.Outside+off) {
					t.Fatalf("range %d %+v: outside id %d maps to %d", i, r, r.Outside+off, inside)
				}
			}
		}
		// Formatting the parsed map gives it back.
		var b strings.Builder
		for _, r := range m {
			fmt.Fprintf(&b, "%10d %10d %10d\n", r.Inside, r.Outside, r.Length)
		}
		again, err := ParseIDMap([]byte(b.String()))
		if err != nil || !reflect.DeepEqual(again, m) {
			t.Fatalf("round trip: %v, %v; want %v", again, err, m)
		}
	})
}

func claimedEarlier(earlier []IDMapRange, outside uint32) bool {
	for _, r := range earlier {
		if uint64(outside) >= uint64(r.Outside) && uint64(outside) < uint64(r.Outside)+uint64(r.Length) {
			return true
		}
	}
	return false
}

func FuzzParseNetDev(f *testing.F) {
	addSeeds(f, "testdata/proc/*/net/dev")
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := ParseNetDev(data)
		if err != nil {
			return
		}
		// What was parsed, written back in the kernel's layout, parses to the same counters.
		var b strings.Builder
		b.WriteString("Inter-|   Receive |  Transmit\n face |bytes |bytes\n")
		for name, c := range got {
			fmt.Fprintf(&b, "%6s:%8d %7d %4d %4d 0 0 0 0 %8d %7d %4d %4d 0 0 0 0\n", name,
				c.RxBytes, c.RxPackets, c.RxErrors, c.RxDropped, c.TxBytes, c.TxPackets, c.TxErrors, c.TxDropped)
		}
		again, err := ParseNetDev([]byte(b.String()))
		if err != nil || !reflect.DeepEqual(again, got) {
			t.Fatalf("round trip: %v, %v; want %v", again, err, got)
		}
	})
}

func FuzzParseMountInfo(f *testing.F) {
	addSeeds(f, "testdata/proc/*/mountinfo")
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := ParseMountInfo(data)
		if err != nil {
			return
		}
		// Escaping the decoded paths the way the kernel does and parsing again gives the same
		// entries.
		var b strings.Builder
		for _, m := range got {
			fmt.Fprintf(&b, "%d %d %d:%d %s %s %s", m.ID, m.Parent, m.Major, m.Minor,
				escapeOctal(m.Root), escapeOctal(m.MountPoint), strings.Join(m.Options, ","))
			for _, o := range m.Optional {
				b.WriteString(" " + o)
			}
			fmt.Fprintf(&b, " - %s %s %s\n", m.FSType, escapeOctal(m.Source), strings.Join(m.SuperOptions, ","))
		}
		again, err := ParseMountInfo([]byte(b.String()))
		if err != nil {
			t.Fatalf("re-parse of %q: %v", b.String(), err)
		}
		if !reflect.DeepEqual(again, got) {
			t.Fatalf("round trip:\n got %+v\nwant %+v", again, got)
		}
	})
}

// escapeOctal escapes the bytes the kernel escapes in mountinfo paths.
func escapeOctal(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ' ' || c == '\t' || c == '\n' || c == '\\' {
			fmt.Fprintf(&b, `\%03o`, c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
