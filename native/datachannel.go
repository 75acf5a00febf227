package native

import (
	"context"
	"fmt"
	"sync"

	"github.com/pion/webrtc/v4"

	"github.com/gojanus/gojanus/core/textroom"
)

// JanusDataChannelLabel is the label of the data channel Janus sends a
// plugin's data on when the plugin names none, as the TextRoom plugin
// does: Janus uses the client's channel with that label, or opens one of
// its own the first time it sends (janus.js opens its channel with this
// label too). Requests may arrive on any channel; the answers always
// come back on this one.
const JanusDataChannelLabel = "JanusDataChannel"

// DataChannel adapts a pion data channel to textroom.DataChannel (and to
// any text protocol): Send sends text messages, OnMessage receives every
// message in order.
type DataChannel struct {
	dc       *webrtc.DataChannel
	open     chan struct{}
	closed   chan struct{}
	openOnce sync.Once
	shutOnce sync.Once

	deliver sync.Mutex // orders the delivery of messages
	mu      sync.Mutex
	fn      func([]byte)
	early   [][]byte // received before OnMessage
}

var _ textroom.DataChannel = (*DataChannel)(nil)

// NewDataChannel wraps dc (one created with CreateDataChannel, or one
// the server opened, from OnDataChannel). It takes over dc's OnOpen,
// OnClose and OnMessage; messages received before OnMessage is called
// are kept for it.
func NewDataChannel(dc *webrtc.DataChannel) *DataChannel {
	d := &DataChannel{dc: dc, open: make(chan struct{}), closed: make(chan struct{})}
	dc.OnOpen(d.markOpen)
	dc.OnClose(func() { d.shutOnce.Do(func() { close(d.closed) }) })
	dc.OnMessage(func(m webrtc.DataChannelMessage) { d.receive(m.Data) })
	if dc.ReadyState() == webrtc.DataChannelStateOpen {
		d.markOpen()
	}
	return d
}

// OpenDataChannel creates a data channel on peer and waits until it is
// open (the PeerConnection must be negotiated, or be by the time ctx
// ends). An empty label selects JanusDataChannelLabel, the channel the
// TextRoom plugin answers on.
func OpenDataChannel(ctx context.Context, peer *Peer, label string) (*DataChannel, error) {
	if label == "" {
		label = JanusDataChannelLabel
	}
	dc, err := peer.PeerConnection().CreateDataChannel(label, nil)
	if err != nil {
		return nil, fmt.Errorf("native: create data channel %q: %w", label, err)
	}
	d := NewDataChannel(dc)
	select {
	case <-d.open:
		return d, nil
	case <-d.closed:
		return nil, fmt.Errorf("native: data channel %q closed before it opened", label)
	case <-ctx.Done():
		_ = dc.Close()
		return nil, fmt.Errorf("native: data channel %q: %w", label, ctx.Err())
	}
}

func (d *DataChannel) markOpen() { d.openOnce.Do(func() { close(d.open) }) }

// Opened returns a channel closed once the data channel is open.
func (d *DataChannel) Opened() <-chan struct{} { return d.open }

// Closed returns a channel closed once the data channel is closed.
func (d *DataChannel) Closed() <-chan struct{} { return d.closed }

// Channel returns the pion data channel.
func (d *DataChannel) Channel() *webrtc.DataChannel { return d.dc }

// Send sends b as one text message; the channel must be open.
func (d *DataChannel) Send(b []byte) error {
	if err := d.dc.SendText(string(b)); err != nil {
		return fmt.Errorf("native: data channel %q: %w", d.dc.Label(), err)
	}
	return nil
}

// OnMessage registers the function called with every message received
// (text or binary), in order; the messages that arrived before are
// passed to it first.
func (d *DataChannel) OnMessage(fn func([]byte)) {
	d.deliver.Lock()
	defer d.deliver.Unlock()
	d.mu.Lock()
	d.fn = fn
	early := d.early
	d.early = nil
	d.mu.Unlock()
	if fn != nil {
		for _, b := range early {
			fn(b)
		}
	}
}

func (d *DataChannel) receive(b []byte) {
	d.deliver.Lock()
	defer d.deliver.Unlock()
	d.mu.Lock()
	fn := d.fn
	if fn == nil {
		d.early = append(d.early, append([]byte(nil), b...))
	}
	d.mu.Unlock()
	if fn != nil {
		fn(b)
	}
}

// Close closes the data channel.
func (d *DataChannel) Close() error { return d.dc.Close() }
