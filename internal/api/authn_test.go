package api_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/besunny/workflows/internal/auth"
)

func TestAuthentication_RefusesLongLivedTokensAndUnknownRoles(t *testing.T) {
	h := newAPIHarness(t, map[string]string{"JWT_MAX_TOKEN_LIFETIME": "24h"})
	id := uuid.New()
	tests := []struct {
		name string
		spec auth.TokenSpec
		want int
	}{
		{"a user token within the maximum lifetime", auth.TokenSpec{UserID: id, Role: auth.RoleAuthenticated, TTL: 24 * time.Hour}, http.StatusOK},
		{"a user token living longer than JWT_MAX_TOKEN_LIFETIME", auth.TokenSpec{UserID: id, Role: auth.RoleAuthenticated, TTL: 25 * time.Hour}, http.StatusUnauthorized},
		{"a service token living longer than JWT_MAX_TOKEN_LIFETIME", auth.TokenSpec{Role: auth.RoleService, TTL: 30 * 24 * time.Hour}, http.StatusUnauthorized},
		{"the anon role", auth.TokenSpec{UserID: id, Role: "anon"}, http.StatusUnauthorized},
		{"a custom role", auth.TokenSpec{UserID: id, Role: "admin"}, http.StatusUnauthorized},
		{"no role", auth.TokenSpec{UserID: id}, http.StatusUnauthorized},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := h.do(request{method: http.MethodGet, target: "/api/v1/me", bearer: h.mint(tc.spec)})
			if rec.Code != tc.want {
				t.Fatalf("GET /api/v1/me: %d %s, want %d", rec.Code, rec.Body.String(), tc.want)
			}
		})
	}
}
