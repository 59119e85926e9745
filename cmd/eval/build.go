package main

import (
	"fmt"

	"github.com/besunny/workflows/internal/classify"
)

// Build returns the classifier to evaluate, a function counting LLM
// requests (nil for local) and a cleanup function.
func Build(which string, ds *Dataset, live bool, model string) (classify.Classifier, func() int, func(), error) {
	switch which {
	case "local":
		return classify.NewLocal(ds), nil, func() {}, nil
	}
	return nil, nil, nil, fmt.Errorf("unknown classifier %q", which)
}
