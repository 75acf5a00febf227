package native

import (
	"strings"
)

// iceParams are the ICE credentials and candidates of an SDP or an SDP
// fragment (RFC 8840).
type iceParams struct {
	ufrag, pwd string
	candidates []string // "candidate:..." without "a="
	lite       bool
}

// sdpLines splits an SDP or fragment into lines without their ends.
func sdpLines(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimRight(l, "\r "); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// parseICE reads the first ICE credentials and every candidate of an SDP
// or a fragment.
func parseICE(s string) iceParams {
	var p iceParams
	for _, l := range sdpLines(s) {
		switch {
		case strings.HasPrefix(l, "a=ice-ufrag:") && p.ufrag == "":
			p.ufrag = strings.TrimPrefix(l, "a=ice-ufrag:")
		case strings.HasPrefix(l, "a=ice-pwd:") && p.pwd == "":
			p.pwd = strings.TrimPrefix(l, "a=ice-pwd:")
		case strings.HasPrefix(l, "a=candidate:"):
			p.candidates = append(p.candidates, strings.TrimPrefix(l, "a="))
		case l == "a=ice-lite":
			p.lite = true
		}
	}
	return p
}

// sdpFragment builds the trickle-ice-sdpfrag body of RFC 9725 from the
// local description: the BUNDLE group, and each m-line with its mid and
// the ICE credentials; the candidates (and end-of-candidates when done)
// go into the first m-line, the one that carries the bundled transport.
func sdpFragment(local string, candidates []string, done bool) string {
	ice := parseICE(local)
	var b strings.Builder
	line := func(s string) { b.WriteString(s + "\r\n") }
	first := true
	inMedia := false
	flush := func() {
		if !inMedia {
			return
		}
		line("a=ice-ufrag:" + ice.ufrag)
		line("a=ice-pwd:" + ice.pwd)
		if first {
			for _, c := range candidates {
				line("a=" + c)
			}
			if done {
				line("a=end-of-candidates")
			}
			first = false
		}
	}
	for _, l := range sdpLines(local) {
		switch {
		case strings.HasPrefix(l, "a=group:BUNDLE"), strings.HasPrefix(l, "a=ice-options:") && !inMedia:
			line(l)
		case strings.HasPrefix(l, "m="):
			flush()
			inMedia = true
			line(l)
		case strings.HasPrefix(l, "a=mid:") && inMedia:
			line(l)
		}
	}
	flush()
	return b.String()
}

// withICE rewrites a remote description for new ICE credentials and
// candidates after an ICE restart: the old credentials are replaced, the
// old candidates dropped, the new ones added at the end of the first
// m-line's section.
func withICE(remote string, ice iceParams) string {
	var b strings.Builder
	line := func(s string) { b.WriteString(s + "\r\n") }
	media, added := 0, false
	add := func() {
		if media == 1 && !added {
			for _, c := range ice.candidates {
				line("a=" + c)
			}
			added = true
		}
	}
	for _, l := range sdpLines(remote) {
		switch {
		case strings.HasPrefix(l, "a=ice-ufrag:"):
			line("a=ice-ufrag:" + ice.ufrag)
		case strings.HasPrefix(l, "a=ice-pwd:"):
			line("a=ice-pwd:" + ice.pwd)
		case strings.HasPrefix(l, "a=candidate:"), l == "a=end-of-candidates":
		case strings.HasPrefix(l, "m="):
			add()
			media++
			line(l)
		default:
			line(l)
		}
	}
	add()
	return b.String()
}
