package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pion/webrtc/v4"
	"github.com/spf13/cobra"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/videoroom"
	"github.com/gojanus/gojanus/native"
)

// subscribeFlags are the flags of "gojanus subscribe".
type subscribeFlags struct {
	room     string
	feeds    []string
	record   string
	display  string
	pin      string
	duration time.Duration
	wait     time.Duration
	media    mediaFlags
}

func (a *app) subscribeCommand() *cobra.Command {
	sf := &subscribeFlags{}
	cmd := &cobra.Command{
		Use:   "subscribe --room ROOM",
		Short: "Subscribe to VideoRoom publishers, count or record what arrives",
		Long: `Subscribe to the publishers of a VideoRoom room and count what arrives, or
record it. The command joins the room as a participant that does not publish
(--display), so that it hears of publishers as they come: it waits for the
first one (up to --wait), then subscribes to every later publisher too, over
the same PeerConnection. With --feed it takes only those publishers; a .webm
recording takes one.

Runs until interrupted (Ctrl-C, SIGTERM) or for --duration after the first
subscription is up, then leaves and destroys the session.`,
		Args: noArgs,
		RunE: a.action(func(ctx context.Context, _ []string) error { return a.subscribe(ctx, sf) }),
	}
	f := cmd.Flags()
	f.StringVar(&sf.room, "room", "", "room `id` (required)")
	f.StringSliceVar(&sf.feeds, "feed", nil, "publisher `id`s to subscribe to (repeat or separate with commas; default: every publisher, as they come)")
	f.StringVar(&sf.record, "record", "", "record into `PATH`: a directory (one .ivf/.ogg/.h264 file per track) or a .webm file (one publisher's VP8 + Opus)")
	f.StringVar(&sf.display, "display", "gojanus subscribe", "display `name` of the participant that watches the room")
	f.StringVar(&sf.pin, "pin", "", "the room's PIN, if it has one")
	durationFlag(f, &sf.duration, "duration", 0, "stop this long after the subscription is up (default: until interrupted)")
	durationFlag(f, &sf.wait, "wait", 0, "how long to wait for the first publisher (default: --timeout)")
	sf.media.register(f, a)
	_ = cmd.RegisterFlagCompletionFunc("room", a.completeRooms)
	return cmd
}

// subscription is the state of one run of "gojanus subscribe".
type subscription struct {
	a    *app
	sf   *subscribeFlags
	out  output
	room core.ID
	// wantWebM is set for a .webm recording, whose recorder (webm) is
	// made once the publisher is known, its tracks at the first track.
	wantWebM bool
	webm     *webmRecording
	peer     *native.Peer
	sub      *videoroom.Subscriber

	mu         sync.Mutex
	streams    map[string]videoroom.SubscriberStream // by mid
	publishers []Participant
	subscribed map[core.ID]bool
	received   trackCounter
}

