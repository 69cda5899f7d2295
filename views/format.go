package views

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// absent is how every view shows a value that does not apply, is unlimited, or was not read.
const absent = "-"

var byteUnits = [...]string{"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}

// FormatBytes shows a byte count with a binary unit in at most 7 cells: "512B", "1.5KiB",
// "40MiB", "0.98GiB".
func FormatBytes(b uint64) string {
	if b < 1024 {
		return strconv.FormatUint(b, 10) + "B"
	}
	v := float64(b)
	unit := 0
	for v >= 1000 && unit < len(byteUnits)-1 {
		v /= 1024
		unit++
	}
	return formatScaled(v) + byteUnits[unit]
}

// formatScaled gives a number two or three significant digits.
func formatScaled(v float64) string {
	switch {
	case v < 1:
		return strconv.FormatFloat(v, 'f', 2, 64)
	case v < 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	default:
		return strconv.FormatFloat(math.Round(v), 'f', 0, 64)
	}
}

// FormatRate shows bytes per second without the "/s", for columns whose title says it; nil
// (no rate yet, or not readable) shows as "-".
func FormatRate(v *float64) string {
	if v == nil || math.IsNaN(*v) {
		return absent
	}
	if *v <= 0 {
		return "0B"
	}
	return FormatBytes(uint64(math.Round(*v)))
}

// FormatRatePerSecond is FormatRate with "/s", for prose.
func FormatRatePerSecond(v *float64) string {
	s := FormatRate(v)
	if s == absent {
		return s
	}
	return s + "/s"
}

// FormatPercent shows a percentage without the sign: "0.0", "24.8", "123".
func FormatPercent(v *float64) string {
	if v == nil || math.IsNaN(*v) {
		return absent
	}
	p := *v
	if p < 0 {
		p = 0
	}
	if p < 100 {
		return strconv.FormatFloat(p, 'f', 1, 64)
	}
	return strconv.FormatFloat(math.Round(p), 'f', 0, 64)
}

// FormatCores shows a CPU limit in cores: "0.25", "2", "1.5"; nil is unlimited.
func FormatCores(v *float64) string {
	if v == nil {
		return absent
	}
	s := strconv.FormatFloat(*v, 'f', 2, 64)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// FormatLimitBytes shows a memory limit; nil is unlimited.
func FormatLimitBytes(v *uint64) string {
	if v == nil {
		return absent
	}
	return FormatBytes(*v)
}

// FormatCount shows an optional counter.
func FormatCount(v *uint64) string {
	if v == nil {
		return absent
	}
	return strconv.FormatUint(*v, 10)
}

// FormatInterval shows a refresh interval compactly: "250ms", "1s", "1.5s", "30s", "2m".
func FormatInterval(d time.Duration) string {
	switch {
	case d <= 0:
		return absent
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Milliseconds())
	case d < time.Minute:
		return strings.TrimSuffix(strings.TrimRight(strconv.FormatFloat(d.Seconds(), 'f', 2, 64), "0"), ".") + "s"
	default:
		return strings.TrimSuffix(strings.TrimRight(strconv.FormatFloat(d.Minutes(), 'f', 1, 64), "0"), ".") + "m"
	}
}

// FormatSeconds shows a cumulative duration such as throttled time: "0.4s", "12s", "1h02m".
func FormatSeconds(s float64) string {
	switch {
	case s < 60:
		return strconv.FormatFloat(s, 'f', 1, 64) + "s"
	case s < 3600:
		d := time.Duration(s * float64(time.Second)).Round(time.Second)
		return strings.Replace(d.String(), "m0s", "m", 1)
	default:
		h := int(s) / 3600
		m := (int(s) % 3600) / 60
		return fmt.Sprintf("%dh%02dm", h, m)
	}
}

// shortID is the 12-character form engines print.
func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// deref returns *p, or def when p is nil.
func deref[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}

// orAbsent returns s, or "-" when it is empty.
func orAbsent(s string) string {
	if s == "" {
		return absent
	}
	return s
}

// signalName names the signals behind the usual exit codes 128+N.
func signalName(n int) string {
	switch n {
	case 1:
		return "SIGHUP"
	case 2:
		return "SIGINT"
	case 3:
		return "SIGQUIT"
	case 6:
		return "SIGABRT"
	case 9:
		return "SIGKILL"
	case 11:
		return "SIGSEGV"
	case 13:
		return "SIGPIPE"
	case 15:
		return "SIGTERM"
	}
	return ""
}

// FormatExitCode explains an exit status: "exit 0", "exit 137 (SIGKILL)".
func FormatExitCode(code int) string {
	s := "exit " + strconv.Itoa(code)
	if code > 128 {
		if name := signalName(code - 128); name != "" {
			s += " (" + name + ")"
		}
	}
	return s
}

// plural counts things in words: "1 process", "3 processes".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// FormatSpeed shows a playback speed: "0.25×", "1×", "16×".
func FormatSpeed(v float64) string {
	if v <= 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return absent
	}
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64) + "×"
}
