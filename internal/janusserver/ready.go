package janusserver

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// Subprotocols the Janus WebSocket transport insists on.
const (
	WSProtocol      = "janus-protocol"
	AdminWSProtocol = "janus-admin-protocol"
)

// checkTimeout bounds one readiness request. Janus answers within
// milliseconds; a listener that does not is retried on the next round, after
// the log has been checked for failures again.
const checkTimeout = 500 * time.Millisecond

// waitReady polls until every listener answers as this server. retry reports
// whether the failure looks like a port taken by another process.
func (s *Server) waitReady(ctx context.Context) (retry bool, err error) {
	client := &http.Client{
		Transport: &http.Transport{DisableKeepAlives: true},
		Timeout:   checkTimeout,
	}
	defer client.CloseIdleConnections()

	checks := []struct {
		name string
		fn   func(context.Context) error
		ok   bool
	}{
		{name: "HTTP " + s.HTTPURL + "/info", fn: func(ctx context.Context) error { return s.checkInfo(ctx, client) }},
		{name: "admin HTTP " + s.AdminHTTPURL, fn: func(ctx context.Context) error { return s.checkAdmin(ctx, client) }},
		{name: "WebSocket " + s.WSURL, fn: func(ctx context.Context) error { return checkWS(ctx, s.WSURL, WSProtocol) }},
		{name: "admin WebSocket " + s.AdminWSURL, fn: func(ctx context.Context) error { return checkWS(ctx, s.AdminWSURL, AdminWSProtocol) }},
	}
	var lastErr error
	delay := 10 * time.Millisecond
	for {
		// A [FATAL] line at startup means a listener (or something else)
		// failed; Janus may keep running without it.
		if line := fatalLine(s.readLog()); line != "" {
			return isBindFailure(line), fmt.Errorf("janus reported: %s", line)
		}
		select {
		case <-s.done:
			line := fatalLine(s.readLog())
			return isBindFailure(line), fmt.Errorf("janus exited during startup: %v", s.waitErr)
		default:
		}

		pending := 0
		for i := range checks {
			c := &checks[i]
			if c.ok {
				continue
			}
			if err := c.fn(ctx); err != nil {
				lastErr = fmt.Errorf("%s: %w", c.name, err)
				pending++
				continue
			}
			c.ok = true
		}
		if pending == 0 {
			return false, nil
		}

		select {
		case <-ctx.Done():
			return true, fmt.Errorf("janus not ready: %w (last: %v)", ctx.Err(), lastErr)
		case <-s.done:
		case <-time.After(delay):
		}
		if delay < 100*time.Millisecond {
			delay += delay / 2
		}
	}
}

// fatalLine returns the first [FATAL] line of a Janus log, if any.
func fatalLine(log string) string {
	for _, line := range strings.Split(log, "\n") {
		if strings.Contains(line, "[FATAL]") {
			return strings.TrimSpace(line)
		}
	}
	return ""
}

// isBindFailure reports whether a Janus log line is about a listener that
// could not be created (typically: the port is taken).
func isBindFailure(line string) bool {
	return strings.Contains(line, "Error creating vhost") || // websockets
		strings.Contains(line, "Couldn't start") || // http, admin http
		strings.Contains(line, "No Janus API transport is available")
}

// checkInfo asks GET /janus/info and verifies that this very server (by its
// unique server-name) answers; it records the version.
func (s *Server) checkInfo(ctx context.Context, client *http.Client) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.HTTPURL+"/info", nil)
	if err != nil {
		return err
	}
	var info struct {
		Janus         string `json:"janus"`
		VersionString string `json:"version_string"`
		ServerName    string `json:"server-name"`
	}
	if err := doJSON(client, req, &info); err != nil {
		return err
	}
	if info.Janus != "server_info" {
		return fmt.Errorf("unexpected answer %q", info.Janus)
	}
	if info.ServerName != s.Name {
		return fmt.Errorf("another server answers (server-name %q, want %q)", info.ServerName, s.Name)
	}
	s.Version = info.VersionString
	return nil
}

// checkAdmin sends an Admin API request that needs the admin secret
// ("ping" does not check it).
func (s *Server) checkAdmin(ctx context.Context, client *http.Client) error {
	body, _ := json.Marshal(map[string]string{
		"janus": "get_status", "transaction": "ready", "admin_secret": s.AdminSecret,
	})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.AdminHTTPURL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	var resp struct {
		Janus string `json:"janus"`
		Error *struct {
			Code   int    `json:"code"`
			Reason string `json:"reason"`
		} `json:"error"`
	}
	if err := doJSON(client, req, &resp); err != nil {
		return err
	}
	if resp.Janus != "success" {
		if resp.Error != nil {
			return fmt.Errorf("error %d: %s", resp.Error.Code, resp.Error.Reason)
		}
		return fmt.Errorf("unexpected answer %q", resp.Janus)
	}
	return nil
}

func doJSON(client *http.Client, req *http.Request, v any) error {
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %s", resp.Status)
	}
	return json.Unmarshal(b, v)
}

// checkWS performs a WebSocket opening handshake with the given subprotocol
// and closes the connection.
func checkWS(ctx context.Context, wsURL, protocol string) error {
	host := strings.TrimPrefix(wsURL, "ws://")
	ctx, cancel := context.WithTimeout(ctx, checkTimeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", host)
	if err != nil {
		return err
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	key := make([]byte, 16)
	_, _ = rand.Read(key)
	req := "GET / HTTP/1.1\r\n" +
		"Host: " + host + "\r\n" +
		"Upgrade: websocket\r\n" +
		"Connection: Upgrade\r\n" +
		"Sec-WebSocket-Key: " + base64.StdEncoding.EncodeToString(key) + "\r\n" +
		"Sec-WebSocket-Version: 13\r\n" +
		"Sec-WebSocket-Protocol: " + protocol + "\r\n\r\n"
	if _, err := io.WriteString(conn, req); err != nil {
		return err
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return err
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusSwitchingProtocols {
		return fmt.Errorf("handshake status %s", resp.Status)
	}
	if got := resp.Header.Get("Sec-WebSocket-Protocol"); got != protocol {
		return errors.New("handshake without subprotocol " + protocol + " (got " + got + ")")
	}
	return nil
}
