package native_test

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

// loopbackEngine lets pion gather (and so reach) candidates on 127.0.0.1
// only: the WHIP tests run a pion peer on each side of loopback, without
// Janus.
func loopbackEngine() *webrtc.SettingEngine {
	se := &webrtc.SettingEngine{}
	se.SetIncludeLoopbackCandidate(true)
	se.SetInterfaceFilter(func(name string) bool { return name == "lo" })
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	return se
}

// loopbackPeer is the client's PeerConfig of the tests.
func loopbackPeer() native.PeerConfig { return native.PeerConfig{SettingEngine: loopbackEngine()} }

// patchRequest is a PATCH the test server received.
type patchRequest struct {
	ifMatch, contentType, body string
}

// whipTestServer is a small WHIP and WHEP server: one resource at a time
// on a pion Peer of its own, written from RFC 9725 and the WHEP draft.
type whipTestServer struct {
	t   *testing.T
	srv *httptest.Server

	// Configuration, set before the first request.
	token        string                     // the bearer token required, if any
	patchStatus  int                        // refuse every PATCH with this status
	links        []string                   // Link header values of the 201
	send         func() []webrtc.TrackLocal // WHEP: the tracks to send; nil for WHIP
	onTrack      func(*webrtc.PeerConnection, *webrtc.TrackRemote)
	serverOffer  bool // WHEP server-offer flow
	deleteStatus int  // refuse DELETE with this status

	mu        sync.Mutex
	peer      *native.Peer
	etag      string
	etags     int
	offers    []string // the bodies of the POSTs
	patches   []patchRequest
	deletes   int
	auth      []string
	connected chan struct{}
}

func newWHIPTestServer(t *testing.T) *whipTestServer {
	s := &whipTestServer{t: t, connected: make(chan struct{})}
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

func (s *whipTestServer) url() string { return s.srv.URL + "/endpoint" }

func (s *whipTestServer) nextETag() string {
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

func (s *whipTestServer) post(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.auth = append(s.auth, r.Header.Get("Authorization"))
	if s.token != "" && r.Header.Get("Authorization") != "Bearer "+s.token {
		http.Error(w, "bad token", http.StatusUnauthorized)
		return
	}
	body, _ := io.ReadAll(r.Body)
	s.offers = append(s.offers, string(body))
	if r.Header.Get("Content-Type") != "application/sdp" {
		http.Error(w, "not SDP", http.StatusUnsupportedMediaType)
		return
	}
	peer, err := native.NewPeer(loopbackPeer())
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
	if s.onTrack != nil {
		pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) { s.onTrack(pc, tr) })
	}
	if s.send != nil {
		for _, tr := range s.send() {
			if _, err := peer.AddTrack(tr); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
		}
	}
	var sdp string
	if s.serverOffer {
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
	for _, l := range s.links {
		w.Header().Add("Link", l)
	}
	w.WriteHeader(http.StatusCreated)
	_, _ = io.WriteString(w, sdp)
}

var (
	ufragRe = regexp.MustCompile(`(?m)^a=ice-ufrag:(.*?)\r?$`)
	pwdRe   = regexp.MustCompile(`(?m)^a=ice-pwd:(.*?)\r?$`)
	candRe  = regexp.MustCompile(`(?m)^a=(candidate:.*?)\r?$`)
)

func (s *whipTestServer) patch(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	body, _ := io.ReadAll(r.Body)
	s.patches = append(s.patches, patchRequest{ifMatch: r.Header.Get("If-Match"), contentType: r.Header.Get("Content-Type"), body: string(body)})
	if s.patchStatus != 0 {
		http.Error(w, "no PATCH here", s.patchStatus)
		return
	}
	if s.token != "" && r.Header.Get("Authorization") != "Bearer "+s.token {
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
	uf := ufragRe.FindStringSubmatch(frag)
	if uf != nil && uf[1] != ufragRe.FindStringSubmatch(remote)[1] {
		// An ICE restart: the client's new credentials make a new offer.
		pwd := pwdRe.FindStringSubmatch(frag)[1]
		offer := ufragRe.ReplaceAllString(remote, "a=ice-ufrag:"+uf[1]+"\r")
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
		fmt.Fprintf(&out, "a=ice-ufrag:%s\r\na=ice-pwd:%s\r\n", ufragRe.FindStringSubmatch(sdp)[1], pwdRe.FindStringSubmatch(sdp)[1])
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

func (s *whipTestServer) delete(w http.ResponseWriter, r *http.Request) {
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

// patchList returns the PATCHes received so far.
func (s *whipTestServer) patchList() []patchRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]patchRequest(nil), s.patches...)
}

// deleteCount returns how many DELETEs came.
func (s *whipTestServer) deleteCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.deletes
}

// currentETag returns the resource's ETag.
func (s *whipTestServer) currentETag() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.etag
}

// waitConnected waits until the server's PeerConnection is connected.
func (s *whipTestServer) waitConnected(ctx context.Context) {
	s.t.Helper()
	select {
	case <-s.connected:
	case <-ctx.Done():
		require.FailNow(s.t, "the server's PeerConnection did not connect")
	}
}
