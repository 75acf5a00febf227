package whip_test

import (
	"context"
	"log"
	"net/http"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/streaming"
	"github.com/gojanus/gojanus/core/videoroom"
	"github.com/gojanus/gojanus/whip"
)

// A WHIP endpoint into VideoRoom room 1234 and WHEP endpoints out of it
// and out of Streaming mountpoint 1, on one HTTP server.
func Example() {
	c, err := core.Dial(context.Background(), "ws://127.0.0.1:8188")
	if err != nil {
		log.Fatal(err)
	}
	h := whip.New(c, whip.Options{ICEServers: []whip.ICEServer{{URLs: []string{"stun:stun.example.net:3478"}}}})
	room := core.NumID(1234)
	_ = h.Publish("/whip/room1", whip.PublishEndpoint{Access: whip.Access{Token: "secret"}, Join: videoroom.JoinRequest{Room: room, Display: "obs"}})
	_ = h.Subscribe("/whep/room1", whip.SubscribeEndpoint{Subscription: whip.Subscription{Room: room, Display: "obs"}})
	_ = h.Watch("/whep/mp1", whip.WatchEndpoint{Watch: streaming.WatchRequest{Mountpoint: core.NumID(1)}})
	log.Fatal(http.ListenAndServe("127.0.0.1:8080", h))
}
