//go:build !js

// Package whiptest is a small WHIP and WHEP server for the tests of the
// WHIP and WHEP client (native.WHIPPublish, native.WHEPPlay) and its
// commands: one resource at a time on a pion Peer of its own, written
// from RFC 9725 and the WHEP draft, without Janus. It records what the
// client sends (offers, PATCH bodies and If-Match, DELETEs). Do sends
// the plain requests of the tests of a WHIP server's protocol.
package whiptest

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/pion/webrtc/v4"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/native"
)

// LoopbackPeer is a PeerConfig whose peer gathers (and so reaches)
// candidates on 127.0.0.1 only: a pion peer on each side of loopback.
func LoopbackPeer() native.PeerConfig {
	se := &webrtc.SettingEngine{}
	se.SetIncludeLoopbackCandidate(true)
	se.SetInterfaceFilter(func(name string) bool { return name == "lo" })
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	return native.PeerConfig{SettingEngine: se}
}

// Patch is a PATCH the server received.
type Patch struct {
	IfMatch, ContentType, Body string
}

// Server is the WHIP and WHEP server. Its endpoint is URL(); it makes
// the resource /resource/1 with the ETags "etag-1", "etag-2"...
type Server struct {
	t      testing.TB
	srv    *httptest.Server
	config native.PeerConfig

	// Configuration, set before the first request.

	// Token is the bearer token required, if any.
	Token string
	// PatchStatus refuses every PATCH with this status, if set.
	PatchStatus int
	// Links are the Link header values of the 201.
	Links []string
	// Send gives the tracks to send (WHEP); nil for WHIP.
	Send func() []webrtc.TrackLocal
	// OnTrack gets the tracks received (WHIP).
	OnTrack func(*webrtc.PeerConnection, *webrtc.TrackRemote)
	// ServerOffer selects WHEP's server-offer flow.
	ServerOffer bool

	mu           sync.Mutex
	deleteStatus int // refuse DELETE with this status
	peer         *native.Peer
	etag         string
	etags        int
	offers       []string // the bodies of the POSTs
	patches      []Patch
	deletes      int
	auth         []string
	connected    chan struct{}
}

// New starts a server whose peer has config; it stops with the test.
func New(t testing.TB, config native.PeerConfig) *Server {
	s := &Server{t: t, config: config, connected: make(chan struct{})}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /endpoint", s.post)
	mux.HandleFunc("PATCH /resource/1", s.patch)
	mux.HandleFunc("DELETE /resource/1", s.delete)
	s.srv = httptest.NewServer(mux)
	t.Cleanup(func() {
		s.srv.Close()
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.peer != nil {
			_ = s.peer.Close()
		}
	})
	return s
}

// URL is the endpoint's URL.
func (s *Server) URL() string { return s.srv.URL + "/endpoint" }

// Base is the server's URL, without a path.
func (s *Server) Base() string { return s.srv.URL }

// Client is an HTTP client for the server, released when it stops.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Hangup closes the server's PeerConnection, as a server that ends the
// session on its side.
func (s *Server) Hangup() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.peer != nil {
		_ = s.peer.Close()
	}
}

// RefuseDelete makes DELETE answer status.
func (s *Server) RefuseDelete(status int) {
	s.mu.Lock()
	s.deleteStatus = status
	s.mu.Unlock()
}

// Offers returns the bodies of the POSTs.
func (s *Server) Offers() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.offers...)
}

// Auth returns the Authorization headers of the POSTs.
func (s *Server) Auth() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.auth...)
}

func (s *Server) nextETag() string {
	s.etags++
	s.etag = fmt.Sprintf(`"etag-%d"`, s.etags)
	return s.etag
}

// gathered sets desc as the local description and returns it with every
// candidate.
func gathered(pc *webrtc.PeerConnection, desc webrtc.SessionDescription) (string, error) {
	done := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(desc); err != nil {
		return "", err
	}
	<-done
	return pc.LocalDescription().SDP, nil
}

func (s *Server) post(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.auth = append(s.auth, r.Header.Get("Authorization"))
	if s.Token != "" && r.Header.Get("Authorization") != "Bearer "+s.Token {
		http.Error(w, "bad token", http.StatusUnauthorized)
		return
	}
	body, _ := io.ReadAll(r.Body)
	s.offers = append(s.offers, string(body))
	if r.Header.Get("Content-Type") != "application/sdp" {
		http.Error(w, "not SDP", http.StatusUnsupportedMediaType)
		return
	}
	peer, err := native.NewPeer(s.config)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	s.peer = peer
	pc := peer.PeerConnection()
	peer.OnStateChange(func(st string) {
		if st == "connected" {
			select {
			case <-s.connected:
			default:
				close(s.connected)
			}
		}
	})
	if s.OnTrack != nil {
		pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) { s.OnTrack(pc, tr) })
	}
	if s.Send != nil {
		for _, tr := range s.Send() {
			if _, err := peer.AddTrack(tr); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
		}
	}
	var sdp string
	if s.ServerOffer {
		if len(body) != 0 {
			http.Error(w, "this endpoint makes the offer", http.StatusBadRequest)
			return
		}
		offer, err := pc.CreateOffer(nil)
		if err == nil {
			sdp, err = gathered(pc, offer)
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
	} else {
		if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: string(body)}); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		answer, err := pc.CreateAnswer(nil)
		if err == nil {
			sdp, err = gathered(pc, answer)
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
	}
	w.Header().Set("Location", "/resource/1")
	w.Header().Set("ETag", s.nextETag())
	w.Header().Set("Content-Type", "application/sdp")
	for _, l := range s.Links {
		w.Header().Add("Link", l)
	}
	w.WriteHeader(http.StatusCreated)
	_, _ = io.WriteString(w, sdp)
}

