package main

import (
	"cmp"
	"context"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/videoroom"
)

// parseID reads a room or participant id from the command line: a number,
// or a string id for plugins running with string_ids.
func parseID(s string) core.ID {
	if n, err := strconv.ParseUint(s, 10, 64); err == nil {
		return core.NumID(n)
	}
	return core.StrID(s)
}

// roomFlags are the flags of the rooms subcommands.
type roomFlags struct {
	adminKey string
	secret   string
}

func (a *app) roomsCommand() *cobra.Command {
	rf := &roomFlags{}
	cmd := &cobra.Command{
		Use:   "rooms",
		Short: "Manage VideoRoom rooms: list, create, destroy, exists, participants",
		Args:  groupArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.needSubcommand(cmd, "say what to do: list, create, destroy, exists or participants")
		},
	}
	cmd.PersistentFlags().StringVar(&rf.adminKey, "admin-key", "", "the VideoRoom plugin's admin_key, if it has one (also lists private rooms)")

	create := &videoroom.CreateRequest{}
	var roomFlag, audioCodecs, videoCodecs string
	createCmd := &cobra.Command{
		Use:   "create",
		Short: "Create a room",
		Args:  noArgs,
		RunE: a.videoroomAction(func(ctx context.Context, h *videoroom.Handle, _ []string) error {
			o := *create
			o.AdminKey, o.Secret = rf.adminKey, rf.secret
			o.AudioCodec, o.VideoCodec = core.ParseCodecs(audioCodecs), core.ParseCodecs(videoCodecs)
			if roomFlag != "" {
				o.Room = parseID(roomFlag)
			}
			res, err := h.Create(ctx, o)
			if err != nil {
				return err
			}
			r, listed := findRoom(ctx, h, res.Room, rf.adminKey)
			if !listed { // private: what was asked for
				r = Room{Room: res.Room, Description: o.Description, MaxPublishers: o.Publishers, AudioCodec: o.AudioCodec.String(),
					VideoCodec: o.VideoCodec.String(), PinRequired: o.Pin != "", Private: o.IsPrivate}
			}
			out := a.out()
			return out.result(RoomOutput{RoomID: res.Room, Room: &r, Exists: true, Created: true, Permanent: res.Permanent}, func() {
				out.step("created", "room %s %q, publishers max %d", r.Room, r.Description, r.MaxPublishers)
			})
		}),
	}
	cf := createCmd.Flags()
	cf.StringVar(&roomFlag, "room", "", "room `id` (default: the plugin picks one)")
	cf.StringVar(&create.Description, "description", "", "room description")
	cf.IntVar(&create.Publishers, "publishers", 6, "maximum concurrent publishers")
	cf.StringVar(&create.Pin, "pin", "", "PIN needed to join")
	cf.StringVar(&rf.secret, "secret", "", "room `secret`, needed to edit or destroy it")
	cf.BoolVar(&create.IsPrivate, "private", false, "hide the room from lists")
	cf.BoolVar(&create.Permanent, "permanent", false, "also save the room in the plugin's configuration file")
	cf.StringVar(&videoCodecs, "videocodec", "", "comma separated video codecs, in order of preference (plugin default vp8)")
	cf.StringVar(&audioCodecs, "audiocodec", "", "comma separated audio codecs (plugin default opus)")

	var permanentDestroy bool
	destroyCmd := &cobra.Command{
		Use:               "destroy ROOM",
		Short:             "Destroy a room",
		Args:              exactArgs("ROOM"),
		ValidArgsFunction: a.completeRooms,
		RunE: a.videoroomAction(func(ctx context.Context, h *videoroom.Handle, args []string) error {
			id := parseID(args[0])
			r, listed := findRoom(ctx, h, id, rf.adminKey)
			res, err := h.Destroy(ctx, videoroom.DestroyRequest{Room: id, Secret: rf.secret, Permanent: permanentDestroy})
			if err != nil {
				return err
			}
			sum := RoomOutput{RoomID: id, Destroyed: true, Permanent: res.Permanent}
			if listed {
				sum.Room = &r
			}
			out := a.out()
			return out.result(sum, func() {
				out.step("destroyed", "room %s", id)
			})
		}),
	}
	destroyCmd.Flags().BoolVar(&permanentDestroy, "permanent", false, "also remove the room from the plugin's configuration file")
	destroyCmd.Flags().StringVar(&rf.secret, "secret", "", "the room's `secret`, if it has one")

	cmd.AddCommand(
		&cobra.Command{
			Use:   "list",
			Short: "List the rooms",
			Args:  noArgs,
			RunE: a.videoroomAction(func(ctx context.Context, h *videoroom.Handle, _ []string) error {
				rooms, err := listRooms(ctx, h, rf.adminKey)
				if err != nil {
					return err
				}
				out := a.out()
				return out.result(RoomsOutput{Rooms: rooms}, func() { printRooms(out, rooms, nil) })
			}),
		},
		createCmd,
		destroyCmd,
		&cobra.Command{
			Use:               "exists ROOM",
			Short:             "Tell whether a room exists (exit code 0 either way)",
			Args:              exactArgs("ROOM"),
			ValidArgsFunction: a.completeRooms,
			RunE: a.videoroomAction(func(ctx context.Context, h *videoroom.Handle, args []string) error {
				id := parseID(args[0])
				exists, err := h.Exists(ctx, id)
				if err != nil {
					return err
				}
				sum := RoomOutput{RoomID: id, Exists: exists}
				if exists {
					if r, listed := findRoom(ctx, h, id, rf.adminKey); listed {
						sum.Room = &r
					}
				}
				out := a.out()
				return out.result(sum, func() {
					if exists {
						out.step("exists", "room %s", id)
					} else {
						out.step("missing", "room %s does not exist", id)
					}
				})
			}),
		},
		&cobra.Command{
			Use:               "participants ROOM",
			Short:             "List the participants of a room",
			Args:              exactArgs("ROOM"),
			ValidArgsFunction: a.completeRooms,
			RunE: a.videoroomAction(func(ctx context.Context, h *videoroom.Handle, args []string) error {
				id := parseID(args[0])
				ps, err := h.ListParticipants(ctx, id)
				if err != nil {
					return err
				}
				list := make([]Participant, 0, len(ps))
				for _, p := range ps {
					list = append(list, Participant{ID: p.ID, Display: p.Display, Publisher: p.Publisher})
				}
				out := a.out()
				return out.result(ParticipantsOutput{Room: id, Participants: list}, func() {
					out.step("participants", "%d in room %s", len(list), id)
					for _, p := range list {
						state := "not publishing"
						if p.Publisher {
							state = "publishing"
						}
						out.linef("  %-18s %-20q %s", p.ID, p.Display, state)
					}
				})
			}),
		},
	)
	return cmd
}

