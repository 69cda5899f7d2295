package views

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// goldenSizes are the terminal sizes every screen is checked at: the smallest usable, a
// common one, and a large one.
var goldenSizes = [][2]int{{80, 24}, {120, 40}, {200, 60}}

// isolationSizes add 160x45 for the panes that show the walls between containers (their
// namespaces, mounts and networks), whose columns come and go with the width.
var isolationSizes = [][2]int{{80, 24}, {120, 40}, {160, 45}, {200, 60}}

// smallAndCommon are the sizes of the cases that check one part of the screen.
var smallAndCommon = [][2]int{{80, 24}, {120, 40}}

type screenCase struct {
	name  string
	state func(t *testing.T) State
	// sizes are the terminal sizes to check; nil means goldenSizes.
	sizes [][2]int
}

func screenCases() []screenCase {
	fixture := func(t *testing.T) State {
		snap := loadSnapshot(t, "fixture.json")
		s := listState(t, snap, false)
		s.History = loadHistory(t, snap)
		return s
	}
	withPane := func(p Pane, name string) func(t *testing.T) State {
		return func(t *testing.T) State {
			s := fixture(t)
			s.Pane = p
			if name != "" {
				selectByName(t, &s, name)
			}
			return s
		}
	}
	return []screenCase{
		{"resources", withPane(PaneResources, "web"), nil},
		{"isolation", withPane(PaneIsolation, "node-exporter"), isolationSizes},
		{"network", withPane(PaneNetwork, "db"), isolationSizes},
		{"processes", func(t *testing.T) State {
			s := withPane(PaneProcesses, "web")(t)
			s.ProcessCursor = 3 // the shell whose mount namespace differs
			return s
		}, nil},
		{"events", withPane(PaneEvents, ""), nil},
		{"storage", withPane(PaneStorage, "build-runner"), isolationSizes},
		{"resources-all-sorted", func(t *testing.T) State {
			s := fixture(t)
			all := listState(t, s.Snapshot, true)
			s.Containers, s.ShowAll = all.Containers, true
			// CPU% descending, as the TUI sorts it (stopped last).
			s.SortColumn, s.SortDescending = ColCPU, true
			order := []string{"build-runner", "db", "api", "web", "cache", "sidecar-log-shipper-eu-west-1-production", "node-exporter", "batch-job"}
			byName := map[string]int{}
			for i, c := range s.Containers {
				byName[c.Name] = i
			}
			sorted := s.Containers[:0:0]
			for _, n := range order {
				sorted = append(sorted, s.Containers[byName[n]])
			}
			s.Containers = sorted
			s.Marked = map[string]bool{sorted[1].ID: true, sorted[3].ID: true}
			selectByName(t, &s, "api")
			s.Status = "cache: read /sys/fs/cgroup/…/memory.stat: permission denied"
			s.StatusIsError = true
			return s
		}, nil},
		{"detail-web", func(t *testing.T) State {
			s := withPane(PaneResources, "web")(t)
			s.Mode = ModeDetail
			return s
		}, nil},
		{"detail-cache-errors", func(t *testing.T) State {
			s := withPane(PaneResources, "cache")(t)
			s.Mode = ModeDetail
			return s
		}, nil},
		{"compare", func(t *testing.T) State {
			s := fixture(t)
			for _, n := range []string{"web", "sidecar-log-shipper-eu-west-1-production", "node-exporter"} {
				selectByName(t, &s, n)
				s.Marked[s.Focus.ID] = true
				s.Compared = append(s.Compared, s.Focus)
			}
			s.Mode = ModeCompare
			return s
		}, nil},
		{"compare-one-marked", func(t *testing.T) State {
			s := withPane(PaneResources, "web")(t)
			s.Marked[s.Focus.ID] = true
			s.Compared = append(s.Compared, s.Focus)
			s.Mode = ModeCompare
			return s
		}, nil},
		{"help", func(t *testing.T) State {
			s := fixture(t)
			s.Help = true
			return s
		}, nil},
		{"filtering-paused", func(t *testing.T) State {
			s := fixture(t)
			s.Filter, s.Filtering, s.Paused = "c", true, true
			var kept = s.Containers[:0:0]
			for _, c := range s.Containers {
				if strings.Contains(c.Name, "c") {
					kept = append(kept, c)
				}
			}
			s.Containers = kept
			return s
		}, nil},
		{"filter-no-match", func(t *testing.T) State {
			s := fixture(t)
			s.Filter, s.Containers, s.Selected, s.Focus = "zzz", nil, -1, nil
			return s
		}, nil},
		{"no-engine", func(t *testing.T) State {
			return listState(t, loadSnapshot(t, "no-engine.json"), false)
		}, nil},
		{"idle-engine", func(t *testing.T) State {
			return listState(t, loadSnapshot(t, "idle.json"), false)
		}, nil},
		{"replay-collecting", func(t *testing.T) State {
			s := fixture(t)
			s.Replay, s.Label, s.Collecting = true, "testdata/demo.bxr", true
			return s
		}, nil},
		{"first-reading", func(t *testing.T) State {
			return State{Pane: PaneResources, Collecting: true, Interval: 1e9, Keys: testKeys()}
		}, nil},
		{"replay-playing", func(t *testing.T) State {
			s := withPane(PaneResources, "db")(t)
			s.Replay, s.Label = true, "testdata/demo.bxr"
			s.Playback = &Playback{Index: 41, Count: 120, Playing: true, Speed: 4}
			return s
		}, smallAndCommon},
		{"replay-paused-detail", func(t *testing.T) State {
			s := withPane(PaneResources, "web")(t)
			s.Replay, s.Label, s.Mode = true, "/var/tmp/incident-2026-11-27.bxr", ModeDetail
			s.Playback = &Playback{Index: 0, Count: 120, Speed: 0.25}
			return s
		}, smallAndCommon},
		{"storage-measuring", func(t *testing.T) State {
			s := withPane(PaneStorage, "db")(t)
			s.CanMeasureLayers = true
			s.Layers = map[string]LayerMeasurement{}
			for _, c := range s.Containers {
				switch c.Name {
				case "db":
					s.Layers[c.ID] = LayerMeasurement{Measuring: true}
				case "cache":
					s.Layers[c.ID] = LayerMeasurement{Bytes: 3 << 20}
				case "web":
					s.Layers[c.ID] = LayerMeasurement{Err: "measuring /var/lib/docker/overlay2/9f8e/diff: stopped after 51200 entries: context deadline exceeded"}
				}
			}
			return s
		}, [][2]int{{80, 24}, {160, 45}}},
		{"detail-db-storage", func(t *testing.T) State {
			s := withPane(PaneStorage, "db")(t)
			s.Mode, s.CanMeasureLayers, s.DetailOffset = ModeDetail, true, 24
			return s
		}, [][2]int{{80, 24}, {160, 45}}},
		{"compare-storage", func(t *testing.T) State {
			s := fixture(t)
			for _, n := range []string{"api", "build-runner", "cache"} {
				selectByName(t, &s, n)
				s.Marked[s.Focus.ID] = true
				s.Compared = append(s.Compared, s.Focus)
			}
			s.Mode, s.CompareOffset = ModeCompare, 30
			return s
		}, [][2]int{{80, 24}, {160, 45}}},
		{"remote-resources", remote(PaneResources, ModePane), smallAndCommon},
		{"remote-isolation", remote(PaneIsolation, ModePane), smallAndCommon},
		{"remote-network", remote(PaneNetwork, ModePane), smallAndCommon},
		{"remote-processes", remote(PaneProcesses, ModePane), smallAndCommon},
		{"remote-detail", remote(PaneResources, ModeDetail), smallAndCommon},
		{"engines-resources", func(t *testing.T) State {
			return listState(t, loadSnapshot(t, "engines.json"), false)
		}, nil},
		{"engines-found-detail", func(t *testing.T) State {
			s := listState(t, loadSnapshot(t, "engines.json"), false)
			selectByName(t, &s, "4f1c2a9b7e3d")
			s.Mode = ModeDetail
			return s
		}, smallAndCommon},
	}
}

