package collectors

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package when a test leaves a goroutine behind: the collector is a
// long-running part, and a leak per sample would grow without bound.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
