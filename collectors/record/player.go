package record

import (
	"context"
	"sync"
	"time"

	"github.com/boxtop/boxtop/collectors/snapshot"
)

// Speeds are the playback speeds a player steps through, in recording seconds per wall second.
var speeds = []float64{0.25, 0.5, 1, 2, 4, 8, 16, 32, 64}

// Player serves a recording to a viewer as if it were live: each Sample returns the reading
// at the play position, which moves with wall time times the speed while playing, and only by
// Step while paused. It is safe for concurrent use.
type Player struct {
	r *Reader

	mu       sync.Mutex
	pos      int
	playing  bool
	speedIdx int
	lastWall time.Time // wall time of the last advance
	recTime  time.Time // recording time of the play head, between readings while playing
	err      error     // the last reading that failed to decode
	now      func() time.Time
}

// NewPlayer starts paused at the first reading, at normal speed.
func NewPlayer(r *Reader) *Player {
	p := &Player{r: r, speedIdx: 2, now: time.Now}
	p.recTime = r.Time(0)
	return p
}

// Sample returns the reading at the play position. A reading that cannot be decoded gives the
// snapshot of the header's host with the reason in its errors, so the viewer says what failed.
func (p *Player) Sample(ctx context.Context, _ []string) snapshot.Snapshot {
	p.mu.Lock()
	p.advance()
	pos := p.pos
	p.mu.Unlock()
	s, err := p.r.At(pos)
	if err != nil {
		h := p.r.Header()
		return snapshot.Snapshot{Schema: snapshot.Schema, Time: p.r.Time(pos),
			Host: snapshot.Host{Hostname: h.Hostname, Kernel: h.Kernel, Errors: []string{err.Error()}}}
	}
	return s
}

// Changed is nil: a recording never changes under the viewer.
func (p *Player) Changed() <-chan struct{} { return nil }

// advance moves the play head by the wall time since the last call, times the speed.
func (p *Player) advance() {
	now := p.now()
	if p.playing && !p.lastWall.IsZero() {
		p.recTime = p.recTime.Add(time.Duration(float64(now.Sub(p.lastWall)) * speeds[p.speedIdx]))
		p.pos = p.r.Index(p.recTime)
		if p.pos >= p.r.Len()-1 {
			p.pos, p.playing = p.r.Len()-1, false // stop at the end
		}
	}
	p.lastWall = now
}

// TogglePlay pauses or resumes; playing from the last reading starts again from the first.
func (p *Player) TogglePlay() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.advance()
	p.playing = !p.playing
	if p.playing && p.pos >= p.r.Len()-1 {
		p.pos = 0
		p.recTime = p.r.Time(0)
	}
}

// Step moves n readings (negative: back) and pauses.
func (p *Player) Step(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.playing = false
	p.pos = min(max(p.pos+n, 0), p.r.Len()-1)
	p.recTime = p.r.Time(p.pos)
}

// Faster and Slower step the speed; they return the new one.
func (p *Player) Faster() float64 { return p.setSpeed(+1) }
func (p *Player) Slower() float64 { return p.setSpeed(-1) }

func (p *Player) setSpeed(d int) float64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.advance()
	p.speedIdx = min(max(p.speedIdx+d, 0), len(speeds)-1)
	return speeds[p.speedIdx]
}

// Position says where the play head is: reading index (0-based), count, the reading's time,
// whether it is playing and at what speed.
func (p *Player) Position() (index, count int, at time.Time, playing bool, speed float64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.pos, p.r.Len(), p.r.Time(p.pos), p.playing, speeds[p.speedIdx]
}

// Seek moves to the last reading at or before t and pauses.
func (p *Player) Seek(t time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.playing = false
	p.pos = p.r.Index(t)
	p.recTime = p.r.Time(p.pos)
}
