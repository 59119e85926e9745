// Package activities holds BeSunny's Temporal activities: thin adapters that
// connect workflows to the domain packages (internal/mail, internal/classify,
// Google clients) and to the store. Each adapter is a struct holding its
// dependencies; workflows call its methods through a nil pointer so the
// compiler checks the names and tests can mock them by method value.
//
// Activities take and return ids and small summaries only: big data (raw
// mail, document text) is read from and written to PostgreSQL here, never
// carried through workflow history.
package activities
