package views

// blockWindow picks the first line to show of a list whose entries take several lines each:
// starts[i] is entry i's first line, total the number of lines. It starts from the offset
// entry and moves as little as it must to show the selected entry whole (or its top part, when
// the entry is taller than rows).
func blockWindow(starts []int, total, offset, sel, rows int) int {
	if len(starts) == 0 || rows <= 0 {
		return 0
	}
	offset = min(max(offset, 0), len(starts)-1)
	start := starts[offset]
	if sel >= 0 && sel < len(starts) {
		selStart := starts[sel]
		selEnd := total
		if sel+1 < len(starts) {
			selEnd = starts[sel+1]
		}
		if selEnd > start+rows {
			start = selEnd - rows
		}
		if selStart < start {
			start = selStart
		}
	}
	if start > total-rows {
		start = total - rows
	}
	return max(start, 0)
}

// blockOwner returns the entry a line belongs to, given the entries' first lines in order.
func blockOwner(starts []int, line int) int {
	lo, hi := 0, len(starts)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if starts[mid] <= line {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}
