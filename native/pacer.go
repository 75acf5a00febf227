package native

import (
	"context"
	"time"
)

// pacer spaces a loop's steps in real time on an absolute clock, so that
// timing errors do not add up. After a stall of more than maxLag (a
// suspended machine, a blocked write) it starts again from now rather than
// sending the backlog in a burst.
type pacer struct{ next time.Time }

// maxLag is how far behind its clock a pacer may fall before it resets.
const maxLag = time.Second

// wait returns when the next step is due (at once for the first) and
// schedules the one after it d later; ctx.Err() if ctx ends first.
func (p *pacer) wait(ctx context.Context, d time.Duration) error {
	return p.waitOrWake(ctx, d, nil)
}

// waitOrWake is wait, except that a value on wake makes the step due at
// once; the one after it is then d later.
func (p *pacer) waitOrWake(ctx context.Context, d time.Duration, wake <-chan struct{}) error {
	now := time.Now()
	if p.next.IsZero() || now.Sub(p.next) > maxLag {
		p.next = now
	}
	if wait := p.next.Sub(now); wait > 0 {
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		case <-wake:
			t.Stop()
			p.next = time.Now()
		}
	} else if ctx.Err() != nil {
		return ctx.Err()
	}
	p.next = p.next.Add(d)
	return nil
}
