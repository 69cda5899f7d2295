package cgroups

import (
	"errors"
	"math/bits"
)

// readV2 fills s from the unified hierarchy's files (kernel-interfaces.md, v2 columns).
func (h *Handle) readV2(s *readingStore) {
	f := &h.v2

	if data, ok := h.read(&f.cpuStat); ok {
		keys := [...]string{"usage_usec", "nr_periods", "nr_throttled", "throttled_usec"}
		var vals [len(keys)]uint64
		found, err := ParseKeyedUints(data, keys[:], vals[:])
		if err == nil && found&1 == 0 {
			err = errors.New("no usage_usec")
		}
		var ns uint64
		if err == nil {
			var hi uint64
			if hi, ns = bits.Mul64(vals[0], 1000); hi != 0 {
				err = errors.New("usage_usec overflows 64 bits in nanoseconds")
			}
		}
		if err != nil {
			h.parseFailed(&f.cpuStat, err)
		} else {
			s.hasCPU = true
			s.cpu.UsageNanoseconds = ns
			// The throttling keys exist only while the cpu controller is enabled for the
			// cgroup; without them the counters are unknown, not zero.
			// usage_usec is bit 0; throttled_usec is in microseconds.
			s.setThrottling(found>>1, vals[1], vals[2], float64(vals[3])/1e6)
		}
	}
	if data, ok := h.read(&f.cpuMax); ok {
		quota, period, limited, err := ParseCPUMax(data)
		if err != nil {
			h.parseFailed(&f.cpuMax, err)
		} else if limited {
			s.limitCores = float64(quota) / float64(period)
			s.cpu.LimitCores = &s.limitCores
		}
	}
	if data, ok := h.read(&f.cpuset); ok {
		s.setCPUSet(h, data)
	}

	h.readV2Memory(s)

	h.readPids(s, &f.pidsCurrent, &f.pidsMax)

	if data, ok := h.read(&f.ioStat); ok {
		if t, err := ParseIOStat(data); err != nil {
			h.parseFailed(&f.ioStat, err)
		} else {
			s.hasIO = true
			s.io.ReadBytes, s.io.WriteBytes = t.ReadBytes, t.WriteBytes
		}
	}

	h.readPressure(s, &f.cpuPressure, &s.cpuSome, &s.psi.CPUSomeAvg10, nil, nil)
	h.readPressure(s, &f.memoryPressure, &s.memSome, &s.psi.MemorySomeAvg10, &s.memFull, &s.psi.MemoryFullAvg10)
	h.readPressure(s, &f.ioPressure, &s.ioSome, &s.psi.IOSomeAvg10, &s.ioFull, &s.psi.IOFullAvg10)
}

func (h *Handle) readV2Memory(s *readingStore) {
	f := &h.v2
	_, ok := h.readMemoryUsage(s, &f.memCurrent, &f.memStat, "inactive_file")
	if !ok {
		return
	}
	h.readLimit(&f.memMax, &s.memLimit, &s.mem.LimitBytes)
	h.readLimit(&f.memHigh, &s.memHigh, &s.mem.HighBytes)
	if data, ok := h.read(&f.memSwap); ok {
		if v, err := ParseValue(data); err != nil {
			h.parseFailed(&f.memSwap, err)
		} else {
			s.swap = v
			s.mem.SwapBytes = &s.swap
		}
	}
	if data, ok := h.read(&f.memEvents); ok {
		keys := [...]string{"oom", "oom_kill"}
		var vals [len(keys)]uint64
		if found, err := ParseKeyedUints(data, keys[:], vals[:]); err != nil {
			h.parseFailed(&f.memEvents, err)
		} else {
			if found&1 != 0 {
				s.oomEvents = vals[0]
				s.mem.OOMEvents = &s.oomEvents
			}
			if found&2 != 0 {
				s.oomKills = vals[1]
				s.mem.OOMKills = &s.oomKills
			}
		}
	}
}

// readPressure reads one PSI file into the store. A missing file, or one that answers
// EOPNOTSUPP (PSI disabled), is no data rather than an error.
func (h *Handle) readPressure(s *readingStore, k *keptFile, some *float64, somePtr **float64, full *float64, fullPtr **float64) {
	data, ok := h.read(k)
	if !ok {
		return
	}
	p, err := ParsePSI(data)
	if err != nil {
		h.parseFailed(k, err)
		return
	}
	s.hasPressure = true
	if p.HasSome {
		*some = p.SomeAvg10
		*somePtr = some
	}
	if p.HasFull && full != nil {
		*full = p.FullAvg10
		*fullPtr = full
	}
}
