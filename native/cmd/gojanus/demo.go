package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/videoroom"
)

// demoDescription is the description of the demo's temporary room.
const demoDescription = "gojanus demo"

// demoFlags are the flags of "gojanus demo".
type demoFlags struct {
	media    bool
	source   string
	mediaFor time.Duration
	mf       mediaFlags
}

func (a *app) demoCommand() *cobra.Command {
	df := &demoFlags{}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Walk through a session: info, session, handle, admin API, a temporary VideoRoom room, media",
		Long: `Walk through what a Janus client does, one line per step: server info, a
session, a VideoRoom handle, the admin API (when --admin-server or
--admin-secret is given), the room list, a temporary room, and with --media
a publisher and a subscriber exchanging real media through it. Everything the
demo creates is destroyed at the end, also on failure.`,
		Args: noArgs,
		RunE: a.action(func(ctx context.Context, _ []string) error {
			if err := df.mf.check(); err != nil {
				return err
			}
			if !df.media && (a.changed("source") || a.changed("media-duration")) {
				return usagef("--source and --media-duration go with --media")
			}
			start := time.Now()
			sum := &DemoOutput{Server: core.RedactURL(a.g.server), Transport: transportName(a.g.server), Rooms: []Room{}, Plugins: []string{}}
			out := a.out()
			if err := a.runDemo(ctx, df, out, sum); err != nil {
				return err
			}
			sum.ElapsedMS = time.Since(start).Milliseconds()
			return out.result(sum, func() { out.linef("demo ok in %s", time.Since(start).Round(time.Millisecond)) })
		}),
	}
	f := cmd.Flags()
	f.BoolVar(&df.media, "media", false, "also publish media into the temporary room and receive it with a subscriber (needs a network path for ICE between this machine and Janus)")
	f.StringVar(&df.source, "source", "test", sourceHelp+", for --media")
	durationFlag(f, &df.mediaFor, "media-duration", 4*time.Second, "how long --media sends")
	df.mf.register(f, a)
	return cmd
}

// runDemo runs the steps of the demo, printing one line per step and filling
// sum. On failure it still destroys what it created.
func (a *app) runDemo(ctx context.Context, df *demoFlags, out output, sum *DemoOutput) (err error) {
	step, cancel := a.bounded(ctx)
	defer cancel()

	// Connect.
	client, err := a.dial(step)
	if err != nil {
		return err
	}
	defer func() {
		cerr := client.Close()
		if err == nil && cerr != nil {
			err = fmt.Errorf("closing the connection: %w", cerr)
		}
		if err == nil {
			out.step("close", "connection closed")
		}
	}()

	// Server info. The HTTP transport sends its first request here, so
	// only now is the server known to answer.
	info, err := client.Info(step)
	if err != nil {
		return err
	}
	out.step("connect", "%s (%s)", core.RedactURL(a.g.server), transportLabel(sum.Transport))
	sum.Version = info.VersionString
	sum.Plugins = packageNames(modules(info.Plugins))
	out.step("server", "%s %s, %d plugins", info.Name, info.VersionString, len(sum.Plugins))
	out.step("plugins", "%s", strings.Join(sum.Plugins, ", "))
	if !info.HasPlugin(videoroom.Plugin) {
		return fmt.Errorf("the server has no %s plugin", videoroom.Plugin)
	}

	// Session.
	sess, err := client.CreateSession(step)
	if err != nil {
		return err
	}
	sum.SessionID = sess.ID()
	defer func() {
		if sum.SessionDestroyed {
			return
		}
		c, cancel := cleanupContext(ctx)
		defer cancel()
		_ = sess.Destroy(c)
	}()
	out.step("session", "created %d", sess.ID())

	// Handle.
	h, err := videoroom.Attach(step, sess, core.WithOpaqueID("gojanus-demo"))
	if err != nil {
		return fmt.Errorf("%s: %w", videoroom.Plugin, err)
	}
	sum.HandleID = h.ID()
	out.step("attach", "%s, handle %d", videoroom.Plugin, h.ID())

	// Admin API, while the session is live.
	if a.adminGiven {
		if err := a.demoAdminStep(step, out, sum); err != nil {
			return err
		}
	}

	// Rooms.
	rooms, err := listRooms(step, h, "")
	if err != nil {
		return err
	}
	sum.Rooms = rooms
	printRooms(out, rooms, nil)

	// A temporary room.
	created, err := createDemoRoom(step, h, rooms)
	if err != nil {
		return err
	}
	defer func() {
		if sum.RoomDestroyed {
			return
		}
		c, cancel := cleanupContext(ctx)
		defer cancel()
		_, _ = h.Destroy(c, videoroom.DestroyRequest{Room: created})
	}()
	out.step("create room", "%s %q (temporary)", created, demoDescription)

	rooms, err = listRooms(step, h, "")
	if err != nil {
		return err
	}
	sum.RoomsWithCreated = rooms
	i := slices.IndexFunc(rooms, func(r Room) bool { return r.Room == created })
	if i < 0 {
		return fmt.Errorf("list: the new room %s is not listed", created)
	}
	sum.CreatedRoom = rooms[i]
	printRooms(out, rooms, &created)

	if df.media {
		if err := a.demoMedia(ctx, client, created, df, out, sum); err != nil {
			return err
		}
	}

	step2, cancel2 := a.bounded(ctx)
	defer cancel2()
	if _, err := h.Destroy(step2, videoroom.DestroyRequest{Room: created}); err != nil {
		return err
	}
	sum.RoomDestroyed = true
	out.step("destroy room", "%s", created)

	// Tear down.
	if err := h.Detach(step2); err != nil {
		return err
	}
	sum.Detached = true
	out.step("detach", "handle %d", h.ID())
	if err := sess.Destroy(step2); err != nil {
		return err
	}
	sum.SessionDestroyed = true
	out.step("destroy", "session %d", sess.ID())
	return nil
}

