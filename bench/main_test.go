package main

import (
	"io"
	"reflect"
	"testing"
	"time"
)

func TestParseFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		check   func(config) bool
		wantErr bool
	}{
		{name: "defaults", args: nil, check: func(c config) bool {
			return reflect.DeepEqual(c.counts, []int{10, 50, 100}) && c.rounds == 3 && c.window == 20*time.Second &&
				c.soak == 10*time.Minute && c.out == "docs/benchmarks.md"
		}},
		{name: "quick", args: []string{"-quick"}, check: func(c config) bool {
			return reflect.DeepEqual(c.counts, []int{10}) && c.rounds == 1 && c.window == 5*time.Second && c.soak == 0 && c.out == ""
		}},
		{name: "quick keeps what is given", args: []string{"-n", "50", "-quick", "-out", "x.md"}, check: func(c config) bool {
			return reflect.DeepEqual(c.counts, []int{50}) && c.rounds == 1 && c.out == "x.md"
		}},
		{name: "counts sorted and distinct", args: []string{"-n", "100, 10,50,10"}, check: func(c config) bool {
			return reflect.DeepEqual(c.counts, []int{10, 50, 100})
		}},
		{name: "zero count", args: []string{"-n", "0"}, wantErr: true},
		{name: "too many for bx-NNN names", args: []string{"-n", "1001"}, wantErr: true},
		{name: "not a number", args: []string{"-n", "ten"}, wantErr: true},
		{name: "no rounds", args: []string{"-rounds", "0"}, wantErr: true},
		{name: "interval below boxtop's floor", args: []string{"-interval", "50ms"}, wantErr: true},
		{name: "stray argument", args: []string{"extra"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parseFlags(tt.args, io.Discard)
			if (err != nil) != tt.wantErr {
				t.Fatalf("parseFlags(%q) error = %v, want error %v", tt.args, err, tt.wantErr)
			}
			if err == nil && !tt.check(c) {
				t.Errorf("parseFlags(%q) = %+v", tt.args, c)
			}
		})
	}
}

func TestCommandLine(t *testing.T) {
	tests := map[string][]string{
		"go run ./bench   # make bench":   nil,
		"go run ./bench   # make bench ":  {"-raw", "/tmp/x.json"},
		"go run ./bench -quick -n 10":     {"-quick", "-raw=/tmp/x.json", "-n", "10"},
		"go run ./bench -out 'my doc.md'": {"-out", "my doc.md"},
	}
	for want, args := range tests {
		want = trimSpaceEnd(want)
		if got := commandLine(args); got != want {
			t.Errorf("commandLine(%q) = %q, want %q", args, got, want)
		}
	}
}

func trimSpaceEnd(s string) string {
	for len(s) > 0 && s[len(s)-1] == ' ' {
		s = s[:len(s)-1]
	}
	return s
}
