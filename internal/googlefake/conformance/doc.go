// Package conformance checks the sandbox Google against Google's own
// description of its APIs: the discovery documents shipped in
// google.golang.org/api at the version in go.mod, read from the module
// cache (LocateModule), plus hand-written tables, citing Google's
// documentation, for what discovery does not describe — the OAuth and
// OpenID Connect endpoints, Google's error envelope, and the pushes Google
// sends (the Pub/Sub push envelope with its OIDC token, Drive and Calendar
// channel notifications).
//
// A Checker wraps the fake's handler (Middleware) and its outgoing HTTP
// client (Transport). For every request it checks that the method exists,
// its parameters and body match the document, and required ones are
// present; for every answer the status, the body against the response
// schema (field names, types, 64-bit integers as strings, enums, formats,
// maps, partial responses) or Google's error envelope; for every push the
// documented fields. Violations name the method id, the JSON path and what
// the authority says. In tests they are recorded and fail the test at
// cleanup (conformancetest.Checker); the local stack logs or refuses them
// (Mode).
//
// The checker knows the shape of Google's answers, not their meaning:
// semantics, ordering, consistency, quotas and prose-only rules stay the
// tests' business.
package conformance
