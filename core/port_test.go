package core_test

import (
	"net/url"
	"strconv"
)

// port returns the port of a server URL.
func port(raw string) int {
	u, _ := url.Parse(raw)
	p, _ := strconv.Atoi(u.Port())
	return p
}
