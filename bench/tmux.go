package main

import (
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
)

// tmux drives a tmux server of the harness's own (its own socket, no user configuration), so that
// the panes it measures share nothing with anyone's sessions and its server's CPU is its own.
type tmux struct {
	socket string
}

func (t tmux) cmd(ctx context.Context, args ...string) ([]byte, error) {
	full := append([]string{"-L", t.socket, "-f", "/dev/null"}, args...)
	out, err := exec.CommandContext(ctx, "tmux", full...).CombinedOutput()
	if err != nil {
		return out, fmt.Errorf("tmux %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return out, nil
}

// start opens a detached session of width x height running command (through sh -c: say exec so
// that the pane's process is the watcher itself).
func (t tmux) start(ctx context.Context, session string, width, height int, command string) error {
	_, err := t.cmd(ctx, "new-session", "-d", "-s", session, "-x", strconv.Itoa(width), "-y", strconv.Itoa(height), command)
	return err
}

// keepServer opens an idle session that lives as long as the server: tmux exits with its last
// session, and a new session asked for while the server is exiting fails ("server exited
// unexpectedly").
func (t tmux) keepServer(ctx context.Context) error {
	return t.start(ctx, "keep", 80, 24, "exec sleep 2147483647")
}

func (t tmux) panePID(ctx context.Context, session string) (int, error) {
	return t.number(ctx, session, "#{pane_pid}")
}

func (t tmux) serverPID(ctx context.Context, session string) (int, error) {
	return t.number(ctx, session, "#{pid}")
}

func (t tmux) number(ctx context.Context, session, format string) (int, error) {
	out, err := t.cmd(ctx, "display-message", "-p", "-t", session, format)
	if err != nil {
		return 0, err
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil {
		return 0, fmt.Errorf("tmux display-message %s: %q is not a number", format, strings.TrimSpace(string(out)))
	}
	return n, nil
}

// capture returns the visible screen of the session's pane as plain text.
func (t tmux) capture(ctx context.Context, session string) (string, error) {
	out, err := t.cmd(ctx, "capture-pane", "-p", "-t", session)
	return string(out), err
}

// pipeTo appends everything the pane's program writes from now on to file; pipeStop ends it.
func (t tmux) pipeTo(ctx context.Context, session, file string) error {
	_, err := t.cmd(ctx, "pipe-pane", "-o", "-t", session, "cat >> "+shellQuote(file))
	return err
}

func (t tmux) pipeStop(ctx context.Context, session string) error {
	_, err := t.cmd(ctx, "pipe-pane", "-t", session)
	return err
}

func (t tmux) kill(ctx context.Context, session string) {
	_, _ = t.cmd(ctx, "kill-session", "-t", session)
}

func (t tmux) killServer(ctx context.Context) {
	_, _ = t.cmd(ctx, "kill-server")
}

func (t tmux) version(ctx context.Context) string {
	out, err := exec.CommandContext(ctx, "tmux", "-V").Output()
	if err != nil {
		return "?"
	}
	return strings.TrimPrefix(strings.TrimSpace(string(out)), "tmux ")
}

// shellQuote makes s one word for sh.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
