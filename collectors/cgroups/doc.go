// Package cgroups reads a container's resource use and limits from its cgroup files, on cgroup
// v1 (legacy or hybrid) and v2 hosts.
//
// It is boxtop's hot path: every tick reads about ten files for each of hundreds of containers.
// So a Handle opens each file once and re-reads it with pread at offset 0 into a reused buffer,
// the parsers work on bytes without allocating, and one Read allocates a single block that all
// of its values point into. Every path comes from the caller (Locate takes the proc and cgroup
// roots), so tests run against fixture trees in testdata/ and temporary directories.
//
// A file that does not exist on this kernel or for this cgroup is absent data (a nil field, no
// error); a file that cannot be read or parsed is a nil field and an error naming the file; a
// cgroup whose directory has gone is reported as Gone.
package cgroups
