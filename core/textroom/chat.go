package textroom

import (
	"context"
	"errors"
	"sync"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/internal/errfmt"
	"github.com/gojanus/gojanus/core/internal/queue"
)

// DataChannel is the data channel of a TextRoom handle's PeerConnection,
// as a platform provides it (see native.DataChannel, or a browser
// RTCDataChannel in WebAssembly).
type DataChannel interface {
	// Send sends one frame as a text message (the plugin ignores binary
	// messages).
	Send([]byte) error
	// OnMessage registers the function called, in order, with every
	// message received.
	OnMessage(func([]byte))
}

// ErrChatClosed is returned by the requests of a Chat that was closed.
var ErrChatClosed = errors.New("janus: textroom: chat closed")

// Default event buffering of a Chat, the same as the core's streams.
const (
	// DefaultChatEventBuffer is the capacity of the Events channel.
	DefaultChatEventBuffer = 64
	// DefaultChatMaxQueued is how many events wait behind a full channel
	// before the oldest is dropped.
	DefaultChatMaxQueued = 4096
)

// ChatOption tunes a Chat.
type ChatOption func(*chatOptions)

type chatOptions struct{ buffer, maxQueued int }

// WithChatEventBuffer sets the capacity of the Events channel (default
// DefaultChatEventBuffer).
func WithChatEventBuffer(n int) ChatOption {
	return func(o *chatOptions) {
		if n >= 0 {
			o.buffer = n
		}
	}
}

// WithChatMaxQueued sets how many events may wait behind a full Events
// channel (default DefaultChatMaxQueued, at least 1).
func WithChatMaxQueued(n int) ChatOption {
	return func(o *chatOptions) {
		if n > 0 {
			o.maxQueued = n
		}
	}
}

// Chat speaks the TextRoom protocol over a data channel: it sends the
// requests (join, message, leave, and any other Request with Do), matches
// the plugin's answers to them by transaction, and delivers everything
// else, in order, on its event stream. It is safe for concurrent use.
//
// # Events
//
// Events returns the stream of what the plugin sends unprompted: *Joined,
// *Left, *Message (Whisper set for private ones), *Announcement,
// *Kicked, *RoomDestroyed, and *Unknown for anything else (with an empty
// Name when the message was not JSON). Answers (*Success, *Failure) go to
// the request waiting for them; an answer nobody waits for any more (its
// context ended) or that matches no request goes to the stream instead,
// so nothing is lost.
//
// Receiving never blocks the data channel. The stream is a buffered
// channel (DefaultChatEventBuffer, WithChatEventBuffer); when it is full,
// further events wait in an in-memory queue (up to DefaultChatMaxQueued,
// WithChatMaxQueued) that a short-lived goroutine drains into the
// channel in order. Only when that queue is full too is the oldest queued
// event dropped; the reader then receives a *core.EventsDropped with the
// count (its Kind is "dropped"). Close ends the stream.
type Chat struct {
	dc DataChannel

	mu      sync.Mutex
	pending map[string]chan DataMessage
	closed  bool

	quit chan struct{}
	q    queue.Queue[DataMessage]
	out  queue.Chan[DataMessage] // q's consumer: the channel Events returns
}

// NewChat starts a chat on dc, whose OnMessage it takes over. dc should
// be open (the plugin answers only once the PeerConnection is up: see
// Handle.SetupPeer).
func NewChat(dc DataChannel, opts ...ChatOption) *Chat {
	o := chatOptions{buffer: DefaultChatEventBuffer, maxQueued: DefaultChatMaxQueued}
	for _, opt := range opts {
		opt(&o)
	}
	c := &Chat{
		dc:      dc,
		pending: map[string]chan DataMessage{},
		quit:    make(chan struct{}),
	}
	c.out = queue.Chan[DataMessage]{C: make(chan DataMessage, o.buffer), Quit: c.quit, Notice: chatDrops{}}
	c.q.Max, c.q.Consumer = o.maxQueued, &c.out
	dc.OnMessage(c.receive)
	return c
}

// Events returns the chat's ordered event stream (see Chat). The channel
// is closed by Close.
func (c *Chat) Events() <-chan DataMessage { return c.out.C }

// chatDrops tells the reader of Events how many messages were dropped.
type chatDrops struct{}

func (chatDrops) DropNotice(n int) DataMessage { return &core.EventsDropped{Count: n} }

