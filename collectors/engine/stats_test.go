package engine

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"

	"github.com/boxtop/boxtop/collectors/snapshot"
)

// hostMemory is what the daemon the testdata comes from reports as MemTotal, and so as the
// limit of a container without one.
const hostMemory = 25276510208

func u64(v uint64) *uint64     { return &v }
func f64(v float64) *float64   { return &v }
func stamp(s string) time.Time { t, _ := time.Parse(time.RFC3339Nano, s); return t }

func TestParseStats(t *testing.T) {
	tests := []struct {
		name       string
		file       string // under testdata/stats, or
		inline     string // the answer itself
		hostMemory uint64
		want       Stats
		wantErr    string
	}{
		{
			name: "Docker 20.10 on cgroup v1, with limits", file: "docker-20.10-cgroup1.json", hostMemory: hostMemory,
			want: Stats{
				CPU: &snapshot.CPU{UsageNanoseconds: 2045039700, Periods: u64(120), ThrottledPeriods: u64(15), ThrottledSeconds: f64(0.412)},
				// usage less total_inactive_file, not the cgroup's own inactive_file
				Memory:   &snapshot.Memory{UsageBytes: 9437184, WorkingSetBytes: 9437184 - 2097152, LimitBytes: u64(64 << 20)},
				Pids:     &snapshot.Pids{Current: 6, Limit: u64(20)},
				IO:       &snapshot.IO{ReadBytes: 1048576 + 524288, WriteBytes: 4194304 + 8192},
				Networks: map[string]NetCounters{"eth0": {RxBytes: 376, RxPackets: 4, RxDropped: 1, TxBytes: 1202, TxPackets: 9}},
				Read:     stamp("2026-11-27T08:26:38.660396815Z"),
			},
		},
		{
			name: "Docker 20.10 on cgroup v1, unlimited: the host's memory is no limit", file: "docker-20.10-cgroup1-unlimited.json", hostMemory: hostMemory,
			want: Stats{
				CPU:      &snapshot.CPU{UsageNanoseconds: 2045039700, Periods: u64(0), ThrottledPeriods: u64(0), ThrottledSeconds: f64(0)},
				Memory:   &snapshot.Memory{UsageBytes: 9437184, WorkingSetBytes: 9437184 - 2097152},
				Pids:     &snapshot.Pids{Current: 6},
				IO:       &snapshot.IO{ReadBytes: 1048576 + 524288, WriteBytes: 4194304 + 8192},
				Networks: map[string]NetCounters{"eth0": {RxBytes: 376, RxPackets: 4, RxDropped: 1, TxBytes: 1202, TxPackets: 9}},
				Read:     stamp("2026-11-27T08:26:38.660396815Z"),
			},
		},
		{
			name: "cgroup v2: inactive_file, lower-case ops", file: "docker-cgroup2.json", hostMemory: 8 << 30,
			want: Stats{
				CPU:    &snapshot.CPU{UsageNanoseconds: 83154371000, Periods: u64(8120), ThrottledPeriods: u64(2033), ThrottledSeconds: f64(151.722634)},
				Memory: &snapshot.Memory{UsageBytes: 201326592, WorkingSetBytes: 201326592 - 25165824, LimitBytes: u64(256 << 20)},
				Pids:   &snapshot.Pids{Current: 11, Limit: u64(100)},
				IO:     &snapshot.IO{ReadBytes: 20480000 + 4096, WriteBytes: 3072000},
				Networks: map[string]NetCounters{
					"eth0": {RxBytes: 5123456, RxPackets: 4121, TxBytes: 812345, TxPackets: 3011},
					"eth1": {RxBytes: 1024, RxPackets: 12, RxErrors: 1, RxDropped: 2, TxBytes: 2048, TxPackets: 24, TxErrors: 3, TxDropped: 4},
				},
				Read: stamp("2026-11-27T09:14:02.118235117Z"),
			},
		},
		{
			name: "a limit above 2^62 is none, as in the cgroup files",
			inline: `{"read":"2026-11-27T09:00:00Z","memory_stats":{"usage":4096,"limit":9223372036854771712},
				"pids_stats":{"current":1,"limit":18446744073709551615}}`,
			want: Stats{Memory: &snapshot.Memory{UsageBytes: 4096, WorkingSetBytes: 4096}, Pids: &snapshot.Pids{Current: 1},
				Read: stamp("2026-11-27T09:00:00Z")},
		},
		{
			name:   "an answer without memory.stat, throttling, blkio or networks: those are unknown, not zero",
			inline: `{"read":"2026-11-27T09:00:00Z","cpu_stats":{"cpu_usage":{"total_usage":5}},"memory_stats":{"usage":8192,"limit":1048576}}`,
			want: Stats{CPU: &snapshot.CPU{UsageNanoseconds: 5},
				Memory: &snapshot.Memory{UsageBytes: 8192, WorkingSetBytes: 8192, LimitBytes: u64(1048576)}, Read: stamp("2026-11-27T09:00:00Z")},
		},
		{
			name:   "inactive file above usage: a working set of 0, never a wrapped number",
			inline: `{"read":"2026-11-27T09:00:00Z","memory_stats":{"usage":4096,"stats":{"inactive_file":8192}}}`,
			want:   Stats{Memory: &snapshot.Memory{UsageBytes: 4096}, Read: stamp("2026-11-27T09:00:00Z")},
		},
		{
			name:   "an odd memory.stat key boxtop does not read is no error",
			inline: `{"read":"2026-11-27T09:00:00Z","memory_stats":{"usage":4096,"stats":{"weird":-1.5,"inactive_file":1024}},"blkio_stats":{"io_service_bytes_recursive":[]}}`,
			want:   Stats{Memory: &snapshot.Memory{UsageBytes: 4096, WorkingSetBytes: 3072}, IO: &snapshot.IO{}, Read: stamp("2026-11-27T09:00:00Z")},
		},
		{
			name: "a stopped container's empty reading", file: "docker-20.10-stopped.json", hostMemory: hostMemory,
			wantErr: "no reading: the container is not running",
		},
		{
			name:    "inactive_file that is not a count",
			inline:  `{"read":"2026-11-27T09:00:00Z","memory_stats":{"usage":4096,"stats":{"inactive_file":"lots"}}}`,
			wantErr: `memory_stats.stats.inactive_file: "\"lots\"" is not a count`,
		},
		{
			name: "IO bytes that overflow",
			inline: `{"read":"2026-11-27T09:00:00Z","blkio_stats":{"io_service_bytes_recursive":[
				{"op":"Read","value":18446744073709551615},{"op":"read","value":1}]}}`,
			wantErr: "io_service_bytes_recursive: read bytes overflow 64 bits",
		},
		{name: "not JSON", inline: `<html>bad gateway</html>`, wantErr: "parse answer: "},
		{name: "a negative count", inline: `{"read":"2026-11-27T09:00:00Z","memory_stats":{"usage":-1}}`, wantErr: "parse answer: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte(tt.inline)
			if tt.file != "" {
				data = readTestdata(t, "stats", tt.file)
			}
			got, err := parseStats(data, tt.hostMemory)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("\n got %s\nwant %s", describeStats(got), describeStats(tt.want))
			}
		})
	}
}

