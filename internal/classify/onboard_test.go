package classify_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/besunny/workflows/internal/classify"
	"github.com/besunny/workflows/internal/openaifake"
)

var summary = classify.Summary{
	Overview:     "42-unit residential building on Quay Road for Meridian Homes, with ground floor shops. Brightline Construction is the contractor.",
	Keywords:     []string{"Residential", "fire strategy", "Balconies"},
	Deliverables: "Stage 5 drawings; fire strategy report; show flat specification",
	Contacts: "Claire Donovan (Development Manager) <claire.donovan@meridianhomes.com>\n" +
		"Gareth Price - site manager, gareth.price@brightline-build.com\n" +
		"ines@kestrelstructures.co.uk",
	Dates:      "Handover phase 1 in June",
	Locations:  "Quay Road, Portside",
	References: "Job HVR-2291, planning ref 24/0117/FUL",
}

func TestLocalOnboarder_ExtractsTagsEntitiesCodesAndLocations(t *testing.T) {
	p, u, err := classify.NewLocalOnboarder().Onboard(context.Background(), "Harbor View Residences", summary)
	if err != nil || u != (classify.Usage{}) {
		t.Fatal(err, u)
	}
	for _, want := range []string{"residential", "fire_strategy", "balconies"} {
		if !has(p.NormalizedTags, want) {
			t.Errorf("tags %v lack %q", p.NormalizedTags, want)
		}
	}
	for _, tag := range p.NormalizedTags {
		if tag != strings.ToLower(tag) || strings.Contains(tag, " ") {
			t.Errorf("tag %q is not snake_case", tag)
		}
	}
	if !has(p.Categories, "Construction") {
		t.Errorf("categories %v", p.Categories)
	}
	people := map[string]classify.Person{}
	for _, per := range p.Entities.People {
		people[per.Name] = per
	}
	if c := people["Claire Donovan"]; c.Email != "claire.donovan@meridianhomes.com" || c.Role != "Development Manager" {
		t.Errorf("Claire = %+v (people %+v)", c, p.Entities.People)
	}
	if g := people["Gareth Price"]; g.Email != "gareth.price@brightline-build.com" || !strings.Contains(g.Role, "site manager") {
		t.Errorf("Gareth = %+v", g)
	}
	if _, ok := people["Ines"]; !ok {
		t.Errorf("person from a bare address missing: %+v", p.Entities.People)
	}
	for _, d := range []string{"meridianhomes.com", "brightline-build.com", "kestrelstructures.co.uk"} {
		if !has(p.Entities.Domains, d) {
			t.Errorf("domains %v lack %q", p.Entities.Domains, d)
		}
	}
	if !has(p.Entities.ProjectCodes, "HVR-2291") {
		t.Errorf("codes %v", p.Entities.ProjectCodes)
	}
	if strings.Join(p.Entities.Locations, "|") != "Quay Road|Portside" {
		t.Errorf("locations %v", p.Entities.Locations)
	}
	for _, want := range []string{"Meridian Homes", "Brightline Construction"} {
		if !has(p.ReferenceKeywords, want) {
			t.Errorf("reference keywords %v lack %q", p.ReferenceKeywords, want)
		}
	}
}

func TestLocalOnboarder_EmptySummary(t *testing.T) {
	p, _, err := classify.NewLocalOnboarder().Onboard(context.Background(), "X", classify.Summary{})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(p)
	if strings.Contains(string(b), "null") {
		t.Errorf("empty profile has nulls: %s", b)
	}
}

func TestProfile_JSONIsSnakeCase(t *testing.T) {
	b, _ := json.Marshal(classify.Profile{NormalizedTags: []string{"a"}, Entities: classify.EntityPatterns{ProjectCodes: []string{"X-1"}}})
	for _, k := range []string{`"normalized_tags"`, `"categories"`, `"reference_keywords"`, `"entities"`, `"project_codes"`, `"people"`} {
		if !strings.Contains(string(b), k) {
			t.Errorf("%s lacks %s", b, k)
		}
	}
	b, _ = json.Marshal(summary)
	for _, k := range []string{`"overview"`, `"keywords"`, `"deliverables"`, `"contacts"`, `"dates"`, `"locations"`, `"references"`} {
		if !strings.Contains(string(b), k) {
			t.Errorf("%s lacks %s", b, k)
		}
	}
}

func TestOpenAIOnboarder_StrictSchemaAndProfile(t *testing.T) {
	fake, o := newFake(t, openaifake.Options{})
	var _ classify.Onboarder = o
	p, u, err := o.Onboard(context.Background(), "Harbor View Residences", summary)
	if err != nil {
		t.Fatal(err)
	}
	if fake.RequestsFor(classify.ProfileSchemaName) != 1 || u.PromptTokens == 0 {
		t.Errorf("requests %d usage %+v", fake.RequestsFor(classify.ProfileSchemaName), u)
	}
	if !has(p.NormalizedTags, "fire_strategy") || !has(p.Entities.Domains, "meridianhomes.com") || !has(p.Entities.ProjectCodes, "HVR-2291") {
		t.Errorf("profile %+v", p)
	}
	req, _ := fake.Last()
	if !strings.Contains(req.User, "Project name: Harbor View Residences") || !strings.Contains(req.User, "Contacts: Claire Donovan") {
		t.Errorf("prompt:\n%s", req.User)
	}
}

func TestOpenAIOnboarder_NormalisesAndRejectsBadOutput(t *testing.T) {
	answer := `{"normalized_tags":["Fire Strategy","fire-strategy","Balconies"],"categories":["Construction"],"reference_keywords":["Quay Road"],` +
		`"entities":{"people":[{"name":"","role":"","email":"CLAIRE@meridianhomes.com"},{"name":"Bob","role":"","email":"not an email"}],` +
		`"locations":["Portside"],"domains":["@Meridianhomes.com","gmail.com"],"project_codes":["hvr-2291"]}}`
	_, o := newFake(t, openaifake.Options{Respond: func(openaifake.Request) (string, bool) { return answer, true }})
	p, _, err := o.Onboard(context.Background(), "Harbor View", summary)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(p.NormalizedTags, ",") != "fire_strategy,balconies" {
		t.Errorf("tags %v", p.NormalizedTags)
	}
	if len(p.Entities.People) != 2 || p.Entities.People[0].Name != "Claire" || p.Entities.People[0].Email != "claire@meridianhomes.com" || p.Entities.People[1].Email != "" {
		t.Errorf("people %+v", p.Entities.People)
	}
	if strings.Join(p.Entities.Domains, ",") != "meridianhomes.com" || strings.Join(p.Entities.ProjectCodes, ",") != "HVR-2291" {
		t.Errorf("domains %v codes %v", p.Entities.Domains, p.Entities.ProjectCodes)
	}

	_, o = newFake(t, openaifake.Options{Respond: func(openaifake.Request) (string, bool) { return `{"normalized_tags":[]}`, true }})
	if _, _, err := o.Onboard(context.Background(), "X", summary); llmErr(t, err).Kind != classify.KindInvalidOutput {
		t.Errorf("err = %v", err)
	}
}

func has(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