// remote is the state of a remote engine's reading (its host's /proc cannot be read), on a
// pane or in the detail view of its first container.
func remote(p Pane, mode Mode) func(t *testing.T) State {
	return func(t *testing.T) State {
		s := listState(t, loadSnapshot(t, "remote.json"), false)
		s.Pane, s.Mode = p, mode
		selectByName(t, &s, "postgres")
		return s
	}
}

// sgrColour finds SGR sequences that set a colour (30-37, 38, 39?, 40-47, 48, 90-97, 100-107).
var sgrColour = regexp.MustCompile(`\x1b\[[0-9;:]*\b(3[0-8]|4[0-8]|9[0-7]|10[0-7])\b[0-9;:]*m`)

func TestScreensGolden(t *testing.T) {
	for _, tc := range screenCases() {
		sizes := tc.sizes
		if sizes == nil {
			sizes = goldenSizes
		}
		for _, size := range sizes {
			w, h := size[0], size[1]
			t.Run(fmt.Sprintf("%s/%dx%d", tc.name, w, h), func(t *testing.T) {
				s := tc.state(t)
				out := Render(s, w, h, Styles{})
				checkFrame(t, out, w, h)
				if again := Render(s, w, h, Styles{}); again != out {
					t.Fatal("rendering the same state twice gave different output")
				}
				if strings.Contains(out, "\x1b") {
					t.Fatal("plain styles produced escape codes")
				}
				compareGolden(t, fmt.Sprintf("%s-%dx%d.golden", tc.name, w, h), out)

				for _, st := range []struct {
					name   string
					styles Styles
				}{{"default", DefaultStyles()}, {"no-color", NoColorStyles()}} {
					styled := Render(s, w, h, st.styles)
					checkFrame(t, styled, w, h)
					if got := ansi.Strip(styled); got != out {
						t.Errorf("%s styles change the text, not only its look:\n%s", st.name, firstDiff(out, got))
					}
					if st.name == "no-color" && sgrColour.MatchString(styled) {
						t.Errorf("no-color styles emit a colour code: %q", sgrColour.FindString(styled))
					}
				}
			})
		}
	}
}

