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

// Component states in /readyz.
const (
	componentUp   = "up"
	componentDown = "down"
)

// GetReadyz answers 200 only when PostgreSQL and Temporal both answer. It is
// public (load balancers call it), so it names each component up or down
// and nothing more; why one is down (hosts, users, databases in the driver's
// errors) goes to the log.
func (s *Server) GetReadyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 3*time.Second)
	defer cancel()
	checks := map[string]string{"postgres": componentUp, "temporal": componentUp}
	status, code := apigen.Ok, http.StatusOK
	down := func(component string, err error) {
		s.log.WarnContext(ctx, "readiness check failed", "component", component, "error", err, "request_id", requestID(c))
		checks[component], status, code = componentDown, apigen.Unavailable, http.StatusServiceUnavailable
	}
	if err := s.store.Pool.Ping(ctx); err != nil {
		down("postgres", err)
	}
	if _, err := s.temporal.CheckHealth(ctx, &client.CheckHealthRequest{}); err != nil {
		down("temporal", err)
	}
	return c.JSON(code, apigen.Health{Status: status, Checks: &checks})
}