func (a *app) subscribe(ctx context.Context, sf *subscribeFlags) error {
	if sf.room == "" {
		return usagef("--room is required")
	}
	if sf.wait == 0 {
		sf.wait = a.g.timeout
	}
	if err := sf.media.check(); err != nil {
		return err
	}
	webm, err := checkRecordPath(sf.record, true)
	if err != nil {
		return err
	}
	if webm && len(sf.feeds) > 1 {
		return usagef("a .webm recording takes one publisher, not %d", len(sf.feeds))
	}
	su := &subscription{a: a, sf: sf, out: a.out(), room: parseID(sf.room), wantWebM: webm,
		streams: map[string]videoroom.SubscriberStream{}, subscribed: map[core.ID]bool{}}

	setup, cancelSetup := a.bounded(ctx)
	defer cancelSetup()
	_, s, end, err := a.openSession(ctx, setup)
	if err != nil {
		return err
	}
	defer end()

	// A participant that does not publish hears of every publisher.
	watcher, _, err := videoroom.JoinPublisher(setup, s, videoroom.JoinRequest{Room: su.room, Display: sf.display, Pin: sf.pin})
	if err != nil {
		return err
	}
	defer func() { c, cancel := cleanupContext(ctx); defer cancel(); _ = watcher.Leave(c) }()
	changes := make(chan videoroom.RosterChange, 16)
	done := make(chan struct{})
	defer close(done)
	stopChanges := watcher.Roster().OnChange(func(ch videoroom.RosterChange) {
		select {
		case changes <- ch:
		case <-done:
		}
	})
	defer stopChanges()

	// Wait for the first publisher.
	start := time.Now()
	first, err := su.waitFirst(ctx, watcher.Roster(), changes)
	if err != nil {
		return err
	}
	waited := time.Since(start)
	if first == nil {
		// Interrupted while waiting: a clean end, with nothing received.
		sum := SubscribeOutput{Server: core.RedactURL(a.g.server), Room: su.room, Publishers: []Participant{}, WaitedMS: waited.Milliseconds(), Tracks: []Track{}}
		return su.out.result(sum, func() { su.out.step("stopped", "interrupted before any publisher came") })
	}
	if webm {
		su.webm = &webmRecording{path: sf.record}
	}

	// Subscribe to it over a new PeerConnection.
	setup2, cancelSetup2 := a.bounded(ctx)
	defer cancelSetup2()
	if su.peer, err = sf.media.peer(); err != nil {
		return err
	}
	defer su.peer.Close()
	su.peer.PeerConnection().OnTrack(su.onTrack)
	streams := make([]videoroom.SubscribeStream, len(first))
	for i, p := range first {
		streams[i] = videoroom.SubscribeStream{Feed: p.ID}
	}
	sub, att, err := videoroom.Subscribe(setup2, s, videoroom.SubscribeRequest{Room: su.room, Streams: streams,
		PrivateID: watcher.PrivateID(), Pin: sf.pin})
	if err != nil {
		return err
	}
	su.sub = sub
	core.LinkCandidates(ctx, sub.Handle.Handle, su.peer, nil)
	su.setStreams(att.Streams)
	if err := sub.Renegotiate(setup2, su.peer, att.JSEP); err != nil {
		return err
	}
	su.addPublishers(first)
	if err := waitUp(setup2, "subscribe", su.peer, sub.Events(), sub.Start); err != nil {
		return err
	}
	su.out.step("subscribed", "room %s: %s, %d stream(s)", su.room, describePublishers(first), len(att.Streams))

	// Follow publishers until the end.
	ran, loopErr := su.out.runFor(ctx, sf.duration, su.received.stats, func(ctx context.Context) error {
		return su.follow(ctx, changes)
	})

	leave, cancel := cleanupContext(ctx)
	_ = sub.Leave(leave)
	cancel()
	_ = su.peer.Close()
	su.received.wait()
	if su.webm != nil {
		if err := su.webm.close(); err != nil {
			ce := &cliError{kind: kindMedia, err: fmt.Errorf("webm: %w", err)}
			if strings.Contains(err.Error(), "no frame") && su.webm.video() {
				ce.hint = "a WebM with video starts at a keyframe and the publisher sent none in time: record for longer than its keyframe interval"
			}
			return ce
		}
	}
	if loopErr != nil {
		return loopErr
	}
	su.mu.Lock()
	sum := SubscribeOutput{Server: core.RedactURL(a.g.server), Room: su.room, Publishers: slices.Clone(su.publishers),
		WaitedMS: waited.Milliseconds(), DurationMS: ran.Milliseconds()}
	su.mu.Unlock()
	sum.Tracks = su.tracks()
	return su.out.result(sum, func() {
		for _, t := range sum.Tracks {
			line := fmt.Sprintf("feed %s mid %s %s: %d frames, %d packets, %d bytes", *t.Feed, t.Mid, t.Codec, t.Frames, t.Packets, t.Bytes)
			if t.File != "" {
				line += " -> " + t.File
			}
			su.out.step(t.Kind, "%s", line)
		}
	})
}

// checkRecordPath checks --record before anything is sent, the same way
// for every command that records; webmOK says whether the command takes a
// .webm file. A .webm file goes into a directory that exists and is made
// only when its first frame arrives (nothing is left behind when none
// does); anything else is a directory: used if it exists, made if its
// parent exists. A path with another file extension is refused. It
// reports whether path is a .webm file.
func checkRecordPath(path string, webmOK bool) (webm bool, err error) {
	if path == "" {
		return false, nil
	}
	takes := "a .webm file or a directory"
	if !webmOK {
		takes = "a directory"
	}
	st, statErr := os.Stat(path)
	ext := filepath.Ext(filepath.Clean(path))
	switch {
	case statErr == nil && st.IsDir():
		return false, nil
	case webmOK && strings.EqualFold(ext, ".webm"):
		if dir := filepath.Dir(path); !isDir(dir) {
			return false, usagef("--record %q: the directory %s does not exist", path, dir)
		}
		if statErr == nil && !st.Mode().IsRegular() {
			return false, usagef("--record %q: not a regular file", path)
		}
		if err := checkWritable(path, statErr == nil); err != nil {
			return false, usagef("--record %q: %v", path, err)
		}
		return true, nil
	case statErr == nil:
		return false, usagef("--record %q: is a file, and --record takes %s", path, takes)
	case ext != "":
		return false, usagef("--record %q: --record takes %s, not a %s file", path, takes, ext)
	}
	if parent := filepath.Dir(filepath.Clean(path)); !isDir(parent) {
		return false, usagef("--record %q: the directory %s does not exist (--record makes only the last directory of its path)", path, parent)
	}
	if err := os.Mkdir(path, 0o755); err != nil {
		return false, usagef("--record %q: cannot make the directory: %v", path, errors.Unwrap(err))
	}
	return false, nil
}

