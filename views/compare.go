package views

import (
	"sort"
	"strconv"
	"strings"

	"github.com/boxtop/boxtop/collectors/snapshot"
)

// compareRow is one property of the compare view. key decides whether two containers differ
// (namespaces compare by inode, not by the words shown); nil compares the text.
type compareRow struct {
	label   string
	section bool
	text    func(c *snapshot.Container) string
	key     func(c *snapshot.Container) string
}

func compareRows(s *State) []compareRow {
	rows := []compareRow{
		{label: "state", text: func(c *snapshot.Container) string { return c.State }},
		{label: "image", text: func(c *snapshot.Container) string { return c.Image }},
		{label: "LIMITS AND USE", section: true},
		{label: "cpu use %", text: func(c *snapshot.Container) string {
			if c.CPU == nil {
				return absent
			}
			return FormatPercent(c.CPU.UsagePercent)
		}},
		{label: "cpu limit", text: func(c *snapshot.Container) string {
			if c.CPU == nil {
				return absent
			}
			return FormatCores(c.CPU.LimitCores)
		}},
		{label: "throttled %", text: func(c *snapshot.Container) string {
			if c.CPU == nil {
				return absent
			}
			return FormatPercent(c.CPU.ThrottledPercent)
		}},
		{label: "cpuset", text: func(c *snapshot.Container) string {
			if c.CPU == nil {
				return absent
			}
			return orAbsent(deref(c.CPU.Cpuset, ""))
		}},
		{label: "memory", text: func(c *snapshot.Container) string {
			if c.Memory == nil {
				return absent
			}
			return FormatBytes(c.Memory.WorkingSetBytes)
		}},
		{label: "memory limit", text: func(c *snapshot.Container) string {
			if c.Memory == nil {
				return absent
			}
			return FormatLimitBytes(c.Memory.LimitBytes)
		}},
		{label: "memory high", text: func(c *snapshot.Container) string {
			if c.Memory == nil {
				return absent
			}
			return FormatLimitBytes(c.Memory.HighBytes)
		}},
		{label: "oom kills", text: func(c *snapshot.Container) string { return FormatCount(OOMKills(c)) }},
		{label: "pids", text: func(c *snapshot.Container) string { return pidsCell(c).Text }},
		{label: "io read/s", text: func(c *snapshot.Container) string {
			if c.IO == nil {
				return absent
			}
			return FormatRate(c.IO.ReadBytesPerSecond)
		}},
		{label: "io write/s", text: func(c *snapshot.Container) string {
			if c.IO == nil {
				return absent
			}
			return FormatRate(c.IO.WriteBytesPerSecond)
		}},
		{label: "NAMESPACES", section: true},
	}
	for _, typ := range snapshot.NamespaceTypes {
		rows = append(rows, compareRow{
			label: typ,
			text:  func(c *snapshot.Container) string { return namespaceVerdict(s, c, typ).Text },
			// Two containers differ in a namespace when their isolation differs: the host's
			// against a private one, or shared with different peers. Two private namespaces
			// count as alike, and the two ends of a shared one as the same.
			key: func(c *snapshot.Container) string {
				ns, ok := c.Namespaces[typ]
				switch {
				case !ok:
					return absent
				case ns.SharedWithHost:
					return "host"
				case len(ns.SharedWith) > 0:
					return "shared " + strconv.FormatUint(ns.Device, 10) + ":" + strconv.FormatUint(ns.Inode, 10)
				}
				return "own" + namespaceVerdict(s, c, typ).Mismatch
			},
		})
	}
	sec := func(f func(*snapshot.Security) string) func(c *snapshot.Container) string {
		return func(c *snapshot.Container) string {
			if c.Security == nil {
				return "?"
			}
			return f(c.Security)
		}
	}
	yesNo := func(b bool) string {
		if b {
			return "yes"
		}
		return "no"
	}
	rows = append(rows,
		compareRow{label: "SECURITY", section: true},
		compareRow{label: "privileged", text: sec(func(x *snapshot.Security) string { return yesNo(x.Privileged) })},
		compareRow{label: "capabilities", text: sec(func(x *snapshot.Security) string { t, _ := capsSummary(x); return t })},
		compareRow{label: "effective caps", text: sec(func(x *snapshot.Security) string { return strconv.Itoa(len(x.CapEffective)) })},
		compareRow{label: "read-only root", text: sec(func(x *snapshot.Security) string { return yesNo(x.ReadOnlyRootfs) })},
		compareRow{label: "no-new-privs", text: sec(func(x *snapshot.Security) string { return yesNo(x.NoNewPrivileges) })},
		compareRow{label: "seccomp", text: sec(func(x *snapshot.Security) string { return orAbsent(deref(x.Seccomp, "")) })},
		compareRow{label: "apparmor", text: sec(func(x *snapshot.Security) string { return orAbsent(deref(x.AppArmor, "")) })},
		compareRow{label: "userns", text: sec(func(x *snapshot.Security) string { return orAbsent(deref(x.UsernsMode, "")) })},
		compareRow{label: "NETWORK", section: true},
		compareRow{label: "mode", text: func(c *snapshot.Container) string { return orAbsent(displayMode(s, c)) }},
		compareRow{label: "addresses", text: func(c *snapshot.Container) string {
			if c.Network == nil {
				return absent
			}
			var addrs []string
			for _, ifc := range c.Network.Interfaces {
				if ifc.Name != "lo" {
					addrs = append(addrs, ifc.Addresses...)
				}
			}
			return orAbsent(strings.Join(addrs, ","))
		}},
		compareRow{label: "ports", text: func(c *snapshot.Container) string {
			if c.Network == nil {
				return absent
			}
			return formatPorts(c.Network.Ports)
		}},
		compareRow{label: "networks", text: func(c *snapshot.Container) string {
			names := make([]string, 0, len(c.Networks))
			for _, n := range c.Networks {
				names = append(names, n.Name)
			}
			return orAbsent(strings.Join(names, ","))
		}},
		compareRow{label: "reaches", text: func(c *snapshot.Container) string { return orAbsent(strings.Join(reaches(c), ",")) }},
		compareRow{label: "STORAGE", section: true},
		compareRow{label: "root fs", text: func(c *snapshot.Container) string {
			driver := absent
			if c.Storage != nil {
				driver = orAbsent(deref(c.Storage.Driver, ""))
			}
			switch {
			case c.Security == nil:
				return driver
			case c.Security.ReadOnlyRootfs:
				return driver + " ro"
			}
			return driver + " rw"
		}},
		compareRow{label: "writable layer", text: func(c *snapshot.Container) string {
			text, _ := layerText(s, c)
			return text
		}},
		compareRow{label: "mounts", text: func(c *snapshot.Container) string { return mountKinds(c) }},
		compareRow{label: "mount points", text: func(c *snapshot.Container) string {
			points := make([]string, 0, len(c.Mounts))
			for _, m := range c.Mounts {
				points = append(points, m.Destination)
			}
			return orAbsent(strings.Join(points, ","))
		}},
		compareRow{label: "sensitive", text: func(c *snapshot.Container) string {
			var why []string
			for _, m := range c.Mounts {
				if m.Sensitive != nil {
					why = append(why, "⚠ "+*m.Sensitive)
				}
			}
			return orAbsent(strings.Join(why, ","))
		}},
		compareRow{label: "not in engine", text: func(c *snapshot.Container) string {
			var points []string
			for _, m := range c.Mounts {
				if m.NotInEngine {
					points = append(points, "◇ "+m.Destination)
				}
			}
			return orAbsent(strings.Join(points, ","))
		}},
		compareRow{label: "shares mounts", text: func(c *snapshot.Container) string {
			var with []string
			for _, m := range c.Mounts {
				with = mergeSorted(with, m.SharedWith)
			}
			return orAbsent(strings.Join(with, ","))
		}},
	)
	return rows
}

