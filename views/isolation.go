package views

import (
	"strconv"
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
	colMounts     = "MOUNTS"
	colRemoteNS   = "ns:remote"
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
	// time: the host's for nearly every container (time namespaces are rare), so it makes
	// way for the rootfs and no-new-privileges columns.
	return 5
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
	if s.remote() {
		// A remote host's namespaces cannot be read from here: one column says so instead
		// of eight columns of dashes that would look like data.
		cols = append(cols, Column{ID: colRemoteNS, Title: "NAMESPACES", Width: Width(remoteCell), Grow: true, MaxWidth: Width(notForRemote), Want: Width(notForRemote)})
	}
	for _, typ := range snapshot.NamespaceTypes {
		if s.remote() {
			break
		}
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
	mountsWant := 0
	for _, c := range s.Containers {
		mountsWant = max(mountsWant, Width(mountsSummary(c, 1000)))
	}
	return append(cols,
		Column{ID: colPrivileged, Title: colPrivileged, Width: 4, Priority: 1},
		// Mounts are a wall of their own: the engine's socket or the host's / mounted in
		// undoes whatever the namespaces say, so the column stays at 80 columns.
		Column{ID: colMounts, Title: colMounts, Width: 6, Priority: 1, Grow: true, MaxWidth: 36, Want: mountsWant, ClaimPriority: 2, ClaimWidth: 10},
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
		Cell: func(r, col, w int) Cell {
			return isolationCell(s, s.Containers[r], cols[col].ID, r == s.Selected, w)
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
	if s.remote() {
		return append(notes, "namespaces: "+notForRemote+" (they are read from /proc)")
	}
	if s.Snapshot != nil && s.Snapshot.Host.NamespacesReference != "" && s.Snapshot.Host.NamespacesReference != "pid 1" {
		notes = append(notes, "host namespaces taken from "+s.Snapshot.Host.NamespacesReference+" (pid 1's cannot be read)")
	}
	return notes
}

func isolationCell(s *State, c *snapshot.Container, id string, selected bool, width int) Cell {
	switch id {
	case colGutter:
		return gutter(s, c, selected)
	case ColName:
		if !c.Running() {
			return Cell{Text: c.Name, Tone: ToneDim}
		}
		return Cell{Text: c.Name}
	case colRemoteNS:
		if Width(notForRemote) <= width {
			return Cell{Text: notForRemote, Tone: ToneDim}
		}
		return Cell{Text: remoteCell, Tone: ToneDim}
	case colMounts:
		return Cell{Text: mountsSummary(c, width), Tone: mountsTone(c)}
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

// mountsSummary counts a container's mounts and names the worst of them in as many words as
// width allows: "3 ⚠ container engine socket", "3 ⚠ socket", "3 ⚠"; a mount the engine does
// not list adds "◇ not in engine" (or "◇").
func mountsSummary(c *snapshot.Container, width int) string {
	if len(c.Mounts) == 0 {
		if c.Mounts == nil && c.Security == nil {
			return absent // nothing known of its config
		}
		return "0"
	}
	var sensitive []string
	unlisted := 0
	for _, m := range c.Mounts {
		if m.Sensitive != nil {
			sensitive = append(sensitive, *m.Sensitive)
		}
		if m.NotInEngine {
			unlisted++
		}
	}
	count := strconv.Itoa(len(c.Mounts))
	var long, short, bare []string
	if len(sensitive) > 0 {
		more := ""
		if len(sensitive) > 1 {
			more = " +" + strconv.Itoa(len(sensitive)-1)
		}
		long = append(long, "⚠ "+sensitive[0]+more)
		short = append(short, "⚠ "+sensitiveWord(sensitive[0])+more)
		bare = append(bare, "⚠")
	}
	if unlisted > 0 {
		long = append(long, "◇ not in engine")
		short = append(short, "◇ added")
		bare = append(bare, "◇")
	}
	for _, parts := range [][]string{long, short, bare} {
		text := strings.TrimSpace(count + " " + strings.Join(parts, " "))
		if Width(text) <= width {
			return text
		}
	}
	return strings.TrimSpace(count + " " + strings.Join(bare, ""))
}

// sensitiveWord is the one word that says why a mount is sensitive, for narrow cells.
func sensitiveWord(why string) string {
	switch {
	case strings.Contains(why, "socket"):
		return "socket"
	case strings.Contains(why, "root filesystem"):
		return "host /"
	}
	if path, ok := strings.CutPrefix(why, "host "); ok && len(path) <= 10 {
		return path
	}
	return "sensitive"
}

// mountsTone paints a sensitive mount as a fault and a mount the engine does not list as a
// warning.
func mountsTone(c *snapshot.Container) Tone {
	tone := ToneNone
	for _, m := range c.Mounts {
		if m.Sensitive != nil {
			return ToneBad
		}
		if m.NotInEngine {
			tone = ToneWarn
		}
	}
	return tone
}
