package hostile

import (
	"encoding/json"
	"fmt"
)

// Request is one request the server received.
type Request struct {
	// Janus is the request type ("create", "attach", "message", ...).
	Janus string
	// Transaction is the request's transaction id.
	Transaction string
	// Session and Handle are the ids the request addresses: from its body
	// over WebSocket, from the URL path over HTTP (0 when absent).
	Session, Handle uint64
	// Body is the whole request.
	Body []byte
	// HTTP is true for a request that came over HTTP.
	HTTP bool
	// root: a POST to /janus itself (no session in the path).
	root bool
}

// parseRequest decodes a request's body; session and handle, when not 0,
// come from an HTTP path and win over the body's.
func parseRequest(body []byte, session, handle uint64, http bool) (Request, error) {
	var m struct {
		Janus       string `json:"janus"`
		Transaction string `json:"transaction"`
		Session     uint64 `json:"session_id"`
		Handle      uint64 `json:"handle_id"`
	}
	if err := json.Unmarshal(body, &m); err != nil {
		return Request{}, err
	}
	r := Request{Janus: m.Janus, Transaction: m.Transaction, Session: m.Session, Handle: m.Handle, Body: body, HTTP: http}
	if http {
		r.Session, r.Handle, r.root = session, handle, session == 0
	}
	return r, nil
}

// Success is the success answer to r, with data when it is not nil.
func (r Request) Success(data any) Frame {
	m := r.answer("success")
	if data != nil {
		m["data"] = data
	}
	return JSON(m)
}

// Ack is the ack answer to r.
func (r Request) Ack() Frame { return JSON(r.answer("ack")) }

// Error is the error answer to r with a Janus error code.
func (r Request) Error(code int, reason string) Frame {
	m := r.answer("error")
	m["error"] = map[string]any{"code": code, "reason": reason}
	return JSON(m)
}

// Event is the plugin event that answers r (a message to a handle),
// carrying data and r's transaction.
func (r Request) Event(data any) Frame { return Event(r.Session, r.Handle, r.Transaction, data) }

func (r Request) answer(janus string) map[string]any {
	m := map[string]any{"janus": janus, "transaction": r.Transaction}
	if r.Session != 0 {
		m["session_id"] = r.Session
	}
	return m
}

// Janus error codes the server answers with.
const (
	codeUnknownRequest = 453
	codeInvalidJSON    = 454
	codeInvalidPath    = 457
	codeNoSession      = 458
	codeNoHandle       = 459
)

// session is a session the server created.
type session struct {
	id      uint64
	handles map[uint64]bool
	// ws is the WebSocket that created or last claimed the session; nil
	// over HTTP, where events wait in queue for the session's polls.
	ws    *wsConn
	queue *eventQueue
}

// protocol answers r as Janus would. via is the WebSocket r came on (nil
// over HTTP). s.mu is held.
func (s *Server) protocol(r Request, via *wsConn) Reply {
	if r.HTTP && r.root != (r.Janus == "info" || r.Janus == "create") {
		return Reply{Answer: r.Error(codeInvalidPath, fmt.Sprintf("Unhandled request '%s' at this path", r.Janus))}
	}
	switch r.Janus {
	case "info":
		return Reply{Answer: JSON(map[string]any{
			"janus": "server_info", "transaction": r.Transaction, "name": "hostile",
			"version": 1, "version_string": "0.0.1",
			"plugins": map[string]any{Plugin: map[string]any{"name": "EchoTest"}},
		})}
	case "create":
		s.nextID++
		id := s.nextID
		s.sessions[id] = &session{id: id, handles: make(map[uint64]bool), ws: via, queue: newEventQueue()}
		return Reply{Answer: r.Success(map[string]any{"id": id})}
	}
	sess := s.sessions[r.Session]
	if sess == nil {
		return Reply{Answer: r.Error(codeNoSession, fmt.Sprintf("No such session %d", r.Session))}
	}
	switch r.Janus {
	case "keepalive":
		return Reply{Answer: r.Ack()}
	case "claim":
		sess.ws = via
		return Reply{Answer: r.Success(nil)}
	case "destroy":
		delete(s.sessions, r.Session)
		sess.queue.close()
		return Reply{Answer: r.Success(nil)}
	case "attach":
		s.nextID++
		sess.handles[s.nextID] = true
		return Reply{Answer: r.Success(map[string]any{"id": s.nextID})}
	}
	if !sess.handles[r.Handle] {
		return Reply{Answer: r.Error(codeNoHandle, fmt.Sprintf("No such handle %d in session %d", r.Handle, r.Session))}
	}
	switch r.Janus {
	case "message":
		// The plugin's answer echoes the request's body.
		var m struct {
			Body json.RawMessage `json:"body"`
		}
		_ = json.Unmarshal(r.Body, &m)
		return Reply{Answer: r.Ack(), Events: []Frame{r.Event(map[string]any{"result": "ok", "echo": m.Body})}}
	case "trickle":
		return Reply{Answer: r.Ack()}
	case "hangup":
		return Reply{Answer: r.Success(nil)}
	case "detach":
		delete(sess.handles, r.Handle)
		return Reply{Answer: r.Success(nil)}
	}
	return Reply{Answer: r.Error(codeUnknownRequest, "Unknown request '"+r.Janus+"'")}
}
