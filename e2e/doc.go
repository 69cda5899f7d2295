// Package e2e tests the boxtop binary the way people use it: built from this module, run in a
// real terminal (tmux) on the real Docker daemon, driven by keys, and judged by the text on
// the screen. It starts containers with limits, host networking, a joined network namespace
// and a published port, and checks that the screen shows them on the right rows; it checks
// NO_COLOR at 80x24, the same screen over a real SSH session, a recording made with `boxtop
// record` browsed with `boxtop replay` (its play head, step and play keys), and measures the
// bytes boxtop writes to the terminal against `docker stats` (BenchmarkTerminalBytes).
//
// The tests skip when no daemon answers (`docker info`), or when tmux is missing, unless
// BOXTOP_REQUIRE_DOCKER=1, where they fail; with -short they always skip. Every container carries the label
// boxtop.test=e2e-<run id> and is removed when its test ends, failed or not; a later run
// removes what a killed run left behind. The tmux server is private to the run (its own
// socket), so the tests never touch a user's sessions.
package e2e
