package native

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/pion/webrtc/v4"

	"github.com/gojanus/gojanus/core"
)

// The errors of a WHIP or WHEP endpoint or resource, matched by a
// *WHIPError's status: errors.Is(err, native.ErrWHIPUnauthorized).
var (
	// ErrWHIPUnauthorized is a 401: no token, or one that is wrong or
	// expired (RFC 9725 and RFC 6750; the server's WWW-Authenticate says
	// error="invalid_token" for the latter).
	ErrWHIPUnauthorized = errors.New("native: whip: unauthorized")
	// ErrWHIPForbidden is a 403: the token is good but the client may not
	// do this (not allowed on this endpoint, a room PIN or token the media
	// server refuses).
	ErrWHIPForbidden = errors.New("native: whip: forbidden")
	// ErrWHIPNotFound is a 404: no such endpoint or resource (a resource
	// the server already tore down).
	ErrWHIPNotFound = errors.New("native: whip: not found")
	// ErrWHIPNotSupported is a 405 or 501: the server does not do this
	// request (most often a PATCH: no trickle, no ICE restart).
	ErrWHIPNotSupported = errors.New("native: whip: not supported by the server")
	// ErrWHIPConflict is a 409 or 412: the resource is in another state,
	// or its ETag changed (If-Match failed).
	ErrWHIPConflict = errors.New("native: whip: conflict")
	// ErrWHIPServer is a 5xx: the server failed.
	ErrWHIPServer = errors.New("native: whip: server error")
	// ErrWHIPNoConnection is a PeerConnection that failed (ICE or DTLS)
	// before it connected.
	ErrWHIPNoConnection = errors.New("native: whip: the PeerConnection failed before connecting (ICE or DTLS)")
)

// WHIPError is an HTTP request of the WHIP or WHEP client that the server
// refused (a status other than 2xx) or answered with something unusable
// (BadAnswer: no Location, no SDP). It matches the ErrWHIP sentinel of
// its status, and core.ErrBadAnswer when BadAnswer is set.
type WHIPError struct {
	// Protocol is "whip" or "whep".
	Protocol string
	// Method is the HTTP method: POST, PATCH or DELETE.
	Method string
	// URL is the endpoint or resource, as core.RedactURL shows it.
	URL string
	// Status is the HTTP status code.
	Status int
	// Reason is the server's text (the response body, shortened), or
	// what was wrong with its answer.
	Reason string
	// BadAnswer is set when the status was a success but the answer
	// could not be used.
	BadAnswer bool
}

// Error formats the error as "native: whip: POST URL: 401 Unauthorized:
// reason".
func (e *WHIPError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "native: %s: %s %s: ", e.Protocol, e.Method, e.URL)
	if e.BadAnswer {
		fmt.Fprintf(&b, "unusable answer (%d)", e.Status)
	} else {
		fmt.Fprintf(&b, "%d %s", e.Status, http.StatusText(e.Status))
	}
	if e.Reason != "" {
		b.WriteString(": " + e.Reason)
	}
	return b.String()
}

// Is matches the ErrWHIP sentinel of the status, and core.ErrBadAnswer.
func (e *WHIPError) Is(target error) bool {
	if e.BadAnswer {
		return target == core.ErrBadAnswer
	}
	switch target {
	case ErrWHIPUnauthorized:
		return e.Status == http.StatusUnauthorized
	case ErrWHIPForbidden:
		return e.Status == http.StatusForbidden
	case ErrWHIPNotFound:
		return e.Status == http.StatusNotFound
	case ErrWHIPNotSupported:
		return e.Status == http.StatusMethodNotAllowed || e.Status == http.StatusNotImplemented
	case ErrWHIPConflict:
		return e.Status == http.StatusConflict || e.Status == http.StatusPreconditionFailed
	case ErrWHIPServer:
		return e.Status >= 500 && e.Status != http.StatusNotImplemented
	}
	return false
}

// The media types of WHIP and WHEP bodies.
const (
	sdpType     = "application/sdp"
	sdpFragType = "application/trickle-ice-sdpfrag"
)

// maxAnswer bounds the bodies read from the server.
const maxAnswer = 1 << 20

// whipResource is the HTTP side shared by WHIP and WHEP: the endpoint
// and, once created, the resource, its ETag and the ICE servers of the
// Link headers.
type whipResource struct {
	proto    string // "whip" or "whep"
	client   *http.Client
	token    string
	endpoint string
	location string // absolute, set by create
}

// whipReply is a successful answer.
type whipReply struct {
	status int
	header http.Header
	body   []byte
	url    *url.URL // the URL that answered, after redirects
}

