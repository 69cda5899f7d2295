package main

import (
	"context"
	"testing"
	"time"
)

func TestForeignEvents(t *testing.T) {
	t0 := time.Now()
	e := &foreignEvents{times: []time.Time{t0.Add(-time.Minute), t0.Add(-20 * time.Second), t0.Add(-5 * time.Second)}}
	if got := e.between(t0.Add(-30*time.Second), t0); got != 2 {
		t.Errorf("between = %d, want 2", got)
	}
	// The last event was 5 s ago: waiting for 5.3 s of quiet takes about 0.3 s more.
	waited, err := e.waitQuiet(context.Background(), 5300*time.Millisecond, 10*time.Second, nil)
	if err != nil || waited < 250*time.Millisecond || waited > 2*time.Second {
		t.Errorf("waitQuiet = %v, %v; want about 300ms", waited, err)
	}
	// A daemon that never pauses: the limit wins.
	e.times = append(e.times, time.Now())
	waited, _ = e.waitQuiet(context.Background(), time.Hour, 200*time.Millisecond, nil)
	if waited < 200*time.Millisecond || waited > time.Second {
		t.Errorf("waitQuiet with a limit of 200ms waited %v", waited)
	}
	if waited, _ := (&foreignEvents{}).waitQuiet(context.Background(), time.Second, time.Minute, nil); waited > 100*time.Millisecond {
		t.Errorf("no events at all: waited %v, want no wait", waited)
	}
}

func TestIsBenchName(t *testing.T) {
	for name, want := range map[string]bool{"bx-000": true, "bx-churn-3": true, "bxt-975e-churn-0": false, "lead-web": false, "": false} {
		if got := isBenchName(name); got != want {
			t.Errorf("isBenchName(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestWaitQuietBusy(t *testing.T) {
	calls := 0
	busy := func() bool { calls++; return calls <= 1 } // busy at the first look only
	e := &foreignEvents{}
	waited, err := e.waitQuiet(context.Background(), 300*time.Millisecond, 5*time.Second, busy)
	if err != nil || waited < 250*time.Millisecond || waited > 2*time.Second {
		t.Errorf("waitQuiet = %v, %v; want about 300ms of quiet after the busy look", waited, err)
	}
}

func TestIsDockerStats(t *testing.T) {
	tests := map[string]bool{
		"docker\x00stats\x00":                    true,
		"/usr/bin/docker\x00stats\x00a\x00b":     true,
		"docker\x00--host\x00unix:///x\x00stats": false, // a flag's value reads as the command; rare, and the harness's own runs have none
		"docker\x00-D\x00stats\x00":              true,
		"docker\x00container\x00stats\x00":       true,
		"docker\x00ps\x00":                       false,
		"docker\x00events\x00--filter\x00stats":  false,
		"dockerd\x00stats":                       false,
		"":                                       false,
	}
	for cmdline, want := range tests {
		if got := isDockerStats([]byte(cmdline)); got != want {
			t.Errorf("isDockerStats(%q) = %v, want %v", cmdline, got, want)
		}
	}
}
