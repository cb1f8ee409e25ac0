package dl

import (
	"fmt"
	"runtime"
	"sync"
	"syscall"
)

// NOTE [binding callbacks] (bindings/swig/dl.i), the Go side: a callback
// that returns an error (or panics) keeps the error here, under the OS
// thread it runs on, and returns a failure status to C. The Go call that ran
// it holds its goroutine on that thread (withCallbacks) and, when libdl
// reports the failure, returns the callback's own error instead.
var pending struct {
	sync.Mutex
	byThread map[int]error
}

// keep records err for the call running on this thread; the status for C.
func keep(err error) int {
	pending.Lock()
	if pending.byThread == nil {
		pending.byThread = map[int]error{}
	}
	pending.byThread[syscall.Gettid()] = err
	pending.Unlock()
	return statusOf(err)
}

func statusOf(err error) int {
	if e, ok := err.(*Error); ok {
		return e.Status
	}
	return StatusInternal
}

// guard runs a callback body, turning a panic into an error.
func guard(body func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("dl: callback panicked: %v", r)
		}
	}()
	return body()
}

// withCallbacks runs call, which may run Go callbacks, on one OS thread, and
// returns the error a callback kept, if any, else call's error.
func withCallbacks(call func() error) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	err := call()
	tid := syscall.Gettid()
	pending.Lock()
	kept, ok := pending.byThread[tid]
	delete(pending.byThread, tid)
	pending.Unlock()
	if err != nil && ok {
		return kept
	}
	return err
}
