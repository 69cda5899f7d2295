package main

import (
	"math"
	"testing"
	"time"
)

func TestSummarize(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name       string
		xs         []float64
		want       summary
		wantFormat string
	}{
		{name: "odd count", xs: []float64{5, 1, 3}, want: summary{N: 3, Median: 3, Lo: 1, Hi: 5}, wantFormat: "3.0 (1.0–5.0)"},
		{name: "even count averages the middle two", xs: []float64{4, 1, 10, 2}, want: summary{N: 4, Median: 3, Lo: 1, Hi: 10}, wantFormat: "3.0 (1.0–10.0)"},
		{name: "failed rounds are left out", xs: []float64{nan, 7, nan}, want: summary{N: 1, Median: 7, Lo: 7, Hi: 7}, wantFormat: "7.0"},
		{name: "negative values", xs: []float64{-2, 6, 1}, want: summary{N: 3, Median: 1, Lo: -2, Hi: 6}, wantFormat: "1.0 (-2.0–6.0)"},
		{name: "tiny negative prints as zero", xs: []float64{-0.01}, want: summary{N: 1, Median: -0.01, Lo: -0.01, Hi: -0.01}, wantFormat: "0.0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := summarize(tt.xs)
			if got != tt.want {
				t.Errorf("summarize(%v) = %+v, want %+v", tt.xs, got, tt.want)
			}
			if f := got.format(1); f != tt.wantFormat {
				t.Errorf("format = %q, want %q", f, tt.wantFormat)
			}
		})
	}
	t.Run("nothing measured", func(t *testing.T) {
		s := summarize([]float64{nan})
		if s.ok() || !math.IsNaN(s.Median) || s.format(1) != "n/a" {
			t.Errorf("summarize(NaN) = %+v (%q), want not ok and n/a", s, s.format(1))
		}
	})
}

func TestCompare(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name                string
		boxtop, dockerStats float64
		want                string
	}{
		{name: "much less", boxtop: 5, dockerStats: 220, want: "44x less"},
		{name: "a little less", boxtop: 2, dockerStats: 3, want: "1.5x less"},
		{name: "more", boxtop: 12, dockerStats: 6, want: "2.0x more"},
		{name: "within 5 percent", boxtop: 100, dockerStats: 103, want: "same"},
		{name: "boxtop zero", boxtop: 0, dockerStats: 50, want: "docker stats only"},
		{name: "docker stats zero", boxtop: 1, dockerStats: 0, want: "n/a"},
		{name: "negative docker stats figure", boxtop: 1, dockerStats: -3, want: "n/a"},
		{name: "unmeasured", boxtop: nan, dockerStats: 5, want: "n/a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := compare(tt.boxtop, tt.dockerStats); got != tt.want {
				t.Errorf("compare(%v, %v) = %q, want %q", tt.boxtop, tt.dockerStats, got, tt.want)
			}
		})
	}
}

func TestSlope(t *testing.T) {
	tests := []struct {
		name   string
		xs, ys []float64
		want   float64
	}{
		{name: "line", xs: []float64{0, 1, 2, 3}, ys: []float64{10, 12, 14, 16}, want: 2},
		{name: "flat", xs: []float64{0, 1, 2}, ys: []float64{5, 5, 5}, want: 0},
		{name: "noisy but falling", xs: []float64{0, 1, 2, 3}, ys: []float64{4, 4, 2, 2}, want: -0.8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := slope(tt.xs, tt.ys); math.Abs(got-tt.want) > 1e-9 {
				t.Errorf("slope = %v, want %v", got, tt.want)
			}
		})
	}
	if !math.IsNaN(slope([]float64{1}, []float64{1})) || !math.IsNaN(slope([]float64{2, 2}, []float64{1, 3})) {
		t.Error("slope of one point or of one x should be NaN")
	}
}

func TestShortDuration(t *testing.T) {
	tests := map[time.Duration]string{
		15 * time.Millisecond: "15ms",
		20 * time.Second:      "20s",
		10 * time.Minute:      "10m",
		90 * time.Second:      "1m30s",
		time.Hour:             "1h",
	}
	for d, want := range tests {
		if got := shortDuration(d); got != want {
			t.Errorf("shortDuration(%v) = %q, want %q", d, got, want)
		}
	}
}
