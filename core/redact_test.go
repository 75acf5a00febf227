package core

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRedact(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"janus":"create","apisecret":"s3","transaction":"x"}`, `{"janus":"create","apisecret":"[redacted]","transaction":"x"}`},
		{`{"token" : "a\"b\\", "pin":"1234","x":"token"}`, `{"token":"[redacted]", "pin":"[redacted]","x":"token"}`},
		{`{"body":{"request":"create","secret":"room","new_pin":"p","admin_key":"k"}}`, `{"body":{"request":"create","secret":"[redacted]","new_pin":"[redacted]","admin_key":"[redacted]"}}`},
		{`{"body":{"request":"register","secret":"pw","ha1_secret":"h"}}`, `{"body":{"request":"register","secret":"[redacted]","ha1_secret":"[redacted]"}}`},
		{`{"secret":42,"pwd":"x"}`, `{"secret":42,"pwd":"[redacted]"}`}, // only string values are secrets
		{`{"a":"secret","b":"pin"}`, `{"a":"secret","b":"pin"}`},        // values named like keys stay
		{`{"admin_secret":"cut short`, `{"admin_secret":"[redacted]"`},  // the rest of a cut message is hidden
		{`{"srtp_crypto":"inline:abc","token":""}`, `{"srtp_crypto":"[redacted]","token":"[redacted]"}`},
		{`not json "token":"t"`, `not json "token":"[redacted]"`},
	} {
		assert.Equal(t, tc.want, redact([]byte(tc.in)), tc.in)
	}
	long := `{"token":"t","x":"` + strings.Repeat("a", 3000) + `"}`
	got := redact([]byte(long))
	assert.True(t, strings.HasPrefix(got, `{"token":"[redacted]"`))
	assert.True(t, strings.HasSuffix(got, "...(truncated)"))
	assert.Len(t, got, 2048+len("...(truncated)"))
}
