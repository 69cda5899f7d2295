package cgroups

// The readers both versions share: the files differ in name, not in shape.

// readLimit reads a limit file ("max", -1 or a huge number for none); a real limit is kept in
// *store and *field points at it, so the Reading holds no allocation of its own.
func (h *Handle) readLimit(f *keptFile, store *uint64, field **uint64) {
	data, ok := h.read(f)
	if !ok {
		return
	}
	if v, limited, err := ParseLimit(data); err != nil {
		h.parseFailed(f, err)
	} else if limited {
		*store = v
		*field = store
	}
}

// readPids reads pids.current and, when it is there, pids.max.
func (h *Handle) readPids(s *readingStore, current, limit *keptFile) {
	data, ok := h.read(current)
	if !ok {
		return
	}
	v, err := ParseValue(data)
	if err != nil {
		h.parseFailed(current, err)
		return
	}
	s.hasPids = true
	s.pids.Current = v
	h.readLimit(limit, &s.pidsLimit, &s.pids.Limit)
}

// readMemoryUsage reads the usage and the working set: usage minus the inactive file cache,
// which the stat file names inactiveKey (inactive_file on v2, total_inactive_file on v1).
// It returns false when the usage itself cannot be read.
func (h *Handle) readMemoryUsage(s *readingStore, usageFile, statFile *keptFile, inactiveKey string) (uint64, bool) {
	data, ok := h.read(usageFile)
	if !ok {
		return 0, false
	}
	usage, err := ParseValue(data)
	if err != nil {
		h.parseFailed(usageFile, err)
		return 0, false
	}
	s.hasMemory = true
	s.mem.UsageBytes = usage
	s.mem.WorkingSetBytes = usage
	if data, ok := h.read(statFile); ok {
		keys := [...]string{inactiveKey}
		var vals [len(keys)]uint64
		if found, err := ParseKeyedUints(data, keys[:], vals[:]); err != nil {
			h.parseFailed(statFile, err)
		} else if found&1 != 0 {
			s.mem.WorkingSetBytes = workingSet(usage, vals[0])
		}
	}
	return usage, true
}

// setThrottling stores the throttling counters cpu.stat had: found's bits 0, 1 and 2 say whether
// it had the periods, the throttled periods and the throttled time. What it lacked stays nil:
// unknown, not zero.
func (s *readingStore) setThrottling(found uint64, periods, throttled uint64, throttledSeconds float64) {
	if found&1 != 0 {
		s.periods = periods
		s.cpu.Periods = &s.periods
	}
	if found&2 != 0 {
		s.throttledPeriods = throttled
		s.cpu.ThrottledPeriods = &s.throttledPeriods
	}
	if found&4 != 0 {
		s.throttledSeconds = throttledSeconds
		s.cpu.ThrottledSeconds = &s.throttledSeconds
	}
}
