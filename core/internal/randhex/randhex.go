// Package randhex makes random hexadecimal strings for transaction ids,
// from math/rand/v2 (ChaCha8, seeded by the runtime): they must be unique,
// not secret, and crypto/rand would add math/big and more to the wasm
// build.
package randhex

import "math/rand/v2"

// String returns n random lower-case hexadecimal digits.
func String(n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[rand.IntN(16)]
	}
	return string(b)
}
