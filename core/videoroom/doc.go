// Package videoroom is the typed API of the Janus VideoRoom plugin
// (janus.plugin.videoroom): a multistream SFU where participants join
// rooms, publish their media and subscribe to the media of others.
//
// Three types cover the plugin's three roles:
//
//   - Handle manages rooms (Create, Edit, Destroy, List, Kick, Moderate,
//     RTPForward, ...). Every handle can do this, joined or not.
//   - Publisher is a participant: JoinPublisher (or Handle.JoinAsPublisher)
//     joins a room, then Publish sends an SDP offer and returns Janus's
//     answer. Its Roster tracks the other participants of the room from
//     the plugin's events, so an application can show who is in the room
//     without parsing events.
//   - Subscriber receives media from one or more publishers over one
//     PeerConnection: Subscribe returns Janus's SDP offer, Start sends the
//     answer back; Update, Switch and Configure change the subscription.
//
// A short session:
//
//	h, err := videoroom.Attach(ctx, session)
//	room, err := h.Create(ctx, videoroom.CreateRequest{Description: "demo", NotifyJoining: true})
//	pub, joined, err := videoroom.JoinPublisher(ctx, session, videoroom.JoinRequest{Room: room.Room, Display: "alice"})
//	pub.Roster().OnChange(func(c videoroom.RosterChange) { redraw(pub.Roster().Participants()) })
//	conf, err := pub.Publish(ctx, videoroom.PublishRequest{}, offer) // conf.JSEP is the SDP answer
//	for ev := range pub.Events() {
//		switch ev := ev.(type) {
//		case *videoroom.Publishers: // new feeds: subscribe to them
//		case *videoroom.Leaving:    // someone left (or was kicked)
//		case *videoroom.Destroyed:  // the room is gone
//		}
//	}
//
// Remote publishers (AddRemotePublisher, PublishRemotely, ...) share
// publishers between VideoRoom instances over RTP (SRTP from Janus
// 1.3.0); RemoteStreams turns a publisher's streams into a remote
// publisher's.
//
// # Janus versions
//
// The package speaks the plugin of Janus 1.1.2 and what later releases
// added, up to 1.4.1. An option newer than the server it goes to fails
// with core.ErrUnsupported (a *core.UnsupportedError) before anything is
// sent, since older servers would ignore it silently: participants'
// Metadata (1.3.0), CreateRequest.Threads (1.2.3) and DummyE2EE (1.3.2),
// layers in SwitchStream (1.1.4), SRTP and Metadata of remote publishers
// (1.3.0) and their string profiles (1.2.1). Members only read from the
// plugin's answers and events name the release that sends them in their
// doc comment, and are empty with older servers.
//
// Requests take an XxxRequest and answer an XxxResult, or the plugin's
// typed event (*Joined, *Configured...). Room, participant and feed ids
// are core.ID values (numbers by default, strings when the plugin runs
// with string_ids), in fields named Room, Participant and Feed; codecs
// are core.Codec and core.Codecs. Plugin errors are *core.PluginError
// naming the request, matched with errors.Is against the Err...
// sentinels of this package: errors.Is(err, videoroom.ErrNoSuchRoom).
//
// The package has no media code: offers and answers come from a
// core.Peer (native or browser).
package videoroom
