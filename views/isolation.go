package views

import (
	"strings"

	"github.com/boxtop/boxtop/collectors/snapshot"
)

// Isolation columns beyond the namespaces.
const (
	colPrivileged = "PRIV"
	colCaps       = "CAPS"
	colRootfs     = "ROOT"
	colNNP        = "NNP"
	colSeccomp    = "SECCOMP"
	colAppArmor   = "APPARMOR"
	colUserns     = "USERNS"
)

// isolationClaimPriority is where the names and "=NAME" cells of the Isolation pane claim
// their room: after the capabilities (priority 3), before the rootfs and NNP columns.
const isolationClaimPriority = 3

// nsColumnTitle is the short title of a namespace column.
func nsColumnTitle(typ string) string {
	if typ == "cgroup" {
		return "CGRP"
	}
	return strings.ToUpper(typ)
}

// nsPriority keeps the namespaces that matter most on narrow terminals.
func nsPriority(typ string) int {
	switch typ {
	case "pid", "net":
		return 0
	case "ipc", "uts", "mnt":
		return 1
	case "user", "cgroup":
		return 2
	}
	return 4
}

func isolationColumns(s *State) []Column {
	cols := []Column{
		{ID: colGutter, Width: gutterWidth},
		{ID: ColName, Title: ColName, Width: 12, Grow: true, MaxWidth: 30, Want: nameWidth(s.Containers, 30), ClaimPriority: isolationClaimPriority, ClaimWidth: nameClaimWidth},
	}
	// The namespace and capability columns grow to their widest value (up to a bound), so
	// that a long "=NAME" or capability list is cut only when space runs out. Names are what
	// people look for in this matrix, so the names and the namespace cells claim their room
	// before the columns of priority 4 and up appear (at 80 columns those are left out anyway).
	for _, typ := range snapshot.NamespaceTypes {
		want := 0
		for _, c := range s.Containers {
			want = max(want, Width(namespaceVerdict(s, c, typ).Text))
		}
		cols = append(cols, Column{ID: "ns:" + typ, Title: nsColumnTitle(typ), Width: 5, Priority: nsPriority(typ), Grow: true, MaxWidth: 20, Want: want,
			ClaimPriority: max(nsPriority(typ), isolationClaimPriority), ClaimWidth: 1 + nameClaimWidth})
	}
	capsWant := 0
	for _, c := range s.Containers {
		if c.Security != nil {
			text, _ := capsSummary(c.Security)
			capsWant = max(capsWant, Width(text))
		}
	}
	return append(cols,
		Column{ID: colPrivileged, Title: colPrivileged, Width: 4, Priority: 1},
		Column{ID: colCaps, Title: colCaps, Width: 12, Priority: 3, Grow: true, MaxWidth: 40, Want: capsWant},
		Column{ID: colRootfs, Title: colRootfs, Width: 4, Priority: 4},
		Column{ID: colNNP, Title: colNNP, Width: 3, Priority: 4},
		Column{ID: colSeccomp, Title: colSeccomp, Width: 10, Priority: 5},
		Column{ID: colAppArmor, Title: colAppArmor, Width: 10, Priority: 5, Grow: true, MaxWidth: 16, Want: 14},
		Column{ID: colUserns, Title: colUserns, Width: 6, Priority: 6},
	)
}

// isolationPane draws pane 2: the namespace matrix and each container's privilege, with the
// places where the engine's config and the kernel disagree spelled out below it.
func isolationPane(s *State, width, height int, st Styles) []string {
	if len(s.Containers) == 0 {
		return emptyState(s, width, height, st)
	}
	notes := isolationNotes(s)
	noteLines := 0
	if len(notes) > 0 && height >= 8 {
		noteLines = min(len(notes)+1, height/3)
	}
	cols := isolationColumns(s)
	tableHeight := height - noteLines
	t := Table{
		Columns:  cols,
		Rows:     len(s.Containers),
		Offset:   windowStart(s.Offset, s.Selected, len(s.Containers), tableHeight-1),
		Selected: func(r int) bool { return r == s.Selected },
		Cell: func(r, col, _ int) Cell {
			return isolationCell(s, s.Containers[r], cols[col].ID, r == s.Selected)
		},
	}
	lines := t.Render(width, tableHeight, st)
	if noteLines > 0 {
		for len(lines) < tableHeight {
			lines = append(lines, "")
		}
		for i := 0; i < noteLines; i++ {
			if i < len(notes) {
				lines = append(lines, st.Bad.Render(Truncate(notes[i], width)))
			}
		}
	}
	return lines
}

