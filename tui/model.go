package tui

import (
	"context"
	"strconv"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/boxtop/boxtop/collectors/snapshot"
	"github.com/boxtop/boxtop/views"
)

// Model is the TUI's state; it implements tea.Model. It is a value: Update returns the next
// one. The history and the marks are shared between copies, which is safe because only
// Update changes them and Bubble Tea calls Update from one goroutine.
type Model struct {
	src    Source
	player Player        // src as a recording to play; nil for live data
	layers LayerMeasurer // src as a measurer of writable layers; nil when it cannot
	opts   Options
	ctx    context.Context // parent of every reading's context; done when the program ends
	keys   keyMap
	styles views.Styles

	width, height int

	cur, prev *snapshot.Snapshot
	hist      *history
	series    map[string]views.History

	pane views.Pane
	mode views.Mode
	help bool

	// selectedID follows a container through re-sorting; selIndex is where it was, to land
	// near it when it goes away.
	selectedID string
	selIndex   int
	offset     int
	marks      map[string]bool

	spec      listSpec
	filtering bool

	paused   bool
	interval time.Duration

	sampling  bool // a reading is in flight
	sampleSeq int  // the id of the latest reading asked for
	slow      bool // the reading in flight has taken longer than SlowAfter
	pending   bool // a reading was wanted while one was in flight
	tickSeq   int  // only the latest tick counts

	procCursor    int
	eventsOffset  int
	compareOffset int
	detailOffset  int

	// playback is where the recording's play head was at the reading shown (or after the
	// last replay key); nil for live data.
	playback *views.Playback

	// measured holds the writable-layer measurements asked for with w, by container id,
	// until the container's identity changes; shared between copies like marks.
	measured   map[string]layerEntry
	measureSeq int

	// notice answers the last key ("sorted by CPU%"); it goes at the next key.
	notice string

	// frame is the screen View drew last, kept while Update handles only messages that change
	// nothing on it (see keepsFrame); shared between copies.
	frame *frame
}

// frame caches one View.
type frame struct {
	view  tea.View
	drawn bool
}

// layerEntry is one measurement of a writable layer: the container's identity when it was
// asked for, which request it answers, and what is known so far.
type layerEntry struct {
	identity string
	seq      int
	name     string
	result   views.LayerMeasurement
}

// New builds the model. The program gets its first reading from Init.
func New(src Source, opts Options) Model {
	opts = opts.withDefaults()
	styles := views.DefaultStyles()
	if opts.NoColor {
		styles = views.NoColorStyles()
	}
	player, _ := src.(Player)
	layers, _ := src.(LayerMeasurer)
	return Model{
		src:      src,
		player:   player,
		layers:   layers,
		measured: map[string]layerEntry{},
		opts:     opts,
		ctx:      context.Background(),
		keys:     newKeyMap(),
		styles:   styles,
		hist:     newHistory(),
		pane:     views.PaneResources,
		marks:    map[string]bool{},
		spec:     listSpec{column: views.ColName},
		interval: opts.Interval,
		// The first reading, which Init starts.
		sampling:  true,
		sampleSeq: 1,
		frame:     &frame{},
	}
}

// Init starts the first reading (New marked it in flight, since Init cannot change the
// model) and listens for inventory changes.
func (m Model) Init() tea.Cmd {
	return tea.Batch(
		sampleCmd(m.ctx, m.src, m.processesFor(), m.opts.SampleTimeout, m.sampleSeq),
		slowCmd(m.opts.SlowAfter, m.sampleSeq),
		waitChanged(m.ctx, m.src.Changed()),
	)
}

// View draws the screen from the model; it never reads anything.
func (m Model) View() tea.View {
	if m.frame != nil && m.frame.drawn {
		return m.frame.view
	}
	v := tea.NewView(views.Render(m.state(), m.width, m.height, m.styles))
	v.AltScreen = true
	v.WindowTitle = "boxtop"
	if m.frame != nil {
		m.frame.view, m.frame.drawn = v, true
	}
	return v
}

// visible is the container list of the panes.
func (m *Model) visible() []*snapshot.Container { return m.spec.list(m.cur) }

// selected returns the selected container and its index in list, or nil and -1.
func (m *Model) selected(list []*snapshot.Container) (*snapshot.Container, int) {
	for i, c := range list {
		if c.ID == m.selectedID {
			return c, i
		}
	}
	return nil, -1
}

// fixSelection keeps the selection on a listed container: the same one if it is still
// listed, else the one now at its old place.
func (m *Model) fixSelection() {
	if m.mode == views.ModeDetail && m.selectedID != "" {
		// The detail view stays on its container (even when it stops and leaves the list, or
		// is gone: the view says so) rather than jumping to a neighbour.
		return
	}
	list := m.visible()
	if len(list) == 0 {
		m.selIndex = 0
		return
	}
	if _, i := m.selected(list); i >= 0 {
		m.selIndex = i
	} else {
		m.selIndex = min(max(m.selIndex, 0), len(list)-1)
		m.selectedID = list[m.selIndex].ID
	}
	rows := views.ListRows(m.height)
	m.offset = min(max(m.offset, m.selIndex-rows+1), m.selIndex)
	m.offset = max(m.offset, 0)
}

