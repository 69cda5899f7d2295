package views

import (
	"strings"
	"testing"

	"github.com/boxtop/boxtop/collectors/snapshot"
)

func TestNameMatches(t *testing.T) {
	tests := []struct {
		name, filter, container, id string
		want                        bool
	}{
		{"no filter", "", "web", "3f2a", true},
		{"part of the name", "eb", "web", "", true},
		{"ignores case", "WEB", "web", "", true},
		{"id prefix", "3f2a", "web", "3f2a1b0c", true},
		{"not inside the id", "2a1b", "web", "3f2a1b0c", false},
		{"no match", "db", "web", "3f2a", false},
	}
	for _, tc := range tests {
		if got := NameMatches(tc.filter, tc.container, tc.id); got != tc.want {
			t.Errorf("%s: NameMatches(%q, %q, %q) = %v, want %v", tc.name, tc.filter, tc.container, tc.id, got, tc.want)
		}
	}
}

// The name filter narrows the Events pane too: on a busy host it is how one finds what
// happened to one container.
func TestEventsFollowTheFilter(t *testing.T) {
	snap := loadSnapshot(t, "fixture.json")
	tests := []struct {
		filter string
		want   []string // the names on the event rows
		empty  string   // or the message when none match
	}{
		{"", []string{"migrate-once", "api", "batch-job", "build-runner"}, ""},
		{"api", []string{"api"}, ""},
		{"batch", []string{"batch-job"}, ""},
		{"zzz", nil, "no events of containers matching /zzz"},
	}
	for _, tc := range tests {
		t.Run("filter "+tc.filter, func(t *testing.T) {
			s := listState(t, snap, false)
			s.Pane, s.Filter = PaneEvents, tc.filter
			lines := eventsPane(&s, 120, 30, Styles{})
			text := strings.Join(lines, "\n")
			if tc.empty != "" {
				if !strings.Contains(text, tc.empty) {
					t.Errorf("want %q:\n%s", tc.empty, text)
				}
				return
			}
			for _, l := range lines[1:] {
				found := false
				for _, n := range tc.want {
					if strings.Contains(l, " "+n+" ") {
						found = true
					}
				}
				if !found {
					t.Errorf("row %q is not an event of %v", l, tc.want)
				}
			}
			for _, n := range tc.want {
				if !strings.Contains(text, " "+n+" ") {
					t.Errorf("no event of %s:\n%s", n, text)
				}
			}
			if want := len(FilterEvents(snap.Events, tc.filter)); len(lines)-1 != want {
				t.Errorf("%d rows, want %d", len(lines)-1, want)
			}
		})
	}
}

func TestFormatPorts(t *testing.T) {
	tests := []struct {
		name  string
		ports []snapshot.Port
		want  string
	}{
		{"none", nil, "-"},
		{"on every address, v4 and v6, reads once", []snapshot.Port{
			{ContainerPort: 80, Protocol: "tcp", HostIP: "0.0.0.0", HostPort: 8080},
			{ContainerPort: 80, Protocol: "tcp", HostIP: "::", HostPort: 8080}}, "8080→80/tcp"},
		{"different host ports both show", []snapshot.Port{
			{ContainerPort: 80, Protocol: "tcp", HostIP: "0.0.0.0", HostPort: 32769},
			{ContainerPort: 80, Protocol: "tcp", HostIP: "::", HostPort: 32768}}, "32769→80/tcp,32768→80/tcp"},
		{"a host address is named", []snapshot.Port{{ContainerPort: 5432, HostIP: "127.0.0.1", HostPort: 5432}}, "127.0.0.1:5432→5432/tcp"},
		{"exposed, not published", []snapshot.Port{{ContainerPort: 53, Protocol: "udp"}}, "53/udp"},
	}
	for _, tc := range tests {
		if got := formatPorts(tc.ports); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestPlural(t *testing.T) {
	for n, want := range map[int]string{0: "0 processes", 1: "1 process", 4: "4 processes"} {
		if got := plural(n, "process", "processes"); got != want {
			t.Errorf("plural(%d) = %q, want %q", n, got, want)
		}
	}
}
