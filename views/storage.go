package views

import (
	"strings"

	"github.com/boxtop/boxtop/collectors/snapshot"
)

// storageLine is one line of the storage table: a container's mount, or its root filesystem
// alone when it has no mounts.
type storageLine struct {
	c     *snapshot.Container
	first bool
	m     *snapshot.Mount
}

func storageLines(s *State) (lines []storageLine, starts []int) {
	for _, c := range s.Containers {
		starts = append(starts, len(lines))
		if len(c.Mounts) == 0 {
			lines = append(lines, storageLine{c: c, first: true})
			continue
		}
		for i := range c.Mounts {
			lines = append(lines, storageLine{c: c, first: i == 0, m: &c.Mounts[i]})
		}
	}
	return lines, starts
}

// storagePane draws pane 6: each container's root filesystem and its mounts, with the mounts
// of sensitive host paths called out and the sources other containers mount too.
func storagePane(s *State, width, height int, st Styles) []string {
	if len(s.Containers) == 0 {
		return emptyState(s, width, height, st)
	}
	lines, starts := storageLines(s)
	// The mount columns want their widest value, so that they share the room with the
	// names rather than wait until every name is whole.
	var source, dest, shared, warn int
	for _, l := range lines {
		source = max(source, Width(storageCell(s, l, "SOURCE", false, 0).Text))
		dest = max(dest, Width(storageCell(s, l, "DEST", false, 0).Text))
		shared = max(shared, Width(storageCell(s, l, "SHARED", false, 0).Text))
		warn = max(warn, Width(storageCell(s, l, "WARN", false, 1000).Text))
	}
	cols := []Column{
		{ID: colGutter, Width: gutterWidth},
		{ID: ColName, Title: ColName, Width: 12, Grow: true, MaxWidth: 30, Want: nameWidth(s.Containers, 30), ClaimPriority: 2, ClaimWidth: nameClaimWidth},
		{ID: "DRIVER", Title: "DRIVER", Width: 8, Priority: 3},
		{ID: "ROOTFS", Title: "ROOTFS", Width: 6, Priority: 1},
		{ID: "LAYER", Title: "LAYER", Width: 10, Align: AlignRight, Priority: 3},
		{ID: "TYPE", Title: "TYPE", Width: 6, Priority: 1},
		{ID: "SOURCE", Title: "SOURCE", Width: 14, Grow: true, MaxWidth: 48, Want: source},
		{ID: "DEST", Title: "DESTINATION", Width: 12, Grow: true, MaxWidth: 40, Want: dest},
		{ID: "MODE", Title: "RW", Width: 2},
		{ID: "SHARED", Title: "ALSO MOUNTED BY", Width: 15, Priority: 2, Grow: true, MaxWidth: 30, Want: shared},
		{ID: "WARN", Title: "WARNING", Width: 14, Priority: 1, Grow: true, MaxWidth: 48, Want: warn},
	}
	t := Table{
		Columns:  cols,
		Rows:     len(lines),
		Offset:   blockWindow(starts, len(lines), s.Offset, s.Selected, height-1),
		Selected: func(r int) bool { return blockOwner(starts, r) == s.Selected },
		Cell: func(r, col, w int) Cell {
			return storageCell(s, lines[r], cols[col].ID, blockOwner(starts, r) == s.Selected, w)
		},
	}
	return t.Render(width, height, st)
}

func storageCell(s *State, l storageLine, id string, selected bool, width int) Cell {
	c := l.c
	if l.first {
		switch id {
		case colGutter:
			return gutter(s, c, selected)
		case ColName:
			if !c.Running() {
				return Cell{Text: c.Name, Tone: ToneDim}
			}
			return Cell{Text: c.Name}
		case "DRIVER":
			if c.Storage == nil {
				return Cell{Text: absent}
			}
			return Cell{Text: orAbsent(deref(c.Storage.Driver, ""))}
		case "ROOTFS":
			switch {
			case c.Security == nil:
				return Cell{Text: absent, Tone: ToneDim} // no config read
			case c.Security.ReadOnlyRootfs:
				return Cell{Text: "ro", Tone: ToneGood}
			}
			return Cell{Text: "rw"}
		case "LAYER":
			text, tone := layerText(s, c)
			return Cell{Text: text, Tone: tone}
		}
	}
	m := l.m
	if m == nil {
		if id == "SOURCE" {
			return Cell{Text: "(no mounts)", Tone: ToneDim}
		}
		return Cell{}
	}
	switch id {
	case "TYPE":
		return Cell{Text: m.Type}
	case "SOURCE":
		if m.VolumeName != nil && *m.VolumeName != "" {
			return Cell{Text: *m.VolumeName}
		}
		return Cell{Text: orAbsent(m.Source)}
	case "DEST":
		return Cell{Text: m.Destination}
	case "MODE":
		if m.ReadOnly {
			return Cell{Text: "ro"}
		}
		return Cell{Text: "rw", Tone: ToneWarn}
	case "SHARED":
		return Cell{Text: orAbsent(strings.Join(m.SharedWith, ", "))}
	case "WARN":
		return mountWarning(m, width)
	}
	return Cell{}
}

// mountWarning calls out a sensitive host path, and a mount the engine does not list (added
// after the start, so no config shows it), in as many words as width allows.
func mountWarning(m *snapshot.Mount, width int) Cell {
	var long, medium, short []string
	tone := ToneNone
	if m.Sensitive != nil {
		long = append(long, "⚠ "+*m.Sensitive)
		medium = append(medium, "⚠ "+*m.Sensitive)
		short = append(short, "⚠ "+sensitiveWord(*m.Sensitive))
		tone = ToneBad
	}
	if m.NotInEngine {
		long = append(long, "◇ not in engine (added after start)")
		medium = append(medium, "◇ not in engine")
		short = append(short, "◇ added")
		if tone == ToneNone {
			tone = ToneWarn
		}
	}
	text := ""
	for _, parts := range [][]string{long, medium, short} {
		if text = strings.Join(parts, "; "); Width(text) <= width {
			break
		}
	}
	return Cell{Text: text, Tone: tone}
}

// layerMeasurement is what is known of a container's writable layer: a measurement the user
// asked for, else the reading's own figure (from `snapshot --size` or a recording of one).
func layerMeasurement(s *State, c *snapshot.Container) (m LayerMeasurement, known bool) {
	if m, ok := s.Layers[c.ID]; ok {
		return m, true
	}
	if c.Storage != nil && c.Storage.WritableLayerBytes != nil {
		return LayerMeasurement{Bytes: *c.Storage.WritableLayerBytes}, true
	}
	return LayerMeasurement{}, false
}

// layerText is the LAYER cell: the size, "measuring…", "failed", or "-" until asked for.
func layerText(s *State, c *snapshot.Container) (string, Tone) {
	m, ok := layerMeasurement(s, c)
	switch {
	case !ok:
		return absent, ToneDim
	case m.Measuring:
		return "measuring…", ToneAccent
	case m.Err != "":
		return "failed", ToneBad
	}
	return FormatBytes(uint64(max(m.Bytes, 0))), ToneNone
}
