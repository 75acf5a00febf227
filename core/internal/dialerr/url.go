package dialerr

import "strings"

// The credentials a server URL may carry are its userinfo
// ("ws://user:password@host", or a token as "ws://token@host") and its
// query (?apisecret=..., ?token=...). These functions are the one place
// that keeps them out of errors and logs.

// CleanURL returns rawURL without userinfo, query and fragment: the form
// messages show. A URL without a scheme loses its userinfo too.
func CleanURL(rawURL string) string {
	u, _, _ := strings.Cut(rawURL, "#")
	u, _, _ = strings.Cut(u, "?")
	if user, ok := Userinfo(u); ok {
		u = strings.Replace(u, user+"@", "", 1)
	}
	return u
}

// Userinfo returns the userinfo of rawURL ("user:password", without the
// "@"), if it has one: what comes before the last "@" of the authority
// (as net/url reads it), also in a URL without a scheme.
func Userinfo(rawURL string) (string, bool) {
	_, rest, ok := strings.Cut(rawURL, "://")
	if !ok {
		rest = rawURL
	}
	authority := rest
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		authority = rest[:i]
	}
	i := strings.LastIndexByte(authority, '@')
	if i < 0 {
		return "", false
	}
	return authority[:i], true
}

// hider returns a replacer that hides the credentials of rawURL where a
// message quotes it, as net/http does ("user:***@"; a userinfo without a
// password, a token, becomes "***@"), and its query ("?***"); nil when
// rawURL has neither.
func hider(rawURL string) *replacer {
	var pairs []string
	if user, ok := Userinfo(rawURL); ok && user != "" {
		if name, pass, ok := strings.Cut(user, ":"); ok {
			if pass != "" {
				pairs = append(pairs, ":"+pass+"@", ":***@")
			}
			if name != "" && pass == "" {
				pairs = append(pairs, user+"@", "***@")
			}
		} else {
			pairs = append(pairs, user+"@", "***@")
		}
	}
	u, _, _ := strings.Cut(rawURL, "#")
	if _, q, ok := strings.Cut(u, "?"); ok && q != "" {
		pairs = append(pairs, "?"+q, "?***")
	}
	if pairs == nil {
		return nil
	}
	return &replacer{pairs: pairs}
}

// replacer replaces each old string of its pairs (old, new, old, new...)
// with its new one. strings.Replacer would do, but costs the WebAssembly
// build 16 kB gzipped for these two or three pairs.
type replacer struct{ pairs []string }

// Replace returns s with the replacements made.
func (r *replacer) Replace(s string) string {
	for i := 0; i+1 < len(r.pairs); i += 2 {
		s = strings.ReplaceAll(s, r.pairs[i], r.pairs[i+1])
	}
	return s
}

// HideString returns s with the credentials of rawURL hidden wherever s
// quotes the URL (a runtime's message that names it, say).
func HideString(s, rawURL string) string {
	if r := hider(rawURL); r != nil {
		return r.Replace(s)
	}
	return s
}

// Scrub returns err, or, when a message anywhere in its chain shows the
// credentials of rawURL (a library's error that quotes the URL as given:
// coder/websocket's and net/url's parse errors do, and net/http hides a
// password but not a token in the userinfo, nor the query), a copy of the
// chain with them hidden. The copy keeps every error whose message and
// causes show nothing, so errors.Is and errors.As still find the causes
// below (syscall.ECONNREFUSED, *net.OpError, context.DeadlineExceeded);
// an error that showed them is replaced by its hidden message over its
// scrubbed causes (an *Error keeps its Match).
func Scrub(err error, rawURL string) error {
	r := hider(rawURL)
	if r == nil || err == nil {
		return err
	}
	out, _ := scrub(err, r)
	return out
}

// scrub returns err scrubbed by r, and whether anything had to change.
func scrub(err error, r *replacer) (error, bool) {
	msg := err.Error()
	hidden := r.Replace(msg)
	changed := hidden != msg
	var causes []error
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		if c := u.Unwrap(); c != nil {
			s, ch := scrub(c, r)
			causes, changed = []error{s}, changed || ch
		}
	case interface{ Unwrap() []error }:
		for _, c := range u.Unwrap() {
			s, ch := scrub(c, r)
			causes, changed = append(causes, s), changed || ch
		}
	}
	if !changed {
		return err, false
	}
	if len(causes) > 1 {
		return &joined{msg: hidden, errs: causes}, true
	}
	e := &Error{Msg: hidden}
	if len(causes) == 1 {
		e.Err = causes[0]
	}
	if old, ok := err.(*Error); ok {
		e.Match = old.Match
	}
	return e, true
}

// joined is a scrubbed error with several causes.
type joined struct {
	msg  string
	errs []error
}

func (e *joined) Error() string   { return e.msg }
func (e *joined) Unwrap() []error { return e.errs }
