package password

import (
	_ "embed"
	"strings"
	"sync"
)

// commonList is the 10,000 most common passwords (see its header for the
// source and common_LICENSE.txt for its license): no network at run time.
//
//go:embed common.txt
var commonList string

// common is commonList as a set, built on first use.
var common = sync.OnceValue(func() map[string]struct{} {
	set := make(map[string]struct{}, 10_000)
	for _, line := range strings.Split(commonList, "\n") {
		if line != "" && !strings.HasPrefix(line, "#") {
			set[line] = struct{}{}
		}
	}
	return set
})

// Common reports whether pw, in any case, is one of the 10,000 most common
// passwords: the first ones an attacker tries (issue 14, NIST SP 800-63B
// §5.1.1.2 asks verifiers to refuse them).
func Common(pw string) bool {
	_, ok := common()[strings.ToLower(pw)]
	return ok
}
