package views

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

func testTable(rows int) Table {
	cols := []Column{
		{ID: "NAME", Title: "NAME", Width: 8, Grow: true, MaxWidth: 20, Want: 14},
		{ID: "CPU", Title: "CPU", Width: 5, Align: AlignRight},
		{ID: "RX", Title: "RX", Width: 6, Align: AlignRight, Priority: 2},
		{ID: "TX", Title: "TX", Width: 6, Align: AlignRight, Priority: 2},
		{ID: "PIDS", Title: "PIDS", Width: 6, Priority: 1},
		{ID: "SPARK", Title: "SPARK", Width: 10, Priority: 3, Grow: true},
	}
	return Table{
		Columns: cols,
		Rows:    rows,
		Cell: func(r, c, w int) Cell {
			if cols[c].ID == "NAME" {
				return Cell{Text: "container-number-" + strconv.Itoa(r)}
			}
			return Cell{Text: cols[c].ID + strconv.Itoa(r)}
		},
	}
}

func TestLayoutDropsByPriority(t *testing.T) {
	tests := []struct {
		name  string
		width int
		want  []string
	}{
		{"everything", 80, []string{"NAME", "CPU", "RX", "TX", "PIDS", "SPARK"}},
		{"the sparkline goes first", 40, []string{"NAME", "CPU", "RX", "TX", "PIDS"}},
		{"RX and TX go together", 25, []string{"NAME", "CPU", "PIDS"}},
		{"priority 0 stays even when too wide", 5, []string{"NAME", "CPU"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tbl := testTable(1)
			cols, widths := tbl.Layout(tc.width)
			var got []string
			total := len(widths) - 1
			for k, i := range cols {
				got = append(got, tbl.Columns[i].ID)
				total += widths[k]
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("columns %v, want %v", got, tc.want)
			}
			if tc.width >= 13 && total != tc.width && tc.name != "everything" {
				// The spare width goes to the growing columns.
				t.Errorf("columns take %d of %d cells", total, tc.width)
			}
		})
	}
}

func TestLayoutGrowsToWantFirst(t *testing.T) {
	tbl := testTable(1)
	cols, widths := tbl.Layout(80)
	w := map[string]int{}
	for k, i := range cols {
		w[tbl.Columns[i].ID] = widths[k]
	}
	// NAME wants 14 and gets it before the sparkline takes the rest; NAME stops at 20.
	if w["NAME"] < 14 || w["NAME"] > 20 {
		t.Errorf("NAME is %d wide, want 14..20", w["NAME"])
	}
	if w["SPARK"] <= 10 {
		t.Errorf("the sparkline did not grow: %d", w["SPARK"])
	}
}

func TestTableRender(t *testing.T) {
	tbl := testTable(30)
	tbl.Offset = 5
	tbl.Selected = func(r int) bool { return r == 6 }
	lines := tbl.Render(40, 4, Styles{})
	if len(lines) != 4 {
		t.Fatalf("%d lines, want 4 (title and three rows)", len(lines))
	}
	if !strings.HasPrefix(lines[0], "NAME") || !strings.Contains(lines[1], "CPU5") {
		t.Errorf("want the title row then row 5:\n%s", strings.Join(lines, "\n"))
	}
	if !strings.Contains(lines[1], "container-nu… ") {
		t.Errorf("a long name is not cut with an ellipsis: %q", lines[1])
	}
	if Width(lines[2]) != 40 {
		t.Errorf("the selected row is %d wide, want the full 40", Width(lines[2]))
	}
	for _, l := range lines {
		if Width(l) > 40 {
			t.Errorf("%q is wider than 40", l)
		}
	}
	// Right-aligned cells end at the column's edge.
	if !strings.Contains(lines[1], "  CPU5") {
		t.Errorf("CPU is not right-aligned: %q", lines[1])
	}
	if got := tbl.Render(40, 0, Styles{}); got != nil {
		t.Errorf("no height, got %q", got)
	}
}

func TestTablePaintsOnlyText(t *testing.T) {
	tbl := Table{
		Columns: []Column{{ID: "A", Title: "A", Width: 6}, {ID: "B", Title: "B", Width: 6}},
		Rows:    1,
		Cell:    func(r, c, w int) Cell { return Cell{Text: "x", Tone: ToneBad} },
	}
	st := DefaultStyles()
	line := tbl.Render(20, 2, st)[1]
	if strings.HasSuffix(line, " ") || !strings.Contains(line, st.Bad.Render("x")+"      ") {
		t.Errorf("padding is painted, or the line ends in blanks: %q", line)
	}
}