// isolationNotes are the disagreements of the containers on the list, plus a note when the
// host's namespaces could not be read from PID 1.
func isolationNotes(s *State) []string {
	var notes []string
	for _, c := range s.Containers {
		for _, m := range namespaceMismatches(s, c) {
			notes = append(notes, "! "+c.Name+": "+m)
		}
	}
	if s.Snapshot != nil && s.Snapshot.Host.NamespacesReference != "" && s.Snapshot.Host.NamespacesReference != "pid 1" {
		notes = append(notes, "host namespaces taken from "+s.Snapshot.Host.NamespacesReference+" (pid 1's cannot be read)")
	}
	return notes
}

func isolationCell(s *State, c *snapshot.Container, id string, selected bool) Cell {
	switch id {
	case colGutter:
		return gutter(s, c, selected)
	case ColName:
		if !c.Running() {
			return Cell{Text: c.Name, Tone: ToneDim}
		}
		return Cell{Text: c.Name}
	}
	if typ, ok := strings.CutPrefix(id, "ns:"); ok {
		v := namespaceVerdict(s, c, typ)
		return Cell{Text: v.Text, Tone: v.Tone}
	}
	sec := c.Security
	if sec == nil {
		return Cell{Text: "?", Tone: ToneDim}
	}
	switch id {
	case colPrivileged:
		if sec.Privileged {
			return Cell{Text: "yes", Tone: ToneBad}
		}
		return Cell{Text: "no"}
	case colCaps:
		text, tone := capsSummary(sec)
		return Cell{Text: text, Tone: tone}
	case colRootfs:
		if sec.ReadOnlyRootfs {
			return Cell{Text: "ro", Tone: ToneGood}
		}
		return Cell{Text: "rw"}
	case colNNP:
		if sec.NoNewPrivileges {
			return Cell{Text: "yes", Tone: ToneGood}
		}
		return Cell{Text: "no"}
	case colSeccomp:
		return confinementCell(sec.Seccomp)
	case colAppArmor:
		return confinementCell(sec.AppArmor)
	case colUserns:
		return Cell{Text: orAbsent(deref(sec.UsernsMode, ""))}
	}
	return Cell{}
}

// confinementCell shows a seccomp or AppArmor profile; "unconfined" stands out.
func confinementCell(p *string) Cell {
	if p == nil || *p == "" {
		return Cell{Text: absent}
	}
	if *p == "unconfined" {
		return Cell{Text: *p, Tone: ToneBad}
	}
	return Cell{Text: *p}
}

// capsSummary describes capabilities against the engine's default set: "default",
// "-ALL +NET_BIND_SERVICE", "all" when privileged.
func capsSummary(sec *snapshot.Security) (string, Tone) {
	if sec.Privileged {
		return "all (privileged)", ToneBad
	}
	var parts []string
	if len(sec.CapDrop) > 0 {
		parts = append(parts, "-"+strings.Join(trimCaps(sec.CapDrop), ",-"))
	}
	if len(sec.CapAdd) > 0 {
		parts = append(parts, "+"+strings.Join(trimCaps(sec.CapAdd), ",+"))
	}
	if len(parts) == 0 {
		return "default", ToneNone
	}
	if len(sec.CapAdd) > 0 {
		return strings.Join(parts, " "), ToneWarn
	}
	return strings.Join(parts, " "), ToneGood
}

// trimCaps drops the CAP_ prefix, which the engine accepts either way.
func trimCaps(caps []string) []string {
	out := make([]string, len(caps))
	for i, c := range caps {
		out[i] = strings.TrimPrefix(strings.ToUpper(c), "CAP_")
	}
	return out
}
