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
	cols := []Column{
		{ID: colGutter, Width: gutterWidth},
		{ID: ColName, Title: ColName, Width: 12, Grow: true, MaxWidth: 30, Want: nameWidth(s.Containers, 30), ClaimPriority: 2, ClaimWidth: nameClaimWidth},
		{ID: "DRIVER", Title: "DRIVER", Width: 8, Priority: 3},
		{ID: "ROOTFS", Title: "ROOTFS", Width: 6, Priority: 1},
		{ID: "LAYER", Title: "LAYER", Width: 8, Align: AlignRight, Priority: 3},
		{ID: "TYPE", Title: "TYPE", Width: 6, Priority: 1},
		{ID: "SOURCE", Title: "SOURCE", Width: 14, Grow: true, MaxWidth: 48},
		{ID: "DEST", Title: "DESTINATION", Width: 12, Grow: true, MaxWidth: 40},
		{ID: "MODE", Title: "RW", Width: 2},
		{ID: "SHARED", Title: "ALSO MOUNTED BY", Width: 15, Priority: 2, Grow: true, MaxWidth: 30},
		{ID: "WARN", Title: "WARNING", Width: 14, Priority: 1, Grow: true, MaxWidth: 40},
	}
	t := Table{
		Columns:  cols,
		Rows:     len(lines),
		Offset:   blockWindow(starts, len(lines), s.Offset, s.Selected, height-1),
		Selected: func(r int) bool { return blockOwner(starts, r) == s.Selected },
		Cell: func(r, col, _ int) Cell {
			return storageCell(s, lines[r], cols[col].ID, blockOwner(starts, r) == s.Selected)
		},
	}
	return t.Render(width, height, st)
}

func storageCell(s *State, l storageLine, id string, selected bool) Cell {
	c := l.c
	if l.first {
		switch id {
		case colGutter:
			return gutter(s, c, selected)
		case ColName:
			return Cell{Text: c.Name}
		case "DRIVER":
			if c.Storage == nil {
				return Cell{Text: absent}
			}
			return Cell{Text: orAbsent(deref(c.Storage.Driver, ""))}
		case "ROOTFS":
			if c.Security != nil && c.Security.ReadOnlyRootfs {
				return Cell{Text: "ro", Tone: ToneGood}
			}
			return Cell{Text: "rw"}
		case "LAYER":
			if c.Storage == nil || c.Storage.WritableLayerBytes == nil {
				return Cell{Text: absent, Tone: ToneDim}
			}
			return Cell{Text: FormatBytes(uint64(max(*c.Storage.WritableLayerBytes, 0)))}
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
		if m.Sensitive != nil {
			return Cell{Text: "⚠ " + *m.Sensitive, Tone: ToneBad}
		}
		return Cell{}
	}
	return Cell{}
}
