package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/videoroom"
)

func setupRooms(fs *flag.FlagSet, common *commonFlags) func(context.Context, output) error {
	roomFlag := fs.String("room", "", "room `id` for create (default: the plugin picks one)")
	description := fs.String("description", "", "room description for create")
	publishers := fs.Int("publishers", 6, "maximum publishers for create")
	secret := fs.String("secret", "", "room `secret` for create and destroy")
	var args []string
	common.args = &args
	return func(ctx context.Context, out output) error {
		if len(args) == 0 {
			return errors.New("say what to do: list, create, destroy ID, participants ID")
		}
		client, err := common.dial(ctx, out.stderr)
		if err != nil {
			return err
		}
		defer client.Close()
		s, err := client.CreateSession(ctx)
		if err != nil {
			return err
		}
		defer s.Destroy(context.WithoutCancel(ctx))
		h, err := videoroom.Attach(ctx, s)
		if err != nil {
			return err
		}
		needID := func() (core.ID, error) {
			if len(args) != 2 {
				return core.ID{}, fmt.Errorf("%s takes a room id", args[0])
			}
			return parseID(args[1]), nil
		}
		switch args[0] {
		case "list":
			rooms, err := h.List(ctx, videoroom.ListOptions{})
			if err != nil {
				return err
			}
			if out.json {
				return out.writeJSON(map[string]any{"rooms": nonNil(rooms)})
			}
			out.step("rooms", "%d", len(rooms))
			for _, r := range rooms {
				out.linef("  %-12s %-24q participants %d, publishers max %d, %s/%s", r.Room, r.Description, r.NumParticipants, r.MaxPublishers, r.VideoCodec, r.AudioCodec)
			}
		case "create":
			o := videoroom.RoomOptions{Description: *description, Publishers: *publishers, Secret: *secret}
			if *roomFlag != "" {
				o.Room = parseID(*roomFlag)
			}
			res, err := h.Create(ctx, o)
			if err != nil {
				return err
			}
			if out.json {
				return out.writeJSON(res)
			}
			out.step("created", "room %s", res.Room)
		case "destroy":
			id, err := needID()
			if err != nil {
				return err
			}
			if _, err := h.Destroy(ctx, videoroom.DestroyOptions{Room: id, Secret: *secret}); err != nil {
				return err
			}
			if out.json {
				return out.writeJSON(map[string]any{"destroyed": id})
			}
			out.step("destroyed", "room %s", id)
		case "participants":
			id, err := needID()
			if err != nil {
				return err
			}
			ps, err := h.ListParticipants(ctx, id)
			if err != nil {
				return err
			}
			if out.json {
				return out.writeJSON(map[string]any{"room": id, "participants": nonNil(ps)})
			}
			out.step("participants", "%d in room %s", len(ps), id)
			for _, p := range ps {
				state := "not publishing"
				if p.Publisher {
					state = "publishing"
				}
				out.linef("  %-18s %-20q %s", p.ID, p.Display, state)
			}
		default:
			return fmt.Errorf("unknown rooms request %q (list, create, destroy, participants)", args[0])
		}
		return nil
	}
}
