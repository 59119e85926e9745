package api

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/besunny/workflows/internal/api/apigen"
)

// problem is an error that renders as RFC 9457 problem details.
type problem struct {
	status int
	title  string
	detail string
}

func (p *problem) Error() string { return p.title + ": " + p.detail }

func newProblem(status int, detail string) *problem {
	return &problem{status: status, title: http.StatusText(status), detail: detail}
}

func badRequest(detail string) error { return newProblem(http.StatusBadRequest, detail) }
func forbidden(detail string) error  { return newProblem(http.StatusForbidden, detail) }
func notFound(detail string) error   { return newProblem(http.StatusNotFound, detail) }
func conflict(detail string) error   { return newProblem(http.StatusConflict, detail) }

// errorHandler renders every error as application/problem+json. Errors that
// are not problems or echo HTTP errors are logged and shown as a plain 500, so
// internal details never reach the caller.
func (s *Server) errorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	var p *problem
	var be *bindError
	var he *echo.HTTPError
	switch {
	case errors.As(err, &p):
	case errors.As(err, &be):
		p = newProblem(be.status, be.detail)
	case errors.As(err, &he):
		p = newProblem(he.Code, publicDetail(he))
	default:
		s.log.ErrorContext(c.Request().Context(), "request failed", "error", err,
			"method", c.Request().Method, "path", c.Path(), "request_id", requestID(c))
		p = newProblem(http.StatusInternalServerError, "the server could not complete the request; it has been logged")
	}
	body := apigen.Problem{Type: "about:blank", Title: p.title, Status: p.status}
	if p.detail != "" {
		body.Detail = &p.detail
	}
	if id := requestID(c); id != "" {
		body.RequestId = &id
	}
	instance := c.Request().URL.Path
	body.Instance = &instance
	c.Response().Header().Set(echo.HeaderContentType, "application/problem+json")
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(p.status)
		return
	}
	_ = c.JSON(p.status, body)
}

func requestID(c echo.Context) string {
	return c.Response().Header().Get(echo.HeaderXRequestID)
}
