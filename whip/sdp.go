package whip

import (
	"slices"
	"strings"

	"github.com/gojanus/gojanus/core"
)

// The handler only relays SDP between the HTTP client and Janus; what it
// reads or changes in it is line work on a few attributes (RFC 8866 lines,
// RFC 8840 fragments), not a parse of the whole description.

// sdpLines splits an SDP or an SDP fragment into its lines, without their
// CRLF or LF ends and without empty lines.
func sdpLines(sdp string) []string {
	var out []string
	for l := range strings.SplitSeq(sdp, "\n") {
		if l = strings.TrimRight(l, "\r"); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// joinSDP joins lines with CRLF ends.
func joinSDP(lines []string) string { return strings.Join(lines, "\r\n") + "\r\n" }

// looksLikeSDP reports whether body starts as an SDP does ("v=0").
func looksLikeSDP(body string) bool {
	return strings.HasPrefix(strings.TrimLeft(body, "\r\n\t "), "v=0")
}

// mediaSections returns the mid of each m-section of sdp, in order (empty
// for a section without a=mid); its length is the number of m-lines.
func mediaSections(sdp string) []string {
	var mids []string
	for _, l := range sdpLines(sdp) {
		switch {
		case strings.HasPrefix(l, "m="):
			mids = append(mids, "")
		case strings.HasPrefix(l, "a=mid:") && len(mids) > 0:
			mids[len(mids)-1] = strings.TrimPrefix(l, "a=mid:")
		}
	}
	return mids
}

// iceCredentials returns the first ICE username fragment and password of
// sdp (session level or the first m-section's).
func iceCredentials(sdp string) (ufrag, pwd string) {
	for _, l := range sdpLines(sdp) {
		if v, ok := strings.CutPrefix(l, "a=ice-ufrag:"); ok && ufrag == "" {
			ufrag = v
		}
		if v, ok := strings.CutPrefix(l, "a=ice-pwd:"); ok && pwd == "" {
			pwd = v
		}
	}
	return ufrag, pwd
}

// withICECredentials returns sdp with every ICE username fragment and
// password replaced and its candidates removed: the description of the
// same session after an ICE restart, whose candidates come by trickle.
func withICECredentials(sdp, ufrag, pwd string) string {
	var out []string
	for _, l := range sdpLines(sdp) {
		switch {
		case strings.HasPrefix(l, "a=ice-ufrag:"):
			l = "a=ice-ufrag:" + ufrag
		case strings.HasPrefix(l, "a=ice-pwd:"):
			l = "a=ice-pwd:" + pwd
		case strings.HasPrefix(l, "a=candidate:"), l == "a=end-of-candidates":
			continue
		}
		out = append(out, l)
	}
	return joinSDP(out)
}

// fragment is what a PATCH with an application/trickle-ice-sdpfrag body
// carries: the client's ICE credentials, its candidates and whether it
// finished gathering.
type fragment struct {
	ufrag, pwd string
	candidates []core.Candidate // SDPMid set, SDPMLineIndex from the session's m-lines
	completed  bool
}

// parseFragment reads an SDP fragment (RFC 8840): a=ice-ufrag and
// a=ice-pwd, then m-sections whose a=mid names the m-line of the
// session its a=candidate lines belong to. mids are the session's m-lines
// (mediaSections of its description). bad says what is wrong with a body
// that is no usable fragment (a candidate for a mid the session does not
// have, a line a fragment does not hold).
func parseFragment(body string, mids []string) (f fragment, bad string) {
	mid, inSection := "", false
	for _, l := range sdpLines(body) {
		switch {
		case strings.HasPrefix(l, "a=ice-ufrag:"):
			f.ufrag = strings.TrimPrefix(l, "a=ice-ufrag:")
		case strings.HasPrefix(l, "a=ice-pwd:"):
			f.pwd = strings.TrimPrefix(l, "a=ice-pwd:")
		case strings.HasPrefix(l, "m="):
			mid, inSection = "", true
		case strings.HasPrefix(l, "a=mid:"):
			mid = strings.TrimPrefix(l, "a=mid:")
		case strings.HasPrefix(l, "a=candidate:"):
			c := core.Candidate{Candidate: strings.TrimPrefix(l, "a="), SDPMid: mid}
			if !inSection || mid == "" {
				return f, "a candidate outside an m-section with an a=mid"
			}
			i := slices.Index(mids, mid)
			if i < 0 {
				return f, "a candidate for mid " + mid + ", which the session does not have"
			}
			c.SDPMLineIndex = core.MLineIndex(uint16(i))
			f.candidates = append(f.candidates, c)
		case l == "a=end-of-candidates":
			f.completed = true
		case strings.HasPrefix(l, "a="), strings.HasPrefix(l, "c="):
			// other attributes (ice-options, group...) say nothing we use
		default:
			return f, "not an SDP fragment line: " + truncate(l, 40)
		}
	}
	return f, ""
}

// fragmentOf turns a full SDP (the server's answer or offer after an ICE
// restart) into the SDP fragment the client needs: the ICE credentials,
// then each m-line with its mid and candidates.
func fragmentOf(sdp string) string {
	ufrag, pwd := iceCredentials(sdp)
	var head, body []string
	section := false
	for _, l := range sdpLines(sdp) {
		switch {
		case l == "a=ice-lite" && !section:
			head = append(head, l)
		case strings.HasPrefix(l, "a=ice-options:") && !section:
			head = append(head, l)
		case strings.HasPrefix(l, "m="):
			section = true
			body = append(body, l)
		case section && (strings.HasPrefix(l, "a=mid:") || strings.HasPrefix(l, "a=candidate:") || l == "a=end-of-candidates"):
			body = append(body, l)
		}
	}
	head = append(head, "a=ice-ufrag:"+ufrag, "a=ice-pwd:"+pwd)
	return joinSDP(append(head, body...))
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
