package views

import (
	"math"
	"strings"
	"testing"
)

func TestSparkline(t *testing.T) {
	tests := []struct {
		name  string
		in    Floats
		width int
		scale float64
		want  string
	}{
		{"empty pads", nil, 4, 100, "    "},
		{"scaled to the limit", Floats{0, 50, 100}, 3, 100, " ▄█"},
		{"every step", Floats{12.5, 25, 37.5, 50, 62.5, 75, 87.5, 100}, 8, 100, "▁▂▃▄▅▆▇█"},
		{"above the scale is full", Floats{250}, 1, 100, "█"},
		{"auto scale", Floats{1, 2, 4}, 3, 0, "▂▄█"},
		{"missing readings blank", Floats{100, math.NaN(), 100}, 3, 100, "█ █"},
		{"keeps the newest", Floats{100, 0, 0, 100}, 2, 100, " █"},
		{"short history pads left", Floats{100}, 3, 100, "  █"},
		// An idle container draws nothing, so its column does not grow every reading.
		{"all zero", Floats{0, 0}, 2, 0, "  "},
		{"idle is blank", Floats{0, 0.3, 0.9}, 3, 100, "   "},
		{"light use still shows", Floats{1, 5}, 2, 100, "▁▁"},
		{"negative is blank", Floats{-5}, 1, 100, " "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Sparkline(tc.in, tc.width, tc.scale)
			if got != tc.want {
				t.Errorf("Sparkline = %q, want %q", got, tc.want)
			}
			if Width(got) != tc.width {
				t.Errorf("%q is %d wide, want %d", got, Width(got), tc.width)
			}
		})
	}
}

func TestGauge(t *testing.T) {
	tests := []struct {
		name     string
		fraction float64
		want     string
	}{
		{"empty", 0, "░░░░░░░░░░"},
		{"half", 0.5, "█████░░░░░"},
		{"a sliver shows", 0.01, "█░░░░░░░░░"},
		{"over the limit is full", 1.7, "██████████"},
		{"NaN is empty", math.NaN(), "░░░░░░░░░░"},
	}
	for _, tc := range tests {
		if got := Gauge(tc.fraction, 10, Paint{}, Styles{}); got != tc.want {
			t.Errorf("%s: Gauge = %q, want %q", tc.name, got, tc.want)
		}
	}
	// Filled and empty differ without colour.
	if g := Gauge(0.5, 10, Paint{}, Styles{}); !strings.Contains(g, "█") || !strings.Contains(g, "░") {
		t.Error("a gauge relies on colour")
	}
}

func TestNoColorStylesHaveNoColour(t *testing.T) {
	st := NoColorStyles()
	for _, p := range []Paint{st.Header, st.Replay, st.Tab, st.TabActive, st.TableHeader, st.Selected, st.Section,
		st.Key, st.Footer, st.Error, st.Differs, st.Dim, st.Good, st.Warn, st.Bad, st.Accent, st.GaugeFull, st.GaugeEmpty} {
		if out := p.Render("x"); sgrColour.MatchString(out) {
			t.Errorf("no-colour paint %q sets a colour", out)
		}
	}
	if (Styles{}).Bad.Render("x") != "x" {
		t.Error("the zero Styles paints")
	}
}