var (
	// UfragRe finds the ICE ufrag of an SDP.
	UfragRe = regexp.MustCompile(`(?m)^a=ice-ufrag:(.*?)\r?$`)
	pwdRe   = regexp.MustCompile(`(?m)^a=ice-pwd:(.*?)\r?$`)
	candRe  = regexp.MustCompile(`(?m)^a=(candidate:.*?)\r?$`)
)

func (s *Server) patch(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	body, _ := io.ReadAll(r.Body)
	s.patches = append(s.patches, Patch{IfMatch: r.Header.Get("If-Match"), ContentType: r.Header.Get("Content-Type"), Body: string(body)})
	if s.PatchStatus != 0 {
		http.Error(w, "no PATCH here", s.PatchStatus)
		return
	}
	if s.Token != "" && r.Header.Get("Authorization") != "Bearer "+s.Token {
		http.Error(w, "bad token", http.StatusUnauthorized)
		return
	}
	pc := s.peer.PeerConnection()
	switch r.Header.Get("Content-Type") {
	case "application/sdp": // the answer of the server-offer flow
		if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: string(body)}); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusNoContent)
		return
	case "application/trickle-ice-sdpfrag":
	default:
		http.Error(w, "bad type", http.StatusUnsupportedMediaType)
		return
	}
	im := r.Header.Get("If-Match")
	if im != "*" && im != s.etag {
		http.Error(w, "stale ETag", http.StatusPreconditionFailed)
		return
	}
	remote := pc.RemoteDescription().SDP
	frag := string(body)
	uf := UfragRe.FindStringSubmatch(frag)
	if uf != nil && uf[1] != UfragRe.FindStringSubmatch(remote)[1] {
		// An ICE restart: the client's new credentials make a new offer.
		pwd := pwdRe.FindStringSubmatch(frag)[1]
		offer := UfragRe.ReplaceAllString(remote, "a=ice-ufrag:"+uf[1]+"\r")
		offer = pwdRe.ReplaceAllString(offer, "a=ice-pwd:"+pwd+"\r")
		offer = candRe.ReplaceAllString(offer, "")
		offer = regexp.MustCompile(`(?m)^\r?\n`).ReplaceAllString(offer, "")
		if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: offer}); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		answer, err := pc.CreateAnswer(nil)
		var sdp string
		if err == nil {
			sdp, err = gathered(pc, answer)
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		for _, c := range candRe.FindAllStringSubmatch(frag, -1) {
			_ = pc.AddICECandidate(webrtc.ICECandidateInit{Candidate: c[1]})
		}
		var out strings.Builder
		out.WriteString("a=ice-options:trickle ice2\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\n")
		fmt.Fprintf(&out, "a=ice-ufrag:%s\r\na=ice-pwd:%s\r\n", UfragRe.FindStringSubmatch(sdp)[1], pwdRe.FindStringSubmatch(sdp)[1])
		for _, c := range candRe.FindAllStringSubmatch(sdp, -1) {
			out.WriteString("a=" + c[1] + "\r\n")
		}
		out.WriteString("a=end-of-candidates\r\n")
		w.Header().Set("Content-Type", "application/trickle-ice-sdpfrag")
		w.Header().Set("ETag", s.nextETag())
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, out.String())
		return
	}
	for _, c := range candRe.FindAllStringSubmatch(frag, -1) {
		if err := pc.AddICECandidate(webrtc.ICECandidateInit{Candidate: c[1]}); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) delete(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deletes++
	if s.deleteStatus != 0 {
		http.Error(w, "gone", s.deleteStatus)
		return
	}
	if s.peer != nil {
		_ = s.peer.Close()
	}
	w.WriteHeader(http.StatusOK)
}

// Patches returns the PATCHes received so far.
func (s *Server) Patches() []Patch {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Patch(nil), s.patches...)
}

// Deletes returns how many DELETEs came.
func (s *Server) Deletes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.deletes
}

// ETag returns the resource's ETag.
func (s *Server) ETag() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.etag
}

// WaitConnected waits until the server's PeerConnection is connected.
func (s *Server) WaitConnected(ctx context.Context) {
	s.t.Helper()
	select {
	case <-s.connected:
	case <-ctx.Done():
		require.FailNow(s.t, "the server's PeerConnection did not connect")
	}
}

// Reply is an HTTP answer, read whole.
type Reply struct {
	Status int
	Header http.Header
	Body   string
}

// Do sends one plain request, for tests of the protocol itself (exact
// statuses and headers, malformed requests), and reads its answer whole.
// ctype is the Content-Type ("" for none), headers are name, value pairs.
func Do(tb testing.TB, ctx context.Context, method, url, ctype, body string, headers ...string) Reply {
	tb.Helper()
	req, err := http.NewRequestWithContext(ctx, method, url, strings.NewReader(body))
	require.NoError(tb, err)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(tb, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(tb, err)
	return Reply{resp.StatusCode, resp.Header, string(b)}
}
