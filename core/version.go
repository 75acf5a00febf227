package core

import (
	"context"
	"errors"
	"strconv"
)

// Version is a Janus version as the server numbers it in its info answer:
// 1401 for 1.4.1, 1102 for 1.1.2 (major×1000 + minor×100 + patch).
type Version int

// V returns the Version of major.minor.patch: V(1, 4, 1) is 1401.
func V(major, minor, patch int) Version { return Version(major*1000 + minor*100 + patch) }

// String formats v as "1.4.1".
func (v Version) String() string {
	return strconv.Itoa(int(v)/1000) + "." + strconv.Itoa(int(v)%1000/100) + "." + strconv.Itoa(int(v)%100)
}

// VersionSource is what can tell the version of the Janus it talks to:
// *Client and *Admin.
type VersionSource interface {
	ServerVersion(ctx context.Context) (Version, error)
}

// ErrUnsupported matches the errors of features the server is too old
// for (*UnsupportedError).
var ErrUnsupported = errors.New("janus: not supported by this server version")

// UnsupportedError is a request that uses a feature added to Janus after
// the version of the server it would go to. It fails locally, before
// anything is sent: older servers ignore the options they do not know,
// so sending it would not fail but silently do less.
type UnsupportedError struct {
	// Feature names what was asked for: "audiobridge suspend",
	// "videoroom join metadata".
	Feature string
	// Since is the first Janus version that has it.
	Since Version
	// Server is the version of the server.
	Server Version
}

// Error says what needs which version: "janus: audiobridge suspend needs
// Janus 1.2.2 or later (the server is 1.1.2)".
func (e *UnsupportedError) Error() string {
	return "janus: " + e.Feature + " needs Janus " + e.Since.String() + " or later (the server is " + e.Server.String() + ")"
}

// Is makes errors.Is(err, ErrUnsupported) true.
func (e *UnsupportedError) Is(target error) bool { return target == ErrUnsupported }

// Require returns nil when the server src talks to is at least version
// since, a *UnsupportedError naming feature when it is older, and the
// error of asking when its version cannot be learnt. The version is asked
// once per connection (see Client.ServerVersion).
func Require(ctx context.Context, src VersionSource, feature string, since Version) error {
	v, err := src.ServerVersion(ctx)
	if err != nil {
		return err
	}
	if v < since {
		return &UnsupportedError{Feature: feature, Since: since, Server: v}
	}
	return nil
}

// ServerVersion returns the version of the Janus the client is connected
// to. It asks with Info the first time on each connection (a reconnect may
// reach another server of a DialServers list) and remembers the answer.
func (c *Client) ServerVersion(ctx context.Context) (Version, error) {
	e := c.current()
	if e != nil {
		if v := e.serverVersion.Load(); v != 0 {
			return Version(v), nil
		}
	}
	info, err := c.Info(ctx)
	if err != nil {
		return 0, err
	}
	if e != nil && e == c.current() {
		e.serverVersion.Store(int64(info.Version))
	}
	return Version(info.Version), nil
}

// ServerVersion returns the version of the Janus the admin client talks
// to, asked with Info once per connection (as Client.ServerVersion).
func (a *Admin) ServerVersion(ctx context.Context) (Version, error) {
	e := a.e
	if v := e.serverVersion.Load(); v != 0 {
		return Version(v), nil
	}
	info, err := a.Info(ctx)
	if err != nil {
		return 0, err
	}
	e.serverVersion.Store(int64(info.Version))
	return Version(info.Version), nil
}