// checkWritable checks that path can be written, without changing it: an
// existing file is opened for writing, a missing one made and removed.
func checkWritable(path string, exists bool) error {
	if exists {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return errors.Unwrap(err)
		}
		return f.Close()
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return errors.Unwrap(err)
	}
	f.Close()
	return os.Remove(path)
}

// isDir reports whether path is an existing directory.
func isDir(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.IsDir()
}

// wanted reports whether p is a publisher to subscribe to (and not yet
// subscribed).
func (su *subscription) wanted(p videoroom.Participant) bool {
	if !p.Publisher || len(p.Streams) == 0 {
		return false
	}
	su.mu.Lock()
	done := su.subscribed[p.ID]
	su.mu.Unlock()
	if done {
		return false
	}
	if len(su.sf.feeds) > 0 {
		return slices.Contains(su.sf.feeds, p.ID.String())
	}
	return !p.Dummy
}

// following reports whether later publishers are added to the
// subscription.
func (su *subscription) following() bool {
	if su.webm != nil {
		return false
	}
	if len(su.sf.feeds) > 0 {
		su.mu.Lock()
		defer su.mu.Unlock()
		return len(su.subscribed) < len(su.sf.feeds)
	}
	return true
}

// waitFirst waits, up to --wait, until the roster lists a publisher to
// subscribe to, and returns the publishers to start with.
func (su *subscription) waitFirst(parent context.Context, roster *videoroom.Roster, changes <-chan videoroom.RosterChange) ([]videoroom.Participant, error) {
	ctx, cancel := context.WithTimeout(parent, su.sf.wait)
	defer cancel()
	announced := false
	for {
		var found []videoroom.Participant
		for _, p := range roster.Participants() {
			if su.wanted(p) {
				found = append(found, p)
			}
		}
		if len(found) > 0 {
			if su.wantWebM && len(found) > 1 {
				su.out.step("webm", "records one publisher: %s %q (--feed picks another)", found[0].ID, found[0].Display)
				found = found[:1]
			}
			return found, nil
		}
		if !announced {
			su.out.step("waiting", "for %s in room %s (up to %s)", su.awaited(), su.room, su.sf.wait)
			announced = true
		}
		select {
		case <-changes:
		case <-ctx.Done():
			if parent.Err() != nil {
				return nil, nil // interrupted: nothing to subscribe to
			}
			return nil, &cliError{kind: kindTimeout,
				err:  fmt.Errorf("no %s in room %s within --wait %s", strings.TrimPrefix(su.awaited(), "a "), su.room, su.sf.wait),
				hint: "start a publisher, or wait longer with --wait"}
		}
	}
}

// awaited names what waitFirst waits for.
func (su *subscription) awaited() string {
	if len(su.sf.feeds) > 0 {
		return "publisher " + strings.Join(su.sf.feeds, " or ")
	}
	return "a publisher"
}

// follow handles roster changes and renegotiations until ctx ends, the
// subscription ends, or (without following) its publishers are gone.
func (su *subscription) follow(ctx context.Context, changes <-chan videoroom.RosterChange) error {
	for {
		select {
		case <-ctx.Done():
			return nil
		case ch := <-changes:
			switch ch.Kind {
			case videoroom.ParticipantAdded, videoroom.ParticipantUpdated:
				if !ch.Participant.Publisher {
					// Unpublished: Janus drops its streams (autoupdate);
					// it is followed again when it publishes again.
					su.mu.Lock()
					delete(su.subscribed, ch.Participant.ID)
					su.mu.Unlock()
					continue
				}
				if !su.following() || !su.wanted(ch.Participant) {
					continue
				}
				upd, err := su.sub.Subscribe(ctx, []videoroom.SubscribeStream{{Feed: ch.Participant.ID}})
				if err != nil {
					if ctx.Err() != nil {
						return nil
					}
					return fmt.Errorf("subscribe to publisher %s: %w", ch.Participant.ID, err)
				}
				su.addPublishers([]videoroom.Participant{ch.Participant})
				su.out.step("follow", "publisher %s %q", ch.Participant.ID, ch.Participant.Display)
				if err := su.negotiate(ctx, upd); err != nil {
					return err
				}
			case videoroom.ParticipantRemoved:
				su.mu.Lock()
				_, ours := su.subscribed[ch.Participant.ID]
				delete(su.subscribed, ch.Participant.ID)
				left := len(su.subscribed)
				su.mu.Unlock()
				if ours {
					su.out.step("left", "publisher %s %q", ch.Participant.ID, ch.Participant.Display)
				}
				if ours && left == 0 && (su.webm != nil || len(su.sf.feeds) > 0) {
					return nil
				}
			case videoroom.RosterCleared:
				return fmt.Errorf("room %s went away (destroyed, or this participant was kicked)", su.room)
			}
		case ev, ok := <-su.sub.Events():
			if !ok {
				return errors.New("the subscription ended")
			}
			if h, ok := ev.(*core.Hangup); ok {
				return fmt.Errorf("janus hung up the subscription: %s", h.Reason)
			}
			if err := su.negotiate(ctx, ev); err != nil {
				return err
			}
		}
	}
}