// focus is the container of the Processes pane and the detail view: the selected one, even
// when it is no longer listed (the detail view stays on it while a filter changes).
func (m *Model) focus() *snapshot.Container {
	if m.cur == nil {
		return nil
	}
	for i := range m.cur.Containers {
		if m.cur.Containers[i].ID == m.selectedID {
			return &m.cur.Containers[i]
		}
	}
	return nil
}

// compared are the marked containers still in the reading, in list order.
func (m *Model) compared() []*snapshot.Container {
	if m.cur == nil {
		return nil
	}
	var out []*snapshot.Container
	for i := range m.cur.Containers {
		if m.marks[m.cur.Containers[i].ID] {
			out = append(out, &m.cur.Containers[i])
		}
	}
	m.spec.sort(out)
	return out
}

// processesFor lists the containers whose processes the next reading should include.
func (m *Model) processesFor() []string {
	if m.pane != views.PaneProcesses && m.mode != views.ModeDetail {
		return nil
	}
	if c := m.focus(); c != nil && c.Running() {
		return []string{c.ID}
	}
	return nil
}

// state is what the views draw.
func (m Model) state() views.State {
	list := m.visible()
	_, sel := m.selected(list)
	status, isErr := m.notice, false
	if status == "" {
		status, isErr = problemLine(m.cur)
	}
	return views.State{
		Snapshot:         m.cur,
		Containers:       list,
		Selected:         sel,
		Offset:           m.offset,
		Focus:            m.focus(),
		Compared:         m.compared(),
		Marked:           m.marks,
		History:          m.series,
		Pane:             m.pane,
		Mode:             m.mode,
		Help:             m.help,
		Keys:             m.keys.helpEntries(m.player != nil, m.layers != nil),
		SortColumn:       m.spec.column,
		SortDescending:   m.spec.descending,
		Filter:           m.spec.filter,
		Filtering:        m.filtering,
		ShowAll:          m.spec.showAll,
		Paused:           m.paused,
		Interval:         m.interval,
		Collecting:       m.slow,
		Replay:           m.opts.Replay || m.player != nil,
		Label:            m.opts.Label,
		Playback:         m.playback,
		Layers:           m.layerResults(),
		CanMeasureLayers: m.layers != nil,
		Status:           status,
		StatusIsError:    isErr,
		ProcessCursor:    m.procCursor,
		EventsOffset:     m.eventsOffset,
		CompareOffset:    m.compareOffset,
		DetailOffset:     m.detailOffset,
		Location:         m.opts.Location,
	}
}

// layerResults are the measurements for the views, by container id.
func (m *Model) layerResults() map[string]views.LayerMeasurement {
	if len(m.measured) == 0 {
		return nil
	}
	out := make(map[string]views.LayerMeasurement, len(m.measured))
	for id, e := range m.measured {
		out[id] = e.result
	}
	return out
}

// identity is what a writable layer's measurement holds for: the same id, start and init.
// A restart gives the container a new writable layer's worth of changes.
func identity(c *snapshot.Container) string {
	id := c.ID
	if c.StartedAt != nil {
		id += "|" + strconv.FormatInt(c.StartedAt.UnixNano(), 10)
	}
	if c.Pid != nil {
		id += "|" + strconv.Itoa(*c.Pid)
	}
	return id
}

// problemLine is the footer's error: every unreachable engine by name with why, then the
// first other problem of the reading (the host's, then a container's), with how many more
// there are.
func problemLine(s *snapshot.Snapshot) (string, bool) {
	if s == nil {
		return "", false
	}
	var engines, problems []string
	for _, r := range s.Runtimes {
		if !r.Reachable && r.Error != nil {
			engines = append(engines, r.Name+" unreachable ("+plainReason(*r.Error)+")")
		}
	}
	for _, e := range s.Host.Errors {
		problems = append(problems, "host: "+e)
	}
	for i := range s.Containers {
		for _, e := range s.Containers[i].Errors {
			problems = append(problems, s.Containers[i].Name+": "+e)
		}
	}
	var parts []string
	if len(engines) > 0 {
		parts = append(parts, strings.Join(engines, ", "))
	}
	switch len(problems) {
	case 0:
	case 1:
		parts = append(parts, problems[0])
	default:
		parts = append(parts, problems[0]+" (+"+strconv.Itoa(len(problems)-1)+" more; the detail view lists a container's)")
	}
	if len(parts) == 0 {
		return "", false
	}
	return strings.Join(parts, "; "), true
}

// plainReason is the end of an engine's error, the part that says why: "docker at
// unix:///var/run/docker.sock: dial unix ...: connect: permission denied" is "permission
// denied". The empty state and the snapshot keep the whole text.
func plainReason(err string) string {
	err = strings.TrimSpace(err)
	if i := strings.LastIndex(err, ": "); i >= 0 && i+2 < len(err) {
		return err[i+2:]
	}
	return err
}
