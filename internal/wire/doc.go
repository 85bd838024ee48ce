// Package wire holds the request and response shapes of the CLU REST API,
// named after the spec's models and spelt as the spec spells their members,
// in the key order of the spec's examples. The server (internal/api) writes
// them and the client (internal/client) reads them, so the two cannot drift
// apart. It imports only the standard library and the error model
// (internal/azerr, whose Error is the spec's Error).
//
// Domain types never go onto the wire: internal/api maps them into these
// explicitly. The one document that passes through as it is, is the project
// file of import and export, whose format package project owns.
package wire