// negotiate passes Janus's candidates to the peer and answers its offers:
// those of the subscription's changes, as answers or as events (a change
// that waited for an earlier answer, a publisher gone).
func (su *subscription) negotiate(ctx context.Context, ev core.Event) error {
	if upd, ok := ev.(*videoroom.Updated); ok && upd.JSEP != nil {
		su.setStreams(upd.Streams)
	}
	if _, err := core.HandleNegotiation(ctx, ev, su.peer, su.sub.Start); err != nil && ctx.Err() == nil {
		return fmt.Errorf("renegotiate: %w", err)
	}
	return nil
}

// setStreams records the subscription's m-lines.
func (su *subscription) setStreams(streams []videoroom.SubscriberStream) {
	su.mu.Lock()
	defer su.mu.Unlock()
	clear(su.streams)
	for _, st := range streams {
		su.streams[st.Mid] = st
	}
}

// addPublishers records publishers as subscribed.
func (su *subscription) addPublishers(ps []videoroom.Participant) {
	su.mu.Lock()
	defer su.mu.Unlock()
	for _, p := range ps {
		su.subscribed[p.ID] = true
		su.publishers = append(su.publishers, Participant{ID: p.ID, Display: p.Display, Publisher: true})
	}
}

// onTrack counts or records a new remote track.
func (su *subscription) onTrack(tr *webrtc.TrackRemote, recv *webrtc.RTPReceiver) {
	pc := su.peer.PeerConnection()
	mid := midOf(pc, recv)
	su.mu.Lock()
	feed := su.streams[mid].Feed
	su.mu.Unlock()
	record := su.sf.record
	t := su.received.add(tr, mid, record == "")
	var file string
	var rec *native.TrackRecorder
	switch {
	case su.webm != nil:
		if err := su.webm.addTrack(pc, tr); err != nil {
			fmt.Fprintf(su.out.stderr, "gojanus subscribe: %v\n", err)
		}
		file = record
	case record != "":
		file = filepath.Join(record, fmt.Sprintf("%s-%s%s", feed, tr.Kind(), extFor(tr.Codec().MimeType)))
		var err error
		if rec, err = native.RecordTrack(pc, tr, file, pliInterval); err != nil {
			fmt.Fprintf(su.out.stderr, "gojanus subscribe: %v\n", err)
			file = ""
		}
	}
	su.received.mu.Lock()
	t.feed, t.file, t.rec = &feed, file, rec
	su.received.mu.Unlock()
}

// pliInterval 0: the recorders send no keyframe requests of their own,
// since the subscriber's native.Peer asks for each video track's first
// keyframe (native.RegisterKeyframeRequests).
const pliInterval = 0

// tracks returns the received tracks in the JSON form; a WebM recording's
// counts come from the recorder.
func (su *subscription) tracks() []Track {
	tracks := su.received.summary()
	if su.webm != nil {
		for _, st := range su.webm.stats() {
			for i := range tracks {
				if tracks[i].Kind == st.Kind {
					tracks[i].Frames, tracks[i].Packets, tracks[i].Bytes = st.Frames, st.Packets, st.Bytes
				}
			}
		}
	}
	return tracks
}

// describePublishers names publishers for a text line.
func describePublishers(ps []videoroom.Participant) string {
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = fmt.Sprintf("%s %q", p.ID, p.Display)
	}
	return "publisher " + strings.Join(names, ", ")
}

// extFor is the recording file extension for a codec.
func extFor(mime string) string {
	switch strings.ToLower(mime) {
	case "audio/opus":
		return ".ogg"
	case "video/h264":
		return ".h264"
	default:
		return ".ivf"
	}
}