func TestWindowStart(t *testing.T) {
	tests := []struct {
		name                       string
		offset, sel, n, rows, want int
	}{
		{"selection visible", 0, 3, 50, 10, 0},
		{"selection below", 0, 12, 50, 10, 3},
		{"selection above", 20, 5, 50, 10, 5},
		{"past the end", 45, 49, 50, 10, 40},
		{"fewer rows than space", 3, 1, 4, 10, 0},
		{"no selection", 7, -1, 50, 10, 7},
	}
	for _, tc := range tests {
		if got := windowStart(tc.offset, tc.sel, tc.n, tc.rows); got != tc.want {
			t.Errorf("%s: windowStart = %d, want %d", tc.name, got, tc.want)
		}
	}
}

func TestBlockWindow(t *testing.T) {
	starts := []int{0, 2, 3, 7, 8} // entries of 2, 1, 4, 1 and 2 lines; 10 lines in all
	tests := []struct {
		name                    string
		offset, sel, rows, want int
	}{
		{"fits from the top", 0, 1, 5, 0},
		{"selected entry ends below", 0, 2, 5, 2},
		{"selected above the offset", 3, 1, 5, 2},
		{"taller than the window shows its top", 0, 2, 3, 3},
		{"no selection keeps the offset", 1, -1, 5, 2},
		{"clamped to the end", 4, 4, 5, 5},
	}
	for _, tc := range tests {
		if got := blockWindow(starts, 10, tc.offset, tc.sel, tc.rows); got != tc.want {
			t.Errorf("%s: blockWindow = %d, want %d", tc.name, got, tc.want)
		}
	}
	for line, want := range []int{0, 0, 1, 2, 2, 2, 2, 3, 4, 4} {
		if got := blockOwner(starts, line); got != want {
			t.Errorf("blockOwner(%d) = %d, want %d", line, got, want)
		}
	}
}

// claimTable is the Isolation pane's problem in small: a namespace cell that wants room for
// "=lead-web", and less important columns that would take that room.
func claimTable(claim int) Table {
	return Table{Columns: []Column{
		{ID: "NAME", Title: "NAME", Width: 8},
		{ID: "NET", Title: "NET", Width: 5, Grow: true, MaxWidth: 14, Want: 9, ClaimPriority: claim},
		{ID: "CAPS", Title: "CAPS", Width: 8, Priority: 1},
		{ID: "SECCOMP", Title: "SECCOMP", Width: 8, Priority: 2},
		{ID: "USERNS", Title: "USERNS", Width: 6, Priority: 3},
	}}
}

func TestLayoutClaims(t *testing.T) {
	tests := []struct {
		name    string
		claim   int
		width   int
		want    []string
		netWide int
	}{
		// 8+5+8+8+6 and four gaps: 39 cells hold every column at its base width.
		{"without a claim the cell is cut", 0, 39, []string{"NAME", "NET", "CAPS", "SECCOMP", "USERNS"}, 5},
		// NET claims 4, USERNS no longer fits, and the 3 cells it leaves go to NET too.
		{"the claim comes before the less important column", 1, 39, []string{"NAME", "NET", "CAPS", "SECCOMP"}, 12},
		{"room for both", 1, 43, []string{"NAME", "NET", "CAPS", "SECCOMP", "USERNS"}, 9},
		{"a narrow terminal still keeps the important columns", 1, 24, []string{"NAME", "NET", "CAPS"}, 6},
		{"a claim after the column it would push out", 3, 39, []string{"NAME", "NET", "CAPS", "SECCOMP", "USERNS"}, 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tbl := claimTable(tc.claim)
			cols, widths := tbl.Layout(tc.width)
			var got []string
			net, total := 0, len(widths)-1
			for k, i := range cols {
				got = append(got, tbl.Columns[i].ID)
				total += widths[k]
				if tbl.Columns[i].ID == "NET" {
					net = widths[k]
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("columns %v, want %v", got, tc.want)
			}
			if net != tc.netWide {
				t.Errorf("NET is %d wide, want %d", net, tc.netWide)
			}
			if total > tc.width {
				t.Errorf("columns take %d of %d cells", total, tc.width)
			}
		})
	}
}
