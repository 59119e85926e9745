package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/mock"

	"github.com/besunny/workflows/internal/store"
)

type health struct {
	Status string            `json:"status"`
	Checks map[string]string `json:"checks"`
}

func TestReadyz_ShowsComponentsUpOrDownAndLogsTheDetails(t *testing.T) {
	// A database that cannot be reached, named with details an outsider
	// must not learn: host, port, user, database.
	pool, err := pgxpool.New(context.Background(), "postgres://besunny_app:hunter2@127.0.0.1:1/besunny_secret_db?sslmode=disable&connect_timeout=1")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	h := newAPIHarnessWithStore(t, nil, store.New(pool))
	h.temporal.On("CheckHealth", mock.Anything, mock.Anything).
		Return(nil, errors.New("rpc error: code = Unavailable desc = dial tcp temporal-frontend.internal:7233: connection refused")).Once()

	rec := h.do(request{method: http.MethodGet, target: "/readyz"})
	if rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("readyz: %d, want 503", rec.Code)
	}
	var got health
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Status != "unavailable" || len(got.Checks) != 2 || got.Checks["postgres"] != "down" || got.Checks["temporal"] != "down" {
		t.Fatalf("readyz = %s, want postgres and temporal down", rec.Body.String())
	}
	for _, secret := range []string{"127.0.0.1", "besunny_app", "besunny_secret_db", "temporal-frontend", "7233", "dial", "rpc error"} {
		if strings.Contains(rec.Body.String(), secret) {
			t.Errorf("readyz shows %q: %s", secret, rec.Body.String())
		}
	}
	for _, detail := range []string{"temporal-frontend.internal", "connection refused"} {
		if !strings.Contains(h.logs.String(), detail) {
			t.Errorf("the log lacks %q:\n%s", detail, h.logs.String())
		}
	}
}

func TestReadyz_AllUp(t *testing.T) {
	h := newAPIHarness(t, nil)
	h.temporal.On("CheckHealth", mock.Anything, mock.Anything).Return(nil, nil).Once()
	rec := h.do(request{method: http.MethodGet, target: "/readyz"})
	var got health
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if rec.Code != http.StatusOK || got.Status != "ok" || got.Checks["postgres"] != "up" || got.Checks["temporal"] != "up" {
		t.Fatalf("readyz: %d %s", rec.Code, rec.Body.String())
	}
}
