package collectors

import (
	"context"
	"fmt"
	"io/fs"
	"path/filepath"
	"time"
)

// writableLayerTimeout bounds one measurement: a layer with millions of files is not worth
// blocking a reading for.
const writableLayerTimeout = 5 * time.Second

// MeasureWritableLayer sums the sizes of the files in a container's writable layer (the
// overlay upper directory). It walks the directory, so it runs only when asked (the detail
// view, `snapshot --size`), never per tick, and gives up at ctx's deadline or after
// writableLayerTimeout.
func (c *Collector) MeasureWritableLayer(ctx context.Context, id string) (int64, error) {
	c.mu.Lock()
	var dir string
	for _, ct := range c.prev.Containers {
		if ct.ID == id && ct.Storage != nil && ct.Storage.UpperDir != nil {
			dir = *ct.Storage.UpperDir
		}
	}
	c.mu.Unlock()
	if dir == "" {
		return 0, fmt.Errorf("container %.12s: no writable layer known (not running, or not an overlay root)", id)
	}
	ctx, cancel := context.WithTimeout(ctx, writableLayerTimeout)
	defer cancel()
	return dirSize(ctx, dir)
}

// dirSize is the apparent size of the regular files below dir, as `du --apparent-size` counts.
func dirSize(ctx context.Context, dir string) (int64, error) {
	var total int64
	var entries int
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if entries++; entries%256 == 0 && ctx.Err() != nil {
			return fmt.Errorf("measuring %s: stopped after %d entries: %w", dir, entries, ctx.Err())
		}
		if d.Type().IsRegular() {
			info, err := d.Info()
			if err != nil {
				return err
			}
			total += info.Size()
		}
		return nil
	})
	return total, err
}
