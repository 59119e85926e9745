package api

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"go.temporal.io/sdk/client"

	"github.com/besunny/workflows/internal/api/apigen"
)

// GetHealthz answers while the process runs.
func (s *Server) GetHealthz(c echo.Context) error {
	return c.JSON(http.StatusOK, apigen.Health{Status: apigen.Ok})
}

// GetReadyz answers 200 only when PostgreSQL and Temporal both answer.
func (s *Server) GetReadyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 3*time.Second)
	defer cancel()
	checks := map[string]string{"postgres": "ok", "temporal": "ok"}
	status, code := apigen.Ok, http.StatusOK
	if err := s.store.Pool.Ping(ctx); err != nil {
		checks["postgres"], status, code = err.Error(), apigen.Unavailable, http.StatusServiceUnavailable
	}
	if _, err := s.temporal.CheckHealth(ctx, &client.CheckHealthRequest{}); err != nil {
		checks["temporal"], status, code = err.Error(), apigen.Unavailable, http.StatusServiceUnavailable
	}
	return c.JSON(code, apigen.Health{Status: status, Checks: &checks})
}