// describeStats spells out the pointers, which %+v prints as addresses.
func describeStats(s Stats) string {
	data, err := json.Marshal(s)
	if err != nil {
		return err.Error()
	}
	return string(data)
}

// FuzzParseStats feeds stats answers, which come from a daemon boxtop does not control, to the
// parser: errors are fine, panics are not, and what it returns keeps the cgroup reader's rules.
func FuzzParseStats(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "stats", "*.json"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed answers: %v", err)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, uint64(hostMemory))
	}
	f.Add([]byte(`{"read":"2026-11-27T09:00:00Z","memory_stats":{"usage":1,"limit":1}}`), uint64(1))
	f.Add([]byte(`{"read":"2026-11-27T09:00:00Z","blkio_stats":{"io_service_bytes_recursive":[{"op":"WRITE","value":3}]}}`), uint64(0))
	f.Fuzz(func(t *testing.T, data []byte, host uint64) {
		s, err := parseStats(data, host)
		if err != nil {
			return
		}
		if s.Read.Year() <= 1 {
			t.Fatalf("a reading without a time: %+v", s)
		}
		if m := s.Memory; m != nil {
			if m.WorkingSetBytes > m.UsageBytes {
				t.Fatalf("working set %d above usage %d", m.WorkingSetBytes, m.UsageBytes)
			}
			if l := m.LimitBytes; l != nil && (*l == 0 || *l > unlimitedAbove || *l == host) {
				t.Fatalf("memory limit %d kept (host %d)", *l, host)
			}
		}
		if p := s.Pids; p != nil && p.Limit != nil && (*p.Limit == 0 || *p.Limit > unlimitedAbove) {
			t.Fatalf("pids limit %d kept", *p.Limit)
		}
		if s.CPU != nil && s.CPU.LimitCores != nil {
			t.Fatal("the answer alone set a CPU limit")
		}
	})
}

