package sip

import (
	"context"

	"github.com/gojanus/gojanus/core"
)

// sinceSubscribeBody: content and content_type of subscribe (Janus
// 1.4.0).
var sinceSubscribeBody = core.V(1, 4, 0)

// SubscribeRequest subscribes to SIP events ("subscribe").
type SubscribeRequest struct {
	// Event is the event package, "message-summary" (required).
	Event string `json:"event"`
	// Accept is the Accept header; To who the SUBSCRIBE goes to
	// (default: the account itself).
	Accept string `json:"accept,omitempty"`
	To     string `json:"to,omitempty"`
	// SubscribeTTL is the subscription's lifetime in seconds (0: the
	// server's subscribe_ttl).
	SubscribeTTL int `json:"subscribe_ttl,omitempty"`
	// CallID sets the Call-ID of the subscription.
	CallID  string            `json:"call_id,omitempty"`
	Headers map[string]string `json:"headers,omitempty"`
	// Content and ContentType are a body of the SUBSCRIBE. Janus 1.4.0.
	Content     string `json:"content,omitempty"`
	ContentType string `json:"content_type,omitempty"`
}

// Subscribing is the answer to Subscribe: the SUBSCRIBE went out.
type Subscribing struct {
	*core.PluginEvent
	Call
}

// SubscribeSucceeded reports that the SUBSCRIBE was accepted; NOTIFYs
// follow as *Notify events.
type SubscribeSucceeded struct {
	*core.PluginEvent
	Call
	Code   int
	Reason string
	// Expires is the lifetime the notifier granted, in seconds.
	Expires int
}

// SubscribeFailed reports that the SUBSCRIBE was refused (Code 404,
// 489 Bad Event...).
type SubscribeFailed struct {
	*core.PluginEvent
	Call
	Code   int
	Reason string
}

// Unsubscribing is the answer to Unsubscribe.
type Unsubscribing struct {
	*core.PluginEvent
	Call
}

// Subscribe sends a SIP SUBSCRIBE ("subscribe"); its outcome arrives as
// *SubscribeSucceeded or *SubscribeFailed, then NOTIFYs as *Notify. It
// needs a registered (or Guest) account, else ErrWrongState; Content
// needs Janus 1.4.0.
func (h *Handle) Subscribe(ctx context.Context, req SubscribeRequest) (*Subscribing, error) {
	if req.Content != "" || req.ContentType != "" {
		if err := api.Require(ctx, h.sender(), "subscribe content", sinceSubscribeBody); err != nil {
			return nil, err
		}
	}
	return expect[*Subscribing](ctx, h, "subscribe", req)
}

// Unsubscribe ends the subscription to event ("unsubscribe"): a
// SUBSCRIBE with expiry 0, whose answer arrives as a *SubscribeSucceeded
// (or *SubscribeFailed) of the same Call-ID. Without a subscription it
// fails with ErrWrongState.
func (h *Handle) Unsubscribe(ctx context.Context, event string) (*Unsubscribing, error) {
	var req struct {
		Event string `json:"event"`
	}
	req.Event = event
	return expect[*Unsubscribing](ctx, h, "unsubscribe", req)
}
