package main

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

func TestParseStat(t *testing.T) {
	tests := []struct {
		name    string
		line    string
		want    procStat
		wantErr string
	}{
		{
			name: "plain",
			line: "28606 (cat) R 28600 28600 6674 0 -1 4194304 100 0 0 0 3 4 0 0 20 0 1 0 187686 3133440 392 18446744073709551615",
			want: procStat{PID: 28606, Comm: "cat", PPID: 28600, UTime: 3, STime: 4, StartTime: 187686},
		},
		{
			name: "comm with spaces and parentheses",
			line: "302 (a (b) c) d) R 301 301 301 34816 301 4194560 50 0 0 0 2 1 0 0 20 0 1 0 9700 1000000 100",
			want: procStat{PID: 302, Comm: "a (b) c) d", PPID: 301, UTime: 2, STime: 1, StartTime: 9700},
		},
		{
			name: "comm that is only a closing parenthesis",
			line: "7 ()) S 1 7 7 0 -1 0 0 0 0 0 10 20 0 0 20 0 1 0 99 0 0",
			want: procStat{PID: 7, Comm: ")", PPID: 1, UTime: 10, STime: 20, StartTime: 99},
		},
		{
			name: "tmux server with a colon and a space",
			line: "300 (tmux: server) S 1 300 300 0 -1 4194560 50 0 0 0 40 10 0 0 20 0 1 0 9500 10000000 900",
			want: procStat{PID: 300, Comm: "tmux: server", PPID: 1, UTime: 40, STime: 10, StartTime: 9500},
		},
		{name: "empty", line: "", wantErr: "no (comm)"},
		{name: "no closing parenthesis", line: "1 (init S 0 1 1", wantErr: "no (comm)"},
		{name: "bad pid", line: "x1 (init) S 0 1 1 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 5 0 0", wantErr: "bad pid"},
		{name: "cut before starttime", line: "1 (init) S 0 1 1 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0", wantErr: "fields after comm"},
		{name: "utime not a number", line: "1 (init) S 0 1 1 0 -1 0 0 0 0 0 x 1 0 0 20 0 1 0 5 0 0", wantErr: "field 14"},
		{name: "negative stime", line: "1 (init) S 0 1 1 0 -1 0 0 0 0 0 1 -1 0 0 20 0 1 0 5 0 0", wantErr: "field 15"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseStat([]byte(tt.line))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("parseStat(%q) error = %v, want one containing %q", tt.line, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseStat(%q): %v", tt.line, err)
			}
			if got != tt.want {
				t.Errorf("parseStat(%q) = %+v, want %+v", tt.line, got, tt.want)
			}
		})
	}
}

func FuzzParseStat(f *testing.F) {
	files, _ := filepath.Glob("testdata/proc/*/stat")
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("1 ((((() S"))
	f.Add([]byte(") 1 ("))
	f.Fuzz(func(t *testing.T, line []byte) {
		p, err := parseStat(line)
		if err != nil {
			return
		}
		if p.PID <= 0 {
			t.Fatalf("accepted pid %d", p.PID)
		}
		open, close := bytes.IndexByte(line, '('), bytes.LastIndexByte(line, ')')
		if p.Comm != string(line[open+1:close]) {
			t.Fatalf("comm %q is not what lies between the first '(' and the last ')'", p.Comm)
		}
	})
}

