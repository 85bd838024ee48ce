// Package compat holds Parley's compatibility suite; it has no code besides
// its tests.
//
// The tests replay the x-ms-examples of the Azure CLU authoring spec, kept as
// data in ../shared/api/examples beside the repository (AUTHORING.md §11):
// for each example they seed the state the example assumes through the API,
// send the example's request, and compare the answer with the example's
// response: status, required headers, and body shape (every key present with
// the same JSON type, valid enum values, exact values where they are not
// volatile).
//
// Every difference that is allowed, and every example not replayed yet, is
// listed with its reason in deviations.json. That file and the route table
// (internal/api/routes.go) generate docs/support-matrix.md; rewrite it with
//
//	go test ./internal/compat -run TestSupportMatrix -update
package compat
