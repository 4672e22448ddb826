// Package layout holds no code: its tests keep the import rules of
// STYLE.md true as the tree grows (issue 11). A dialect sees only the core
// and the wire toolkit, never the store; the load generator reaches renova
// over HTTP only, never the core, the store or the composition root.
package layout
