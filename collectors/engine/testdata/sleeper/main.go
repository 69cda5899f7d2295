//go:build ignore

// Command sleeper is the whole root filesystem of the image the live engine test imports: a
// static binary that waits until it is signalled. As a container's init it gets no default
// signal handlers, so it exits on SIGTERM or SIGINT itself to keep `docker stop` quick.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	<-stop
}
