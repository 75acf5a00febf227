package main

import (
	"strconv"

	"github.com/gojanus/gojanus/core"
)

// parseID reads a room or feed id from the command line: a number, or a
// string id for plugins running with string_ids.
func parseID(s string) core.ID {
	if n, err := strconv.ParseUint(s, 10, 64); err == nil {
		return core.NumID(n)
	}
	return core.StrID(s)
}
