package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gojanus/gojanus/core"
)

const (
	videoroomPlugin = "janus.plugin.videoroom"
	demoDescription = "gojanus demo"
	// videoroomErrRoomExists is the VideoRoom error code for a room id
	// that is taken.
	videoroomErrRoomExists = 427
	// cleanupTimeout bounds the clean-up requests after a failure.
	cleanupTimeout = 3 * time.Second
)

// demoFlags are the flags of "gojanus demo" beyond the common ones.
type demoFlags struct {
	adminServer string
	adminSecret string
	media       bool
	source      string
	mediaFor    time.Duration
	mf          mediaFlags
}

// demoSummary is the JSON output of "gojanus demo".
type demoSummary struct {
	OK               bool          `json:"ok"`
	Error            string        `json:"error,omitempty"`
	Server           string        `json:"server"`
	Transport        string        `json:"transport"`
	Version          string        `json:"version,omitempty"`
	Plugins          []string      `json:"plugins,omitempty"`
	Session          uint64        `json:"session,omitempty"`
	Handle           uint64        `json:"handle,omitempty"`
	Admin            *adminSummary `json:"admin,omitempty"`
	Rooms            []room        `json:"rooms"`
	CreatedRoom      *room         `json:"created_room,omitempty"`
	RoomsWithCreated []room        `json:"rooms_with_created,omitempty"`
	RoomDestroyed    bool          `json:"room_destroyed"`
	Media            *mediaSummary `json:"media,omitempty"`
	Detached         bool          `json:"detached"`
	SessionDestroyed bool          `json:"session_destroyed"`
	ElapsedMS        int64         `json:"elapsed_ms"`
}

// adminSummary is what the demo saw through the admin API.
type adminSummary struct {
	Server        string   `json:"server"`
	Sessions      int      `json:"sessions"`
	SessionListed bool     `json:"session_listed"`
	Handles       []uint64 `json:"handles"`
}

// room is one VideoRoom room as the demo shows it.
type room struct {
	Room          roomID `json:"room"`
	Description   string `json:"description"`
	Publishers    int    `json:"publishers"`
	MaxPublishers int    `json:"max_publishers"`
}

// roomID is a VideoRoom room id: a number, or a string when the plugin runs
// with string_ids.
type roomID struct {
	num      uint64
	str      string
	isString bool
}

func (r roomID) String() string {
	if r.isString {
		return r.str
	}
	return strconv.FormatUint(r.num, 10)
}

// value is the id as it goes into a request.
// id converts the room id for the typed plugin API.
func (r roomID) id() core.ID {
	if r.isString {
		return core.StrID(r.str)
	}
	return core.NumID(r.num)
}

func (r roomID) value() any {
	if r.isString {
		return r.str
	}
	return r.num
}

// compare orders numbers numerically, before strings.
func (r roomID) compare(o roomID) int {
	if r.isString != o.isString {
		if r.isString {
			return 1
		}
		return -1
	}
	if r.isString {
		return strings.Compare(r.str, o.str)
	}
	return cmp.Compare(r.num, o.num)
}

func (r roomID) MarshalJSON() ([]byte, error) { return json.Marshal(r.value()) }

func (r *roomID) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		r.isString = true
		return json.Unmarshal(b, &r.str)
	}
	r.isString = false
	return json.Unmarshal(b, &r.num)
}

func setupDemo(fs *flag.FlagSet, common *commonFlags) func(context.Context, output) error {
	df := &demoFlags{}
	fs.StringVar(&df.adminServer, "admin-server", "", "admin API `URL` (ws://127.0.0.1:7188 or http://127.0.0.1:7088/admin); when set, the demo also lists the sessions through the admin API")
	fs.StringVar(&df.adminSecret, "admin-secret", "", "admin API `secret` (admin_secret), used with --admin-server")
	fs.BoolVar(&df.media, "media", false, "also publish media into the temporary room and receive it with a subscriber (needs a path for ICE between this machine and Janus)")
	fs.StringVar(&df.source, "source", "test", "media `source` for --media (see gojanus help publish)")
	fs.DurationVar(&df.mediaFor, "media-duration", 4*time.Second, "how long --media sends")
	df.mf.register(fs)
	common.extra = &df.mediaFor
	return func(ctx context.Context, out output) error {
		if df.adminSecret != "" && df.adminServer == "" {
			return errors.New("--admin-secret needs --admin-server")
		}
		start := time.Now()
		sum := &demoSummary{Server: common.server, Transport: transportName(common.server), Rooms: []room{}}
		err := runDemo(ctx, common, df, out, sum)
		sum.ElapsedMS = time.Since(start).Milliseconds()
		if out.json {
			sum.OK = err == nil
			if err != nil {
				sum.Error = err.Error()
			}
			if jerr := out.writeJSON(sum); jerr != nil && err == nil {
				err = jerr
			}
		} else if err == nil {
			out.linef("demo ok in %s", time.Since(start).Round(time.Millisecond))
		}
		return err
	}
}

