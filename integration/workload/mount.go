package main

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// runMount is the workload's answer to being run as /bin/mount (a link to it in the image): the
// tests add a mount to a running container from outside, with `nsenter -t PID -m mount -t tmpfs
// NAME DIR`, and the image has no other mount program. Only that form is understood.
func runMount(args []string) int {
	if len(args) != 4 || args[0] != "-t" {
		fmt.Fprintln(os.Stderr, "usage: mount -t FSTYPE SOURCE TARGET")
		return 2
	}
	if err := syscall.Mount(args[2], args[3], args[1], 0, ""); err != nil {
		fmt.Fprintf(os.Stderr, "mount %s on %s: %v\n", args[2], args[3], err)
		return 1
	}
	return 0
}

// calledAs is the name the binary was run by.
func calledAs() string { return filepath.Base(os.Args[0]) }
