package core_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/gojanus/gojanus/core"
)

// The main flow: dial, create a session, attach a plugin, send a message,
// detach and destroy.
func Example() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	c, err := core.Dial(ctx, "ws://127.0.0.1:8188") // or "http://127.0.0.1:8088/janus"
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	s, err := c.CreateSession(ctx) // keepalives run until Destroy
	if err != nil {
		log.Fatal(err)
	}
	defer s.Destroy(ctx)

	h, err := s.Attach(ctx, "janus.plugin.videoroom")
	if err != nil {
		log.Fatal(err)
	}
	res, err := h.Message(ctx, map[string]any{"request": "list"})
	if err != nil {
		log.Fatal(err)
	}
	var list struct {
		List []struct {
			Room        uint64 `json:"room"`
			Description string `json:"description"`
		} `json:"list"`
	}
	if err := res.Decode(&list); err != nil {
		log.Fatal(err)
	}
	for _, r := range list.List {
		fmt.Println(r.Room, r.Description)
	}
	if err := h.Detach(ctx); err != nil {
		log.Fatal(err)
	}
}

// Read a handle's events until it ends.
func ExampleHandle_Events() {
	ctx := context.Background()
	c, err := core.Dial(ctx, "ws://127.0.0.1:8188")
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	s, err := c.CreateSession(ctx)
	if err != nil {
		log.Fatal(err)
	}
	h, err := s.Attach(ctx, "janus.plugin.echotest")
	if err != nil {
		log.Fatal(err)
	}
	go func() {
		for ev := range h.Events() {
			switch ev := ev.(type) {
			case *core.PluginEvent:
				fmt.Printf("plugin says %s (jsep: %v)\n", ev.Data, ev.JSEP != nil)
			case *core.WebRTCUp:
				fmt.Println("PeerConnection up")
			case *core.Media:
				fmt.Printf("%s (mid %s) receiving=%v\n", ev.Type, ev.Mid, ev.Receiving)
			case *core.Hangup:
				fmt.Println("hangup:", ev.Reason)
			case *core.Detached:
				fmt.Println("detached")
			}
		}
		fmt.Println("stream ended:", h.Err())
	}()
	// An asynchronous request: Post returns on the ack, the answer arrives
	// as a *core.PluginEvent on the stream.
	if _, err := h.Post(ctx, map[string]any{"audio": true}); err != nil {
		log.Fatal(err)
	}
}

// Janus errors carry their code and reason and match sentinels.
func ExampleError() {
	ctx := context.Background()
	c, err := core.Dial(ctx, "ws://127.0.0.1:8188", core.WithAPISecret("maybe-wrong"))
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	_, err = c.CreateSession(ctx)
	var je *core.Error
	switch {
	case errors.Is(err, core.ErrUnauthorized):
		fmt.Println("check the API secret")
	case errors.As(err, &je):
		fmt.Println("janus error", je.Code, je.Reason)
	case errors.Is(err, core.ErrTimeout):
		fmt.Println("no answer in time")
	}
}

// Use the admin API: list sessions and add a token.
func ExampleAdmin() {
	ctx := context.Background()
	a, err := core.DialAdmin(ctx, "ws://127.0.0.1:7188", core.WithAdminSecret("janusoverlord"))
	if err != nil {
		log.Fatal(err)
	}
	defer a.Close()
	ids, err := a.ListSessions(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(ids), "sessions")
	if _, err := a.AddToken(ctx, "a-token", "janus.plugin.videoroom"); err != nil {
		log.Fatal(err)
	}
}

// Take over a session after a reconnect (needs reclaim_session_timeout on
// the server for WebSocket).
func ExampleClient_ClaimSession() {
	ctx := context.Background()
	var sessionID, handleID uint64 = 1234, 5678 // remembered from before
	c, err := core.Dial(ctx, "ws://127.0.0.1:8188")
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	s, err := c.ClaimSession(ctx, sessionID)
	if err != nil {
		log.Fatal(err)
	}
	h := s.AdoptHandle(handleID, "janus.plugin.videoroom")
	_ = h
}
