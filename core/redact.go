package core

import "regexp"

// secretFields matches JSON string members whose value is a credential:
// the API secret, tokens, the admin secret and plugin room secrets/pins.
var secretFields = regexp.MustCompile(`"(apisecret|token|admin_secret|admin_key|secret|new_secret|pin|new_pin|pwd|srtp_crypto)"\s*:\s*"(?:[^"\\]|\\.)*"`)

// redact returns msg with every credential value replaced, for logs.
func redact(msg []byte) string {
	const max = 2048
	s := secretFields.ReplaceAllString(string(msg), `"$1":"[redacted]"`)
	if len(s) > max {
		s = s[:max] + "...(truncated)"
	}
	return s
}
