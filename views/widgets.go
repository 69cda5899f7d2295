package views

import (
	"math"
	"strings"
)

// Series is a bounded run of readings, oldest first. NaN stands for a reading that had no
// value (no rate yet, or not readable). The TUI's ring buffers implement it, so views read
// history without copying it.
type Series interface {
	Len() int
	At(i int) float64
}

// Floats is a Series over a slice.
type Floats []float64

func (f Floats) Len() int         { return len(f) }
func (f Floats) At(i int) float64 { return f[i] }

func seriesLen(s Series) int {
	if s == nil {
		return 0
	}
	return s.Len()
}

// sparkFloor is the fraction of a sparkline's scale below which a reading draws no bar.
const sparkFloor = 0.01

// sparkBlocks are the eight heights of a sparkline bar.
var sparkBlocks = [...]rune{'▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'}

// Sparkline draws the last width readings of s as bars, scaled to max (or to the largest
// reading when scale <= 0); the result is always width cells. A missing reading, and one
// under 1% of the scale, is blank: an idle container draws nothing rather than a flat line
// that grows one cell a second, which over SSH is bytes that say only that time passes.
// Anything at or above 1% gets at least the lowest bar.
func Sparkline(s Series, width int, scale float64) string {
	if width <= 0 {
		return ""
	}
	n := seriesLen(s)
	start := 0
	if n > width {
		start = n - width
	}
	if scale <= 0 {
		for i := start; i < n; i++ {
			if v := s.At(i); !math.IsNaN(v) && v > scale {
				scale = v
			}
		}
	}
	var b strings.Builder
	b.Grow(width * 3)
	for i := 0; i < width-(n-start); i++ {
		b.WriteByte(' ')
	}
	for i := start; i < n; i++ {
		v := s.At(i)
		if math.IsNaN(v) || scale <= 0 || v < scale*sparkFloor {
			b.WriteByte(' ')
			continue
		}
		level := int(math.Round(v/scale*float64(len(sparkBlocks)))) - 1
		level = min(max(level, 0), len(sparkBlocks)-1)
		b.WriteRune(sparkBlocks[level])
	}
	return b.String()
}

// Gauge draws a bar of width cells filled to fraction (0..1; beyond 1 fills it all). The
// filled and empty parts use different characters, so the bar reads without colour.
func Gauge(fraction float64, width int, full Paint, st Styles) string {
	if width <= 0 {
		return ""
	}
	if math.IsNaN(fraction) || fraction < 0 {
		fraction = 0
	}
	if fraction > 1 {
		fraction = 1
	}
	filled := int(math.Round(fraction * float64(width)))
	if filled == 0 && fraction > 0 {
		filled = 1
	}
	return full.Render(strings.Repeat("█", filled)) + st.GaugeEmpty.Render(strings.Repeat("░", width-filled))
}

// gaugeTone picks how a gauge at fraction of its limit is painted: calm, near, or at the limit.
func gaugeTone(fraction float64) Tone {
	switch {
	case fraction >= 0.9:
		return ToneBad
	case fraction >= 0.7:
		return ToneWarn
	}
	return ToneGood
}
