package hostile

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// serveHTTP answers the HTTP transport's requests: POSTed requests at
// /janus[/session[/handle]] and long polls GET /janus/session.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	session, handle, ok := parsePath(r.URL.Path)
	switch {
	case !ok:
		http.NotFound(w, r)
	case r.Method == http.MethodPost:
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			return
		}
		req, err := parseRequest(body, session, handle, true)
		if err != nil {
			writeHTTP(w, Request{}.Error(codeInvalidJSON, "JSON error"))
			return
		}
		rep := s.reply(req, nil)
		if len(rep.Events) > 0 {
			s.queueEvents(req.Session, rep.Events)
		}
		writeHTTP(w, rep.Answer)
	case r.Method == http.MethodGet && session != 0 && handle == 0:
		s.poll(w, r, session)
	default:
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

// parsePath splits /janus[/session[/handle]].
func parsePath(p string) (session, handle uint64, ok bool) {
	parts := strings.Split(strings.Trim(p, "/"), "/")
	if parts[0] != "janus" || len(parts) > 3 {
		return 0, 0, false
	}
	ids := make([]uint64, 2)
	for i, part := range parts[1:] {
		id, err := strconv.ParseUint(part, 10, 64)
		if err != nil || id == 0 {
			return 0, 0, false
		}
		ids[i] = id
	}
	return ids[0], ids[1], true
}

// queueEvents queues the events of a reply for the session's polls (they
// are dropped when the server does not know the session).
func (s *Server) queueEvents(session uint64, events []Frame) {
	s.mu.Lock()
	sess := s.sessions[session]
	s.mu.Unlock()
	if sess == nil {
		return
	}
	items := make([]queued, len(events))
	for i, f := range events {
		items[i] = queued{f: f}
	}
	sess.queue.push(items...)
}

// poll answers one long poll of session: HTTP 404 when the server does
// not know the session (as Janus 1.1.2 does), else its queued events or,
// after pollTimeout, a keepalive.
func (s *Server) poll(w http.ResponseWriter, r *http.Request, id uint64) {
	s.mu.Lock()
	sess := s.sessions[id]
	s.mu.Unlock()
	if sess == nil {
		http.NotFound(w, r)
		return
	}
	maxev, _ := strconv.Atoi(r.URL.Query().Get("maxev"))
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	stop := context.AfterFunc(s.ctx, cancel)
	defer stop()
	f, ok := sess.queue.take(ctx, maxev)
	switch {
	case ok:
		writeHTTP(w, f)
	case ctx.Err() == nil: // destroyed while the poll waited
		http.NotFound(w, r)
	}
}

// writeHTTP sends f as the body of a 200 answer.
func writeHTTP(w http.ResponseWriter, f Frame) {
	ct := "application/json"
	if f.Binary {
		ct = "application/octet-stream"
	}
	if f.Cut {
		cutHTTP(w, f, ct)
		return
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Length", strconv.Itoa(len(f.Body)))
	_, _ = w.Write(f.Body)
}

// cutHTTP takes over the connection and writes the answer's headers with
// the whole Content-Length and half of its body, then closes it.
func cutHTTP(w http.ResponseWriter, f Frame, contentType string) {
	conn, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	_, _ = fmt.Fprintf(brw, "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n", contentType, len(f.Body))
	_, _ = brw.Write(f.Body[:len(f.Body)/2])
	_ = brw.Flush()
}
