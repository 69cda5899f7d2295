package views

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// ellipsis ends every cut text, so that a truncated name never passes for a whole one.
const ellipsis = "…"

// isPlainASCII reports whether s is printable ASCII without escapes, where one byte is one cell.
func isPlainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if b := s[i]; b < 0x20 || b >= 0x7f {
			return false
		}
	}
	return true
}

// Width is the number of terminal cells s takes, ignoring escape codes.
func Width(s string) int {
	if isPlainASCII(s) {
		return len(s)
	}
	return ansi.StringWidth(s)
}

// Truncate cuts s to at most w cells, ending it with an ellipsis when it cut. It is safe on
// styled text and wide characters.
func Truncate(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if isPlainASCII(s) {
		if len(s) <= w {
			return s
		}
		return s[:w-1] + ellipsis
	}
	if ansi.StringWidth(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, ellipsis)
}

// sanitize replaces control characters (a newline or an escape inside a command line or a
// container label) with spaces, so that data can never break a line or inject a sequence.
func sanitize(s string) string {
	if isPlainASCII(s) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return ' '
		}
		return r
	}, s)
}

// padRight fits s to exactly w cells: truncated with an ellipsis, or padded with spaces.
func padRight(s string, w int) string {
	s = Truncate(s, w)
	if n := Width(s); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s
}

// padLeft fits s to exactly w cells, aligned to the right.
func padLeft(s string, w int) string {
	s = Truncate(s, w)
	if n := Width(s); n < w {
		return strings.Repeat(" ", w-n) + s
	}
	return s
}

// center places s in the middle of w cells.
func center(s string, w int) string {
	s = Truncate(s, w)
	n := Width(s)
	if n >= w {
		return s
	}
	left := (w - n) / 2
	return strings.Repeat(" ", left) + s + strings.Repeat(" ", w-n-left)
}

// fitLines makes lines a block of at most height lines, each at most width cells, truncating
// where needed: the last guard against a line that wraps.
func fitLines(lines []string, width, height int) []string {
	if height >= 0 && len(lines) > height {
		lines = lines[:height]
	}
	for i, l := range lines {
		if Width(l) > width {
			lines[i] = Truncate(l, width)
		}
	}
	return lines
}

// joinFit joins parts with sep, leaving out parts from the end while the line is too wide.
func joinFit(parts []string, sep string, width int) string {
	var b strings.Builder
	used := 0
	for i, p := range parts {
		w := Width(p)
		extra := w
		if i > 0 {
			extra += Width(sep)
		}
		if used+extra > width {
			break
		}
		if i > 0 {
			b.WriteString(sep)
		}
		b.WriteString(p)
		used += extra
	}
	return b.String()
}

// compactIDs shortens every 64-hex-digit container id in s to the 12 digits engines print, so
// that an error naming a cgroup path keeps its end ("memory.stat: permission denied") on screen.
func compactIDs(s string) string {
	const idLen = 64
	if len(s) < idLen {
		return s
	}
	var b strings.Builder
	run := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') {
			run++
		} else {
			run = 0
		}
		b.WriteByte(c)
		// A run that is exactly 64 long ends here (or at the end of s): cut it back.
		if run == idLen && (i+1 == len(s) || !isHexDigit(s[i+1])) {
			out := b.String()
			b.Reset()
			b.WriteString(out[:len(out)-idLen+12])
			b.WriteString(ellipsis)
			run = 0
		}
	}
	return b.String()
}

func isHexDigit(c byte) bool { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') }

// wrap breaks text into lines of at most width cells at spaces (cutting words longer than a
// line), indenting the lines after the first by indent spaces.
func wrap(text string, width, indent int) []string {
	// Leading blanks indent every line.
	if lead := len(text) - len(strings.TrimLeft(text, " ")); lead > 0 && width > lead+indent+1 {
		lines := wrap(text[lead:], width-lead, indent)
		for i := range lines {
			lines[i] = text[:lead] + lines[i]
		}
		return lines
	}
	if width <= indent+1 {
		return []string{Truncate(text, width)}
	}
	var lines []string
	line, lineWidth := "", 0
	limit := width
	for _, word := range strings.Fields(text) {
		w := Width(word)
		switch {
		case lineWidth == 0:
		case lineWidth+1+w <= limit:
			line += " " + word
			lineWidth += 1 + w
			continue
		default:
			lines = append(lines, line)
			limit = width - indent
		}
		for w > limit { // a word longer than a line: break it
			lines = append(lines, ansi.Truncate(word, limit, ""))
			word = ansiCutLeft(word, limit)
			w = Width(word)
			limit = width - indent
		}
		line, lineWidth = word, w
	}
	if lineWidth > 0 || len(lines) == 0 {
		lines = append(lines, line)
	}
	pad := strings.Repeat(" ", indent)
	for i := 1; i < len(lines); i++ {
		lines[i] = pad + lines[i]
	}
	return lines
}

// ansiCutLeft drops the first n cells of s.
func ansiCutLeft(s string, n int) string {
	if isPlainASCII(s) {
		return s[min(n, len(s)):]
	}
	return ansi.TruncateLeft(s, n, "")
}
