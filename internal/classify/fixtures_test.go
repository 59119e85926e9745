package classify

import "context"

// Three projects of an architecture practice and a software agency's
// client: two sibling building projects share the contractor's site
// manager (Gareth Price).
func testProjects() []Project {
	return []Project{
		{
			ID: "p-hv", Name: "Harbor View Residences", Revision: "1",
			Description: "42 apartments with balconies on Quay Road for Meridian Homes, on site with Brightline.",
			Tags:        []string{"residential", "balconies", "fire_strategy"}, Categories: []string{"Construction"},
			ReferenceKeywords: []string{"Quay Road", "show flat"},
			Entities: EntityPatterns{
				People:       []Person{{Name: "Claire Donovan", Role: "Client", Email: "claire@meridianhomes.com"}, {Name: "Gareth Price", Role: "Site manager", Email: "gareth@brightline-build.com"}},
				Domains:      []string{"meridianhomes.com"},
				ProjectCodes: []string{"HVR-2291"},
				Locations:    []string{"Portside"},
			},
		},
		{
			ID: "p-ms", Name: "Maple Street Library", Revision: "1",
			Description: "Refurbishment of the listed library for Eastfield Borough Council: reading room, children's library, lift.",
			Tags:        []string{"library", "heritage", "refurbishment"}, Categories: []string{"Construction"},
			ReferenceKeywords: []string{"reading room", "conservation officer"},
			Entities: EntityPatterns{
				People:       []Person{{Name: "Robert Akande", Email: "robert@eastfield.gov.uk"}, {Name: "Gareth Price", Role: "Site manager", Email: "gareth@brightline-build.com"}},
				Domains:      []string{"eastfield.gov.uk"},
				ProjectCodes: []string{"MSL-2307"},
			},
		},
		{
			ID: "p-fw", Name: "Fernway Checkout", Revision: "1",
			Description: "Headless checkout with Stripe payments, Apple Pay and shipping rates for Fernway Outdoor.",
			Tags:        []string{"checkout", "payments", "stripe"}, Categories: []string{"Software"},
			ReferenceKeywords: []string{"Apple Pay", "cart"},
			Entities:          EntityPatterns{Domains: []string{"fernway.com"}, ProjectCodes: []string{"FERN"}},
		},
	}
}

// countingSource is an ExampleSource that counts its calls.
type countingSource struct {
	calls    map[string]int
	examples map[string][]Example
	err      error
}

func newCountingSource() *countingSource {
	return &countingSource{calls: map[string]int{}, examples: map[string][]Example{}}
}

func (s *countingSource) Examples(_ context.Context, id string) ([]Example, error) {
	s.calls[id]++
	return s.examples[id], s.err
}
