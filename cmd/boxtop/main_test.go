package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseArgs(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    config
		wantErr string
	}{
		{name: "no arguments is the TUI", args: nil, want: config{interval: time.Second, procRoot: "/proc", cgroupRoot: "/sys/fs/cgroup"}},
		{name: "command then flags", args: []string{"snapshot", "--json", "--interval", "2s"}, want: config{command: "snapshot", json: true, interval: 2 * time.Second, procRoot: "/proc", cgroupRoot: "/sys/fs/cgroup"}},
		{name: "flags then command", args: []string{"--host", "unix:///x.sock", "snapshot"}, want: config{command: "snapshot", host: "unix:///x.sock", interval: time.Second, procRoot: "/proc", cgroupRoot: "/sys/fs/cgroup"}},
		{name: "roots", args: []string{"snapshot", "--proc-root", "/host/proc", "--cgroup-root", "/host/cg"}, want: config{command: "snapshot", interval: time.Second, procRoot: "/host/proc", cgroupRoot: "/host/cg"}},
		{name: "unknown command", args: []string{"frobnicate"}, wantErr: `unknown command or argument "frobnicate"`},
		{name: "two commands", args: []string{"snapshot", "snapshot"}, wantErr: "unknown command"},
		{name: "interval too short", args: []string{"--interval", "1ms"}, wantErr: "too short"},
		{name: "json without snapshot", args: []string{"--json"}, wantErr: "--json, --size, --from and --at go with the snapshot command"},
		{name: "record", args: []string{"record", "-o", "x.bxr", "--duration", "1m"}, want: config{command: "record", output: "x.bxr", duration: time.Minute, interval: time.Second, procRoot: "/proc", cgroupRoot: "/sys/fs/cgroup"}},
		{name: "record without -o", args: []string{"record"}, wantErr: "record needs -o FILE"},
		{name: "replay", args: []string{"replay", "demo.bxr", "--no-color"}, want: config{command: "replay", file: "demo.bxr", noColor: true, interval: time.Second, procRoot: "/proc", cgroupRoot: "/sys/fs/cgroup"}},
		{name: "replay without a file", args: []string{"replay"}, wantErr: "replay needs a FILE"},
		{name: "replay with two files", args: []string{"replay", "a", "b"}, wantErr: `unknown command or argument "b"`},
		{name: "snapshot from a recording", args: []string{"snapshot", "--from", "d.bxr", "--at", "+5s"}, want: config{command: "snapshot", from: "d.bxr", at: "+5s", interval: time.Second, procRoot: "/proc", cgroupRoot: "/sys/fs/cgroup"}},
		{name: "at without from", args: []string{"snapshot", "--at", "+5s"}, wantErr: "--at goes with --from"},
		{name: "bad flag", args: []string{"--nope"}, wantErr: "flag provided but not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("NO_COLOR", "")
			var stderr bytes.Buffer
			got, err := parseArgs(tt.args, &stderr)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestNoColorFromEnvironment(t *testing.T) {
	t.Setenv("NO_COLOR", "1")
	got, err := parseArgs(nil, &bytes.Buffer{})
	if err != nil || !got.noColor {
		t.Fatalf("NO_COLOR=1 should turn colour off: %+v %v", got, err)
	}
}

// TestSnapshotWithoutEngine runs the snapshot command against a socket nobody serves: it still
// prints the host, says on stderr which engine failed, and exits 0.
func TestSnapshotWithoutEngine(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "none.sock")
	t.Setenv("HOME", t.TempDir())
	for _, format := range []string{"--json", ""} {
		var stdout, stderr bytes.Buffer
		args := []string{"snapshot", "--interval", "100ms", "--host", "unix://" + sock}
		if format != "" {
			args = append(args, format)
		}
		if code := run(context.Background(), args, &stdout, &stderr); code != 0 {
			t.Fatalf("exit %d, stderr %s", code, stderr.String())
		}
		if !strings.Contains(stderr.String(), sock) {
			t.Errorf("stderr %q should name the socket", stderr.String())
		}
		if format == "--json" {
			var doc struct {
				Schema   string
				Host     struct{ Kernel string }
				Runtimes []struct {
					Reachable bool
					Error     *string
				}
			}
			if err := json.Unmarshal(stdout.Bytes(), &doc); err != nil {
				t.Fatalf("not JSON: %v\n%s", err, stdout.String())
			}
			if doc.Schema != "boxtop.snapshot/v1" || doc.Host.Kernel == "" || doc.Runtimes[0].Reachable || doc.Runtimes[0].Error == nil {
				t.Fatalf("doc = %+v", doc)
			}
		} else if !strings.Contains(stdout.String(), "unreachable") || !strings.Contains(stdout.String(), "kernel") {
			t.Errorf("table output:\n%s", stdout.String())
		}
	}
}

// TestRecordThenReadBack records a few readings (of the host alone: no engine answers), reads
// them back by time, and checks that a recording cut short by a crash still reads.
func TestRecordThenReadBack(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("HOME", dir)
	file := filepath.Join(dir, "r.bxr")
	var stderr bytes.Buffer
	args := []string{"record", "-o", file, "--interval", "100ms", "--duration", "750ms", "--host", "unix://" + filepath.Join(dir, "none.sock")}
	if code := run(context.Background(), args, &bytes.Buffer{}, &stderr); code != 0 {
		t.Fatalf("record: exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "recorded ") {
		t.Fatalf("record should say how many readings it wrote: %q", stderr.String())
	}
	read := func(extra ...string) (map[string]any, string) {
		var stdout, stderr bytes.Buffer
		args := append([]string{"snapshot", "--json", "--from", file}, extra...)
		if code := run(context.Background(), args, &stdout, &stderr); code != 0 {
			return nil, stderr.String()
		}
		var doc map[string]any
		if err := json.Unmarshal(stdout.Bytes(), &doc); err != nil {
			t.Fatalf("not JSON: %v", err)
		}
		return doc, stderr.String()
	}
	last, _ := read()
	first, _ := read("--at", "+0s")
	if last == nil || first == nil || last["schema"] != "boxtop.snapshot/v1" {
		t.Fatalf("could not read the recording back: %v %v", last, first)
	}
	if first["time"] == last["time"] {
		t.Fatalf("--at +0s and the last reading are the same reading (%v): the recording holds one reading?", first["time"])
	}
	if first["interval_seconds"].(float64) <= 0 {
		t.Errorf("recorded readings carry their rates: interval_seconds = %v", first["interval_seconds"])
	}
	if _, msg := read("--at", "1999-01-01T00:00:00Z"); !strings.Contains(msg, "before the recording starts") {
		t.Errorf("an --at before the start: %q", msg)
	}

	// Cut the file inside its last reading, as a crash would.
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, data[:len(data)-3], 0o644); err != nil {
		t.Fatal(err)
	}
	if doc, msg := read(); doc == nil || !strings.Contains(msg, "cut short while recording") {
		t.Fatalf("a cut file should still read, with a warning naming the cut: doc %v, stderr %q", doc != nil, msg)
	}
	if err := os.WriteFile(file, []byte("not a recording at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, msg := read(); !strings.Contains(msg, file) || !strings.Contains(msg, "not a boxtop recording") {
		t.Fatalf("a file that is no recording: %q", msg)
	}
}
