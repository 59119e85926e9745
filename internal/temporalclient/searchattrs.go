package temporalclient

import (
	"context"
	"fmt"
	"log/slog"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/sdk/client"
)

// EnsureSearchAttributes registers the attributes the namespace lacks. It is
// idempotent: attributes that exist (with any type) are left alone, so a
// rolling restart of several workers is harmless. Temporal Cloud manages
// attributes through its own control plane; when registration is refused
// there, the error says to create them in the Cloud UI.
func EnsureSearchAttributes(ctx context.Context, c client.Client, namespace string, want map[string]enums.IndexedValueType, logger *slog.Logger) error {
	ops := c.OperatorService()
	existing, err := ops.ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: namespace})
	if err != nil {
		return fmt.Errorf("list search attributes: %w", err)
	}
	missing := map[string]enums.IndexedValueType{}
	for name, typ := range want {
		if _, ok := existing.GetCustomAttributes()[name]; ok {
			continue
		}
		if _, ok := existing.GetSystemAttributes()[name]; ok {
			continue
		}
		missing[name] = typ
	}
	if len(missing) == 0 {
		return nil
	}
	_, err = ops.AddSearchAttributes(ctx, &operatorservice.AddSearchAttributesRequest{
		Namespace:        namespace,
		SearchAttributes: missing,
	})
	if err != nil {
		return fmt.Errorf("register search attributes %v (on Temporal Cloud, add them in the namespace settings): %w", keys(missing), err)
	}
	logger.Info("search attributes registered", "names", keys(missing))
	return nil
}

func keys(m map[string]enums.IndexedValueType) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
