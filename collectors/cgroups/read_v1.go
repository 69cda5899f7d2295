package cgroups

// readV1 fills s from the v1 controllers' files (kernel-interfaces.md, v1 columns). v1 has no
// memory.high, no OOM event counter and no per-cgroup pressure, so those stay nil.
func (h *Handle) readV1(s *readingStore) {
	f := &h.v1

	if data, ok := h.read(&f.cpuacctUsage); ok {
		if v, err := ParseValue(data); err != nil {
			h.parseFailed(&f.cpuacctUsage, err)
		} else {
			s.hasCPU = true
			s.cpu.UsageNanoseconds = v
		}
	}
	if data, ok := h.read(&f.cpuStat); ok {
		keys := [...]string{"nr_periods", "nr_throttled", "throttled_time"}
		var vals [len(keys)]uint64
		if found, err := ParseKeyedUints(data, keys[:], vals[:]); err != nil {
			h.parseFailed(&f.cpuStat, err)
		} else {
			// throttled_time is in nanoseconds.
			s.setThrottling(found, vals[0], vals[1], float64(vals[2])/1e9)
		}
	}
	if data, ok := h.read(&f.cfsQuota); ok {
		if quota, limited, err := ParseLimit(data); err != nil {
			h.parseFailed(&f.cfsQuota, err)
		} else if limited {
			// The period matters only under a quota, so it is read only then.
			if data, ok := h.read(&f.cfsPeriod); ok {
				if period, err := ParseValue(data); err != nil {
					h.parseFailed(&f.cfsPeriod, err)
				} else if period > 0 {
					s.limitCores = float64(quota) / float64(period)
					s.cpu.LimitCores = &s.limitCores
				}
			}
		}
	}
	if data, ok := h.read(&f.cpuset); ok {
		s.setCPUSet(h, data)
	}

	h.readV1Memory(s)

	h.readPids(s, &f.pidsCurrent, &f.pidsMax)

	// The recursive file counts IO of child cgroups too; older kernels have only the flat one.
	blkio := &f.blkioRecursive
	data, ok := h.read(blkio)
	if !ok && f.blkioRecursive.absent {
		blkio = &f.blkio
		data, ok = h.read(blkio)
	}
	if ok {
		if t, err := ParseBlkioServiceBytes(data); err != nil {
			h.parseFailed(blkio, err)
		} else {
			s.hasIO = true
			s.io.ReadBytes, s.io.WriteBytes = t.ReadBytes, t.WriteBytes
		}
	}
}

func (h *Handle) readV1Memory(s *readingStore) {
	f := &h.v1
	usage, ok := h.readMemoryUsage(s, &f.memUsage, &f.memStat, "total_inactive_file")
	if !ok {
		return
	}
	h.readLimit(&f.memLimit, &s.memLimit, &s.mem.LimitBytes)
	// memsw counts memory plus swap; it exists only with swap accounting enabled.
	if data, ok := h.read(&f.memswUsage); ok {
		if v, err := ParseValue(data); err != nil {
			h.parseFailed(&f.memswUsage, err)
		} else {
			// The two files are not read atomically: clamp a momentary inversion to 0.
			s.swap = workingSet(v, usage)
			s.mem.SwapBytes = &s.swap
		}
	}
	if data, ok := h.read(&f.oomControl); ok {
		keys := [...]string{"oom_kill"}
		var vals [len(keys)]uint64
		if found, err := ParseKeyedUints(data, keys[:], vals[:]); err != nil {
			h.parseFailed(&f.oomControl, err)
		} else if found&1 != 0 {
			s.oomKills = vals[0]
			s.mem.OOMKills = &s.oomKills
		}
	}
}
