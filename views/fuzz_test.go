package views

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/boxtop/boxtop/collectors/snapshot"
)

// FuzzRender feeds arbitrary snapshots (a recording can be corrupt, a collector can return
// odd values) and sizes to every view: nothing may panic, no line may be wider than the
// terminal, and the frame has as many lines as the terminal.
func FuzzRender(f *testing.F) {
	// Seeds stay small (the fixture cut to two containers), so that the fuzzer can shrink
	// what it finds in reasonable time.
	small := loadSnapshot(f, "fixture.json")
	small.Containers = small.Containers[:2]
	small.Events = small.Events[:2]
	seed, err := json.Marshal(small)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed, uint8(80), uint8(24), uint8(0), uint8(0))
	f.Add(seed, uint8(41), uint8(10), uint8(3), uint8(4))
	for _, name := range []string{"no-engine.json", "idle.json", "remote.json", "engines.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, uint8(100), uint8(30), uint8(2), uint8(1))
	}
	f.Add([]byte(`{"containers":[{"id":"x","name":"\u001b[2J\n","state":"running","pid":-1,"cpu":{"usage_percent":-1e308,"limit_cores":0},"memory":{"working_set_bytes":18446744073709551615,"limit_bytes":0},"processes":[{"pid":1,"ppid":1}],"namespaces":{"net":{"inode":1,"shared_with":[""]}}}],"events":[{"action":"die","exit_code":-9}]}`),
		uint8(120), uint8(40), uint8(1), uint8(2))
	f.Fuzz(func(t *testing.T, data []byte, w, h, pane, mode uint8) {
		var snap snapshot.Snapshot
		if json.Unmarshal(data, &snap) != nil {
			return
		}
		s := listState(t, &snap, mode&4 != 0)
		s.Pane = Pane(int(pane)%PaneCount + 1)
		s.Mode = Mode(int(mode) % 3)
		s.Help = mode&8 != 0
		s.ProcessCursor = int(pane) - 3
		s.DetailOffset = int(mode) - 2
		if s.Mode == ModeCompare {
			s.Compared = s.Containers
		}
		if mode&16 != 0 {
			// A play head anywhere, even outside the recording, and measurements in every
			// state, the failed one with the reading's own text as its reason.
			s.Replay = true
			s.Playback = &Playback{Index: int(pane) - 2, Count: int(w) % 5, Playing: mode&32 != 0, Speed: float64(h) / 7}
			s.CanMeasureLayers = mode&64 != 0
			s.Layers = map[string]LayerMeasurement{}
			for i, c := range s.Containers {
				switch i % 3 {
				case 0:
					s.Layers[c.ID] = LayerMeasurement{Measuring: true}
				case 1:
					s.Layers[c.ID] = LayerMeasurement{Bytes: -int64(h)}
				default:
					s.Layers[c.ID] = LayerMeasurement{Err: c.Name + "\n\x1b[2J"}
				}
			}
		}
		width, height := int(w), int(h)
		out := Render(s, width, height, DefaultStyles())
		if width == 0 || height == 0 {
			return
		}
		lines := strings.Split(out, "\n")
		if width >= MinWidth && height >= MinHeight && len(lines) != height {
			t.Fatalf("%d lines at height %d", len(lines), height)
		}
		for i, l := range lines {
			if n := ansi.StringWidth(l); n > width {
				t.Fatalf("line %d is %d wide at width %d: %q", i, n, width, l)
			}
		}
	})
}
