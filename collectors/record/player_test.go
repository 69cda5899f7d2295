package record

import (
	"context"
	"testing"
	"time"
)

// fakeClock is a wall clock the test moves by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time      { return c.t }
func (c *fakeClock) add(d time.Duration) { c.t = c.t.Add(d) }
func newPlayerAt(t *testing.T, n int) (*Player, *fakeClock, *Reader) {
	t.Helper()
	rs := readings(7, 3, n)
	r := mustOpen(t, writeRecording(t, rs))
	clock := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	p := NewPlayer(r)
	p.now = clock.now
	return p, clock, r
}

func TestPlayerPlaysWithWallTimeTimesSpeed(t *testing.T) {
	p, clock, r := newPlayerAt(t, 10)
	step := r.Time(1).Sub(r.Time(0))
	ctx := context.Background()

	if s := p.Sample(ctx, nil); !s.Time.Equal(r.Time(0)) {
		t.Fatalf("a new player shows the first reading, got %v", s.Time)
	}
	clock.add(5 * step)
	if i, _, _, playing, _ := p.Position(); i != 0 || playing {
		t.Fatalf("paused: position %d playing %v", i, playing)
	}
	p.TogglePlay()
	clock.add(step*2 + step/2)
	if s := p.Sample(ctx, nil); !s.Time.Equal(r.Time(2)) {
		t.Fatalf("after 2.5 intervals at 1x: %v, want reading 2 at %v", s.Time, r.Time(2))
	}
	if got := p.Faster(); got != 2 {
		t.Fatalf("Faster = %v, want 2", got)
	}
	clock.add(step * 2) // 4 readings at 2x
	p.Sample(ctx, nil)
	if i, n, at, playing, speed := p.Position(); i != 6 || n != 10 || !at.Equal(r.Time(6)) || !playing || speed != 2 {
		t.Fatalf("position %d/%d at %v playing %v speed %v, want 6/10 playing at 2x", i, n, at, playing, speed)
	}
	clock.add(step * 100)
	p.Sample(ctx, nil)
	if i, _, _, playing, _ := p.Position(); i != 9 || playing {
		t.Fatalf("playing past the end stops at the last reading: %d playing %v", i, playing)
	}
	p.TogglePlay()
	if i, _, _, playing, _ := p.Position(); i != 0 || !playing {
		t.Fatalf("play at the end starts again from the first: %d %v", i, playing)
	}
}

func TestPlayerStepAndSeek(t *testing.T) {
	p, _, r := newPlayerAt(t, 5)
	p.TogglePlay()
	p.Step(+2)
	if i, _, _, playing, _ := p.Position(); i != 2 || playing {
		t.Fatalf("step pauses and moves: %d %v", i, playing)
	}
	p.Step(-10)
	if i, _, _, _, _ := p.Position(); i != 0 {
		t.Fatalf("stepping before the start stays at 0, got %d", i)
	}
	p.Step(+10)
	if i, _, _, _, _ := p.Position(); i != 4 {
		t.Fatalf("stepping past the end stays at the last, got %d", i)
	}
	p.Seek(r.Time(3).Add(time.Millisecond))
	if i, _, _, _, _ := p.Position(); i != 3 {
		t.Fatalf("seek lands on the reading at or before the time, got %d", i)
	}
	for i := 0; i < 20; i++ {
		p.Slower()
	}
	if got := p.Slower(); got != speeds[0] {
		t.Fatalf("speed bottoms out at %v, got %v", speeds[0], got)
	}
	if p.Changed() != nil {
		t.Fatal("a recording never signals a change")
	}
}
