package tui

import (
	"context"
	"errors"
	"os"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
)

// Run shows the TUI on the terminal until the user quits or ctx ends. Bubble Tea restores the
// terminal on every way out: q, ctrl+c, a cancelled ctx, and a panic (which comes back as an
// error rather than a crash with the terminal left in raw mode).
func Run(ctx context.Context, src Source, opts Options) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // ends the commands still waiting, such as the inventory-change listener
	if os.Getenv("NO_COLOR") != "" {
		opts.NoColor = true
	}
	m := New(src, opts)
	m.ctx = ctx
	popts := []tea.ProgramOption{tea.WithContext(ctx)}
	if m.opts.NoColor {
		popts = append(popts, tea.WithColorProfile(colorprofile.Ascii))
	}
	_, err := tea.NewProgram(m, popts...).Run()
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return nil // the caller asked us to stop
	}
	return err
}
