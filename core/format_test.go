package core

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/gojanus/gojanus/core/transport"
	"github.com/gojanus/gojanus/core/transport/mem"
)

func TestFormattedValuesHideSecrets(t *testing.T) {
	c, f := newFake(t, WithAPISecret("s3cret-api"), WithToken("s3cret-token"), WithAdminSecret("s3cret-admin"))
	s, h := f.session(c)
	tr, _ := mem.New()
	a := NewAdmin(tr, WithAdminSecret("s3cret-admin"))
	defer a.Close()
	values := []any{c, s, h, a, fields(c), fields(s), fields(a), transport.Session{ID: 1, APISecret: "s3cret-api", Token: "s3cret-token"}}
	for _, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
			out := fmt.Sprintf(verb, v)
			for _, secret := range []string{"s3cret-api", "s3cret-token", "s3cret-admin"} {
				assert.NotContains(t, out, secret, "%s of %T", verb, v)
			}
		}
	}
	assert.Contains(t, fmt.Sprint(h), "janus.plugin.echotest")
}

// fields formats the struct a pointer points to, field by field, as %v of
// the dereferenced value would (without copying its locks).
func fields(p any) string { return fmt.Sprintf("%+v", reflectValue(p)) }

func reflectValue(p any) any { return reflect.ValueOf(p).Elem() }