// Join joins a room ("join"). The answer's Participants are the others
// already in the room; everyone in it, this user included, gets a
// *Joined.
func (c *Chat) Join(ctx context.Context, req JoinRequest) (*Success, error) {
	return c.Do(ctx, req)
}

// Message sends a text to a room ("message"): to everyone, or as a
// whisper to To or to each of Tos. The answer's Sent tells, for a
// whisper, which recipients were in the room. The recipients get a
// *Message (with Whisper set for a whisper; a message to the room
// reaches its sender too). With Ack false there is no answer (see Do).
func (c *Chat) Message(ctx context.Context, req MessageRequest) (*Success, error) {
	return c.Do(ctx, req)
}

// Leave leaves room ("leave"); everyone in it, this user included, gets a *Left.
func (c *Chat) Leave(ctx context.Context, room core.ID) error {
	_, err := c.Do(ctx, LeaveRequest{Room: room})
	return err
}

// Do sends any request over the data channel and waits for its answer: a
// *Success, or the plugin's error as a *core.PluginError naming the
// request (errors.Is(err, ErrNoSuchRoom)). A
// MessageRequest whose Ack is false gets no answer: Do returns (nil, nil)
// once it is sent.
func (c *Chat) Do(ctx context.Context, r Request) (*Success, error) {
	tx := NewTransaction()
	frame, err := MarshalRequest(tx, r)
	if err != nil {
		return nil, err
	}
	if noAck(r) {
		if c.isClosed() {
			return nil, ErrChatClosed
		}
		return nil, c.send(r, frame)
	}
	answer := make(chan DataMessage, 1)
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil, ErrChatClosed
	}
	c.pending[tx] = answer
	c.mu.Unlock()
	if err := c.send(r, frame); err != nil {
		c.forget(tx)
		return nil, err
	}
	select {
	case m, ok := <-answer:
		if !ok {
			return nil, ErrChatClosed
		}
		return answerOf(r, m)
	case <-ctx.Done():
		if c.forget(tx) {
			return nil, errfmt.Errorf("janus: textroom: %s: %w", r.textroomRequest(), ctx.Err())
		}
		// The answer was delivered as the context ended.
		m, ok := <-answer
		if !ok {
			return nil, ErrChatClosed
		}
		return answerOf(r, m)
	}
}

// Close ends the chat: waiting requests fail with ErrChatClosed, later
// messages of the data channel are ignored, and the event stream is
// closed (events already in the channel can still be read; events still
// queued behind it are discarded). It does not close the data channel.
func (c *Chat) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil
	}
	c.closed = true
	for tx, ch := range c.pending {
		close(ch)
		delete(c.pending, tx)
	}
	close(c.quit)
	c.q.Abort()
	return nil
}

func (c *Chat) isClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

func (c *Chat) send(r Request, frame []byte) error {
	if err := c.dc.Send(frame); err != nil {
		return errfmt.Errorf("janus: textroom: %s: send: %w", r.textroomRequest(), err)
	}
	return nil
}

// forget removes a pending request; it reports whether it was still
// pending (no answer delivered).
func (c *Chat) forget(tx string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.pending[tx]; ok {
		delete(c.pending, tx)
		return true
	}
	return false
}

func noAck(r Request) bool {
	switch m := r.(type) {
	case MessageRequest:
		return m.Ack != nil && !*m.Ack
	case *MessageRequest:
		return m != nil && m.Ack != nil && !*m.Ack
	}
	return false
}

func answerOf(r Request, m DataMessage) (*Success, error) {
	switch m := m.(type) {
	case *Success:
		return m, nil
	case *Failure:
		return nil, api.Named(r.textroomRequest(), m.Err())
	}
	return nil, errfmt.Errorf("janus: textroom: %s: %w: %T", r.textroomRequest(), core.ErrBadAnswer, m)
}

// receive handles one message of the data channel.
func (c *Chat) receive(b []byte) {
	m, err := DecodeData(b)
	if err != nil {
		m = &Unknown{Data: append([]byte(nil), b...)}
	}
	var tx string
	switch a := m.(type) {
	case *Success:
		tx = a.Transaction
	case *Failure:
		tx = a.Transaction
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	if tx != "" {
		if ch, ok := c.pending[tx]; ok {
			delete(c.pending, tx)
			ch <- m
			return
		}
	}
	c.push(m)
}

// push delivers m to the event stream without blocking.
func (c *Chat) push(m DataMessage) { c.q.Push(m) }
