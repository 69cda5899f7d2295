//go:build ignore

// Command sleeper is the only program in the image that the netns tests run in Docker: it keeps
// the container up, and exits by itself after ten minutes in case a test run dies before it
// removes the container. It is built static (CGO_ENABLED=0) so that the image needs nothing else.
package main

import "time"

func main() { time.Sleep(10 * time.Minute) }
