package main

import (
	"context"
	"errors"
)

// runTUI starts the live view.
func runTUI(ctx context.Context, cfg config) error {
	return errors.New("the live TUI is not built yet; use `boxtop snapshot`")
}
