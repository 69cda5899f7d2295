package tui

import (
	"context"
	"time"

	"github.com/boxtop/boxtop/collectors/snapshot"
)

// Source is where the TUI gets its readings: the live collectors, or a recording. It is
// declared here, where it is used, so the TUI depends on nothing but the data types.
type Source interface {
	// Sample takes one reading with rates against the previous one; processesFor lists the ids
	// of containers whose processes to read (the Processes pane's and the detail view's
	// container). It must return when ctx is done, with whatever it has.
	Sample(ctx context.Context, processesFor []string) snapshot.Snapshot
	// Changed fires when the engine's inventory changed (daemon events), so the TUI refreshes
	// at once instead of at the next tick. It may return nil when nothing ever changes (a
	// recording); a closed channel stops the TUI listening.
	Changed() <-chan struct{}
}

// Player is a Source that plays a recording. When the Source is one, the replay keys drive
// it: space or p plays and pauses, ←/→ step one reading, [ and ] change the speed. Its methods
// work on the recording's index in memory and return at once; the TUI still calls them from
// commands, never from Update, as it does everything that touches the Source.
type Player interface {
	Source
	TogglePlay()
	// Step moves n readings (negative: back) and pauses.
	Step(n int)
	// Faster and Slower step the speed and return the new one.
	Faster() float64
	Slower() float64
	// Position is the reading at the play head (0-based) of count, its time, whether it
	// plays, and the speed in recording seconds per wall second.
	Position() (index, count int, at time.Time, playing bool, speed float64)
}

// LayerMeasurer measures a container's writable layer on request (w): the live collector is
// one. Measuring walks the layer's files, so it runs only when asked, in a command with a
// time limit, never per reading.
type LayerMeasurer interface {
	MeasureWritableLayer(ctx context.Context, id string) (int64, error)
}

// Options configure the TUI.
type Options struct {
	// Interval is the time between readings; the + and - keys step it. Zero means one second.
	Interval time.Duration
	// NoColor renders without any colour codes (NO_COLOR or --no-color).
	NoColor bool
	// Replay marks the data as a recording: the header says REPLAY and the reading's time.
	Replay bool
	// Label names the data in the header, e.g. the recording's file name.
	Label string
	// SampleTimeout bounds one reading; zero means 10 seconds.
	SampleTimeout time.Duration
	// LayerTimeout bounds one measurement of a writable layer; zero means 30 seconds.
	LayerTimeout time.Duration
	// SlowAfter is how long a reading may take before the header says "collecting…"; zero
	// means one second.
	SlowAfter time.Duration
	// Location is the time zone for times on screen; nil means the local zone.
	Location *time.Location
}

// intervalSteps are the refresh intervals + and - step through.
func intervalSteps() []time.Duration {
	return []time.Duration{250 * time.Millisecond, 500 * time.Millisecond, time.Second, 2 * time.Second,
		5 * time.Second, 10 * time.Second, 30 * time.Second}
}

// historyLength is how many readings each container's history keeps: two minutes at the
// default interval, and a bound on memory whatever the interval.
const historyLength = 120

func (o Options) withDefaults() Options {
	if o.Interval <= 0 {
		o.Interval = time.Second
	}
	if o.SampleTimeout <= 0 {
		o.SampleTimeout = 10 * time.Second
	}
	if o.LayerTimeout <= 0 {
		o.LayerTimeout = 30 * time.Second
	}
	if o.SlowAfter <= 0 {
		o.SlowAfter = time.Second
	}
	if o.Location == nil {
		o.Location = time.Local
	}
	return o
}