// videoroomAction connects, creates a session, attaches a VideoRoom handle
// and runs fn, all within --timeout; the session is destroyed afterwards.
func (a *app) videoroomAction(fn func(ctx context.Context, h *videoroom.Handle, args []string) error) func(*cobra.Command, []string) error {
	return a.action(func(ctx context.Context, args []string) error {
		ctx, cancel := a.bounded(ctx)
		defer cancel()
		_, s, end, err := a.openSession(ctx, ctx)
		if err != nil {
			return err
		}
		defer end()
		h, err := videoroom.Attach(ctx, s)
		if err != nil {
			return err
		}
		return fn(ctx, h, args)
	})
}

// listRooms lists the rooms, sorted by id.
func listRooms(ctx context.Context, h *videoroom.Handle, adminKey string) ([]Room, error) {
	infos, err := h.List(ctx, videoroom.ListRequest{AdminKey: adminKey})
	if err != nil {
		return nil, err
	}
	rooms := make([]Room, 0, len(infos))
	for _, r := range infos {
		rooms = append(rooms, roomOf(r))
	}
	sortRooms(rooms)
	return rooms, nil
}

// findRoom describes room id as the list shows it; listed is false for a
// room the list does not show (private, or gone).
func findRoom(ctx context.Context, h *videoroom.Handle, id core.ID, adminKey string) (r Room, listed bool) {
	rooms, err := listRooms(ctx, h, adminKey)
	if err == nil {
		for _, r := range rooms {
			if r.Room == id {
				return r, true
			}
		}
	}
	return Room{Room: id}, false
}

// printRooms prints the room list, marking the room ours if not nil.
func printRooms(out output, rooms []Room, ours *core.ID) {
	out.step("rooms", "%s", plural(len(rooms), "room"))
	width := 0
	for _, r := range rooms {
		width = max(width, len(r.Room.String()))
	}
	for _, r := range rooms {
		mark := ""
		if ours != nil && r.Room == *ours {
			mark = "  <- created by this demo"
		}
		out.step("", "  %-*s  %-20q participants %d, publishers max %d%s", width, r.Room, r.Description, r.Participants, r.MaxPublishers, mark)
	}
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// sortRooms orders rooms by id: numbers numerically, before strings.
func sortRooms(rooms []Room) {
	slices.SortFunc(rooms, func(x, y Room) int { return compareIDs(x.Room, y.Room) })
}

// compareIDs orders numbers numerically, before strings.
func compareIDs(x, y core.ID) int {
	if x.IsString() != y.IsString() {
		if x.IsString() {
			return 1
		}
		return -1
	}
	if x.IsString() {
		return strings.Compare(x.String(), y.String())
	}
	return cmp.Compare(x.Num(), y.Num())
}

// completionTimeout bounds the server round trip of a shell completion.
const completionTimeout = 2 * time.Second

// completeRooms completes room ids from the server's room list (with the
// descriptions), for shells that ask "gojanus __complete".
func (a *app) completeRooms(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
	if len(args) > 0 || a.prepare(cmd) != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	ctx, cancel := context.WithTimeout(context.Background(), completionTimeout)
	defer cancel()
	a.g.timeout = completionTimeout
	a.g.level = slog.LevelError + 1 // no log lines in the shell
	_, s, end, err := a.openSession(ctx, ctx)
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	defer end()
	h, err := videoroom.Attach(ctx, s)
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	rooms, err := listRooms(ctx, h, "")
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	out := make([]string, 0, len(rooms))
	for _, r := range rooms {
		out = append(out, r.Room.String()+"\t"+r.Description)
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}
