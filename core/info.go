package core

import (
	"encoding/json"
)

// ServerInfo is the server's answer to "info": its version, settings and
// the transports and plugins it loaded.
type ServerInfo struct {
	Name                  string `json:"name"`
	Version               int    `json:"version"`
	VersionString         string `json:"version_string"`
	Author                string `json:"author"`
	CommitHash            string `json:"commit-hash"`
	CompileTime           string `json:"compile-time"`
	ServerName            string `json:"server-name"`
	LocalIP               string `json:"local-ip"`
	DataChannels          bool   `json:"data_channels"`
	AcceptingNewSessions  bool   `json:"accepting-new-sessions"`
	SessionTimeout        int    `json:"session-timeout"`
	ReclaimSessionTimeout int    `json:"reclaim-session-timeout"`
	CandidatesTimeout     int    `json:"candidates-timeout"`
	IPv6                  bool   `json:"ipv6"`
	ICELite               bool   `json:"ice-lite"`
	ICETCP                bool   `json:"ice-tcp"`
	FullTrickle           bool   `json:"full-trickle"`
	MDNSEnabled           bool   `json:"mdns-enabled"`
	APISecret             bool   `json:"api_secret"`
	AuthToken             bool   `json:"auth_token"`
	EventHandlers         bool   `json:"event_handlers"`
	OpaqueIDInAPI         bool   `json:"opaqueid_in_api"`
	// Transports, Plugins, Events and Loggers map package names
	// ("janus.plugin.videoroom") to their descriptions.
	Transports map[string]ModuleInfo `json:"transports"`
	Plugins    map[string]ModuleInfo `json:"plugins"`
	Events     map[string]ModuleInfo `json:"events"`
	Loggers    map[string]ModuleInfo `json:"loggers"`
	// Dependencies maps library names to their versions.
	Dependencies map[string]string `json:"dependencies"`
	// Raw is the complete answer, for fields not listed here.
	Raw json.RawMessage `json:"-"`
}

// ModuleInfo describes a loaded transport, plugin, event handler or logger.
type ModuleInfo struct {
	Name          string `json:"name"`
	Author        string `json:"author"`
	Description   string `json:"description"`
	VersionString string `json:"version_string"`
	Version       int    `json:"version"`
}

// HasPlugin reports whether the server loaded the plugin (package name,
// e.g. "janus.plugin.videoroom").
func (i *ServerInfo) HasPlugin(name string) bool {
	_, ok := i.Plugins[name]
	return ok
}

func decodeServerInfo(raw []byte) (*ServerInfo, error) {
	info := new(ServerInfo)
	if err := json.Unmarshal(raw, info); err != nil {
		return nil, errorf("janus: info: %w: %w", ErrBadAnswer, err)
	}
	info.Raw = append(json.RawMessage(nil), raw...)
	return info, nil
}