// TestScreensStyledGolden keeps one styled golden per pane, so a change of colours or
// attributes shows up in review.
func TestScreensStyledGolden(t *testing.T) {
	for _, tc := range screenCases()[:6] {
		t.Run(tc.name, func(t *testing.T) {
			out := Render(tc.state(t), 120, 40, DefaultStyles())
			checkFrame(t, out, 120, 40)
			compareGolden(t, tc.name+"-120x40.styled.golden", out)
		})
	}
}

func TestTooSmall(t *testing.T) {
	snap := loadSnapshot(t, "fixture.json")
	s := listState(t, snap, false)
	for _, size := range [][2]int{{39, 24}, {80, 9}, {20, 5}, {1, 1}} {
		out := Render(s, size[0], size[1], DefaultStyles())
		if strings.Contains(out, "\n") {
			t.Errorf("%dx%d: want one line, got %q", size[0], size[1], out)
		}
		if w := ansi.StringWidth(out); w > size[0] {
			t.Errorf("%dx%d: line is %d cells wide", size[0], size[1], w)
		}
		if size[0] >= 20 && !strings.Contains(out, "terminal too") {
			t.Errorf("%dx%d: %q does not ask for a larger terminal", size[0], size[1], out)
		}
	}
	if out := Render(s, 0, 0, Styles{}); out != "" {
		t.Errorf("0x0: %q", out)
	}
}

// checkFrame asserts the screen's shape: exactly h lines, none wider than w.
func checkFrame(t *testing.T, out string, w, h int) {
	t.Helper()
	lines := strings.Split(out, "\n")
	if len(lines) != h {
		t.Errorf("got %d lines, want %d", len(lines), h)
	}
	for i, l := range lines {
		if n := ansi.StringWidth(l); n > w {
			t.Errorf("line %d is %d cells wide (terminal %d): %q", i+1, n, w, ansi.Strip(l))
		}
	}
}

func compareGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./views -update to create it)", err)
	}
	if !bytes.Equal(want, []byte(got)) {
		t.Errorf("%s differs from the golden file (go test ./views -update rewrites it):\n%s", name, firstDiff(string(want), got))
	}
}

// firstDiff shows the first line where two texts differ.
func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(wl), len(gl)); i++ {
		var a, b string
		if i < len(wl) {
			a = wl[i]
		}
		if i < len(gl) {
			b = gl[i]
		}
		if a != b {
			return fmt.Sprintf("line %d\nwant: %q\n got: %q", i+1, a, b)
		}
	}
	return "(same lines)"
}