// runDemo runs the steps of the demo, printing one line per step and filling
// sum. On failure it still destroys what it created.
func runDemo(ctx context.Context, common *commonFlags, df *demoFlags, out output, sum *demoSummary) (err error) {
	cleanupCtx := func() (context.Context, context.CancelFunc) {
		return context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	}

	// Connect.
	client, err := common.dial(ctx, out.stderr)
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
	info, err := client.Info(ctx)
	if err != nil {
		return err
	}
	out.step("connect", "%s (%s)", common.server, transportLabel(sum.Transport))
	plugins := modules(info.Plugins)
	sum.Version = info.VersionString
	sum.Plugins = packageNames(plugins)
	out.step("server", "%s %s, %d plugins", info.Name, info.VersionString, len(plugins))
	out.step("plugins", "%s", strings.Join(sum.Plugins, ", "))
	if !info.HasPlugin(videoroomPlugin) {
		return fmt.Errorf("the server has no %s plugin", videoroomPlugin)
	}

	// Session.
	sess, err := client.CreateSession(ctx)
	if err != nil {
		return err
	}
	sum.Session = sess.ID()
	defer func() {
		if sum.SessionDestroyed {
			return
		}
		cctx, cancel := cleanupCtx()
		defer cancel()
		_ = sess.Destroy(cctx)
	}()
	out.step("session", "created %d", sess.ID())

	// Handle.
	h, err := sess.Attach(ctx, videoroomPlugin, core.WithOpaqueID("gojanus-demo"))
	if err != nil {
		return fmt.Errorf("%s: %w", videoroomPlugin, err)
	}
	sum.Handle = h.ID()
	out.step("attach", "%s, handle %d", videoroomPlugin, h.ID())

	// Admin API, while the session is live.
	if df.adminServer != "" {
		if err := demoAdmin(ctx, common, df, out, sum); err != nil {
			return err
		}
	}

	// Rooms.
	rooms, err := listRooms(ctx, h)
	if err != nil {
		return err
	}
	sum.Rooms = rooms
	printRooms(out, rooms, nil)

	// A temporary room.
	created, err := createRoom(ctx, h, rooms)
	if err != nil {
		return err
	}
	sum.CreatedRoom = &room{Room: created, Description: demoDescription}
	defer func() {
		if sum.RoomDestroyed {
			return
		}
		cctx, cancel := cleanupCtx()
		defer cancel()
		_ = destroyRoom(cctx, h, created)
	}()
	out.step("create room", "%s %q (temporary)", created, demoDescription)

	rooms, err = listRooms(ctx, h)
	if err != nil {
		return err
	}
	sum.RoomsWithCreated = rooms
	i := slices.IndexFunc(rooms, func(r room) bool { return r.Room == created })
	if i < 0 {
		return fmt.Errorf("list: the new room %s is not listed", created)
	}
	sum.CreatedRoom = &rooms[i]
	printRooms(out, rooms, &created)

	if df.media {
		if err := demoMedia(ctx, client, created.id(), df, out, sum); err != nil {
			return err
		}
	}

	if err := destroyRoom(ctx, h, created); err != nil {
		return err
	}
	sum.RoomDestroyed = true
	out.step("destroy room", "%s", created)

	// Tear down.
	if err := h.Detach(ctx); err != nil {
		return err
	}
	sum.Detached = true
	out.step("detach", "handle %d", h.ID())
	if err := sess.Destroy(ctx); err != nil {
		return err
	}
	sum.SessionDestroyed = true
	out.step("destroy", "session %d", sess.ID())
	return nil
}

