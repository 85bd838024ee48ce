// Package layering holds one test, which keeps the imports between Parley's
// packages pointing one way: the rules of docs/design.md ("Who imports
// whom"), read from `go list -deps`. It has no code besides the test.
package layering
