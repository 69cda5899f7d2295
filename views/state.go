package views

import (
	"time"

	"github.com/boxtop/boxtop/collectors/snapshot"
)

// Pane is one of the screen's panes, numbered as the keys that select them.
type Pane int

const (
	PaneResources Pane = iota + 1
	PaneIsolation
	PaneNetwork
	PaneProcesses
	PaneEvents
	PaneStorage
)

// PaneCount is the number of panes; panes are numbered 1..PaneCount.
const PaneCount = 6

// Title is the pane's name on its tab.
func (p Pane) Title() string {
	switch p {
	case PaneResources:
		return "Resources"
	case PaneIsolation:
		return "Isolation"
	case PaneNetwork:
		return "Network"
	case PaneProcesses:
		return "Processes"
	case PaneEvents:
		return "Events"
	case PaneStorage:
		return "Storage"
	}
	return "?"
}

// shortTitle is the pane's name on a narrow tab row.
func (p Pane) shortTitle() string {
	t := p.Title()
	if len(t) > 4 {
		return t[:4]
	}
	return t
}

// Mode is what the body of the screen shows.
type Mode int

const (
	ModePane    Mode = iota // the selected pane
	ModeDetail              // one container in depth
	ModeCompare             // the marked containers side by side
)

// History is one container's recent readings, oldest first, for sparklines. Any series may
// be nil.
type History struct {
	CPUPercent   Series // 100 = one core
	MemoryBytes  Series // working set
	RxPerSecond  Series
	TxPerSecond  Series
	ReadPerSec   Series
	WritePerSec  Series
	ThrottledPct Series
}

// Playback is the play head of a recording: the reading shown (0-based) of Count, whether it
// moves by itself, and how fast (recording seconds per wall second).
type Playback struct {
	Index, Count int
	Playing      bool
	Speed        float64
}

// LayerMeasurement is one measurement of a container's writable layer: in flight, done
// (Bytes), or failed (Err). Measuring walks the layer's files, so it happens only when asked.
type LayerMeasurement struct {
	Measuring bool
	Bytes     int64
	Err       string
}

// KeyHelp is one line of the help overlay: the keys, and what they do.
type KeyHelp struct {
	Keys string
	Desc string
}

// State is everything one frame shows. The TUI builds it from its model; the views only read it.
type State struct {
	// Snapshot is the latest reading; nil before the first one arrives.
	Snapshot *snapshot.Snapshot
	// Containers is the list the panes show: filtered, sorted, stopped ones hidden unless ShowAll.
	Containers []*snapshot.Container
	// Selected indexes Containers; Offset is the first list entry on screen (a hint: the
	// views move it so that the selection is visible).
	Selected int
	Offset   int
	// Focus is the container of the Processes pane and the detail view.
	Focus *snapshot.Container
	// Compared are the marked containers, in list order, for the compare view.
	Compared []*snapshot.Container
	Marked   map[string]bool
	History  map[string]History

	Pane Pane
	Mode Mode
	Help bool
	Keys []KeyHelp

	SortColumn     string
	SortDescending bool
	// Filter is the name filter; Filtering means it is being typed.
	Filter    string
	Filtering bool
	ShowAll   bool

	Paused     bool
	Interval   time.Duration
	Collecting bool
	// Replay marks data from a recording; Label names it (the file) in the header.
	Replay bool
	Label  string
	// Playback is where a recording's play head is; nil when the data cannot be played (live
	// data, or a replay without controls).
	Playback *Playback

	// Layers are the writable-layer measurements the user asked for, by container id; they
	// take the place of the reading's own figure. CanMeasureLayers says the source can measure
	// one at all (a live local host), so the views offer the key.
	Layers           map[string]LayerMeasurement
	CanMeasureLayers bool

	// Status is the footer's message; StatusIsError paints it as an error.
	Status        string
	StatusIsError bool

	// ProcessCursor indexes the Focus container's processes in tree order.
	ProcessCursor int
	EventsOffset  int
	CompareOffset int
	DetailOffset  int

	// Location is the time zone times are shown in; nil means UTC.
	Location *time.Location
}

// location returns the zone to show times in.
func (s *State) location() *time.Location {
	if s.Location == nil {
		return time.UTC
	}
	return s.Location
}

// remote reports whether the reading comes from an engine on another machine, whose /proc
// (namespaces, processes, pressure, interface addresses, veth peers) boxtop cannot read.
func (s *State) remote() bool { return s.Snapshot != nil && s.Snapshot.Host.Remote }

// history returns a container's history, or an empty one.
func (s *State) history(id string) History {
	if s.History == nil {
		return History{}
	}
	return s.History[id]
}

// byName finds a container of the snapshot by name or id (or id prefix, as engines accept).
func (s *State) byName(ref string) *snapshot.Container {
	if s.Snapshot == nil || ref == "" {
		return nil
	}
	cs := s.Snapshot.Containers
	for i := range cs {
		if cs[i].Name == ref || cs[i].ID == ref {
			return &cs[i]
		}
	}
	if len(ref) >= 12 {
		for i := range cs {
			if len(cs[i].ID) >= len(ref) && cs[i].ID[:len(ref)] == ref {
				return &cs[i]
			}
		}
	}
	return nil
}
