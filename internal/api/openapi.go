package api

import (
	_ "embed"
	"encoding/json"
	"net/http"
	"sync"

	"github.com/labstack/echo/v4"

	"github.com/besunny/workflows/internal/api/apigen"
)

//go:embed docs.html
var docsPage []byte

var specJSON = sync.OnceValues(func() ([]byte, error) {
	spec, err := apigen.GetSpec()
	if err != nil {
		return nil, err
	}
	return json.Marshal(spec)
})

// openAPI serves the API contract (api/openapi.yaml) as JSON.
func (s *Server) openAPI(c echo.Context) error {
	b, err := specJSON()
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, b)
}

// docs serves a self-contained page that renders /openapi.json: no CDN is
// needed, so it works offline and behind strict firewalls.
func (s *Server) docs(c echo.Context) error {
	return c.HTMLBlob(http.StatusOK, docsPage)
}
