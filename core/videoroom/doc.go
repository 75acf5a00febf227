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
// publishers between VideoRoom instances over plain RTP.
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
