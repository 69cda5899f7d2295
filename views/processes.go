package views

import (
	"sort"
	"strconv"
	"strings"

	"github.com/boxtop/boxtop/collectors/snapshot"
)

// procRow is one process in tree order, with the branch drawing before its command.
type procRow struct {
	p      *snapshot.Process
	prefix string
}

// ProcessTree orders processes as a tree by parent PID, each level by PID; processes whose
// parent is outside the list are roots. Every process appears exactly once, even when the
// parent links form a cycle (a PID reused between two reads).
func processTree(procs []snapshot.Process) []procRow {
	byPid := make(map[int]int, len(procs))
	for i := range procs {
		byPid[procs[i].Pid] = i
	}
	children := make(map[int][]int, len(procs))
	var roots []int
	for i := range procs {
		parent, ok := byPid[procs[i].PPid]
		if !ok || parent == i {
			roots = append(roots, i)
			continue
		}
		children[parent] = append(children[parent], i)
	}
	byPidOrder := func(list []int) {
		sort.Slice(list, func(a, b int) bool { return procs[list[a]].Pid < procs[list[b]].Pid })
	}
	byPidOrder(roots)
	rows := make([]procRow, 0, len(procs))
	seen := make([]bool, len(procs))
	var walk func(i int, prefix, indent string)
	walk = func(i int, prefix, indent string) {
		if seen[i] {
			return
		}
		seen[i] = true
		rows = append(rows, procRow{p: &procs[i], prefix: prefix})
		kids := children[i]
		byPidOrder(kids)
		for k, child := range kids {
			if k == len(kids)-1 {
				walk(child, indent+"└─ ", indent+"   ")
			} else {
				walk(child, indent+"├─ ", indent+"│  ")
			}
		}
	}
	for _, r := range roots {
		walk(r, "", "")
	}
	for i := range procs { // cycles have no root: show them flat rather than lose them
		if !seen[i] {
			walk(i, "", "")
		}
	}
	return rows
}

// nsenterCommand is a ready command line to enter a process's namespaces from the host.
func nsenterCommand(pid int) string {
	return "nsenter -t " + strconv.Itoa(pid) + " -m -u -i -n -p"
}

// processesPane draws pane 4 for the focused container: its processes as a tree, its
// namespaces and who shares them, and the nsenter line for the selected process.
func processesPane(s *State, width, height int, st Styles) []string {
	c := s.Focus
	if c == nil {
		return emptyState(s, width, height, st)
	}
	// The image goes last: a long registry path must not push the counts off a narrow line.
	title := c.Name + " · " + c.State
	if c.Pid != nil {
		title += " · init pid " + strconv.Itoa(*c.Pid)
	}
	if c.Processes != nil {
		title += " · " + plural(len(c.Processes), "process", "processes")
	}
	title += " · " + orAbsent(c.Image)
	lines := []string{st.Section.Render(Truncate(title, width))}
	if !c.Running() {
		return append(lines, st.Dim.Render(Truncate(c.Name+" is not running: no processes, no namespaces", width)))
	}
	if s.remote() {
		for _, l := range wrap("processes and namespaces: "+notForRemote+" (boxtop reads them from /proc on the machine it runs on; the engine does not report them)", width, 2) {
			lines = append(lines, st.Dim.Render(l))
		}
		return lines
	}
	rows := processTree(c.Processes)
	cursor := min(max(s.ProcessCursor, 0), max(len(rows)-1, 0))
	target := *c.Pid
	if cursor < len(rows) {
		target = rows[cursor].p.Pid
	}
	footer := st.Accent.Render(Truncate("enter its namespaces: "+nsenterCommand(target), width))

	rest := height - 2
	nsLines := namespaceLines(s, c, width, st)
	nsHeight := 0
	switch {
	case rest >= 14:
		nsHeight = min(len(nsLines), rest/2)
	case rest >= 6:
		nsHeight = 1
		nsLines = []string{compactNamespaces(s, c, width)}
	}
	tableHeight := rest - nsHeight
	switch {
	case c.Processes == nil:
		lines = append(lines, st.Dim.Render("reading processes…"))
	case len(rows) == 0:
		lines = append(lines, st.Dim.Render("no processes (the container may be exiting)"))
	default:
		lines = append(lines, processTable(rows, cursor, width, tableHeight, st)...)
	}
	for len(lines) < 1+tableHeight {
		lines = append(lines, "")
	}
	lines = append(lines, nsLines[:nsHeight]...)
	return append(lines, footer)
}