// reaches lists the other containers on the container's engine networks, sorted: those it
// can reach and be reached by.
func reaches(c *snapshot.Container) []string {
	var out []string
	for _, n := range c.Networks {
		if n.Driver == "null" || n.Driver == "host" {
			continue
		}
		for _, m := range n.Containers {
			if m != c.Name {
				out = mergeSorted(out, []string{m})
			}
		}
	}
	return out
}

// mountKinds counts a container's mounts by type: "3: 2 volume, 1 bind".
func mountKinds(c *snapshot.Container) string {
	if len(c.Mounts) == 0 {
		return "0"
	}
	counts := map[string]int{}
	var kinds []string
	for _, m := range c.Mounts {
		if counts[m.Type] == 0 {
			kinds = append(kinds, m.Type)
		}
		counts[m.Type]++
	}
	sort.Strings(kinds)
	parts := make([]string, 0, len(kinds))
	for _, k := range kinds {
		parts = append(parts, strconv.Itoa(counts[k])+" "+k)
	}
	return strconv.Itoa(len(c.Mounts)) + ": " + strings.Join(parts, ", ")
}

// compareMinColumn is the narrowest a container's column may get.
const compareMinColumn = 12

// CompareLineCount is how many property lines the compare view has, so the TUI can bound its
// scrolling.
func CompareLineCount(s State) int { return len(compareRows(&s)) }

