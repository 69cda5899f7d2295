package tui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/term"
)

// Run shows the TUI on the terminal until the user quits or ctx ends. The terminal is restored
// on every way out: q, ctrl+c, a cancelled ctx, and a panic (which Bubble Tea turns into an
// error rather than a crash with the terminal left in raw mode).
//
// Bubble Tea runs the model and reads the keys; the screen is drawn by boxtop's own screen (see
// screen), so the terminal's raw mode and size are looked after here.
func Run(ctx context.Context, src Source, opts Options) (err error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // ends the commands still waiting, such as the inventory-change listener
	if os.Getenv("NO_COLOR") != "" {
		opts.NoColor = true
	}
	m := New(src, opts)
	m.ctx = ctx

	in, out := os.Stdin, os.Stdout
	if term.IsTerminal(in.Fd()) {
		state, err := term.MakeRaw(in.Fd())
		if err != nil {
			return fmt.Errorf("terminal: raw mode: %w", err)
		}
		defer func() {
			if rerr := term.Restore(in.Fd(), state); rerr != nil && err == nil {
				err = fmt.Errorf("terminal: restore: %w", rerr)
			}
		}()
	}
	width, height := terminalSize(out)
	profile := colorprofile.Detect(out, os.Environ())
	if m.opts.NoColor {
		profile = colorprofile.Ascii
	}
	scr := newScreen(out, os.Environ(), profile, "boxtop")
	if err := scr.start(); err != nil {
		return fmt.Errorf("terminal: %w", err)
	}
	defer func() {
		if serr := scr.stop(); serr != nil && err == nil {
			err = fmt.Errorf("terminal: %w", serr)
		}
	}()

	p := tea.NewProgram(drawn{Model: m, screen: scr},
		tea.WithContext(ctx), tea.WithInput(in), tea.WithOutput(out),
		// No renderer of Bubble Tea's: its ticker would still wake up this many times a second.
		tea.WithoutRenderer(), tea.WithFPS(1),
		tea.WithWindowSize(width, height), tea.WithColorProfile(profile))
	stopResize := watchResize(p, out)
	defer stopResize()
	final, err := p.Run()
	if d, ok := final.(drawn); ok && d.screen.err != nil && err == nil {
		err = fmt.Errorf("terminal: %w", d.screen.err)
	}
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return nil // the caller asked us to stop
	}
	return err
}

// drawn is the model with its frames put on the screen: View draws each frame as Bubble Tea
// asks for it, after every message.
type drawn struct {
	Model
	screen *screen
}

func (d drawn) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if size, ok := msg.(tea.WindowSizeMsg); ok {
		d.screen.resize(size.Width, size.Height)
	}
	next, cmd := d.Model.Update(msg)
	d.Model = next.(Model)
	return d, cmd
}

func (d drawn) View() tea.View {
	_ = d.screen.draw(d.Model.View().Content) // a failed write is kept and reported by Run
	return tea.View{}
}

// terminalSize is the size of the terminal out is, 80x24 when it is none.
func terminalSize(out *os.File) (int, int) {
	if w, h, err := term.GetSize(out.Fd()); err == nil && w > 0 && h > 0 {
		return w, h
	}
	return 80, 24
}

// watchResize sends the new size to p whenever the terminal is resized; the returned function
// stops watching.
func watchResize(p *tea.Program, out *os.File) func() {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGWINCH)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-done:
				return
			case <-sig:
				w, h := terminalSize(out)
				p.Send(tea.WindowSizeMsg{Width: w, Height: h})
			}
		}
	}()
	return func() {
		signal.Stop(sig)
		close(done)
	}
}