// demoAdmin lists the sessions through the admin API and checks that the
// demo's session and handle are among them.
func demoAdmin(ctx context.Context, common *commonFlags, df *demoFlags, out output, sum *demoSummary) error {
	admin, err := core.DialAdmin(ctx, df.adminServer,
		core.WithAdminSecret(df.adminSecret),
		core.WithTransactionTimeout(common.timeout),
		core.WithLogger(slog.New(slog.NewTextHandler(out.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))),
	)
	if err != nil {
		return fmt.Errorf("admin: connect %s: %w", df.adminServer, err)
	}
	defer admin.Close()
	sessions, err := admin.ListSessions(ctx)
	if err != nil {
		return fmt.Errorf("admin: list_sessions: %w", err)
	}
	as := &adminSummary{Server: df.adminServer, Sessions: len(sessions), SessionListed: slices.Contains(sessions, sum.Session), Handles: []uint64{}}
	sum.Admin = as
	if !as.SessionListed {
		return fmt.Errorf("admin: our session %d is not among the %d listed sessions", sum.Session, len(sessions))
	}
	handles, err := admin.ListHandles(ctx, sum.Session)
	if err != nil {
		return fmt.Errorf("admin: list_handles: %w", err)
	}
	as.Handles = handles
	if !slices.Contains(handles, sum.Handle) {
		return fmt.Errorf("admin: our handle %d is not among the handles of session %d", sum.Handle, sum.Session)
	}
	out.step("admin", "%s lists %s; ours (%d) is among them, with handle %d",
		df.adminServer, plural(len(sessions), "session"), sum.Session, sum.Handle)
	return nil
}

// videoroomRequest sends a VideoRoom request, checks that the answer's "videoroom"
// member is want and decodes the answer into v (if not nil).
func videoroomRequest(ctx context.Context, h *core.Handle, body map[string]any, want string, v any) error {
	name := fmt.Sprint(body["request"])
	res, err := h.Message(ctx, body)
	if err != nil {
		return fmt.Errorf("videoroom %s: %w", name, err)
	}
	var head struct {
		Videoroom string `json:"videoroom"`
	}
	if err := res.Decode(&head); err != nil {
		return fmt.Errorf("videoroom %s: %w", name, err)
	}
	if head.Videoroom != want {
		return fmt.Errorf("videoroom %s: unexpected answer %q (want %q)", name, head.Videoroom, want)
	}
	if v != nil {
		if err := res.Decode(v); err != nil {
			return fmt.Errorf("videoroom %s: %w", name, err)
		}
	}
	return nil
}

func listRooms(ctx context.Context, h *core.Handle) ([]room, error) {
	var ans struct {
		List []struct {
			Room            roomID `json:"room"`
			Description     string `json:"description"`
			NumParticipants int    `json:"num_participants"`
			MaxPublishers   int    `json:"max_publishers"`
		} `json:"list"`
	}
	if err := videoroomRequest(ctx, h, map[string]any{"request": "list"}, "success", &ans); err != nil {
		return nil, err
	}
	rooms := make([]room, 0, len(ans.List))
	for _, r := range ans.List {
		rooms = append(rooms, room{Room: r.Room, Description: r.Description, Publishers: r.NumParticipants, MaxPublishers: r.MaxPublishers})
	}
	slices.SortFunc(rooms, func(a, b room) int { return a.Room.compare(b.Room) })
	return rooms, nil
}

// createRoom creates a temporary room with a random id, of the same kind
// (number or string) as the existing rooms.
func createRoom(ctx context.Context, h *core.Handle, existing []room) (roomID, error) {
	stringIDs := len(existing) > 0 && existing[0].Room.isString
	var err error
	for range 3 {
		n := 100_000_000 + rand.Uint64N(900_000_000)
		id := roomID{num: n}
		if stringIDs {
			id = roomID{str: strconv.FormatUint(n, 10), isString: true}
		}
		err = videoroomRequest(ctx, h, map[string]any{
			"request":     "create",
			"room":        id.value(),
			"description": demoDescription,
			"permanent":   false,
		}, "created", nil)
		var pe *core.PluginError
		if errors.As(err, &pe) && pe.Code == videoroomErrRoomExists {
			continue // taken: try another id
		}
		return id, err
	}
	return roomID{}, err
}

func destroyRoom(ctx context.Context, h *core.Handle, id roomID) error {
	return videoroomRequest(ctx, h, map[string]any{"request": "destroy", "room": id.value(), "permanent": false}, "destroyed", nil)
}

// printRooms prints the room list, marking the room ours if not nil.
func printRooms(out output, rooms []room, ours *roomID) {
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
		out.step("", "  %-*s  %-20q publishers %d/%d%s", width, r.Room, r.Description, r.Publishers, r.MaxPublishers, mark)
	}
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
