// Command workload is the whole root filesystem of the integration tests' image: a static binary
// that runs as a container's init and does what its arguments ask, so that every test can shape
// the CPU, memory, process and network use it then expects boxtop to report. The behaviours
// combine: `-burn 1 -fork 2 -listen 8080` burns a core, forks two sleepers and echoes on 8080.
//
// As PID 1 of a container it gets no default signal handlers, so it exits on SIGTERM or SIGINT
// itself (after killing its children) to keep `docker stop` and `docker rm -f` quick.
package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strconv"
	"syscall"
	"time"
)

// config is what the command line asks for.
type config struct {
	burn       int
	allocMB    int
	allocChild int
	fork       int
	listen     int
	sleep      bool
	exitAfter  time.Duration
	exitCode   int
	child      string
}

func parseFlags(args []string) (config, error) {
	var c config
	fs := flag.NewFlagSet("workload", flag.ContinueOnError)
	fs.IntVar(&c.burn, "burn", 0, "busy-loop on `N` goroutines (GOMAXPROCS is raised to N)")
	fs.IntVar(&c.allocMB, "alloc", 0, "allocate and touch `MB` of memory in steps, then hold it")
	fs.IntVar(&c.allocChild, "alloc-child", 0, "start one child that allocates `MB` (so that an OOM kill takes the child, not init)")
	fs.IntVar(&c.fork, "fork", 0, "start `N` child processes of this binary that sleep")
	fs.IntVar(&c.listen, "listen", 0, "accept TCP connections on `PORT` and echo what they send")
	fs.BoolVar(&c.sleep, "sleep", true, "block until signalled (the default)")
	fs.DurationVar(&c.exitAfter, "exit-after", 0, "exit after `D` (0 = never)")
	fs.IntVar(&c.exitCode, "exit-code", 0, "the status to exit with after -exit-after")
	fs.StringVar(&c.child, "child", "", "internal: run as a child (sleep or alloc=MB)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if c.burn < 0 || c.allocMB < 0 || c.allocChild < 0 || c.fork < 0 || c.listen < 0 || c.listen > 65535 {
		return c, fmt.Errorf("negative or out-of-range argument")
	}
	return c, nil
}

func main() {
	if calledAs() == "mount" {
		os.Exit(runMount(os.Args[1:]))
	}
	cfg, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "workload:", err)
		os.Exit(2)
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)

	if cfg.child != "" {
		runChild(cfg.child, stop)
		return
	}

	var children []*exec.Cmd
	for i := 0; i < cfg.fork; i++ {
		children = append(children, startChild("sleep"))
	}
	if cfg.allocChild > 0 {
		children = append(children, startChild("alloc="+strconv.Itoa(cfg.allocChild)))
	}
	if cfg.burn > 0 {
		runtime.GOMAXPROCS(cfg.burn)
		for i := 0; i < cfg.burn; i++ {
			go burn()
		}
	}
	if cfg.listen > 0 {
		go echo(cfg.listen)
	}
	var held [][]byte
	if cfg.allocMB > 0 {
		held = allocate(cfg.allocMB)
	}

	var exit <-chan time.Time
	if cfg.exitAfter > 0 {
		exit = time.After(cfg.exitAfter)
	}
	code := 0
	select {
	case <-stop:
	case <-exit:
		code = cfg.exitCode
	}
	for _, c := range children {
		if c != nil && c.Process != nil {
			_ = c.Process.Kill()
		}
	}
	runtime.KeepAlive(held)
	os.Exit(code)
}

// startChild re-executes this binary as a child process, so that the container has processes
// other than init (with their own namespace PIDs and init as their parent).
func startChild(mode string) *exec.Cmd {
	self, err := os.Executable() // "/workload": what ps and boxtop show as the command
	if err != nil {
		self = os.Args[0]
	}
	cmd := exec.Command(self, "-child", mode)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "workload: start child:", err)
		return nil
	}
	// Reap it when it dies (an OOM kill, say) so it does not linger as a zombie.
	go func() { _ = cmd.Wait() }()
	return cmd
}

func runChild(mode string, stop <-chan os.Signal) {
	var held [][]byte
	if len(mode) > len("alloc=") && mode[:len("alloc=")] == "alloc=" {
		mb, err := strconv.Atoi(mode[len("alloc="):])
		if err != nil || mb < 0 {
			fmt.Fprintln(os.Stderr, "workload: bad child mode", mode)
			os.Exit(2)
		}
		held = allocate(mb)
	}
	<-stop
	runtime.KeepAlive(held)
}

func burn() {
	x := uint64(1)
	for {
		x = x*6364136223846793005 + 1442695040888963407
		if x == 0 {
			fmt.Println(x)
		}
	}
}

// allocate takes mb MiB in 4 MiB steps and writes to every page so that the memory is resident
// and charged to the cgroup, not just reserved.
func allocate(mb int) [][]byte {
	const step = 4 << 20
	var held [][]byte
	for total := 0; total < mb<<20; total += step {
		b := make([]byte, step)
		for i := 0; i < len(b); i += 4096 {
			b[i] = 1
		}
		held = append(held, b)
		time.Sleep(5 * time.Millisecond)
	}
	return held
}

func echo(port int) {
	ln, err := net.Listen("tcp", ":"+strconv.Itoa(port))
	if err != nil {
		fmt.Fprintln(os.Stderr, "workload: listen:", err)
		return
	}
	for {
		conn, err := ln.Accept()
		if err != nil {
			fmt.Fprintln(os.Stderr, "workload: accept:", err)
			return
		}
		go func() {
			defer conn.Close()
			_, _ = io.Copy(conn, conn)
		}()
	}
}
