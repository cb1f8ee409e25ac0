package dl

import (
	"runtime"

	"libdl/dl/internal/native"
)

// Scope releases every tensor made on its goroutine between NewScope and
// Close (C's dl_scope_begin/dl_scope_end): the goroutine is locked to its OS
// thread meanwhile, as libdl's scopes are per thread. Tensor values made
// inside report an error when used after Close; Keep moves one out.
type Scope struct{ open bool }

func NewScope() (*Scope, error) {
	runtime.LockOSThread()
	if err := native.Dl_scope_begin(); err != nil {
		runtime.UnlockOSThread()
		return nil, err
	}
	return &Scope{open: true}, nil
}

// Keep lets t survive this scope (it moves to the enclosing one, if any).
func (s *Scope) Keep(t *Tensor) error {
	defer runtime.KeepAlive(t)
	return native.Dl_scope_keep(t.handle())
}

// Close releases the scope's tensors; calling it twice does nothing.
func (s *Scope) Close() error {
	if !s.open {
		return nil
	}
	s.open = false
	releaseMu.Lock()
	err := native.Dl_scope_end()
	releaseMu.Unlock()
	runtime.UnlockOSThread()
	return err
}
