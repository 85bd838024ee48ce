// Package compat holds Parley's compatibility suite; it has no code besides
// its tests.
//
// The tests replay the x-ms-examples of the Azure CLU authoring spec, kept as
// data in testdata/examples (docs/contract/AUTHORING.md §11):
// for each example they seed the state the example assumes through the API,
// send the example's request, and compare the answer with the example's
// response: status, required headers, and body shape (every key present with
// the same JSON type, valid enum values, exact values where they are not
// volatile).
//
// Where an example's values are the data of its own project (the classes and
// numbers of an evaluation), deviations.json says so and the answer is
// compared by shape there. The training examples run on the project of the
// import example with utterances added (training_test.go); the examples that
// show a job under way see a real job held in that state. The deployment
// examples deploy that project's models by PUT (deploy_test.go), and the
// suite follows each deploy, delete and swap job to its end: after a deploy,
// the PUT's own URL answers the deployment, as the Python SDK's poller
// expects.
//
// Every difference that is allowed, and every example not replayed yet, is
// listed with its reason in deviations.json. That file and the route table
// (internal/api/routes.go) generate docs/support-matrix.md; rewrite it with
//
//	go test ./internal/compat -run TestSupportMatrix -update
package compat
