// Package migrations holds BeSunny's goose SQL migrations, embedded so every
// binary can bring its database up to date at start.
package migrations

import "embed"

// FS contains the migration files (NNNNN_name.sql).
//
//go:embed *.sql
var FS embed.FS
