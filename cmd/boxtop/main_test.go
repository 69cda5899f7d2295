package main

import (
	"bytes"
	"context"
	"encoding/json"
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
		{name: "json without snapshot", args: []string{"--json"}, wantErr: "--json and --size go with the snapshot command"},
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