func TestWatcherStats(t *testing.T) {
	checkLeaks(t)
	fake := newFakeDaemon(t, "web.json", "db.json", "cache.json")
	fake.putStats(webID, "docker-20.10-cgroup1.json")
	fake.putStats(dbID, "docker-20.10-stopped.json")
	fake.putStats(cacheID, "docker-20.10-cgroup1-unlimited.json")
	w := newTestWatcher(t, fake.host)
	w.Start(context.Background())
	if !w.Inventory().Reachable {
		t.Fatalf("not synced: %v", w.Inventory().Err)
	}
	ctx := context.Background()

	// One tick of a remote engine: a stats call per running container and nothing else. The
	// engine answers each at its next collection; the calls wait for it together.
	const collection = 300 * time.Millisecond
	fake.mu.Lock()
	fake.statsDelay = collection
	fake.mu.Unlock()
	before := fake.snapshotCounts()
	began := time.Now()
	readings, errs := w.StatsEach(ctx, []string{webID, cacheID, webID})
	if took := time.Since(began); took >= 2*collection {
		t.Errorf("three readings took %v, want about one collection (%v)", took, collection)
	}
	for i, err := range errs {
		if err != nil {
			t.Fatalf("reading %d: %v", i, err)
		}
	}
	web, cache := readings[0], readings[1]
	if !reflect.DeepEqual(readings[2], web) {
		t.Errorf("readings out of order: %s", describeStats(readings[2]))
	}
	want := map[string]int{"/containers/" + webID + "/stats": 2, "/containers/" + cacheID + "/stats": 1}
	if moved := diffCounts(before, fake.snapshotCounts()); !mapsEqual(moved, want) {
		t.Errorf("requests for one tick: %v, want %v", moved, want)
	}
	fake.mu.Lock()
	fake.statsDelay = 0
	fake.mu.Unlock()
	for _, q := range fake.statsQueries() {
		if q != "one-shot=true&stream=false" {
			t.Errorf("stats asked with %q, want a single reading without waiting for a second", q)
		}
	}

	// web runs with --cpus 0.5 (NanoCPUs); cache has no limit at all.
	if web.CPU == nil || web.CPU.LimitCores == nil || *web.CPU.LimitCores != 0.5 {
		t.Errorf("web's CPU %+v, want a limit of 0.5 cores from its configuration", web.CPU)
	}
	if web.Memory == nil || web.Memory.LimitBytes == nil || *web.Memory.LimitBytes != 64<<20 || web.Memory.WorkingSetBytes != 7340032 {
		t.Errorf("web's memory %+v", web.Memory)
	}
	if cache.CPU == nil || cache.CPU.LimitCores != nil || cache.Memory == nil || cache.Memory.LimitBytes != nil {
		t.Errorf("cache has no limits, got CPU %+v memory %+v", cache.CPU, cache.Memory)
	}

	tests := []struct {
		name  string
		id    string
		check func(error) bool
		msg   string
	}{
		{"a stopped container", dbID, func(err error) bool { return errors.Is(err, ErrNotRunning) },
			"docker at " + fake.host + ": stats " + dbID + ": no reading: the container is not running"},
		{"a container the engine does not know", "f00d", cerrdefs.IsNotFound,
			"docker at " + fake.host + ": stats f00d: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := w.Stats(ctx, tt.id)
			if err == nil || !tt.check(err) || !strings.HasPrefix(err.Error(), tt.msg) {
				t.Errorf("error %v, want one starting %q of the right kind", err, tt.msg)
			}
		})
	}

	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	before = fake.snapshotCounts()
	if _, err := w.Stats(ctx, webID); err == nil || !strings.Contains(err.Error(), "watcher closed") {
		t.Errorf("Stats after Close: %v", err)
	}
	if moved := diffCounts(before, fake.snapshotCounts()); len(moved) != 0 {
		t.Errorf("Stats after Close made requests: %v", moved)
	}
}

// TestWatcherStatsBounded: a hung engine costs a Stats call its request timeout at most, and
// Close does not wait for a call still in flight.
func TestWatcherStatsBounded(t *testing.T) {
	checkLeaks(t)
	host := hungDaemon(t)
	w := newTestWatcher(t, host, WithRequestTimeout(200*time.Millisecond))
	began := time.Now()
	_, err := w.Stats(context.Background(), webID)
	if took := time.Since(began); took > 2*time.Second {
		t.Errorf("Stats took %v", took)
	}
	if want := "docker at " + host + ": stats " + webID + ": no answer within 200ms"; err == nil || err.Error() != want {
		t.Errorf("error %v, want %q", err, want)
	}

	slow := newTestWatcher(t, host, WithRequestTimeout(time.Minute))
	errc := make(chan error, 1)
	go func() { _, err := slow.Stats(context.Background(), webID); errc <- err }()
	time.Sleep(100 * time.Millisecond) // let the request reach the engine
	began = time.Now()
	if err := slow.Close(); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(began); took > 2*time.Second {
		t.Errorf("Close took %v with a Stats call in flight", took)
	}
	select {
	case err := <-errc:
		if err == nil {
			t.Error("the call cut short by Close reported no error")
		}
	case <-time.After(2 * time.Second):
		t.Fatal("the Stats call did not end at Close")
	}
}