func processTable(rows []procRow, cursor, width, height int, st Styles) []string {
	t := Table{
		Columns: []Column{
			{ID: "cursor", Width: 1},
			{ID: "PID", Title: "PID", Width: 7, Align: AlignRight},
			{ID: "NSPID", Title: "NSPID", Width: 6, Align: AlignRight, Priority: 1},
			{ID: "UID", Title: "UID", Width: 5, Align: AlignRight, Priority: 2},
			{ID: "HOSTUID", Title: "HOST UID", Width: 8, Align: AlignRight, Priority: 2},
			{ID: "DIFF", Title: "NS≠INIT", Width: 8, Priority: 1, Grow: true, MaxWidth: 16},
			{ID: "COMMAND", Title: "COMMAND", Width: 20, Grow: true, Want: 200},
		},
		Rows:     len(rows),
		Offset:   windowStart(cursor, cursor, len(rows), height-1),
		Selected: func(r int) bool { return r == cursor },
		Cell: func(r, col, _ int) Cell {
			p := rows[r].p
			switch col {
			case 0:
				if r == cursor {
					return Cell{Text: ">"}
				}
				return Cell{}
			case 1:
				return Cell{Text: strconv.Itoa(p.Pid)}
			case 2:
				return Cell{Text: strconv.Itoa(p.NsPid)}
			case 3:
				return Cell{Text: strconv.Itoa(p.UID)}
			case 4:
				if p.HostUID == 0 {
					return Cell{Text: "0", Tone: ToneWarn}
				}
				return Cell{Text: strconv.Itoa(p.HostUID)}
			case 5:
				if len(p.NamespacesDiffer) == 0 {
					return Cell{Text: absent, Tone: ToneDim}
				}
				return Cell{Text: "◆ " + strings.Join(p.NamespacesDiffer, ","), Tone: ToneWarn}
			}
			return Cell{Text: rows[r].prefix + orAbsent(p.Command)}
		},
	}
	return t.Render(width, height, st)
}

// namespaceLines list the container's namespaces with inode and who else is in each.
func namespaceLines(s *State, c *snapshot.Container, width int, st Styles) []string {
	types := snapshot.NamespaceTypes
	t := Table{
		Columns: []Column{
			{ID: "TYPE", Title: "NAMESPACE", Width: 9},
			{ID: "INODE", Title: "INODE", Width: 10, Align: AlignRight},
			{ID: "VERDICT", Title: "VERDICT", Width: 8, Grow: true, MaxWidth: 20},
			{ID: "SHARED", Title: "SHARED WITH", Width: 12, Grow: true, Priority: 1},
		},
		Rows: len(types),
		Cell: func(r, col, _ int) Cell {
			typ := types[r]
			ns, ok := c.Namespaces[typ]
			switch col {
			case 0:
				return Cell{Text: typ}
			case 1:
				if !ok {
					return Cell{Text: absent, Tone: ToneDim}
				}
				return Cell{Text: strconv.FormatUint(ns.Inode, 10)}
			case 2:
				v := namespaceVerdict(s, c, typ)
				return Cell{Text: v.Text, Tone: v.Tone}
			}
			if !ok {
				return Cell{Text: "not read", Tone: ToneDim}
			}
			return Cell{Text: sharers(ns)}
		},
	}
	return t.Render(width, len(types)+1, st)
}

// compactNamespaces is the namespace list on one line, for short terminals.
func compactNamespaces(s *State, c *snapshot.Container, width int) string {
	parts := make([]string, 0, len(snapshot.NamespaceTypes))
	for _, typ := range snapshot.NamespaceTypes {
		parts = append(parts, typ+" "+namespaceVerdict(s, c, typ).Text)
	}
	return Truncate("ns: "+strings.Join(parts, " · "), width)
}

// ProcessCount is how many rows the Processes pane lists for a container, so the TUI can
// bound its cursor.
func ProcessCount(c *snapshot.Container) int {
	if c == nil {
		return 0
	}
	return len(c.Processes)
}