func TestParseStatus(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		want    memStatus
		wantOK  bool
		wantErr bool
	}{
		{
			name:   "user process",
			text:   "Name:\tboxtop\nVmPeak:\t 1234000 kB\nVmHWM:\t   30720 kB\nVmRSS:\t   20480 kB\nThreads:\t8\n",
			want:   memStatus{RSS: 20480 * 1024, Peak: 30720 * 1024},
			wantOK: true,
		},
		{name: "kernel thread has neither", text: "Name:\tkthreadd\nThreads:\t1\n"},
		{name: "only one of the two", text: "VmRSS:\t 12 kB\n", want: memStatus{RSS: 12 * 1024}},
		{name: "unit other than kB", text: "VmRSS:\t 12 MB\nVmHWM:\t 12 kB\n", wantErr: true},
		{name: "negative size", text: "VmRSS:\t -12 kB\nVmHWM:\t 12 kB\n", wantErr: true},
		{name: "no number", text: "VmRSS:\tkB\n", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok, err := parseStatus([]byte(tt.text))
			if (err != nil) != tt.wantErr {
				t.Fatalf("parseStatus error = %v, want error %v", err, tt.wantErr)
			}
			if tt.wantErr {
				return
			}
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("parseStatus = %+v, %v; want %+v, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func FuzzParseStatus(f *testing.F) {
	files, _ := filepath.Glob("testdata/proc/*/status")
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("VmRSS:\t99999999999999999999 kB\nVmHWM: 1 kB"))
	f.Fuzz(func(t *testing.T, text []byte) {
		m, ok, err := parseStatus(text)
		if err != nil {
			return
		}
		if m.RSS < 0 || m.Peak < 0 {
			t.Fatalf("negative sizes %+v", m)
		}
		if ok && !bytes.Contains(text, []byte("VmRSS:")) {
			t.Fatalf("ok without a VmRSS line")
		}
	})
}

func TestReadProcs(t *testing.T) {
	procs, err := readProcs("testdata/proc")
	if err != nil {
		t.Fatal(err)
	}
	// 500 has no stat file (it exited between the listing and the read); self and sys are not pids.
	if len(procs) != 9 {
		t.Fatalf("read %d processes, want 9: %+v", len(procs), procs)
	}

	var stack []string
	for _, p := range procs {
		if isDaemonStack(p.Comm) {
			stack = append(stack, p.Comm)
		}
	}
	sort.Strings(stack)
	want := []string{"containerd", "containerd-shim", "containerd-shim-runc-v2", "dockerd"}
	if strings.Join(stack, ",") != strings.Join(want, ",") {
		t.Errorf("daemon stack = %v, want %v (dockerd-helper is not the daemon)", stack, want)
	}

	tree := selectTicks(procs, treeOf(procs, 301))
	if len(tree) != 2 || tree[procKey{301, 9600}] != 60 || tree[procKey{302, 9700}] != 3 {
		t.Errorf("tree of 301 = %v, want boxtop (60 ticks) and its child (3)", tree)
	}
	daemon := selectTicks(procs, func(p procStat) bool { return isDaemonStack(p.Comm) })
	if got := usedBetween(ticks{}, daemon); got != 1500+1000+10+6 {
		t.Errorf("daemon stack ticks = %d, want %d", got, 1500+1000+10+6)
	}
}

func TestReadProcsMissingRoot(t *testing.T) {
	_, err := readProcs("testdata/no-such-proc")
	if err == nil || !strings.Contains(err.Error(), "testdata/no-such-proc") {
		t.Fatalf("error = %v, want one naming the directory", err)
	}
}

func TestReadMem(t *testing.T) {
	m, err := readMem("testdata/proc", 301)
	if err != nil {
		t.Fatal(err)
	}
	if m.RSS != 20<<20 || m.Peak != 30<<20 {
		t.Errorf("readMem = %+v, want 20 MiB now, 30 MiB peak", m)
	}
	if _, err := readMem("testdata/proc", 400); err == nil || !strings.Contains(err.Error(), "400/status") {
		t.Errorf("kernel thread: error = %v, want one naming the file", err)
	}
}

func TestUsedBetween(t *testing.T) {
	tests := []struct {
		name          string
		before, after ticks
		want          uint64
	}{
		{name: "same processes", before: ticks{{1, 10}: 100, {2, 20}: 5}, after: ticks{{1, 10}: 130, {2, 20}: 6}, want: 31},
		{name: "a process started in the window counts whole", before: ticks{{1, 10}: 100}, after: ticks{{1, 10}: 100, {3, 50}: 7}, want: 7},
		{name: "a process that ended is dropped", before: ticks{{1, 10}: 100, {2, 20}: 5}, after: ticks{{1, 10}: 101}, want: 1},
		{name: "a reused pid is a new process", before: ticks{{1, 10}: 100}, after: ticks{{1, 99}: 4}, want: 4},
		{name: "counters never run backwards", before: ticks{{1, 10}: 100}, after: ticks{{1, 10}: 90}, want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := usedBetween(tt.before, tt.after); got != tt.want {
				t.Errorf("usedBetween = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestMissingNames(t *testing.T) {
	screen := "  bx-000   running\n  bx-0010  running\n> bx-002 running\n"
	names := []string{"bx-000", "bx-001", "bx-002"}
	// bx-001 appears only inside bx-0010: it is not on screen.
	if got := missingNames(screen, names); got != 1 {
		t.Errorf("missingNames = %d, want 1", got)
	}
}
