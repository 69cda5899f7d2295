package main

import (
	"fmt"
	"math"
	"sort"
)

// summary is what the report says about one figure over the rounds: the median, which one odd
// round cannot move far, and the range, which shows how much the shared machine disturbed it.
type summary struct {
	N              int
	Median, Lo, Hi float64
}

// summarize ignores NaN values (a round that failed to measure this figure).
func summarize(xs []float64) summary {
	var v []float64
	for _, x := range xs {
		if !math.IsNaN(x) {
			v = append(v, x)
		}
	}
	if len(v) == 0 {
		return summary{Median: math.NaN(), Lo: math.NaN(), Hi: math.NaN()}
	}
	sort.Float64s(v)
	s := summary{N: len(v), Lo: v[0], Hi: v[len(v)-1]}
	if len(v)%2 == 1 {
		s.Median = v[len(v)/2]
	} else {
		s.Median = (v[len(v)/2-1] + v[len(v)/2]) / 2
	}
	return s
}

// ok says whether the figure was measured at least once.
func (s summary) ok() bool { return s.N > 0 }

// format writes "median (lo–hi)" with the given number of decimals, or just the median for a
// single round, or "n/a" when nothing was measured.
func (s summary) format(decimals int) string {
	if !s.ok() {
		return "n/a"
	}
	m := formatFloat(s.Median, decimals)
	if s.N == 1 {
		return m
	}
	return fmt.Sprintf("%s (%s–%s)", m, formatFloat(s.Lo, decimals), formatFloat(s.Hi, decimals))
}

func formatFloat(x float64, decimals int) string {
	if x == 0 {
		x = 0 // no "-0.0"
	}
	s := fmt.Sprintf("%.*f", decimals, x)
	if s == fmt.Sprintf("-%.*f", decimals, 0.0) {
		return fmt.Sprintf("%.*f", decimals, 0.0)
	}
	return s
}

// compare says how boxtop's figure stands against docker stats's: "24x less", "1.5x more",
// "same". It needs two positive figures: a zero or a negative figure (the daemon's CPU above
// idle can come out below the noise) has no meaningful ratio.
func compare(boxtop, dockerStats float64) string {
	if math.IsNaN(boxtop) || math.IsNaN(dockerStats) || dockerStats <= 0 {
		return "n/a"
	}
	if boxtop <= 0 {
		return "docker stats only"
	}
	r := dockerStats / boxtop
	switch {
	case r >= 1.05:
		return fmt.Sprintf("%sx less", ratioDigits(r))
	case r <= 1/1.05:
		return fmt.Sprintf("%sx more", ratioDigits(1/r))
	default:
		return "same"
	}
}

// ratioDigits keeps two or three significant digits: 1.5, 24, 310.
func ratioDigits(r float64) string {
	switch {
	case r < 10:
		return fmt.Sprintf("%.1f", r)
	default:
		return fmt.Sprintf("%.0f", r)
	}
}

// slope is the least-squares slope of ys over xs (units of y per unit of x); NaN with fewer than
// two distinct xs.
func slope(xs, ys []float64) float64 {
	if len(xs) != len(ys) || len(xs) < 2 {
		return math.NaN()
	}
	var mx, my float64
	for i := range xs {
		mx += xs[i]
		my += ys[i]
	}
	mx /= float64(len(xs))
	my /= float64(len(ys))
	var num, den float64
	for i := range xs {
		num += (xs[i] - mx) * (ys[i] - my)
		den += (xs[i] - mx) * (xs[i] - mx)
	}
	if den == 0 {
		return math.NaN()
	}
	return num / den
}
