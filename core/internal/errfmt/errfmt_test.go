package errfmt

import (
	"errors"
	"io"
	"testing"
)

func TestErrorf(t *testing.T) {
	closed := errors.New("janus: client closed")
	lost := errors.New("janus: connection lost")
	cases := []struct {
		err  error
		want string
	}{
		{Errorf("janus: %s: %w", "create", closed), "janus: create: client closed"},
		{Errorf("%w: %w", lost, closed), "janus: connection lost: client closed"},
		{Errorf("janus: %s: %w", "attach", Errorf("%w: %w", lost, io.EOF)), "janus: attach: connection lost: EOF"},
		{Errorf("janus: %s: %w", "info", io.EOF), "janus: info: EOF"},
		{Errorf("no server URL"), "janus: no server URL"},
	}
	for _, c := range cases {
		if c.err.Error() != c.want {
			t.Errorf("got %q, want %q", c.err, c.want)
		}
	}
	err := Errorf("janus: %s: %w: %w", "message", lost, io.EOF)
	if !errors.Is(err, lost) || !errors.Is(err, io.EOF) {
		t.Errorf("%v does not match what it wraps", err)
	}
}
