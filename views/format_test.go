package views

import (
	"math"
	"strings"
	"testing"
	"time"
)

func ptr[T any](v T) *T { return &v }

func TestFormatBytes(t *testing.T) {
	tests := []struct {
		name string
		in   uint64
		want string
	}{
		{"zero", 0, "0B"},
		{"bytes", 512, "512B"},
		{"just below a KiB", 1023, "1023B"},
		{"one KiB", 1024, "1.0KiB"},
		{"fraction", 1536, "1.5KiB"},
		{"tens", 40 << 20, "40MiB"},
		{"rounds", 1503238553, "1.4GiB"},
		{"below the next unit", 1000 << 20, "0.98GiB"},
		{"largest", math.MaxUint64, "16EiB"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := FormatBytes(tc.in)
			if got != tc.want {
				t.Errorf("FormatBytes(%d) = %q, want %q", tc.in, got, tc.want)
			}
			if len(got) > 7 {
				t.Errorf("%q is wider than the 7 cells columns give it", got)
			}
		})
	}
}

func TestFormatOptional(t *testing.T) {
	tests := []struct {
		name, got, want string
	}{
		{"rate nil", FormatRate(nil), "-"},
		{"rate NaN", FormatRate(ptr(math.NaN())), "-"},
		{"rate negative", FormatRate(ptr(-5.0)), "0B"},
		{"rate", FormatRate(ptr(12400.0)), "12KiB"},
		{"rate with unit", FormatRatePerSecond(ptr(4096.0)), "4.0KiB/s"},
		{"rate with unit nil", FormatRatePerSecond(nil), "-"},
		{"percent nil", FormatPercent(nil), "-"},
		{"percent small", FormatPercent(ptr(0.04)), "0.0"},
		{"percent", FormatPercent(ptr(24.84)), "24.8"},
		{"percent over 100", FormatPercent(ptr(312.5)), "313"},
		{"percent negative", FormatPercent(ptr(-1.0)), "0.0"},
		{"cores unlimited", FormatCores(nil), "-"},
		{"cores quarter", FormatCores(ptr(0.25)), "0.25"},
		{"cores whole", FormatCores(ptr(2.0)), "2"},
		{"cores half", FormatCores(ptr(1.5)), "1.5"},
		{"limit unlimited", FormatLimitBytes(nil), "-"},
		{"limit", FormatLimitBytes(ptr(uint64(50331648))), "48MiB"},
		{"count nil", FormatCount(nil), "-"},
		{"count", FormatCount(ptr(uint64(3))), "3"},
		{"interval ms", FormatInterval(250 * time.Millisecond), "250ms"},
		{"interval s", FormatInterval(time.Second), "1s"},
		{"interval 1.5s", FormatInterval(1500 * time.Millisecond), "1.5s"},
		{"interval 30s", FormatInterval(30 * time.Second), "30s"},
		{"interval 2m", FormatInterval(2 * time.Minute), "2m"},
		{"seconds small", FormatSeconds(12.5), "12.5s"},
		{"seconds minutes", FormatSeconds(125), "2m5s"},
		{"seconds exact minutes", FormatSeconds(120), "2m"},
		{"seconds hours", FormatSeconds(3725), "1h02m"},
		{"exit 0", FormatExitCode(0), "exit 0"},
		{"exit SIGKILL", FormatExitCode(137), "exit 137 (SIGKILL)"},
		{"exit unknown signal", FormatExitCode(200), "exit 200"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, tc.got, tc.want)
		}
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		name string
		in   string
		w    int
		want string
	}{
		{"fits", "web", 5, "web"},
		{"exact", "web-1", 5, "web-1"},
		{"cut", "sidecar-log", 6, "sidec…"},
		{"zero width", "web", 0, ""},
		{"one cell", "web", 1, "…"},
		{"wide characters", "日本語テキスト", 5, "日本…"},
		{"styled", "\x1b[31mredtext\x1b[m", 4, "\x1b[31mred…\x1b[m"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Truncate(tc.in, tc.w)
			if got != tc.want {
				t.Errorf("Truncate(%q, %d) = %q, want %q", tc.in, tc.w, got, tc.want)
			}
			if Width(got) > tc.w {
				t.Errorf("%q is %d wide, more than %d", got, Width(got), tc.w)
			}
		})
	}
}

func TestSanitize(t *testing.T) {
	if got := sanitize("a\nb\x1b[31mc\td"); got != "a b [31mc d" {
		t.Errorf("sanitize = %q", got)
	}
}

func TestCompactIDs(t *testing.T) {
	id := strings.Repeat("0123456789abcdef", 4)
	tests := []struct {
		name, in, want string
	}{
		{"cgroup path", "read /sys/fs/cgroup/docker-" + id + ".scope/memory.stat: denied", "read /sys/fs/cgroup/docker-0123456789ab….scope/memory.stat: denied"},
		{"at the end", "container " + id, "container 0123456789ab…"},
		{"longer hex run is not an id", id + "0", id + "0"},
		{"short", "abc", "abc"},
	}
	for _, tc := range tests {
		if got := compactIDs(tc.in); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestWrap(t *testing.T) {
	got := wrap("docker at unix:///var/run/docker.sock: dial unix /var/run/docker.sock: connect: no such file", 30, 4)
	want := []string{
		"docker at",
		"    unix:///var/run/docker.soc", // a word longer than a line breaks
		"    k: dial unix",
		"    /var/run/docker.sock:",
		"    connect: no such file",
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("wrap:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, l := range got {
		if Width(l) > 30 {
			t.Errorf("%q is wider than 30", l)
		}
	}
	if got := wrap("", 10, 2); len(got) != 1 || got[0] != "" {
		t.Errorf("empty text wraps to %q", got)
	}
}
