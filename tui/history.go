package tui

import (
	"math"

	"github.com/boxtop/boxtop/collectors/snapshot"
	"github.com/boxtop/boxtop/views"
)

// ring is a fixed-size run of readings, oldest first once full; it implements views.Series
// so the views read it in place.
type ring struct {
	buf   [historyLength]float64
	start int
	n     int
}

func (r *ring) push(v float64) {
	if r.n < len(r.buf) {
		r.buf[(r.start+r.n)%len(r.buf)] = v
		r.n++
		return
	}
	r.buf[r.start] = v
	r.start = (r.start + 1) % len(r.buf)
}

// Len is the number of readings held.
func (r *ring) Len() int { return r.n }

// At returns reading i, 0 being the oldest held.
func (r *ring) At(i int) float64 { return r.buf[(r.start+i)%len(r.buf)] }

// containerHistory is one container's recent readings.
type containerHistory struct {
	cpu, memory, throttled, rx, tx, read, write ring
}

// history keeps the recent readings of every container in the latest snapshot; containers
// that are gone are dropped, so memory stays bounded by containers × historyLength.
type history struct {
	byID map[string]*containerHistory
}

func newHistory() *history { return &history{byID: map[string]*containerHistory{}} }

// opt turns an optional figure into a reading, NaN standing for "none".
func opt(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}

// add records one snapshot.
func (h *history) add(s *snapshot.Snapshot) {
	seen := make(map[string]bool, len(s.Containers))
	for i := range s.Containers {
		c := &s.Containers[i]
		seen[c.ID] = true
		ch := h.byID[c.ID]
		if ch == nil {
			ch = &containerHistory{}
			h.byID[c.ID] = ch
		}
		cpu, thr, mem := math.NaN(), math.NaN(), math.NaN()
		if c.CPU != nil {
			cpu, thr = opt(c.CPU.UsagePercent), opt(c.CPU.ThrottledPercent)
		}
		if c.Memory != nil {
			mem = float64(c.Memory.WorkingSetBytes)
		}
		rx, tx := math.NaN(), math.NaN()
		if c.Network != nil {
			var r, t float64
			var have bool
			for _, ifc := range c.Network.Interfaces {
				if ifc.Name == "lo" || ifc.RxBytesPerSecond == nil || ifc.TxBytesPerSecond == nil {
					continue
				}
				r, t, have = r+*ifc.RxBytesPerSecond, t+*ifc.TxBytesPerSecond, true
			}
			if have {
				rx, tx = r, t
			}
		}
		rd, wr := math.NaN(), math.NaN()
		if c.IO != nil {
			rd, wr = opt(c.IO.ReadBytesPerSecond), opt(c.IO.WriteBytesPerSecond)
		}
		ch.cpu.push(cpu)
		ch.throttled.push(thr)
		ch.memory.push(mem)
		ch.rx.push(rx)
		ch.tx.push(tx)
		ch.read.push(rd)
		ch.write.push(wr)
	}
	for id := range h.byID {
		if !seen[id] {
			delete(h.byID, id)
		}
	}
}

// series returns the views' handle on every container's history.
func (h *history) series() map[string]views.History {
	out := make(map[string]views.History, len(h.byID))
	for id, ch := range h.byID {
		out[id] = views.History{
			CPUPercent:   &ch.cpu,
			MemoryBytes:  &ch.memory,
			ThrottledPct: &ch.throttled,
			RxPerSecond:  &ch.rx,
			TxPerSecond:  &ch.tx,
			ReadPerSec:   &ch.read,
			WritePerSec:  &ch.write,
		}
	}
	return out
}
