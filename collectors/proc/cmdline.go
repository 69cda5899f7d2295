package proc

import (
	"bytes"
	"os"
	"strings"
)

// Command returns the process's command line with its NUL separators as spaces, the way ps shows
// it. Kernel threads and zombies have an empty cmdline: they are shown as "[comm]", as ps does.
// It returns "" when neither file can be read (the process exited): a command is display text,
// and the caller learns of the exit from Status.
func (fs FS) Command(pid int) string {
	data, err := os.ReadFile(fs.pidPath(pid, "cmdline"))
	if err == nil {
		cmd := strings.TrimSpace(string(bytes.ReplaceAll(data, []byte{0}, []byte{' '})))
		if cmd != "" {
			return cmd
		}
	}
	if comm := fs.Comm(pid); comm != "" {
		return "[" + comm + "]"
	}
	return ""
}