// demoAdminStep lists the sessions through the admin API and checks that
// the demo's session and handle are among them.
func (a *app) demoAdminStep(ctx context.Context, out output, sum *DemoOutput) error {
	adm, err := a.dialAdmin(ctx)
	if err != nil {
		return fmt.Errorf("admin: %w", err)
	}
	defer adm.Close()
	sessions, err := adm.ListSessions(ctx)
	if err != nil {
		return adminHint(fmt.Errorf("admin: %w", err))
	}
	as := &DemoAdmin{Server: core.RedactURL(a.g.adminServer), Sessions: len(sessions), SessionListed: slices.Contains(sessions, sum.SessionID), HandleIDs: []uint64{}}
	sum.Admin = as
	if !as.SessionListed {
		return fmt.Errorf("admin: our session %d is not among the %d listed sessions", sum.SessionID, len(sessions))
	}
	handles, err := adm.ListHandles(ctx, sum.SessionID)
	if err != nil {
		return fmt.Errorf("admin: list_handles: %w", err)
	}
	as.HandleIDs = nonNil(handles)
	if !slices.Contains(handles, sum.HandleID) {
		return fmt.Errorf("admin: our handle %d is not among the handles of session %d", sum.HandleID, sum.SessionID)
	}
	out.step("admin", "%s lists %s; ours (%d) is among them, with handle %d",
		core.RedactURL(a.g.adminServer), plural(len(sessions), "session"), sum.SessionID, sum.HandleID)
	return nil
}

// createDemoRoom creates a temporary room with a random id, of the same
// kind (number or string) as the existing rooms.
func createDemoRoom(ctx context.Context, h *videoroom.Handle, existing []Room) (core.ID, error) {
	stringIDs := len(existing) > 0 && existing[0].Room.IsString()
	var err error
	for range 3 {
		n := 100_000_000 + rand.Uint64N(900_000_000)
		id := core.NumID(n)
		if stringIDs {
			id = core.StrID(strconv.FormatUint(n, 10))
		}
		_, err = h.Create(ctx, videoroom.CreateRequest{Room: id, Description: demoDescription})
		if errors.Is(err, videoroom.ErrRoomExists) {
			continue // taken: try another id
		}
		return id, err
	}
	return core.ID{}, err
}