// compareView draws the marked containers side by side, one column each and one row per
// property; rows whose values differ carry "≠" as well as a colour.
func compareView(s *State, width, height int, st Styles) []string {
	cs := s.Compared
	if len(cs) < 2 {
		return []string{
			Truncate("compare needs at least two marked containers ("+strconv.Itoa(len(cs))+" marked)", width),
			st.Dim.Render(Truncate("select a container and press m to mark it (space too, when not replaying), then c", width)),
		}
	}
	const labelWidth = 15
	fit := max((width-gutterWidth-labelWidth)/(compareMinColumn+1), 1)
	shown := cs
	var note string
	if len(cs) > fit {
		shown = cs[:fit]
		note = "+" + strconv.Itoa(len(cs)-fit) + " more marked containers do not fit: widen the terminal or unmark some"
	}
	rows := compareRows(s)
	cols := []Column{{ID: colGutter, Width: 2}, {ID: "PROPERTY", Title: "PROPERTY", Width: labelWidth}}
	for _, c := range shown {
		cols = append(cols, Column{ID: c.ID, Title: c.Name, Width: compareMinColumn, Grow: true, MaxWidth: 40})
	}
	differs := make([]bool, len(rows))
	for i, r := range rows {
		if r.section {
			continue
		}
		key := r.key
		if key == nil {
			key = r.text
		}
		first := key(shown[0])
		for _, c := range shown[1:] {
			if key(c) != first {
				differs[i] = true
			}
		}
	}
	tableHeight := height
	if note != "" {
		tableHeight--
	}
	t := Table{
		Columns: cols,
		Rows:    len(rows),
		Offset:  min(max(s.CompareOffset, 0), max(len(rows)-(tableHeight-1), 0)),
		Cell: func(r, col, _ int) Cell {
			row := rows[r]
			switch {
			case col == 0:
				if differs[r] {
					return Cell{Text: "≠", Tone: ToneWarn}
				}
				return Cell{}
			case col == 1 && row.section:
				return Cell{Text: row.label, Tone: ToneAccent}
			case col == 1:
				if differs[r] {
					return Cell{Text: row.label, Tone: ToneWarn}
				}
				return Cell{Text: row.label}
			case row.section:
				return Cell{}
			}
			text := row.text(shown[col-2])
			if differs[r] {
				return Cell{Text: text, Tone: ToneWarn}
			}
			return Cell{Text: text}
		},
	}
	lines := t.Render(width, tableHeight, st)
	if note != "" {
		lines = append(lines, st.Dim.Render(Truncate(note, width)))
	}
	return lines
}