// do sends one request and returns its successful answer, or a
// *WHIPError, or the transport's error (ctx's among them).
func (r *whipResource) do(ctx context.Context, method, target, ctype string, body []byte, ifMatch string) (*whipReply, error) {
	req, err := http.NewRequestWithContext(ctx, method, target, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("native: %s: %s %s: %w", r.proto, method, core.RedactURL(target), err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if method == http.MethodPost {
		req.Header.Set("Accept", sdpType)
	}
	if r.token != "" {
		req.Header.Set("Authorization", "Bearer "+r.token)
	}
	if ifMatch != "" {
		req.Header.Set("If-Match", ifMatch)
	}
	resp, err := r.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its message quotes the URL with its query
		}
		return nil, fmt.Errorf("native: %s: %s %s: %w", r.proto, method, core.RedactURL(target), err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return nil, fmt.Errorf("native: %s: %s %s: reading the answer: %w", r.proto, method, core.RedactURL(target), err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, &WHIPError{Protocol: r.proto, Method: method, URL: core.RedactURL(target), Status: resp.StatusCode, Reason: reasonOf(data)}
	}
	return &whipReply{status: resp.StatusCode, header: resp.Header, body: data, url: resp.Request.URL}, nil
}

// bad is a *WHIPError for an unusable successful answer.
func (r *whipResource) bad(method, target string, status int, format string, args ...any) error {
	return &WHIPError{Protocol: r.proto, Method: method, URL: core.RedactURL(target), Status: status,
		Reason: fmt.Sprintf(format, args...), BadAnswer: true}
}

// reasonOf shortens a refusal's body to one line of text.
func reasonOf(body []byte) string {
	s := strings.Join(strings.Fields(string(body)), " ")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// create POSTs sdp (an offer, or nothing to ask for the server's offer)
// to the endpoint. It checks the answer (201 or another 2xx, a Location,
// an SDP body), remembers the resource's absolute URL, and returns the
// SDP, the ETag and the ICE servers of the Link headers.
func (r *whipResource) create(ctx context.Context, sdp string) (answer, etag string, servers []webrtc.ICEServer, err error) {
	rep, err := r.do(ctx, http.MethodPost, r.endpoint, sdpType, []byte(sdp), "")
	if err != nil {
		return "", "", nil, err
	}
	loc := rep.header.Get("Location")
	if loc == "" {
		return "", "", nil, r.bad(http.MethodPost, r.endpoint, rep.status, "no Location header")
	}
	abs, err := rep.url.Parse(loc)
	if err != nil {
		return "", "", nil, r.bad(http.MethodPost, r.endpoint, rep.status, "bad Location %q", loc)
	}
	r.location = abs.String()
	answer = string(rep.body)
	if !strings.HasPrefix(strings.TrimSpace(answer), "v=0") {
		return "", "", nil, r.bad(http.MethodPost, r.endpoint, rep.status, "the body is not SDP (Content-Type %q)", rep.header.Get("Content-Type"))
	}
	return answer, rep.header.Get("ETag"), parseICEServers(rep.header.Values("Link")), nil
}

// patch sends a PATCH to the resource.
func (r *whipResource) patch(ctx context.Context, ctype, body, ifMatch string) (*whipReply, error) {
	return r.do(ctx, http.MethodPatch, r.location, ctype, []byte(body), ifMatch)
}

// remove DELETEs the resource.
func (r *whipResource) remove(ctx context.Context) error {
	_, err := r.do(ctx, http.MethodDelete, r.location, "", nil, "")
	return err
}

// parseICEServers reads the STUN and TURN servers of Link header values
// (RFC 9725 section 4.6): each link with rel="ice-server", its URL
// between angle brackets, with the optional username and credential
// parameters. Links with other relations are ignored.
func parseICEServers(values []string) []webrtc.ICEServer {
	var out []webrtc.ICEServer
	for _, v := range values {
		for _, link := range splitOutsideQuotes(v, ',') {
			link = strings.TrimSpace(link)
			if !strings.HasPrefix(link, "<") {
				continue
			}
			end := strings.IndexByte(link, '>')
			if end < 0 {
				continue
			}
			srv := webrtc.ICEServer{URLs: []string{link[1:end]}}
			ice := false
			for _, param := range splitOutsideQuotes(link[end+1:], ';') {
				k, v, _ := strings.Cut(strings.TrimSpace(param), "=")
				v = strings.TrimSpace(v)
				if uq, err := strconv.Unquote(v); err == nil {
					v = uq
				}
				switch strings.ToLower(strings.TrimSpace(k)) {
				case "rel":
					for _, rel := range strings.Fields(v) {
						ice = ice || strings.EqualFold(rel, "ice-server")
					}
				case "username":
					srv.Username = v
				case "credential":
					srv.Credential = v
				}
			}
			if ice {
				out = append(out, srv)
			}
		}
	}
	return out
}

// splitOutsideQuotes splits s at sep, except inside double quotes.
func splitOutsideQuotes(s string, sep byte) []string {
	var parts []string
	quoted, start := false, 0
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\' && quoted:
			i++
		case s[i] == '"':
			quoted = !quoted
		case s[i] == sep && !quoted:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}
