package tui

import (
	"context"
	"strconv"
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

	// notice answers the last key ("sorted by CPU%"); it goes at the next key.
	notice string
}

// New builds the model. The program gets its first reading from Init.
func New(src Source, opts Options) Model {
	opts = opts.withDefaults()
	styles := views.DefaultStyles()
	if opts.NoColor {
		styles = views.NoColorStyles()
	}
	return Model{
		src:      src,
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
	v := tea.NewView(views.Render(m.state(), m.width, m.height, m.styles))
	v.AltScreen = true
	v.WindowTitle = "boxtop"
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
		Snapshot:       m.cur,
		Containers:     list,
		Selected:       sel,
		Offset:         m.offset,
		Focus:          m.focus(),
		Compared:       m.compared(),
		Marked:         m.marks,
		History:        m.series,
		Pane:           m.pane,
		Mode:           m.mode,
		Help:           m.help,
		Keys:           m.keys.helpEntries(),
		SortColumn:     m.spec.column,
		SortDescending: m.spec.descending,
		Filter:         m.spec.filter,
		Filtering:      m.filtering,
		ShowAll:        m.spec.showAll,
		Paused:         m.paused,
		Interval:       m.interval,
		Collecting:     m.slow,
		Replay:         m.opts.Replay,
		Label:          m.opts.Label,
		Status:         status,
		StatusIsError:  isErr,
		ProcessCursor:  m.procCursor,
		EventsOffset:   m.eventsOffset,
		CompareOffset:  m.compareOffset,
		DetailOffset:   m.detailOffset,
		Location:       m.opts.Location,
	}
}

// problemLine is the footer's error: the first problem of the reading (the host's, then an
// unreachable engine's, then a container's), with how many more there are.
func problemLine(s *snapshot.Snapshot) (string, bool) {
	if s == nil {
		return "", false
	}
	var problems []string
	for _, e := range s.Host.Errors {
		problems = append(problems, "host: "+e)
	}
	for _, r := range s.Runtimes {
		if !r.Reachable && r.Error != nil {
			problems = append(problems, r.Name+" unreachable: "+*r.Error)
		}
	}
	for i := range s.Containers {
		for _, e := range s.Containers[i].Errors {
			problems = append(problems, s.Containers[i].Name+": "+e)
		}
	}
	switch len(problems) {
	case 0:
		return "", false
	case 1:
		return problems[0], true
	}
	return problems[0] + " (+" + strconv.Itoa(len(problems)-1) + " more; the detail view lists a container's)", true
}
