package views

import (
	"slices"
	"sort"
	"strings"
)

// Align places a cell's text in its column.
type Align uint8

const (
	AlignLeft Align = iota
	AlignRight
)

// Column describes one table column. Columns that do not fit the width are left out, least
// important (highest Priority) first, so a narrow terminal keeps the columns that matter.
type Column struct {
	ID    string // stable name for sorting and tests
	Title string
	// Width is the column's width before growing; the title is cut to it.
	Width int
	Align Align
	// Priority 0 columns are always kept (the table shows them even if they overflow);
	// higher numbers go first when space runs out.
	Priority int
	// Grow columns share the spare width, each up to MaxWidth (0: no bound); first each one up
	// to Want (what its content needs, e.g. the longest name), then evenly.
	Grow     bool
	MaxWidth int
	Want     int
	// ClaimPriority, when above zero, lets a growing column claim room as if its growth were
	// a column of this priority: after the columns of priority <= ClaimPriority are placed and
	// before any less important column is. It claims up to Want, within MaxWidth and (when
	// not zero) ClaimWidth. So a "=NAME" cell is shown whole at 120 columns rather than a rarely useful
	// column, while at 80 columns the claim finds no room and the text is cut as before.
	// Zero: the column grows only into what is left once the columns are chosen.
	ClaimPriority int
	ClaimWidth    int
}

// Cell is one table cell: text, and the tone it is painted in.
type Cell struct {
	Text string
	Tone Tone
}

// Table is a table widget. Cells are asked for lazily, so a table of 500 rows only formats the
// rows that are on the screen.
type Table struct {
	Columns []Column
	Rows    int
	// Cell returns the content of a row's column (an index into Columns); width is the
	// column's final width, for cells such as sparklines that fill it.
	Cell func(row, col, width int) Cell
	// Selected reports whether a row is highlighted; nil highlights nothing.
	Selected func(row int) bool
	// Offset is the first row shown.
	Offset int
	// NoHeader leaves out the title row.
	NoHeader bool
}

// columnSeparator is the gap between two columns.
const columnSeparator = " "

// Layout decides which columns fit in width and how wide each one is. It returns the indexes
// of the kept columns in their original order, and their widths.
func (t Table) Layout(width int) (cols []int, widths []int) {
	// The priorities in play, least first: the columns' own and those their growth claims at.
	var prios []int
	for _, c := range t.Columns {
		prios = append(prios, c.Priority)
		if c.Grow && c.ClaimPriority > 0 {
			prios = append(prios, c.ClaimPriority)
		}
	}
	sort.Ints(prios)
	prios = slices.Compact(prios)

	keep := make([]bool, len(t.Columns))
	w := make([]int, len(t.Columns))
	used := 0
	for _, p := range prios {
		// Columns of one priority come and go together (NET RX/s with NET TX/s), so a group
		// is kept whole or left out whole; priority 0 is always kept.
		need := 0
		group := 0
		for _, c := range t.Columns {
			if c.Priority == p {
				need += len(columnSeparator) + c.Width
				group++
			}
		}
		if group > 0 {
			if used == 0 {
				need -= len(columnSeparator) // the first column has no gap before it
			}
			if p == 0 || used+need <= width {
				for i, c := range t.Columns {
					if c.Priority == p {
						keep[i], w[i] = true, c.Width
					}
				}
				used += need
			}
		}
		// Then the growth claimed at this priority, column by column from the left, as much
		// of it as there is room for.
		for i, c := range t.Columns {
			if !keep[i] || !c.Grow || c.ClaimPriority != p || p == 0 {
				continue
			}
			claim := wantWidth(c)
			if c.ClaimWidth > 0 {
				claim = min(claim, c.ClaimWidth)
			}
			extra := min(claim-w[i], width-used)
			if extra > 0 {
				w[i] += extra
				used += extra
			}
		}
	}
	for i := range t.Columns {
		if keep[i] {
			cols = append(cols, i)
			widths = append(widths, w[i])
		}
	}
	// Share the spare width among the growing columns, one cell at a time so that columns
	// with a bound stop and the rest go on: first up to what their content wants, then on.
	spare := width - used
	for _, wanted := range []bool{true, false} {
		for spare > 0 {
			grew := false
			for k, i := range cols {
				c := t.Columns[i]
				limit := c.MaxWidth
				if wanted {
					limit = wantWidth(c)
				}
				if !c.Grow || (limit > 0 && widths[k] >= limit) || (wanted && limit == 0) || spare == 0 {
					continue
				}
				widths[k]++
				spare--
				grew = true
			}
			if !grew {
				break
			}
		}
	}
	return cols, widths
}

// wantWidth is how wide a growing column's content would like it: Want within MaxWidth.
func wantWidth(c Column) int {
	if c.MaxWidth > 0 {
		return min(c.Want, c.MaxWidth)
	}
	return c.Want
}

// Render draws the table in at most height lines of at most width cells: the title row, then
// the rows from Offset.
func (t Table) Render(width, height int, st Styles) []string {
	if height <= 0 || width <= 0 {
		return nil
	}
	cols, widths := t.Layout(width)
	total := len(columnSeparator) * (len(widths) - 1)
	for _, w := range widths {
		total += w
	}
	overflow := total > width
	lines := make([]string, 0, height)
	var b strings.Builder
	if !t.NoHeader {
		for k, i := range cols {
			if k > 0 {
				b.WriteString(columnSeparator)
			}
			c := t.Columns[i]
			if c.Align == AlignRight {
				b.WriteString(padLeft(c.Title, widths[k]))
			} else {
				b.WriteString(padRight(c.Title, widths[k]))
			}
		}
		lines = append(lines, st.TableHeader.Render(Truncate(strings.TrimRight(b.String(), " "), width)))
	}
	for r := t.Offset; r < t.Rows && len(lines) < height; r++ {
		if r < 0 {
			continue
		}
		selected := t.Selected != nil && t.Selected(r)
		b.Reset()
		for k, i := range cols {
			if k > 0 {
				b.WriteString(columnSeparator)
			}
			cell := t.Cell(r, i, widths[k])
			text := Truncate(sanitize(cell.Text), widths[k])
			pad := widths[k] - Width(text)
			// Paint only the text, not the blanks around it, so that styled and plain
			// lines end in the same place.
			core := strings.TrimRight(text, " ")
			trailing := len(text) - len(core)
			core = strings.TrimLeft(core, " ")
			leading := len(text) - trailing - len(core)
			if !selected {
				core = st.Tone(cell.Tone).Render(core)
			}
			if t.Columns[i].Align == AlignRight {
				leading += pad
			} else {
				trailing += pad
			}
			b.WriteString(strings.Repeat(" ", leading))
			b.WriteString(core)
			b.WriteString(strings.Repeat(" ", trailing))
		}
		line := b.String()
		if selected {
			line = st.Selected.Render(padRight(line, width))
		} else {
			line = strings.TrimRight(line, " ")
			if overflow {
				line = Truncate(line, width)
			}
		}
		lines = append(lines, line)
	}
	return lines
}
