package core

import "strings"

// secretKeys are the JSON members whose string value is a credential: the
// API secret, tokens, the admin secret, plugin room secrets and pins, and
// the SIP plugin's pre-hashed password.
var secretKeys = map[string]bool{
	"apisecret": true, "token": true, "admin_secret": true, "admin_key": true,
	"secret": true, "new_secret": true, "pin": true, "new_pin": true,
	"pwd": true, "srtp_crypto": true, "ha1_secret": true,
}

// redact returns msg with the value of every credential member replaced,
// for logs, cut after 2 KB. It scans the JSON strings in order (a string
// followed by a colon is a member name), so it needs no regexp, which
// would add some 250 KB to the WebAssembly build.
func redact(msg []byte) string {
	const max = 2048
	s := string(msg)
	var b strings.Builder
	last := 0 // s[:last] is written
	for i := 0; i < len(s); {
		if s[i] != '"' {
			i++
			continue
		}
		end := stringEnd(s, i)
		if end < 0 {
			break
		}
		j := skipSpace(s, end)
		if !secretKeys[s[i+1:end-1]] || j >= len(s) || s[j] != ':' {
			i = end
			continue
		}
		v := skipSpace(s, j+1)
		if v >= len(s) || s[v] != '"' {
			i = end
			continue
		}
		vend := stringEnd(s, v)
		if vend < 0 { // cut short: hide the rest
			vend = len(s)
		}
		b.WriteString(s[last:i])
		b.WriteString(s[i:end])
		b.WriteString(`:"[redacted]"`)
		last, i = vend, vend
	}
	if last > 0 {
		b.WriteString(s[last:])
		s = b.String()
	}
	if len(s) > max {
		s = s[:max] + "...(truncated)"
	}
	return s
}

// stringEnd returns the index just after the JSON string starting at
// s[i] (a quote), or -1 when it does not end.
func stringEnd(s string, i int) int {
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return -1
}

func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}
